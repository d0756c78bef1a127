"""`flashpoint train incidents`: rebuild the incident-link model from the training articles."""

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


@train_app.command("incidents")
def train_incidents_command(
    articles: ArticlesOption = None,
    features: Annotated[
        Path | None,
        typer.Option(
            "--features",
            help="Where the pairs' features are kept; default: "
            "training/incident_link_features.jsonl.",
        ),
    ] = None,
    model: ModelOption = None,
    refresh: RefreshOption = False,
    as_json: JsonOption = False,
) -> None:
    """Fit the incident-link model (logistic regression, deterministic): which earlier incident
    a mention no rule ties retells. The threshold is chosen on 5-fold cross-validation by
    article; the cross-validated and held-out joins are reported."""
    from flashpoint import incident_train as training

    figures = fit_on_articles(training, articles, features, model, refresh, as_json, "pairs")
    if figures is None:
        return
    best = figures["cross_validated"]
    out.print(
        f"{figures['pairs']} pairs of {figures['articles']} articles; cross-validated at "
        f"threshold {best['threshold']}: {best['right']} right joins, {best['wrong']} wrong "
        f"({best['wrong_key']} of a key incident), of {best['possible']} mentions that retell "
        f"an earlier incident -> {figures['model']}"
    )
    if "held_out" in figures:
        test = figures["held_out"]
        out.print(
            f"held out ({test['articles']} articles, {test['pairs']} pairs): {test['right']} "
            f"right joins, {test['wrong']} wrong ({test['wrong_key']} of a key incident), of "
            f"{test['possible']} possible"
        )
