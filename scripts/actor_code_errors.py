"""Where `actor_code_accuracy` is lost on an event gold file: one line per gold source/target.

    python scripts/actor_code_errors.py ../shared/gold/plover_gsr_cameo_manual.jsonl [--all]

For every gold participant with a code it prints the gold text and code, the code of the
predicted event actor overlapping it (as `flashpoint eval` scores it), the code of the article's
entity overlapping it (what the actors stage made of the mention, events or not), and the code
of the gold text resolved alone (`flashpoint actor TEXT`). The last column says which part of the
pipeline lost the code: `events` (no event actor overlaps, but the actors stage had it right),
`resolver` (the mention itself resolves wrongly), `context` (alone it resolves right, in the
article wrongly), `right`. A development aid: it scores nothing new.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

from flashpoint.evaluate.events import (
    _overlapping_actor,
    _overlaps,
    _raw_offset,
    read_gold,
)
from flashpoint.model import ArticleResult
from flashpoint.pipeline import Pipeline
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--all", action="store_true", help="print right codes too")
    args = parser.parse_args()
    records = [r for r in read_gold(args.gold) if not isinstance(r, Exception)]
    pipeline = Pipeline()
    articles = [
        clean.build_article(RawDocument(name=f"gold:{r.line}", text=r.text, meta={}))
        for r in records
    ]
    causes: Counter[str] = Counter()
    for record, result in zip(records, pipeline.process(articles), strict=True):
        if not isinstance(result, ArticleResult):
            continue
        offset = _raw_offset(record.text)
        date = result.article.published.date() if result.article.published else dt.date.today()
        for gold in record.events:
            candidates = [e for e in result.events if e.event == gold.event and not e.negated]
            pool = candidates or [e for e in result.events if not e.negated]
            for participant, side in [(p, "actor") for p in gold.sources] + [
                (p, "recipient") for p in gold.targets
            ]:
                if not participant.code or participant.start is None:
                    continue
                found = _overlapping_actor(pool, participant, offset, side)
                entity = next(
                    (e for e in result.entities if _overlaps(e, participant, offset)), None
                )
                alone = pipeline.resolver.resolve(participant.text or "", date=date)
                want = participant.code
                got = (found.code or "") if found else "-"
                if got == want:
                    cause = "right"
                elif alone.code != want and (entity is None or entity.code != want):
                    cause = "resolver"
                elif entity is not None and entity.code == want:
                    cause = "events"
                else:
                    cause = "context"
                causes[cause] += 1
                if cause != "right" or args.all:
                    print(
                        f"{record.line}\t{side[:3]}\t{participant.text!r}\t{want}\tevent={got}"
                        f"\tentity={(entity.code or '') if entity else '-'}"
                        f"\talone={alone.code}/{alone.sector}\t{cause}"
                        f"\t{(found.text if found else '')!r}"
                    )
    print(dict(causes), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
