"""ACLED typing: an event's ACLED disorder_type, event_type and sub_event_type, or none.

A linear model (multinomial logistic regression) over three blocks of features of an event:

- word unigrams and bigrams of the incident's text (its sentences), tf-idf weighted;
- character 3- to 5-grams of its words, tf-idf weighted;
- its PLOVER fields: type, mode, type/mode, trigger words and the sectors of its actors and
  recipients (binary).

The model is trained by `flashpoint train acled` (flashpoint.acled_train, with scikit-learn)
on labelled sentences written for the project (data/training/acled_*.jsonl) and shipped as
`data/models/acled.npz`: vocabularies, idf weights, coefficients. Predicting needs only numpy
and this module, which computes the features exactly as training did.

When the model is missing or unsure (its top probability under the threshold stored with it),
the event's ACLED types come from the PLOVER -> ACLED mapping table (data/exports.yaml,
docs/exports.md), as `basis="mapping"`.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flashpoint.resources import data_path, load_yaml

if TYPE_CHECKING:
    from flashpoint.model import AcledCoding, Event

NONE = "none"
"""The class for an event ACLED would not record (statements, diplomacy, crime, disasters...)."""
MODEL_FILE = "models/acled.npz"
TYPES_FILE = "acled_types.yaml"
TEXT_MENTIONS = 3
"""Sentences of an incident (its evidence first) whose words are the model's text features."""

_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[a-z0]+(?:['’-][a-z0]+)*")
CHAR_SIZES = (3, 4, 5)


@dataclass(frozen=True)
class AcledType:
    disorder_type: str
    event_type: str
    sub_event_type: str


@cache
def acled_types() -> dict[str, AcledType]:
    """sub_event_type -> its ACLED types, in the codebook's order (data/acled_types.yaml)."""
    table = load_yaml(TYPES_FILE)
    return {sub: AcledType(disorder, kind, sub) for sub, (kind, disorder) in table.items()}


@cache
def acled_names() -> tuple[str, ...]:
    """Every ACLED event_type and sub_event_type name, event types first, codebook order."""
    kinds = list(dict.fromkeys(t.event_type for t in acled_types().values()))
    return (*kinds, *acled_types())


def acled_sub_event_types() -> dict[str, list[str]]:
    """ACLED event_type -> its sub_event_types, in the codebook's order."""
    tree: dict[str, list[str]] = {}
    for sub, types in acled_types().items():
        tree.setdefault(types.event_type, []).append(sub)
    return tree


# --- features -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PloverFields:
    """What the model reads of an event besides its text."""

    event: str | None = None
    mode: str | None = None
    actor_sectors: tuple[str, ...] = ()
    recipient_sectors: tuple[str, ...] = ()
    trigger: str | None = None

    @classmethod
    def of(cls, event: Event) -> PloverFields:
        return cls(
            event=event.event,
            mode=event.mode,
            actor_sectors=tuple(a.sector for a in event.actor if a.sector),
            recipient_sectors=tuple(a.sector for a in event.recipient if a.sector),
            trigger=event.trigger.text if event.trigger else None,
        )

    @classmethod
    def from_record(cls, record: dict | None) -> PloverFields:
        """From a training record's `events` item ({event, mode, actor, recipient, trigger})."""
        if not record:
            return cls()
        return cls(
            event=record.get("event"),
            mode=record.get("mode"),
            actor_sectors=tuple(record.get("actor") or ()),
            recipient_sectors=tuple(record.get("recipient") or ()),
            trigger=record.get("trigger"),
        )

    def to_record(self) -> dict:
        return {
            "event": self.event,
            "mode": self.mode,
            "actor": list(self.actor_sectors),
            "recipient": list(self.recipient_sectors),
            "trigger": self.trigger,
        }


def normalise(text: str) -> str:
    """Lower case, every digit 0 (a number's size is not its kind)."""
    return _DIGITS.sub("0", text.lower())


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def word_features(text: str) -> list[str]:
    """Word unigrams and bigrams."""
    tokens = words(text)
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def token_grams(token: str) -> list[str]:
    """Character n-grams of a word padded with a space on both sides (as scikit-learn's
    char_wb analyzer does, but defined here so that training and prediction agree)."""
    padded = f" {token} "
    return [padded[i : i + size] for size in CHAR_SIZES for i in range(len(padded) - size + 1)]


def char_features(text: str) -> list[str]:
    """The character n-grams of every word."""
    return [gram for token in words(text) for gram in token_grams(token)]


def plover_features(fields: PloverFields) -> list[str]:
    if fields.event is None:
        return ["event=NONE"]
    found = [f"event={fields.event}", f"mode={fields.mode or '-'}"]
    found.append(f"event_mode={fields.event}/{fields.mode or '-'}")
    for side, sectors in (("actor", fields.actor_sectors), ("recipient", fields.recipient_sectors)):
        codes = {s[i : i + 3] for s in sectors for i in range(0, len(s), 3)} or {"-"}
        found.extend(f"{side}={code}" for code in sorted(codes))
    found.extend(f"trigger={w}" for w in words(fields.trigger or ""))
    return found


def event_text(event: Event) -> str:
    """The incident's text the model reads: its first sentences (evidence first)."""
    spans = event.mentions[:TEXT_MENTIONS] or [event.evidence]
    return " ".join(span.text for span in spans)


# --- the model ----------------------------------------------------------------------------


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))


