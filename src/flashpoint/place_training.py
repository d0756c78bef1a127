"""Training the toponym ranker (`flashpoint train places`): features, fit, cross-validation.

The training texts are GeoVirus (WikiNews, CC BY 2.5; `training/places_geovirus.jsonl`). With
`--articles training/articles` the project's own articles (MIT) are added: there every place an
incident is coded at (a town, district, province or country, with its point) is a toponym at
each of its occurrences that does not stand inside a longer name (`own_article_texts`); they
cost GeoVirus' cross-validation 0.8897 -> 0.8860, so the shipped model is fitted without them
(README). Each text runs through the NLP and places stages as in production; every toponym
that has two or more candidates and matches a gold toponym gives one row per candidate,
labelled 1 for the most precise candidates within 161 km of the gold point (a town, not the
province of the same name around it). A logistic regression (scikit-learn, a dev dependency;
the fit is deterministic) is fitted on the standardised rows; the model file holds
only the means, scales and weights, read with numpy at run time.

Cross-validation is by GeoVirus document (5 folds): each fold's model is fitted on the other
four (and the project's articles, when given), and the held-out texts are resolved with it
end to end, so the figure is the one `eval-places` would print for a model that never saw them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from flashpoint.analysis import AnalyzedArticle
from flashpoint.errors import DataError, InputError
from flashpoint.evaluate.places import (
    ACCURACY_KM,
    GoldText,
    GoldToponym,
    PlaceTally,
    _aligned,
    gold_article,
    haversine_km,
    read_gold,
    score_text,
    summarize,
)
from flashpoint.gazetteer import load_gazetteer
from flashpoint.pipeline import Pipeline
from flashpoint.stages import nlp
from flashpoint.stages.place_ranker import FEATURE_NAMES, Ranker
from flashpoint.stages.places import Toponym, find_places
from flashpoint.training_articles import SourceError, build_articles

FOLDS = 5
# The coded places of the project's articles that are toponyms (a site or a region is not).
OWN_PRECISIONS = ("town", "admin2", "admin1", "country")
# A capitalised word right before or after a name makes it part of a longer one ("North" +
# a province, a town + "Road"), unless it is a function word ("In", "The").
_CAPITALISED_BEFORE = re.compile(r"([A-Z][\w’'.-]*)[ -]$")
_CAPITALISED_AFTER = re.compile(r"^[ -][A-Z]")
# Inverse regularisation strength of the logistic regression.
C = 1.0


@dataclass
class TrainingSet:
    """Candidate rows with labels and the document each comes from."""

    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(self.rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)),
            np.asarray(self.labels, dtype=np.int64),
            np.asarray(self.documents, dtype=np.int64),
        )


def read_texts(path: Path) -> list[GoldText]:
    texts: list[GoldText] = []
    for item in read_gold(path):
        if isinstance(item, InputError):
            raise DataError(f"{item.name}: {item.reason}")
        texts.append(item)
    if not texts:
        raise DataError(f"{path}: no gold lines with a 'text' string")
    return texts


def own_article_texts(folder: Path) -> list[GoldText]:
    """The project's own articles as toponym gold: each place an incident is coded at (town,
    district, province or country) at every occurrence of its text as a word, with the coded
    point, except where it stands inside a longer capitalised name or the article codes the
    same text at two points more than 161 km apart."""
    try:
        articles = build_articles(folder)
    except SourceError as exc:
        raise DataError(str(exc)) from exc
    texts: list[GoldText] = []
    for number, article in enumerate(articles, start=1):
        text = article["text"]
        points: dict[str, list[tuple[float, float]]] = {}
        for event in article["events"]:
            place = event.get("place")
            if place and place["precision"] in OWN_PRECISIONS and place["text"].strip():
                points.setdefault(place["text"].strip(), []).append((place["lat"], place["lon"]))
        toponyms: list[GoldToponym] = []
        for name, where in sorted(points.items()):
            lat, lon = where[0]
            if any(haversine_km(lat, lon, a, b) > ACCURACY_KM for a, b in where[1:]):
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                start, end = match.span()
                before = _CAPITALISED_BEFORE.search(text[max(0, start - 30) : start])
                if (before and before.group(1).lower() not in STOP_WORDS) or (
                    _CAPITALISED_AFTER.match(text[end : end + 2])
                ):
                    continue
                toponyms.append(GoldToponym(start, end, name, lat, lon))
        toponyms.sort(key=lambda t: t.start)
        kept = [t for i, t in enumerate(toponyms) if i == 0 or t.start >= toponyms[i - 1].end]
        if kept:
            texts.append(GoldText(line=number, text=text, toponyms=kept))
    return texts


def analyze(texts: list[GoldText], path: Path, pipeline: Pipeline) -> list[AnalyzedArticle]:
    articles = [gold_article(t, str(path)) for t in texts]
    return list(nlp.analyze(articles, pipeline.nlp, batch_size=pipeline.options.batch_size))


def collect(
    texts: list[GoldText],
    analyzed: list[AnalyzedArticle],
    ranker: Ranker,
    progress: Callable[[int], None] | None = None,
    first_document: int = 0,
) -> TrainingSet:
    """The labelled candidate rows of every text (features computed with `ranker` in place:
    the features do not depend on the ranker's choices, only on the rules'); documents are
    numbered from `first_document`."""
    gazetteer = load_gazetteer()
    data = TrainingSet()
    for document, (text, article) in enumerate(
        zip(texts, analyzed, strict=True), start=first_document
    ):
        seen: list[tuple[Toponym, list[list[float]]]] = []
        find_places(article, gazetteer, ranker, lambda t, rows, into=seen: into.append((t, rows)))
        located = [g for g in text.toponyms if g.located]
        aligned = _aligned(located, [t for t, _ in seen])
        for (gold, toponym), (_, rows) in zip(aligned, seen, strict=True):
            if gold is None:
                continue
            # The most precise candidates within 161 km of the gold point: of a town and its
            # province, the town the text names.
            near = [
                haversine_km(gold.lat, gold.lon, c.lat, c.lon) <= ACCURACY_KM  # type: ignore[arg-type]
                for c in toponym.candidates
            ]
            finest = max(
                (c.precision or 0 for c, n in zip(toponym.candidates, near, strict=True) if n),
                default=None,
            )
            labels = [
                int(n and (c.precision or 0) == finest)
                for c, n in zip(toponym.candidates, near, strict=True)
            ]
            if 0 < sum(labels) < len(labels):
                data.rows.extend(rows)
                data.labels.extend(labels)
                data.documents.extend([document] * len(rows))
        if progress:
            progress(1)
    return data


def fit(rows: np.ndarray, labels: np.ndarray) -> Ranker:
    """Standardise the rows and fit a logistic regression (deterministic: lbfgs, no sampling)."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit((rows - mean) / scale, labels)
    return Ranker(FEATURE_NAMES, mean, scale, model.coef_[0].copy(), float(model.intercept_[0]))


