"""Training the incident links (`flashpoint train incidents`): scikit-learn, a dev dependency.

The incidents stage ties a mention to an earlier incident by rules (a shared participant, the
same town, "the attack", facts added right after). Where no rule ties a mention of an act
(verbal events keep the rules' speaker test) to any earlier incident of its type that nothing
rules out, a small logistic model weighs the pair (flashpoint.stages.incidents.link_features).

Its data are the training articles (training/articles/*.yaml, MIT): each is coded with the
incidents and screen stages off, every mention labelled with the coded incidents it reports
(same type, evidence overlapping one of the incident's mentions, as `flashpoint eval-articles`
matches), and the mentions grouped by the rules alone. Every pair the model would weigh is a
row: 1 when the mention reports an incident one of the earlier incident's mentions reports, 0
when it reports only others. Mentions that report no coded incident give no row (merging them
costs no right record). The rows are kept in training/incident_link_features.jsonl (and the
held-out articles' in incident_link_test_features.jsonl) so that training is fast and
deterministic; `--refresh` re-codes the articles.

A mention joins the candidate with the highest probability when it reaches the threshold. The
threshold is chosen on 5-fold cross-validation by article: the one with the most right joins
less WRONG_JOIN_COST per wrong join.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint import linear_train
from flashpoint.evaluate.articles import offset_map
from flashpoint.evaluate.events import LEGACY_TYPES
from flashpoint.model import Event
from flashpoint.resources import data_path
from flashpoint.stages import clean, incidents
from flashpoint.stages.read import RawDocument
from flashpoint.training_articles import ROOT, SOURCE_DIR, build_articles

FEATURES_FILE = ROOT / "training" / "incident_link_features.jsonl"
TEST_FEATURES_FILE = ROOT / "training" / "incident_link_test_features.jsonl"
FOLDS = 5
C = 0.3
"""Inverse regularisation strength (a few hundred rows: strong regularisation)."""
WRONG_JOIN_COST = 2.0
"""A wrong join loses a right record (and perhaps a key incident); a right one removes a
duplicate. Precision alone would price them about evenly; recall is why a wrong one costs two."""
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 20))


@dataclass
class Row:
    article: str
    mention: str  # the mention's event id: its candidates compete
    label: int
    features: dict[str, float]
    key: bool = False  # the mention reports a key incident (a wrong join may lose it)


def gold_reported(
    event: Event, gold_events: list[dict[str, Any]], to_gold: Callable[[int], int]
) -> frozenset[int]:
    """The coded incidents a mention reports (as `flashpoint eval-articles` matches)."""
    start, end = to_gold(event.evidence.start), to_gold(event.evidence.end)
    kind = LEGACY_TYPES.get(event.event, event.event)
    return frozenset(
        index
        for index, gold in enumerate(gold_events)
        if LEGACY_TYPES.get(gold["event"], gold["event"]) == kind
        and any(min(end, e) - max(start, s) > 0 for s, e in gold["mentions"])
    )


def extract_rows(
    source: Path = SOURCE_DIR, progress: Callable[[int], None] | None = None
) -> list[Row]:
    """Code every training article with the incidents stage off and label the pairs the link
    model would weigh."""
    from flashpoint.pipeline import Pipeline, PipelineOptions

    pipeline = Pipeline(PipelineOptions(screen_records=False, merge_incidents=False))
    rows: list[Row] = []
    for item in build_articles(source):
        meta = {"id": item["id"], "published": item["published"], "title": item.get("title")}
        article = clean.build_article(RawDocument(name=item["id"], text=item["text"], meta=meta))
        (analyzed,) = pipeline.analyze([article])
        pipeline.extract(analyzed)
        text = analyzed.article.text
        to_gold = offset_map(text, item["text"])
        reported = {e.id: gold_reported(e, item["events"], to_gold) for e in analyzed.events}

        keys = frozenset(i for i, gold in enumerate(item["events"]) if gold.get("key"))
        observe = _labeller(item["id"], reported, keys, rows)
        incidents.group_events(analyzed.events, text, model=None, observe=observe)
        if progress:
            progress(1)
    return rows


def _labeller(
    article: str, reported: dict[str, frozenset[int]], keys: frozenset[int], rows: list[Row]
) -> Callable[[incidents.Incident, Event, dict[str, float]], None]:
    """An observer that adds a labelled row for every pair the link model would weigh."""

    def observe(incident: incidents.Incident, event: Event, values: dict[str, float]) -> None:
        mine = reported.get(event.id, frozenset())
        if not mine:
            return  # a mention of no coded incident: joining it loses nothing right
        theirs = frozenset().union(*(reported.get(m.id, frozenset()) for m in incident.members))
        rows.append(Row(article, event.id, int(bool(mine & theirs)), values, bool(mine & keys)))

    return observe


def write_rows(rows: list[Row], path: Path = FEATURES_FILE) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            record = {"article": row.article, "mention": row.mention, "label": row.label,
                      "key": row.key, "features": row.features}  # fmt: skip
            handle.write(json.dumps(record, sort_keys=True) + "\n")


def read_rows(path: Path = FEATURES_FILE) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return [
            Row(raw["article"], raw["mention"], int(raw["label"]), raw["features"], raw["key"])
            for raw in map(json.loads, handle)
        ]


def cross_validate(rows: list[Row]) -> list[float]:
    """Out-of-fold probabilities, folds by article."""
    return linear_train.cross_validate(
        [r.article for r in rows], [r.features for r in rows], [r.label for r in rows], C, FOLDS
    )


def joins(rows: list[Row], chances: list[float], threshold: float) -> dict[str, float]:
    """Right and wrong joins when each mention joins its likeliest candidate at or above
    `threshold`; `possible`: mentions with a right candidate."""
    best: dict[tuple[str, str], tuple[float, Row]] = {}
    possible: set[tuple[str, str]] = set()
    for row, chance in zip(rows, chances, strict=True):
        mention = (row.article, row.mention)
        if row.label:
            possible.add(mention)
        if mention not in best or chance > best[mention][0]:
            best[mention] = (chance, row)
    joined = [row for chance, row in best.values() if chance >= threshold]
    wrong = [row for row in joined if not row.label]
    return {"threshold": threshold, "right": len(joined) - len(wrong), "wrong": len(wrong),
            "wrong_key": sum(r.key for r in wrong), "possible": len(possible),
            "mentions": len(best)}  # fmt: skip


def train(
    rows: list[Row], output: Path | None = None, test: list[Row] | None = None
) -> dict[str, Any]:
    """Fit, choose the threshold on cross-validation, write the model; return the figures."""
    if len({r.label for r in rows}) < 2 or len({r.article for r in rows}) < FOLDS:
        raise ValueError(f"too little training data: {len(rows)} pairs")
    chances = cross_validate(rows)
    trials = [joins(rows, chances, t) for t in THRESHOLDS]
    best = max(trials, key=lambda t: (t["right"] - WRONG_JOIN_COST * t["wrong"], t["threshold"]))
    fitted = linear_train.fit([r.features for r in rows], [r.label for r in rows], C)
    trained_on = {
        "articles": len({r.article for r in rows}),
        "pairs": len(rows),
        "same_incident": sum(r.label for r in rows),
    }
    path = output or data_path(incidents.LINK_MODEL_FILE)
    fitted.write(path, best["threshold"], trained_on)
    incidents.load_link_model.cache_clear()
    figures: dict[str, Any] = {
        "pairs": len(rows),
        "articles": trained_on["articles"],
        "cross_validated": best,
        "thresholds": trials,
        "model": str(path),
    }
    if test:
        figures["held_out"] = {
            "articles": len({r.article for r in test}),
            "pairs": len(test),
            **joins(test, fitted.probabilities([r.features for r in test]), best["threshold"]),
        }
    return figures
