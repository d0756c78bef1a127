"""The Spark job (local[2]) writes what a local run stores for the same input, as a Parquet
dataset that `flashpoint load` stores (reposts of its articles are then recognised by a local
ingest) and `flashpoint serve --parquet` serves (the same API answers as the local store)."""

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


def sample_records(shared: Path) -> list[dict]:
    lines = (shared / "corpus" / "ngec_synthetic_events.jsonl").read_text().splitlines()[:6]
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def spark_and_local(shared: Path, tmp_path_factory) -> tuple[Path, Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("spark")
    rng = random.Random(7)
    records = sample_records(shared)
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


def test_events_carry_the_export_columns_partitioned_by_month_and_country(
    spark_and_local,
) -> None:
    output, db, _counts = spark_and_local
    from flashpoint.dataset import MANIFEST, PARTITIONS
    from flashpoint.export import FLAT_COLUMNS, write_export
    from flashpoint.store import EventFilter

    folders = {p.relative_to(output / "events").parts[:2] for p in output.glob("events/*/*")}
    assert folders and all(
        month.startswith(f"{PARTITIONS[0]}=") and country.startswith(f"{PARTITIONS[1]}=")
        for month, country in folders
    )
    assert (output / MANIFEST).is_file()
    spark_rows = pq.read_table(output / "events").select(list(FLAT_COLUMNS)).to_pylist()
    local = Path(db).with_suffix(".parquet")
    with Store(db, read_only=True) as store, local.open("wb") as out:
        write_export(store, EventFilter(), "parquet", out)
    exported = pq.read_table(local).to_pylist()
    assert sorted(spark_rows, key=lambda r: r["id"]) == sorted(exported, key=lambda r: r["id"])


def test_loaded_dataset_finds_later_reposts(spark_and_local, shared, tmp_path, capsys) -> None:
    from flashpoint.load import load_dataset

    output, db, _counts = spark_and_local
    loaded = tmp_path / "loaded.db"
    with Store(loaded) as store:
        summary = load_dataset(output, store)
    assert summary.articles == 8
    for sql in (
        "SELECT id, article_id, event, link_id, record FROM events",
        "SELECT id, status, cluster_id, duplicate_of FROM articles",
        "SELECT article_id, cluster_id, canonical_id, signature FROM article_fingerprints",
        "SELECT band, bucket, article_id FROM lsh_buckets",
        "SELECT link_id, article_id, event_id, event_ids, repost FROM event_mentions",
        "SELECT id, num_mentions, num_articles, num_reports, record FROM linked_events",
        "SELECT id, canonical_id, size FROM clusters",
        "SELECT key, value FROM settings",
    ):
        assert stored(loaded, sql) == stored(db, sql), sql
    # A later local ingest: a repost of a loaded article is folded into its cluster, found
    # through the loaded fingerprints (no rebuild of the LSH index).
    original = sample_records(shared)[2]
    repost = tmp_path / "later.jsonl"
    text = make_repost(original["text"], "C", random.Random(11))
    repost.write_text(json.dumps({"id": "later-repost", "text": text}) + "\n")
    with Store(loaded) as store:
        (result,) = list(CorpusRun(Pipeline(), store).results([str(repost)]))
        canonical = store.conn.execute(
            "SELECT id FROM articles WHERE source_id = ?", (original["id"],)
        ).fetchone()[0]
    assert "rebuilding" not in capsys.readouterr().err
    assert result.article.status == "duplicate"
    assert result.article.duplicate_of == canonical


def test_load_is_all_or_nothing(spark_and_local, tmp_path) -> None:
    import shutil

    import pyarrow as pa

    from flashpoint.errors import InputError
    from flashpoint.load import load_dataset

    output, _db, _counts = spark_and_local
    broken = tmp_path / "broken"
    shutil.copytree(output, broken)
    # The last article with events has one whose record is not an event: nothing is stored,
    # not even the articles before it.
    coded = set(pq.read_table(broken / "events").column("article_id").to_pylist())
    articles = pq.read_table(broken / "articles").to_pylist()
    last = max((r for r in articles if r["id"] in coded), key=lambda r: r["ordinal"])
    assert any(r["ordinal"] < last["ordinal"] for r in articles)
    for path in sorted((broken / "events").rglob("*.parquet")):
        table = pq.read_table(path)
        records = table.column("record").to_pylist()
        ids = table.column("article_id").to_pylist()
        if last["id"] in ids:
            records[ids.index(last["id"])] = '{"id": "e-broken"}'
            table = table.set_column(
                table.column_names.index("record"), "record", pa.array(records, pa.string())
            )
            pq.write_table(table, path)
            break
    db = tmp_path / "store.db"
    with Store(db) as store, pytest.raises(InputError) as error:
        load_dataset(broken, store)
    message = error.value.message
    assert "\n" not in message and "events" in message and last["id"] in message
    with Store(db) as store:
        assert store.counts() == {"articles": 0, "events": 0, "quotes": 0, "entities": 0}
    # A table that is not Parquet: the error names the file.
    (broken / "quotes" / "part-0.parquet").write_text("not parquet")
    with Store(db) as store, pytest.raises(InputError, match=r"quotes/part-0\.parquet: not a"):
        load_dataset(broken, store)


def test_served_dataset_answers_as_the_local_store(spark_and_local) -> None:
    from fastapi.testclient import TestClient

    from flashpoint.api import Settings, create_app

    output, db, _counts = spark_and_local
    paths = [
        "/api/events?limit=1000",
        "/api/events?limit=5&offset=3&sort=-confidence",
        "/api/events?type=ASSAULT&has_location=true",
        "/api/timeline",
        "/api/map",
        "/api/facets",
        "/api/actors",
        "/api/dyads",
        "/api/dyads?level=actor",
        "/api/quotes",
        "/api/articles?limit=100",
    ]
    with (
        TestClient(create_app(Settings(db=db))) as local,
        TestClient(create_app(Settings(parquet=output))) as served,
    ):
        for path in paths:
            want, got = local.get(path), served.get(path)
            assert got.status_code == want.status_code == 200, path
            expected = want.json()
            if path.startswith("/api/articles"):  # a dataset records no storage time
                for item in expected["items"]:
                    item["stored_at"] = None
            # cursors are opaque and each backend's own: only whether there is a next page
            assert opaque_cursor(got.json()) == opaque_cursor(expected), path


def opaque_cursor(body: object) -> object:
    """An answer with what each backend may choose its own way left out: the cursor (opaque:
    only whether there is a next page) and which of a map place's events it names (up to five
    of them)."""
    if isinstance(body, dict) and "next" in body:
        return {**body, "next": body["next"] is not None}
    if isinstance(body, dict) and "places" in body:
        for place in body["places"]:
            assert 1 <= len(place.pop("event_ids")) <= 5
    return body


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