def _tfidf(found: list[int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf times idf of the features found (their columns, repeated as often as they
    occur), L2-normalised, as scikit-learn's TfidfVectorizer(sublinear_tf) computes it:
    (sorted column indices, values)."""
    if not found:
        return _EMPTY
    index, counts = np.unique(np.array(found, dtype=np.int64), return_counts=True)
    weights = (1.0 + np.log(counts)) * idf[index]
    return index, weights / np.sqrt(weights @ weights)


class AcledModel:
    """The shipped model: three vocabularies, idf weights, the block weights and the
    coefficients of a multinomial logistic regression over their concatenation."""

    def __init__(
        self,
        classes: Sequence[str],
        vocabularies: Sequence[Sequence[str]],
        idf: Sequence[np.ndarray],
        coef: np.ndarray,
        intercept: np.ndarray,
        weights: Sequence[float],
        threshold: float,
        meta: dict,
    ) -> None:
        self.classes = list(classes)
        self.vocabularies = [{g: i for i, g in enumerate(v)} for v in vocabularies]
        self.idf = [np.asarray(x, dtype=np.float64) for x in idf]
        sizes = [len(v) for v in vocabularies]
        self.offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        self.set_coefficients(coef, intercept)
        self.weights = list(weights)
        self.threshold = threshold
        self.meta = meta
        self._text_vector = lru_cache(maxsize=4096)(self._text_vector_uncached)
        self._token_ids = lru_cache(maxsize=65536)(self._token_ids_uncached)

    def set_coefficients(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self._coef_t = np.ascontiguousarray(self.coef.T)  # a row per feature: cheap to gather

    @classmethod
    def load(cls, path: Path) -> AcledModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(
                classes=[str(c) for c in data["classes"]],
                vocabularies=[[str(g) for g in data[f"vocab_{b}"]] for b in range(3)],
                idf=[data["idf_0"], data["idf_1"], data["idf_2"]],
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                weights=[float(w) for w in data["weights"]],
                threshold=float(data["threshold"]),
                meta=meta,
            )

    def save(self, path: Path) -> None:
        """Written with float32 coefficients and sorted keys: the same model, the same bytes."""
        arrays: dict[str, np.ndarray] = {
            "classes": np.array(self.classes),
            "coef": self.coef.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
            "weights": np.array(self.weights, dtype=np.float64),
            "threshold": np.array(self.threshold, dtype=np.float64),
            "meta": np.array(json.dumps(self.meta, sort_keys=True)),
        }
        for b, vocab in enumerate(self.vocabularies):
            ordered = sorted(vocab, key=vocab.__getitem__)
            arrays[f"vocab_{b}"] = np.array(ordered if ordered else [""])[: len(ordered)]
            arrays[f"idf_{b}"] = self.idf[b].astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        # np.savez_compressed would stamp each member with the current time: a fixed stamp
        # keeps a rebuilt model byte for byte the same.
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(arrays):
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, arrays[name], allow_pickle=False)
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                member.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(member, buffer.getvalue())

    def _token_ids_uncached(self, token: str) -> tuple[int, ...]:
        get = self.vocabularies[1].get
        return tuple(i for i in map(get, token_grams(token)) if i is not None)

    def _text_vector_uncached(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        tokens = words(text)
        bigrams = [f"{a} {b}" for a, b in pairwise(tokens)]
        get = self.vocabularies[0].get
        blocks = (
            [i for i in map(get, tokens + bigrams) if i is not None],
            [i for token in tokens for i in self._token_ids(token)],
        )
        indices, values = [], []
        for block, found in enumerate(blocks):
            index, weights = _tfidf(found, self.idf[block])
            indices.append(index + self.offsets[block])
            values.append(weights * self.weights[block])
        return np.concatenate(indices), np.concatenate(values)

    def vector(self, text: str, fields: PloverFields) -> tuple[np.ndarray, np.ndarray]:
        """The event's sparse feature vector: (column indices, values)."""
        index, values = self._text_vector(text)
        vocab, idf = self.vocabularies[2], self.idf[2]
        found = [vocab[f] for f in dict.fromkeys(plover_features(fields)) if f in vocab]
        if not found:
            return index, values
        extra = np.array(found, dtype=np.int64)
        return (
            np.concatenate((index, extra + self.offsets[2])),
            np.concatenate((values, self.weights[2] * idf[extra])),
        )

    def probabilities(self, text: str, fields: PloverFields) -> np.ndarray:
        index, values = self.vector(text, fields)
        scores = values @ self._coef_t[index] + self.intercept
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def predict(self, text: str, fields: PloverFields) -> tuple[str, float]:
        """(sub_event_type or "none", its probability)."""
        proba = self.probabilities(text, fields)
        best = int(np.argmax(proba))
        return self.classes[best], float(proba[best])


@cache
def load_model(path: str | None = None) -> AcledModel | None:
    """The shipped model, or None when its file is missing (the mapping table then decides)."""
    file = Path(path) if path else data_path(MODEL_FILE)
    if not file.exists():
        return None
    return AcledModel.load(file)


# --- coding an event ----------------------------------------------------------------------


def coding(
    sub_event_type: str | None, confidence: float | None, basis: str, model: str | None = None
) -> AcledCoding:
    from flashpoint.model import AcledCoding

    types = acled_types().get(sub_event_type or "")
    return AcledCoding(
        disorder_type=types.disorder_type if types else None,
        event_type=types.event_type if types else None,
        sub_event_type=types.sub_event_type if types else None,
        confidence=None if confidence is None else round(confidence, 4),
        basis=basis,  # type: ignore[arg-type]
        model=model,
    )


def mapped_label(fields: PloverFields) -> str:
    """The mapping table's sub_event_type for an event's PLOVER fields, or "none"."""
    from flashpoint.export import acled_types_of

    row = acled_types_of(fields.event, fields.mode, list(fields.recipient_sectors))
    return row[2] if row else NONE


def decide(
    model: AcledModel | None, text: str, fields: PloverFields
) -> tuple[str, float | None, str]:
    """(sub_event_type or "none", the model's probability, basis): the model's answer when its
    probability reaches its threshold, else the mapping table's."""
    if model is None:
        return mapped_label(fields), None, "mapping"
    label, confidence = model.predict(text, fields)
    if confidence < model.threshold:
        return mapped_label(fields), confidence, "mapping"
    return label, confidence, "model"


def code_event(event: Event, model: AcledModel | None = None) -> AcledCoding:
    """The event's ACLED types: the model's when it is sure enough, else the mapping table's."""
    model = model or load_model()
    label, confidence, basis = decide(model, event_text(event), PloverFields.of(event))
    version = model.meta.get("version") if model is not None and basis == "model" else None
    return coding(None if label == NONE else label, confidence, basis, version)


# --- the store's columns ------------------------------------------------------------------


def acled_columns(event: Event) -> tuple[str, str]:
    """(event_type, sub_event_type) as the store keeps them: '' when ACLED records no event."""
    coded = event.acled if event.acled is not None else code_event(event)
    return coded.event_type or "", coded.sub_event_type or ""


def stored_types(record: str) -> tuple[str, str]:
    """acled_columns of a stored event record (JSON), for the migration that adds them."""
    from flashpoint.model import Event

    return acled_columns(Event.model_validate_json(record))


def acled_name(name: str) -> str:
    """An ACLED event or sub-event type name as ACLED spells it (any case in), else as given."""
    wanted = name.strip().lower()
    return next((n for n in acled_names() if n.lower() == wanted), name.strip())
