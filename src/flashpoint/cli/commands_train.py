"""`flashpoint train acled`: rebuild a shipped model from the training data in the repository.

Training needs the development extra (scikit-learn); predicting with the shipped model does not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from flashpoint.cli.app import app, err, fail, out

train_app = typer.Typer(
    help="Rebuild a shipped model from the training data in the repository (needs the dev "
    "extra: scikit-learn).",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")


# Options of the models trained on whole articles (`train records`, `train incidents`).
ArticlesOption = Annotated[
    Path | None,
    typer.Option(
        "--articles",
        help="Folder of training articles (YAML); default: the repository's training/articles.",
    ),
]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model file to write (default: the shipped one).")
]
RefreshOption = Annotated[
    bool,
    typer.Option("--refresh", help="Re-code the articles first (after changes to the stages)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")]


def article_rows(
    training: Any, articles: Path | None, features: Path | None, refresh: bool, noun: str
) -> tuple[list[Any], list[Any] | None]:
    """The kept training rows of a model trained on whole articles (`screen_train`,
    `incident_train`): re-coded from the articles with `refresh` or when missing, then read as
    written (so a run without --refresh rebuilds the same model), with the held-out articles'
    rows when the default data are used."""
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise fail("training needs scikit-learn: pip install 'flashpoint[dev]'") from exc
    from flashpoint.training_articles import SOURCE_DIR, TEST_DIR, SourceError

    source = articles or SOURCE_DIR
    table = features or training.FEATURES_FILE
    held_out = None if articles or features else (TEST_DIR, training.TEST_FEATURES_FILE)
    for folder, path in [(source, table), *([held_out] if held_out else [])]:
        if refresh or not path.is_file():
            if not folder.is_dir():
                raise fail(f"{folder}: no such folder of training articles")
            try:
                found = training.extract_rows(folder)
            except SourceError as error:
                raise fail(str(error)) from None
            training.write_rows(found, path)
            err.print(f"{len(found)} {noun} -> {path}")
    test = training.read_rows(held_out[1]) if held_out else None
    return training.read_rows(table), test


def fit_on_articles(
    training: Any,
    articles: Path | None,
    features: Path | None,
    model: Path | None,
    refresh: bool,
    as_json: bool,
    noun: str,
) -> dict[str, Any] | None:
    """Fit a model trained on whole articles from its kept rows and write it; the figures to
    print, or None once they were printed as JSON."""
    rows, test = article_rows(training, articles, features, refresh, noun)
    try:
        figures = training.train(rows, model, test)
    except ValueError as error:
        raise fail(str(error)) from None
    if as_json:
        out.print_json(json.dumps(figures))
        return None
    return figures


@train_app.command("acled")
def train_acled_command(
    train: Annotated[
        Path | None,
        typer.Option(help="Training sentences (JSONL); default: the package's acled_train.jsonl."),
    ] = None,
    test: Annotated[
        Path | None,
        typer.Option(help="Held-out sentences (JSONL); default: the package's acled_test.jsonl."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the model; default: the package's model."),
    ] = None,
    cross_validation: Annotated[
        bool, typer.Option("--cv/--no-cv", help="Report 5-fold cross-validation (slower).")
    ] = True,
    refresh_events: Annotated[
        bool,
        typer.Option(
            "--refresh-events",
            help="Re-run the pipeline on every sentence and store its PLOVER fields first "
            "(after changes to the PLOVER stages).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Rebuild the ACLED typing model (data/models/acled.npz), deterministically, and report its
    cross-validated and held-out figures."""
    from flashpoint import acled_train

    for path in (train, test):
        if path is not None and not path.is_file():
            raise fail(f"{path}: no such file")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise fail("training needs scikit-learn: pip install 'flashpoint[dev]'") from None
    report = acled_train.train(
        train, test, output, cross_validation=cross_validation, refresh=refresh_events
    )
    figures = {
        "model": str(report.path),
        "version": report.model.meta.get("version"),
        "bytes": report.path.stat().st_size,
        "features": report.model.meta.get("features"),
        "cross_validated": report.cross_validated.to_dict() if report.cross_validated else None,
        "held_out": report.held_out.to_dict() if report.held_out else None,
    }
    if as_json:
        out.file.write(json.dumps(figures) + "\n")
        return
    out.print(f"wrote {figures['model']} ({figures['bytes']:,} bytes, {figures['version']})")
    table = Table(title="ACLED sub_event_type", title_justify="left", pad_edge=False)
    table.add_column("split")
    for column in ("n", "accuracy", "macro-F1", "none P", "none R"):
        table.add_column(column, justify="right")
    splits = (("5-fold CV (train)", report.cross_validated), ("held-out", report.held_out))
    for name, scores in splits:
        if scores is not None:
            table.add_row(
                name,
                str(scores.n),
                f"{scores.accuracy:.3f}",
                f"{scores.macro_f1:.3f}",
                f"{scores.none_precision:.3f}",
                f"{scores.none_recall:.3f}",
            )
    out.print(table)


# `train places`, `records` and `incidents` live in their own modules, on this same group.
from flashpoint.cli import (  # noqa: E402, F401
    commands_train_incidents,
    commands_train_places,
    commands_train_records,
)
