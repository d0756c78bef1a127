"""`flashpoint train records`: rebuild the record screen from the training articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import out
from flashpoint.cli.commands_train import (
    ArticlesOption,
    JsonOption,
    ModelOption,
    RefreshOption,
    fit_on_articles,
    train_app,
)


@train_app.command("records")
def train_records_command(
    articles: ArticlesOption = None,
    features: Annotated[
        Path | None,
        typer.Option(
            "--features",
            help="Where the records' features are kept; default: "
            "training/record_screen_features.jsonl.",
        ),
    ] = None,
    model: ModelOption = None,
    refresh: RefreshOption = False,
    as_json: JsonOption = False,
) -> None:
    """Fit the record screen (logistic regression, deterministic), choose its threshold on
    5-fold cross-validation by article, and report the cross-validated figures."""
    from flashpoint import screen_train as training

    figures = fit_on_articles(training, articles, features, model, refresh, as_json, "records")
    if figures is None:
        return
    best = figures["cross_validated"]
    out.print(
        f"{figures['records']} records of {figures['articles']} articles; right before "
        f"screening {figures['precision_unscreened']:.3f}; cross-validated at threshold "
        f"{best['threshold']}: precision {best['precision']:.3f}, right records kept "
        f"{best['kept_right']:.3f}, of key incidents {best['kept_key']:.3f} -> {figures['model']}"
    )
    if "held_out" in figures:
        test = figures["held_out"]
        out.print(
            f"held out ({test['articles']} articles, {test['records']} records): precision "
            f"{test['precision_unscreened']:.3f} -> {test['precision']:.3f}, right records kept "
            f"{test['kept_right']:.3f}, of key incidents {test['kept_key']:.3f}"
        )
