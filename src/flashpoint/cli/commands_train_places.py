"""`flashpoint train places`: rebuild the toponym ranker from the training texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import err, fail, out
from flashpoint.cli.commands_train import train_app
from flashpoint.resources import data_path
from flashpoint.stages.place_ranker import MODEL_FILE, Ranker

TRAINING = Path("training")


@train_app.command("places")
def train_places_command(
    texts: Annotated[
        Path, typer.Option("--texts", help="Training texts: gold JSONL with toponyms.")
    ] = TRAINING / "places_geovirus.jsonl",
    articles: Annotated[
        Path | None,
        typer.Option(
            "--articles",
            help="Also train on the coded places of the project's own articles (YAML folder, "
            "e.g. training/articles; measured, not used for the shipped model).",
        ),
    ] = None,
    features: Annotated[
        Path, typer.Option("--features", help="Where the candidate rows are written.")
    ] = TRAINING / "place_ranker_features.tsv.gz",
    model: Annotated[
        Path | None, typer.Option("--model", help="Model file to write (default: the shipped one).")
    ] = None,
    from_features: Annotated[
        bool,
        typer.Option("--from-features", help="Fit on the rows already in --features (no NLP)."),
    ] = False,
    cv: Annotated[bool, typer.Option("--cv/--no-cv", help="Also cross-validate (5 folds).")] = True,
) -> None:
    """Fit the place ranker (logistic regression) and report its cross-validated acc@161km."""
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise fail("training needs scikit-learn: pip install 'flashpoint[dev]'") from exc
    from flashpoint import place_training as training
    from flashpoint.pipeline import Pipeline

    target = model or data_path(MODEL_FILE)
    if from_features:
        if not features.is_file():
            raise fail(f"{features}: no such file (run without --from-features first)")
        data = training.read_features(features)
        texts_read = analyzed = None
    else:
        if not texts.is_file():
            raise fail(f"{texts}: no such file")
        if articles is not None and not articles.is_dir():
            raise fail(f"{articles}: no such folder")
        texts_read = training.read_texts(texts)
        err.print(f"parsing {len(texts_read)} texts of {texts}")
        pipeline = Pipeline()
        analyzed = training.analyze(texts_read, texts, pipeline)
        data = training.collect(texts_read, analyzed, Ranker.rules())
        if articles is not None:
            own = training.own_article_texts(articles)
            err.print(f"parsing {len(own)} articles of {articles}")
            own_rows = training.collect(
                own,
                training.analyze(own, articles, pipeline),
                Ranker.rules(),
                first_document=len(texts_read),
            )
            data = training.extend(data, own_rows)
        training.write_features(data, features)
        err.print(f"{len(data.rows)} candidate rows -> {features}")
        # Fitted on the rows as written, so --from-features rebuilds the same model.
        data = training.read_features(features)
    rows, labels, _ = data.arrays()
    ranker = training.fit(rows, labels)
    training.write_model(ranker, target)
    out.print(f"model -> {target}")
    if cv and texts_read is not None and analyzed is not None:
        rules = training.cross_validate(texts_read, analyzed, data, rules_only=True)
        scores = training.cross_validate(texts_read, analyzed, data)
        out.print(json.dumps({"rules_only": rules, "ranker_cv": scores}))
