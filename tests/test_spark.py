"""The Spark job (local[2]) writes what a local run stores for the same input."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flashpoint.corpus import CorpusRun
from flashpoint.evaluate.dedup import make_repost
from flashpoint.pipeline import Pipeline
from flashpoint.spark import SparkOptions, run_job, start_session
from flashpoint.store import Store


@pytest.fixture(scope="module")
def spark_and_local(shared: Path, tmp_path_factory) -> tuple[Path, Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("spark")
    rng = random.Random(7)
    lines = (shared / "corpus" / "ngec_synthetic_events.jsonl").read_text().splitlines()[:6]
    records = [json.loads(line) for line in lines]
    rows = [{"id": r["id"], "text": r["text"], "source": "wire"} for r in records]
    rows.insert(3, {"id": "repost-0", "text": make_repost(records[0]["text"], "A", rng)})
    rows.append({"id": "repost-4", "text": make_repost(records[4]["text"], "B", rng)})
    rows.append({"id": "copy-1", "text": records[1]["text"]})  # the same text again
    sample = folder / "input" / "sample.jsonl"
    sample.parent.mkdir()
    sample.write_text("".join(json.dumps(row) + "\n" for row in rows) + "{broken\n")

    db = folder / "local.db"
    with Store(db) as store:
        for _ in CorpusRun(Pipeline(), store).results([str(sample)]):
            pass
    output = folder / "parquet"
    session = start_session("local[2]")
    try:
        counts = run_job(session, [str(sample.parent)], str(output), SparkOptions(partitions=2))
    finally:
        session.stop()
    return output, db, counts


def parquet(output: Path, table: str, columns: list[str]) -> list[tuple]:
    rows = pq.read_table(output / table).to_pylist()
    return sorted(tuple(r[c] for c in columns) for r in rows)


def stored(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return sorted(tuple(row) for row in conn.execute(sql))


def test_spark_output_equals_the_local_pipeline(spark_and_local) -> None:
    output, db, counts = spark_and_local
    assert counts["articles"] == 8 and counts["errors"] == 1
    columns = "id, status, cluster_id, duplicate_of, language, status_reason"
    assert parquet(output, "articles", columns.split(", ")) == stored(
        db, f"SELECT {columns} FROM articles"
    )
    columns = "id, article_id, event, link_id, record"
    assert parquet(output, "events", columns.split(", ")) == stored(
        db, f"SELECT {columns} FROM events"
    )
    assert counts["events"] > 10
    columns = "link_id, article_id, event_id, repost, source, cluster_id, confidence"
    assert parquet(output, "mentions", columns.split(", ")) == stored(
        db, f"SELECT {columns} FROM event_mentions"
    )
    columns = "id, num_mentions, num_articles, num_sources, num_reports, first_article_id, record"
    assert parquet(output, "linked_events", columns.split(", ")) == stored(
        db, f"SELECT {columns} FROM linked_events"
    )
    assert parquet(output, "clusters", ["id", "canonical_id", "size"]) == stored(
        db, "SELECT id, canonical_id, size FROM clusters"
    )
    assert parquet(output, "quotes", ["id"]) == stored(db, "SELECT id FROM quotes")
    assert (
        len(parquet(output, "entities", ["article_id"]))
        == stored(db, "SELECT COUNT(*) FROM entities")[0][0]
    )
    statuses = [s for _, s, *_ in parquet(output, "articles", ["id", "status"])]
    assert statuses.count("duplicate") == 2


def test_missing_extra_is_a_one_line_usage_error(monkeypatch) -> None:
    import builtins

    from flashpoint.errors import UsageError
    from flashpoint.spark import require_pyspark

    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name.startswith("pyspark"):
            raise ImportError("No module named 'pyspark'", name="pyspark")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(UsageError, match=r"flashpoint\[spark\].*pyspark is missing"):
        require_pyspark()
