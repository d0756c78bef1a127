"""The eval contract's scoring rules, on records built by hand."""

from __future__ import annotations

import json
from pathlib import Path

from flashpoint.evaluate.events import evaluate, read_gold, same_code


def write_gold(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_same_code_accepts_uno_and_eur_for_older_igo() -> None:
    assert same_code("UNO", "IGO") and same_code("EUR", "IGO") and same_code("IGO", "IGO")
    assert (
        not same_code("IGO", "UNO") and not same_code("USA", "IGO") and not same_code(None, "USA")
    )


def test_legacy_type_names_and_null_types(tmp_path: Path) -> None:
    path = write_gold(
        tmp_path / "g.jsonl",
        [
            {"text": "a", "events": [{"event": "DEMAND", "source": [], "target": []}]},
            {
                "text": "b",
                "events": [
                    {"event": "FIGHT", "source": [{"text": "b", "code": "jap"}], "target": []}
                ],
            },
            {"text": "c", "events": [{"event": None, "source": [], "target": []}]},
            {"text": "d", "events": [{"event": "ACCUSE"}], "no_event": True},
        ],
    )
    records = list(read_gold(path))
    assert [r.events[0].event for r in records[:2]] == ["REQUEST", "ASSAULT"]
    assert records[1].events[0].sources[0].code == "JPN"  # CAMEO-era code mapped to ISO
    assert records[2].events == [] and records[3].events == []


def test_yield_is_found_by_concede_or_retreat_and_negated_events_do_not_count(
    tmp_path, pipeline
) -> None:
    path = write_gold(
        tmp_path / "g.jsonl",
        [
            {
                "text": "The army withdrew its troops from the town.",
                "events": [{"event": "YIELD", "source": [{"text": "The army"}], "target": []}],
            },
            {
                "text": "The army did not attack the village.",
                "events": [{"event": "THREATEN", "source": [{"text": "The army"}], "target": []}],
            },
        ],
    )
    scores = evaluate(path, pipeline)
    assert scores["per_type"]["YIELD"]["f1"] == 1.0
    assert "ASSAULT" not in scores["per_type"]  # the negated attack is not predicted
    assert scores["per_type"]["THREATEN"]["recall"] == 0.0


def test_gold_lines_name_each_bad_line_and_keep_the_rest(tmp_path: Path) -> None:
    from flashpoint.errors import InputError
    from flashpoint.evaluate.gold import gold_lines

    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"text": "first"}\n\n{broken\n{"no_text": 1}\n\xff\xfe\n{"text": "last"}\n')
    items = list(gold_lines(gold))
    good = [i for i in items if not isinstance(i, InputError)]
    bad = [i for i in items if isinstance(i, InputError)]
    assert [(g.number, g.data["text"]) for g in good] == [(1, "first"), (6, "last")]
    assert [(e.name, e.reason) for e in bad] == [
        (f"{gold}:3", bad[0].reason),
        (f"{gold}:4", "a gold line needs a 'text' string"),
        (f"{gold}:5", "not UTF-8 text"),
    ]
    assert bad[0].reason.startswith("invalid JSON")
    missing = list(gold_lines(tmp_path / "missing.jsonl"))
    assert len(missing) == 1 and "cannot read" in missing[0].reason
