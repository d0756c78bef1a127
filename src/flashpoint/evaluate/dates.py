"""`flashpoint eval-dates GOLD.jsonl`: date expressions found and resolved, against TimeML gold.

Gold lines: {text, published, timexes: [{start, end, text, type, value}]} as in
`../shared/gold/dates_tempeval3.jsonl` (TempEval-3 platinum; `published` is the document
creation time). Each text is parsed as one article (paragraphs as body parts) and every date
expression the dates stage can find is compared with the gold timexes of type DATE:

- date_f1: a predicted expression that overlaps a gold DATE is a true positive (each gold
  expression matched once); one overlapping a gold TIME ("Friday afternoon") is neither right
  nor wrong (we resolve to the day); any other predicted expression, including one overlapping
  a gold DURATION or SET, is a false positive; unmatched gold DATEs are false negatives.
- value_accuracy: of the matched gold DATEs whose value is a calendar period or a TimeML
  reference (2013-03-22, 2013-W12, 2013-03, 2012-SU, 2013, 199, 19, PRESENT_REF, PAST_REF,
  FUTURE_REF), the share our resolution equals at the gold's precision (a predicted day is
  right for a gold month if it falls in that month). Gold values that are not anchored in the
  calendar (2012-XX-XX, XXXX-WI) or that are durations typed DATE (P5Y) count for date_f1
  only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.errors import InputError
from flashpoint.evaluate.gold import gold_lines
from flashpoint.model import Article, Part
from flashpoint.stages import nlp as nlp_stage
from flashpoint.stages.clean import article_id
from flashpoint.stages.dates import article_expressions
from flashpoint.temporal import TimeExpression

REFERENCE_VALUES = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")


@dataclass
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class GoldDocument:
    line: int
    text: str
    published: dt.datetime | None
    timexes: list[GoldTimex]


@dataclass
class DateTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    scored: int = 0
    right: int = 0
    errors: list[dict] = field(default_factory=list)


def read_gold(path: Path) -> Iterator[GoldDocument | InputError]:
    """Gold documents, or the reason a line is not one (bad JSON, bad encoding, no text)."""
    for entry in gold_lines(path):
        if isinstance(entry, InputError):
            yield entry
            continue
        number, where, data = entry
        timexes = []
        for item in data.get("timexes") or []:
            try:
                timexes.append(
                    GoldTimex(
                        start=int(item["start"]),
                        end=int(item["end"]),
                        text=str(item.get("text", "")),
                        type=str(item.get("type", "DATE")).upper(),
                        value=str(item.get("value", "")),
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                yield InputError(where, "a timex needs integer 'start' and 'end'")
                break
        else:
            yield GoldDocument(number, data["text"], _published(data.get("published")), timexes)


def _published(value) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def gold_article(document: GoldDocument, name: str) -> Article:
    """The gold text as one article, unchanged (gold offsets stay valid), paragraphs as body."""
    text = document.text
    parts = [
        Part(kind="body", start=m.start(), end=m.end())
        for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", text, re.DOTALL)
    ]
    return Article(
        id=article_id(text) if text.strip() else "a0",
        input_name=name,
        published=document.published,
        text=text,
        parts=parts,
    )


def evaluate_dates(
    path: Path, nlp=None, progress: Callable[[int], None] | None = None
) -> tuple[dict, DateTally, list[InputError]]:
    """Score date finding and resolution on one gold file: the `--json` object, the counts
    behind it, and the lines that could not be read."""
    documents: list[GoldDocument] = []
    problems: list[InputError] = []
    for item in read_gold(path):
        (problems if isinstance(item, InputError) else documents).append(item)
    articles = [gold_article(d, f"{path}:{d.line}") for d in documents]
    tally = DateTally()
    analyzed_all = nlp_stage.analyze(articles, nlp or nlp_stage.load_nlp())
    for document, analyzed in zip(documents, analyzed_all, strict=True):
        predicted = [f.expression for f in article_expressions(analyzed)]
        score_document(document, predicted, tally)
        if progress:
            progress(1)
    return summarize(tally, len(documents)), tally, problems


def score_document(
    document: GoldDocument, predicted: list[TimeExpression], tally: DateTally
) -> None:
    dates = [t for t in document.timexes if t.type == "DATE"]
    times = [t for t in document.timexes if t.type == "TIME"]
    matched: set[int] = set()
    for expression in predicted:
        gold_index = next(
            (i for i, gold in enumerate(dates) if i not in matched and _overlap(expression, gold)),
            None,
        )
        if gold_index is not None:
            matched.add(gold_index)
            tally.tp += 1
            gold = dates[gold_index]
            if _scorable(gold.value):
                tally.scored += 1
                if value_matches(expression.value, gold.value):
                    tally.right += 1
                else:
                    tally.errors.append(
                        {"text": gold.text, "gold": gold.value, "predicted": expression.value}
                    )
            continue
        if any(_overlap(expression, t) for t in times):
            continue
        tally.fp += 1  # nothing, or a DURATION / SET: not a date
    tally.fn += len(dates) - len(matched)


def _overlap(expression: TimeExpression, gold: GoldTimex) -> bool:
    return expression.start < gold.end and gold.start < expression.end


def _scorable(value: str) -> bool:
    if value in REFERENCE_VALUES:
        return True
    return bool(value) and "X" not in value and not value.startswith("P")


def value_matches(predicted: str | None, gold: str) -> bool:
    """Is the predicted TimeML value right at the gold's precision?"""
    if not predicted:
        return False
    if gold in REFERENCE_VALUES or predicted in REFERENCE_VALUES:
        return predicted == gold
    if predicted == gold:
        return True
    day = _as_day(predicted)
    if re.fullmatch(r"\d{4}-W\d{2}", gold):
        if day is not None:
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}" == gold
        return predicted.startswith(gold)  # a weekend of that week
    if _SEASON.match(gold):
        return False
    if re.fullmatch(r"\d{4}-\d{2}", gold):
        return day is not None and predicted.startswith(gold)
    if re.fullmatch(r"\d{4}", gold):
        season = _SEASON.match(predicted)
        if season:
            return season.group(1) == gold
        return bool(re.match(r"\d{4}(?:-\d{2}|-W\d{2})?", predicted)) and predicted[:4] == gold
    if re.fullmatch(r"\d{2,3}", gold):
        # a decade (199) or a century (19): any finer value inside it
        return predicted.isdigit() and len(predicted) >= len(gold) and predicted.startswith(gold)
    return False


def _as_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def summarize(tally: DateTally, n: int) -> dict:
    return {
        "n": n,
        "date_f1": round(_f1(tally.tp, tally.fp, tally.fn), 4),
        "value_accuracy": round(tally.right / tally.scored, 4) if tally.scored else None,
    }


def details(tally: DateTally) -> dict:
    """Counts behind the scores, for the readable output."""
    return {
        "tp": tally.tp,
        "fp": tally.fp,
        "fn": tally.fn,
        "scored": tally.scored,
        "right": tally.right,
    }