def extend(data: TrainingSet, more: TrainingSet) -> TrainingSet:
    """Both sets' rows in one (document numbers kept)."""
    return TrainingSet(
        data.rows + more.rows, data.labels + more.labels, data.documents + more.documents
    )


def folds(n_documents: int) -> list[np.ndarray]:
    """Document indices of each fold: every fifth document, so the folds are fixed."""
    return [np.arange(k, n_documents, FOLDS) for k in range(FOLDS)]


def cross_validate(
    texts: list[GoldText],
    analyzed: list[AnalyzedArticle],
    data: TrainingSet,
    rules_only: bool = False,
) -> dict:
    """acc@161km of each held-out fold of `texts` resolved end to end by a model fitted on
    the others and on any rows of other documents (numbered from len(texts)), or by the rules
    alone, for comparison."""
    rows, labels, documents = data.arrays()
    gazetteer = load_gazetteer()
    tally = PlaceTally()
    per_fold = []
    for held in folds(len(texts)):
        train = ~np.isin(documents, held)
        ranker = Ranker.rules() if rules_only else fit(rows[train], labels[train])
        fold = PlaceTally()
        for i in held.tolist():
            found = find_places(analyzed[i], gazetteer, ranker)
            score_text(texts[i], found, fold)
            score_text(texts[i], found, tally)
        per_fold.append(summarize(fold, len(held))["acc_161km"])
    result = summarize(tally, len(texts))
    result["folds"] = per_fold
    return result


def write_model(ranker: Ranker, path: Path) -> None:
    path.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")


def write_features(data: TrainingSet, path: Path) -> None:
    """The training rows as a gzipped TSV (label, document, features), fixed bytes for fixed
    rows (no timestamp in the gzip header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["label", "document", *FEATURE_NAMES])
    for label, document, row in zip(data.labels, data.documents, data.rows, strict=True):
        writer.writerow([label, document, *(f"{v:.6g}" for v in row)])
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def read_features(path: Path) -> TrainingSet:
    data = TrainingSet()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None or tuple(header[2:]) != FEATURE_NAMES:
            raise DataError(f"{path}: feature columns differ from this version's; rerun training")
        for number, cells in enumerate(reader, start=2):
            try:
                data.labels.append(int(cells[0]))
                data.documents.append(int(cells[1]))
                data.rows.append([float(v) for v in cells[2:]])
            except (ValueError, IndexError) as exc:
                raise DataError(f"{path}:{number}: {exc}") from exc
    return data
