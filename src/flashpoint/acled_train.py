"""Training the ACLED typing model (`flashpoint train acled`): scikit-learn, a dev dependency.

The data are sentences written for Flashpoint from the ACLED Codebook's definitions
(data/training/acled_train.jsonl, acled_test.jsonl; NOTICE.md), one JSON object a line:

    {"id", "split", "label" (an ACLED sub_event_type or "none"), "region", "style", "text",
     "events": [{"event", "mode", "actor", "recipient", "trigger"}, ...]}

`events` holds what Flashpoint's pipeline codes from the sentence (PLOVER type, mode, sectors,
trigger): the model's non-text features are what the pipeline gives it at run time, errors
included. They are stored so that training is fast and deterministic; `--refresh-events`
re-runs the pipeline on every sentence after the PLOVER stages change.

Training fits a multinomial logistic regression (lbfgs, deterministic) on the training split;
each sentence is one row per event the pipeline coded from it (weighted 1/n), or one row
without PLOVER features when it coded none. A sentence is scored by its first event, as the
export types each event. Reported: 5-fold cross-validation on the training split (folds by
sentence, stratified by label) and the held-out test split, which is never used for choices.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flashpoint import acled
from flashpoint.errors import DataError
from flashpoint.resources import data_path

TRAIN_FILE = "training/acled_train.jsonl"
TEST_FILE = "training/acled_test.jsonl"
FOLDS = 5
SEED = 17
C = 30.0
"""Inverse regularisation strength of the logistic regression."""
TOL = 1e-4
"""Stopping tolerance of lbfgs."""
CLASS_WEIGHT: str | None = "balanced"
"""scikit-learn's class_weight ("balanced" weighs classes by inverse frequency)."""
BLOCK_WEIGHTS = (1.0, 1.0, 0.25)
"""Weights of the word, character and PLOVER blocks in the concatenated vector."""
MIN_DF = (1, 2, 1)
"""A word n-gram, character n-gram or PLOVER feature must occur in this many sentences."""
THRESHOLD = 0.15
"""Below this top probability the model abstains and the mapping table decides."""
# C, CLASS_WEIGHT, BLOCK_WEIGHTS and THRESHOLD were chosen by 5-fold cross-validation on the
# training split only (2026-12-06: C 10/30/100, class weights none/balanced, PLOVER block
# weight 0.1/0.25/0.5/1.0, threshold 0-0.3); the held-out split played no part.
REQUIRED = ("id", "label", "text")


@dataclass
class Sentence:
    id: str
    label: str
    text: str
    region: str | None = None
    style: str | None = None
    split: str | None = None
    events: list[dict] = field(default_factory=list)

    def fields(self) -> list[acled.PloverFields]:
        return [acled.PloverFields.from_record(e) for e in self.events] or [acled.PloverFields()]

    def to_record(self) -> dict:
        return {
            "id": self.id,
            "split": self.split,
            "label": self.label,
            "region": self.region,
            "style": self.style,
            "text": self.text,
            "events": self.events,
        }


def read_sentences(path: Path) -> list[Sentence]:
    """A labelled sentence file; a bad line is a one-line DataError (file, line, reason)."""
    labels = {*acled.acled_types(), acled.NONE}
    found: list[Sentence] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        missing = [k for k in REQUIRED if not isinstance(record.get(k), str)]
        if missing:
            raise DataError(f"{path}:{number}: no {', '.join(missing)}")
        if record["label"] not in labels:
            raise DataError(f"{path}:{number}: label {record['label']!r} is not an ACLED type")
        found.append(
            Sentence(
                id=record["id"],
                label=record["label"],
                text=record["text"],
                region=record.get("region"),
                style=record.get("style"),
                split=record.get("split"),
                events=list(record.get("events") or []),
            )
        )
    return found


