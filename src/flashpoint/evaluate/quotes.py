"""`flashpoint eval-quotes GOLD.jsonl`: quote extraction scored against a gold file.

Gold lines: {text, published?, quotes: [{text, spans, speaker, speaker_spans, cue, direct}]},
spans as [[start, end], ...] character offsets into `text` (PolNeAR's shape). Each text runs
through the whole pipeline as one article; predicted offsets are mapped back from the
article's normalised text to the gold text.

Scores (the `--json` object has exactly these keys):
- `n`: gold records scored;
- `direct_precision`, `direct_recall`, `direct_f1`: a predicted direct quote (kind `direct`)
  matches a gold direct quote when their spans overlap by at least half of the shorter
  (spans of a split quote are summed). Precision is the share of predicted direct quotes that
  match a gold one; recall the share of gold direct quotes matched by a predicted one;
- `speaker_accuracy`: of matched gold direct quotes that name a speaker, the share with a
  matching predicted quote whose speaker span (the full mention or the mention at the cue)
  overlaps a gold speaker span, or whose resolved name contains the gold speaker text;
- `indirect_f1`: the same matching for gold indirect attributions (`direct: false`) against
  predicted `indirect` and `partial` quotes: PolNeAR codes words quoted inside the reporter's
  sentence ("called it "a disgrace"") as part of an indirect attribution, as we code them
  `partial`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.evaluate.gold import gold_lines
from flashpoint.model import ArticleResult, Quote
from flashpoint.pipeline import Pipeline
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument

Spans = list[tuple[int, int]]
DIRECT_KINDS = {"direct"}
INDIRECT_KINDS = {"indirect", "partial"}
SCORE_KEYS = (
    "n",
    "direct_precision",
    "direct_recall",
    "direct_f1",
    "speaker_accuracy",
    "indirect_f1",
)


@dataclass
class GoldQuote:
    spans: Spans
    direct: bool
    speaker: str | None = None
    speaker_spans: Spans = field(default_factory=list)


@dataclass
class GoldDocument:
    line: int
    text: str
    quotes: list[GoldQuote]
    published: str | None = None


@dataclass
class Tally:
    direct_predicted: int = 0
    direct_predicted_right: int = 0
    direct_gold: int = 0
    direct_gold_found: int = 0
    speakers_judged: int = 0
    speakers_right: int = 0
    indirect_predicted: int = 0
    indirect_predicted_right: int = 0
    indirect_gold: int = 0
    indirect_gold_found: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _spans(value: object) -> Spans | None:
    if not isinstance(value, list):
        return None
    spans = []
    for item in value:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not all(isinstance(x, int) for x in item)
            or item[1] < item[0]
        ):
            return None
        spans.append((item[0], item[1]))
    return spans


def read_gold(path: Path) -> Iterator[GoldDocument | InputError]:
    """Gold records, or a one-line reason for each line that is not one."""
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            yield entry
            continue
        number, where, data = entry
        quotes = []
        problem = None
        for item in data.get("quotes") or []:
            spans = _spans(item.get("spans")) if isinstance(item, dict) else None
            if not spans:
                problem = "every quote needs 'spans' as [[start, end], ...]"
                break
            quotes.append(
                GoldQuote(
                    spans=spans,
                    direct=bool(item.get("direct")),
                    speaker=item.get("speaker") or None,
                    speaker_spans=_spans(item.get("speaker_spans")) or [],
                )
            )
        if problem:
            yield InputError(where, problem)
            continue
        yield GoldDocument(
            line=number,
            text=data["text"],
            quotes=quotes,
            published=data.get("published") or data.get("date"),
        )


def offset_map(original: str, normalised: str) -> list[int]:
    """For each offset of `normalised` (and its end), the offset in `original` it came from.

    The reader's normalisation strips, drops invisible characters and CRs, turns no-break
    spaces into spaces and composes Unicode (NFC); a walk over both strings follows that, and
    difflib takes over if the walk gets lost."""
    mapping: list[int] = []
    i = 0
    j = 0
    while j < len(normalised):
        if i >= len(original):
            return _difflib_map(original, normalised)
        a, b = original[i], normalised[j]
        if a == b or (a == "\u00a0" and b == " "):
            mapping.append(i)
            i += 1
            j += 1
            continue
        composed = next(
            (k for k in (2, 3, 4) if clean.normalize_text(original[i : i + k]) == b), None
        )
        if composed is not None and not b.isspace():
            mapping.append(i)
            i += composed
            j += 1
            continue
        if a.isspace() or a in "\u200b\u200c\u200d\u2060\ufeff\u00ad\r":
            i += 1
            continue
        return _difflib_map(original, normalised)
    mapping.append(i)
    return mapping


def _difflib_map(original: str, normalised: str) -> list[int]:
    mapping = [0] * (len(normalised) + 1)
    matcher = difflib.SequenceMatcher(None, original, normalised, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            mapping[j1 + k] = i1 + min(k, max(0, i2 - i1 - 1)) if tag != "equal" else i1 + k
    mapping[len(normalised)] = len(original)
    return mapping


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _length(spans: Spans) -> int:
    return sum(e - s for s, e in spans)


def spans_match(predicted: Spans, gold: Spans) -> bool:
    """Overlap of at least half of the shorter of the two."""
    shorter = min(_length(predicted), _length(gold))
    return shorter > 0 and _overlap(predicted, gold) * 2 >= shorter


@dataclass
class _Predicted:
    spans: Spans
    kind: str
    speaker_spans: Spans
    speaker_name: str | None


def _predicted(quote: Quote, mapping: list[int]) -> _Predicted:
    def to_gold(start: int, end: int) -> tuple[int, int]:
        return mapping[min(start, len(mapping) - 1)], mapping[min(end, len(mapping) - 1)]

    parts = quote.parts or []
    spans = [to_gold(p.start, p.end) for p in parts] or [to_gold(quote.start, quote.end)]
    speaker_spans = []
    for span in (quote.speaker, quote.speaker_mention):
        if span is not None:
            speaker_spans.append(to_gold(span.start, span.end))
    name = quote.speaker.name if quote.speaker else None
    return _Predicted(spans=spans, kind=quote.kind, speaker_spans=speaker_spans, speaker_name=name)


def score_document(gold: GoldDocument, quotes: list[Quote], article_text: str) -> Tally:
    """Tally one document: `quotes` index into `article_text` (the normalised gold text)."""
    mapping = offset_map(gold.text, article_text)
    predicted = [_predicted(q, mapping) for q in quotes]
    tally = Tally()
    _score_kind(
        [q for q in gold.quotes if q.direct],
        [p for p in predicted if p.kind in DIRECT_KINDS],
        tally,
        "direct",
    )
    _score_kind(
        [q for q in gold.quotes if not q.direct],
        [p for p in predicted if p.kind in INDIRECT_KINDS],
        tally,
        "indirect",
    )
    return tally


def _score_kind(
    gold: list[GoldQuote], predicted: list[_Predicted], tally: Tally, kind: str
) -> None:
    matched_predictions = set()
    found = 0
    for gold_quote in gold:
        matches = [i for i, p in enumerate(predicted) if spans_match(p.spans, gold_quote.spans)]
        if not matches:
            continue
        found += 1
        matched_predictions.update(matches)
        if kind == "direct" and gold_quote.speaker:
            tally.speakers_judged += 1
            if any(_speaker_right(predicted[i], gold_quote) for i in matches):
                tally.speakers_right += 1
    if kind == "direct":
        tally.direct_gold += len(gold)
        tally.direct_gold_found += found
        tally.direct_predicted += len(predicted)
        tally.direct_predicted_right += len(matched_predictions)
    else:
        tally.indirect_gold += len(gold)
        tally.indirect_gold_found += found
        tally.indirect_predicted += len(predicted)
        tally.indirect_predicted_right += len(matched_predictions)


def _speaker_right(predicted: _Predicted, gold: GoldQuote) -> bool:
    if gold.speaker_spans and _overlap(predicted.speaker_spans, gold.speaker_spans) > 0:
        return True
    name = (predicted.speaker_name or "").lower()
    return bool(name and gold.speaker and gold.speaker.lower() in name)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def summarize(tally: Tally, n: int) -> dict:
    """The `--json` object: exactly the keys of SCORE_KEYS."""
    precision = _ratio(tally.direct_predicted_right, tally.direct_predicted)
    recall = _ratio(tally.direct_gold_found, tally.direct_gold)
    indirect_precision = _ratio(tally.indirect_predicted_right, tally.indirect_predicted)
    indirect_recall = _ratio(tally.indirect_gold_found, tally.indirect_gold)
    return {
        "n": n,
        "direct_precision": precision,
        "direct_recall": recall,
        "direct_f1": _f1(precision, recall),
        "speaker_accuracy": _ratio(tally.speakers_right, tally.speakers_judged),
        "indirect_f1": _f1(indirect_precision, indirect_recall),
    }


def details(tally: Tally) -> dict:
    """Counts behind the scores, for the readable output."""
    return {
        "direct gold": tally.direct_gold,
        "direct predicted": tally.direct_predicted,
        "speakers judged": tally.speakers_judged,
        "indirect gold": tally.indirect_gold,
        "indirect predicted": tally.indirect_predicted,
        "indirect precision": _ratio(tally.indirect_predicted_right, tally.indirect_predicted),
        "indirect recall": _ratio(tally.indirect_gold_found, tally.indirect_gold),
    }


def evaluate(
    path: Path,
    pipeline: Pipeline,
    progress: Callable[[int], None] | None = None,
    problems: list[InputError] | None = None,
) -> tuple[dict, Tally]:
    """Score the pipeline on one gold file: the `--json` object and the counts behind it."""
    documents: list[GoldDocument] = []
    for item in read_gold(path):
        if isinstance(item, InputError):
            if problems is not None:
                problems.append(item)
        else:
            documents.append(item)
    articles = []
    for document in documents:
        meta = {"published": document.published} if document.published else {}
        raw = RawDocument(name=f"{path}:{document.line}", text=document.text, meta=meta)
        articles.append(clean.build_article(raw))
    tally = Tally()
    for document, result in zip(documents, pipeline.process(articles), strict=True):
        if isinstance(result, ArticleResult):
            tally.add(score_document(document, result.quotes, result.article.text))
        else:
            tally.add(score_document(document, [], document.text))
        if progress:
            progress(1)
    return summarize(tally, len(documents)), tally