def write_sentences(path: Path, sentences: Sequence[Sentence]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            handle.write(json.dumps(sentence.to_record(), ensure_ascii=False) + "\n")


def refresh_events(sentences: Sequence[Sentence]) -> None:
    """Run the pipeline on every sentence and keep the PLOVER fields of its events."""
    from flashpoint.notebook import code_many

    results = code_many([s.text for s in sentences])
    for sentence, result in zip(sentences, results, strict=True):
        events = sorted(result.events, key=lambda e: (e.evidence.start, e.id))
        sentence.events = [acled.PloverFields.of(e).to_record() for e in events]


# --- features and fitting -------------------------------------------------------------------


def _rows(sentences: Sequence[Sentence]) -> Iterator[tuple[int, str, acled.PloverFields, float]]:
    """(sentence index, text, PLOVER fields, weight): one row per coded event."""
    for i, sentence in enumerate(sentences):
        fields = sentence.fields()
        for item in fields:
            yield i, sentence.text, item, 1.0 / len(fields)


def _vocabulary(docs: Sequence[list[str]], min_df: int) -> tuple[list[str], np.ndarray]:
    """Features in at least `min_df` documents, sorted, with scikit-learn's smooth idf."""
    df: dict[str, int] = {}
    for grams in docs:
        for gram in set(grams):
            df[gram] = df.get(gram, 0) + 1
    kept = sorted(g for g, n in df.items() if n >= min_df)
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in kept])
    return kept, idf


def fit(sentences: Sequence[Sentence], version: str = "") -> tuple[acled.AcledModel, Any]:
    """Fit on sentences; returns the numpy model and the scikit-learn estimator it came from."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    texts = [s.text for s in sentences]
    word_vocab, word_idf = _vocabulary([acled.word_features(t) for t in texts], MIN_DF[0])
    char_vocab, char_idf = _vocabulary([acled.char_features(t) for t in texts], MIN_DF[1])
    plover_docs = [
        [g for item in s.fields() for g in acled.plover_features(item)] for s in sentences
    ]
    plover_vocab, _ = _vocabulary(plover_docs, MIN_DF[2])
    classes = sorted({s.label for s in sentences})
    model = acled.AcledModel(
        classes=classes,
        vocabularies=[word_vocab, char_vocab, plover_vocab],
        idf=[word_idf, char_idf, np.ones(len(plover_vocab))],
        coef=np.zeros((len(classes), len(word_vocab) + len(char_vocab) + len(plover_vocab))),
        intercept=np.zeros(len(classes)),
        weights=BLOCK_WEIGHTS,
        threshold=THRESHOLD,
        meta={},
    )
    matrix, labels, weights, _ = design(model, sentences)
    estimator = LogisticRegression(C=C, max_iter=5000, tol=TOL, class_weight=CLASS_WEIGHT)
    estimator.fit(matrix, labels, sample_weight=weights)
    assert list(estimator.classes_) == classes
    # Stored as float32: keep the float32 values, so that the shipped model is this one.
    model.set_coefficients(
        estimator.coef_.astype(np.float32).astype(np.float64),
        estimator.intercept_.astype(np.float32).astype(np.float64),
    )
    model.meta = {
        "version": version,
        "trained_on": len(sentences),
        "features": {
            "word": len(word_vocab),
            "char": len(char_vocab),
            "plover": len(plover_vocab),
        },
        "C": C,
    }
    del sparse
    return model, estimator


def design(
    model: acled.AcledModel, sentences: Sequence[Sentence]
) -> tuple[Any, list[str], np.ndarray, list[int]]:
    """The rows' sparse matrix (CSR), labels, weights and sentence index, through the model's
    own feature code: what scikit-learn fits is what numpy predicts from."""
    from scipy import sparse

    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    labels: list[str] = []
    weights: list[float] = []
    owners: list[int] = []
    for i, text, fields, weight in _rows(sentences):
        index, values = model.vector(text, fields)
        order = np.argsort(index)
        indices.extend(index[order].tolist())
        data.extend(values[order].tolist())
        indptr.append(len(indices))
        labels.append(sentences[i].label)
        weights.append(weight)
        owners.append(i)
    width = model.coef.shape[1]
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(labels), width))
    return matrix, labels, np.array(weights), owners


# --- scoring --------------------------------------------------------------------------------


def predict_sentence(model: acled.AcledModel, sentence: Sentence) -> str:
    """The label of a sentence: its first coded event's (or its text's, with no event), as the
    acled stage decides it (the mapping table when the model is unsure)."""
    return acled.decide(model, sentence.text, sentence.fields()[0])[0]


@dataclass
class Scores:
    n: int
    accuracy: float
    macro_f1: float
    """Over the ACLED sub-event types present in the gold labels (not `none`)."""
    none_precision: float
    none_recall: float
    per_class: dict[str, dict[str, float]]
    confusions: list[tuple[str, str, int]]

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "none_precision": round(self.none_precision, 4),
            "none_recall": round(self.none_recall, 4),
            "per_class": self.per_class,
            "confusions": [list(c) for c in self.confusions],
        }


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    labels = sorted(set(gold) | set(predicted))
    per_class: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": n_gold,
        }
    sub_types = [label for label in sorted(set(gold)) if label != acled.NONE]
    macro = sum(per_class[label]["f1"] for label in sub_types) / max(1, len(sub_types))
    pairs: dict[tuple[str, str], int] = {}
    for g, p in zip(gold, predicted, strict=True):
        if g != p:
            pairs[(g, p)] = pairs.get((g, p), 0) + 1
    confusions = sorted(((g, p, n) for (g, p), n in pairs.items()), key=lambda c: (-c[2], c[:2]))
    none = per_class.get(acled.NONE, {"precision": 0.0, "recall": 0.0})
    return Scores(
        n=len(gold),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(1, len(gold)),
        macro_f1=macro,
        none_precision=none["precision"],
        none_recall=none["recall"],
        per_class=per_class,
        confusions=confusions[:15],
    )


def evaluate(model: acled.AcledModel, sentences: Sequence[Sentence]) -> Scores:
    predicted = [predict_sentence(model, s) for s in sentences]
    return score([s.label for s in sentences], predicted)


def cross_validated_predictions(
    sentences: Sequence[Sentence], folds: int = FOLDS
) -> list[tuple[str, float, str]]:
    """Stratified k-fold by sentence (seeded): each sentence's (model label, its probability,
    the mapping table's label), from a model that did not see it."""
    from sklearn.model_selection import StratifiedKFold

    labels = [s.label for s in sentences]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    found: list[tuple[str, float, str]] = [("", 0.0, "")] * len(sentences)
    for train_index, test_index in splitter.split(np.zeros(len(labels)), labels):
        model, _ = fit([sentences[i] for i in train_index])
        for i in test_index:
            fields = sentences[i].fields()[0]
            label, confidence = model.predict(sentences[i].text, fields)
            found[i] = (label, confidence, acled.mapped_label(fields))
    return found


def cross_validate(
    sentences: Sequence[Sentence], folds: int = FOLDS, threshold: float = THRESHOLD
) -> Scores:
    """k-fold cross-validated scores, the model abstaining under `threshold` as it does at run
    time."""
    predictions = cross_validated_predictions(sentences, folds)
    predicted = [label if p >= threshold else mapped for label, p, mapped in predictions]
    return score([s.label for s in sentences], predicted)


def model_version(sentences: Sequence[Sentence]) -> str:
    """A hash of the training data and settings: the same data, the same version."""
    import hashlib

    digest = hashlib.sha256()
    for sentence in sentences:
        digest.update(json.dumps(sentence.to_record(), sort_keys=True).encode("utf-8"))
    settings = [C, TOL, CLASS_WEIGHT, BLOCK_WEIGHTS, MIN_DF, THRESHOLD]
    digest.update(json.dumps(settings).encode("utf-8"))
    return f"acled-{digest.hexdigest()[:12]}"


@dataclass
class TrainReport:
    model: acled.AcledModel
    path: Path
    cross_validated: Scores | None
    held_out: Scores | None


def train(
    train_path: Path | None = None,
    test_path: Path | None = None,
    out: Path | None = None,
    cross_validation: bool = True,
    refresh: bool = False,
) -> TrainReport:
    """Rebuild the model from the repository's data; write it; score it."""
    train_path = train_path or data_path(TRAIN_FILE)
    test_path = test_path or data_path(TEST_FILE)
    out = out or data_path(acled.MODEL_FILE)
    training = read_sentences(train_path)
    testing = read_sentences(test_path) if test_path.exists() else []
    if refresh:
        refresh_events(training + testing)
        write_sentences(train_path, training)
        if testing:
            write_sentences(test_path, testing)
    model, _ = fit(training, model_version(training))
    model.save(out)
    return TrainReport(
        model=model,
        path=out,
        cross_validated=cross_validate(training) if cross_validation else None,
        held_out=evaluate(model, testing) if testing else None,
    )
