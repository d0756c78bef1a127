"""The corpus path: killed and re-run it loses and doubles nothing; workers keep order;
reposts carry their cluster within a run and across runs."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flashpoint.cli import app
from flashpoint.evaluate.dedup import make_repost

runner = CliRunner()
CLI = [sys.executable, "-c", "from flashpoint.cli import main; main()"]


@pytest.fixture(scope="module")
def sample(shared: Path, tmp_path_factory) -> Path:
    """24 synthetic stories and 6 planted reposts of some of them, as JSONL."""
    rng = random.Random(5)
    lines = (shared / "corpus" / "ngec_synthetic_events.jsonl").read_text().splitlines()[:24]
    records = [json.loads(line) for line in lines]
    rows = [{"id": r["id"], "text": r["text"], "source": "wire"} for r in records]
    for record in records[3:21:3]:
        rows.append(
            {
                "id": record["id"] + "-repost",
                "text": make_repost(record["text"], "Headline", rng),
                "source": "daily",
            }
        )
    path = tmp_path_factory.mktemp("corpus") / "sample.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(sql).fetchall())


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {
        "articles": table(db, "SELECT id, status, cluster_id, duplicate_of FROM articles"),
        "events": table(db, "SELECT id, article_id, event, link_id FROM events"),
        "quotes": table(db, "SELECT id FROM quotes"),
        "linked": table(db, "SELECT id, num_articles, num_sources, confidence FROM linked_events"),
        "mentions": table(db, "SELECT link_id, article_id, event_ids, repost FROM event_mentions"),
        "clusters": table(db, "SELECT id, canonical_id, size FROM clusters"),
    }


def test_killed_midway_then_rerun_loses_nothing_and_doubles_nothing(
    sample: Path, tmp_path: Path
) -> None:
    killed_db, reference_db = tmp_path / "killed.db", tmp_path / "reference.db"
    process = subprocess.Popen(
        [*CLI, "ingest", str(sample), "--db", str(killed_db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if killed_db.exists():
            try:
                stored = table(killed_db, "SELECT COUNT(*) FROM articles")[0][0]
            except sqlite3.OperationalError:  # the schema is being created
                stored = 0
            if stored >= 8:
                break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = table(killed_db, "SELECT COUNT(*) FROM articles")[0][0]
    assert 8 <= partial < 30

    resumed = subprocess.run(
        [*CLI, "ingest", str(sample), "--db", str(killed_db)], capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{partial} already stored" in resumed.stderr
    reference = subprocess.run(
        [*CLI, "ingest", str(sample), "--db", str(reference_db), "--workers", "2"],
        capture_output=True,
        text=True,
    )
    assert reference.returncode == 0, reference.stderr
    assert "6 reposts" in reference.stderr

    after_kill, clean_run = snapshot(killed_db), snapshot(reference_db)
    assert len(after_kill["articles"]) == 30
    assert after_kill == clean_run
    statuses = [status for _, status, _, _ in after_kill["articles"]]
    assert statuses.count("duplicate") == 6 and statuses.count("coded") == 24


def test_json_carries_clusters_within_a_run_and_across_runs(sample: Path, tmp_path: Path) -> None:
    db = tmp_path / "fp.db"
    lines = sample.read_text().splitlines()
    first_half, second_half = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    # The originals of reposts 0-2 and those reposts in the first run; the rest later.
    first_half.write_text("\n".join(lines[:12] + lines[24:27]) + "\n")
    second_half.write_text("\n".join(lines[12:24] + lines[27:]) + "\n")

    def run(path: Path) -> list[dict]:
        result = runner.invoke(app, ["run", str(path), "--db", str(db), "--json"])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["article"] for line in result.stdout.splitlines()]

    articles = run(first_half) + run(second_half)
    by_source_id = {a["source_id"]: a for a in articles}
    for source_id, article in by_source_id.items():
        assert "cluster_id" in article and "duplicate_of" in article
        if source_id.endswith("-repost"):
            original = by_source_id[source_id.removesuffix("-repost")]
            assert article["status"] == "duplicate"
            assert article["cluster_id"] == original["cluster_id"]
            assert article["duplicate_of"] == original["id"]
        else:
            assert article["duplicate_of"] is None and article["status"] == "coded"
    assert len({a["cluster_id"] for a in articles}) == 24
    # The second run found reposts of articles stored by the first run (lines 27-29).
    again = run(sample)
    assert [a["cluster_id"] for a in again] == [
        by_source_id[a["source_id"]]["cluster_id"] for a in again
    ]


def test_summary_and_no_store_still_folds_reposts(sample: Path) -> None:
    result = runner.invoke(app, ["run", str(sample), "--no-store", "--json"])
    assert result.exit_code == 0, result.output
    statuses = [json.loads(line)["article"]["status"] for line in result.stdout.splitlines()]
    assert statuses.count("duplicate") == 6
    assert "30 articles read, 24 coded" in result.stderr
    assert "6 reposts (stored as mentions)" in result.stderr


def test_a_rerun_over_stored_articles_streams_in_bounded_memory() -> None:
    from flashpoint.model import Article, ArticleResult
    from flashpoint.pipeline import Pipeline

    consumed = 0

    def stored_results():
        nonlocal consumed
        for number in range(10_000):
            consumed += 1
            yield ArticleResult(article=Article(id=f"a{number}", text="x"))

    first = next(iter(Pipeline().process(stored_results())))
    assert first.article.id == "a0" and consumed <= 200


def test_changed_dedup_settings_rebuild_the_index_from_stored_texts(tmp_path: Path) -> None:
    from flashpoint.corpus import CorpusOptions, CorpusRun
    from flashpoint.model import Article, ArticleResult, Part
    from flashpoint.pipeline import Pipeline
    from flashpoint.stages.dedup import DedupOptions
    from flashpoint.store import Store

    text = " ".join(f"word{i} and{i % 5} more{i % 3}" for i in range(100))
    article = Article(id="a1", text=text, parts=[Part(kind="body", start=0, end=len(text))])
    db = tmp_path / "old.db"
    with Store(db) as store:  # as stored by a version without dedup: no fingerprint, no cluster
        store.save(ArticleResult(article=article))
    with Store(db) as store:
        CorpusRun(Pipeline(), store, CorpusOptions(dedup=DedupOptions(threshold=0.7)))
        assert store.corpus_counts()["article_fingerprints"] == 1
        assert store.cluster_members("c1") == ["a1"]
        bands = store.conn.execute("SELECT COUNT(*) FROM lsh_buckets").fetchone()[0]
        assert bands == 14  # datasketch's banding for 0.7 with 128 permutations
        assert store.dedup_settings()["bands"] == "14"


# --- worker processes die with their parent; signals stop a run cleanly ------------------------


GUARDIAN = "guardian_sample_unlabeled.csv"


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    ("signal_number", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)]
)
def test_signal_stops_the_workers_and_summarises(
    shared: Path, tmp_path: Path, signal_number: int, exit_code: int
) -> None:
    """`ingest --workers 2` of the Guardian sample (longer than this test waits), stopped by
    SIGTERM (as `timeout`, systemd and `docker stop` send) or Ctrl-C (SIGINT to the whole
    process group) once it has stored an article: the workers are gone, the summary printed,
    and the exit code is 128 + the signal."""
    db = tmp_path / "fp.db"
    process = subprocess.Popen(
        [*CLI, "ingest", str(shared / "corpus" / GUARDIAN), "--db", str(db), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and process.poll() is None and stored < 1:
            time.sleep(0.2)
            if db.exists():
                try:
                    stored = table(db, "SELECT COUNT(*) FROM articles")[0][0]
                except sqlite3.OperationalError:
                    stored = 0
        assert process.poll() is None and stored >= 1, "the run ended or never stored anything"
        workers = _children(process.pid)
        assert len(workers) >= 2
        if signal_number == signal.SIGINT:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every process of the group
        else:
            os.kill(process.pid, signal_number)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        assert process.returncode == exit_code, stderr
        assert "Traceback" not in stderr
        name = "SIGTERM" if signal_number == signal.SIGTERM else "SIGINT"
        assert f"stopped by {name}" in stderr and "articles read" in stderr
        assert _wait_gone(workers, 5) == []
        assert table(db, "SELECT COUNT(*) FROM articles")[0][0] >= stored  # whole articles kept
    finally:  # whatever happened, leave no process of this test behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_worker_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the worker notices its parent is gone and exits."""
    script = (
        "import multiprocessing, os, sys, time\n"
        "from flashpoint.workers import die_with_parent\n"
        "def work(parent):\n"
        "    die_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    child = multiprocessing.get_context('spawn').Process(target=work, args=(os.getpid(),))\n"
        "    child.start()\n"
        "    print(child.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    path = tmp_path / "parent.py"
    path.write_text(script)
    parent = subprocess.Popen(
        [sys.executable, str(path)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(1.0)  # the child is watching
        assert _running(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert _wait_gone([child], 5) == []
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)


def test_an_article_another_run_stored_meanwhile_is_not_claimed(
    pipeline, example_path: Path, tmp_path: Path, monkeypatch
) -> None:
    """Two runs over one input: the one that stores an article second stored nothing and
    says so (it used to count the article as coded too)."""
    from flashpoint.corpus import STORED_BY_ANOTHER_RUN, CorpusRun
    from flashpoint.model import ArticleResult
    from flashpoint.store import Store

    db = tmp_path / "race.db"
    with Store(db) as mine, Store(db) as other:
        run = CorpusRun(pipeline, mine)
        process = pipeline.process

        def the_other_run_stores_first(items):
            for result in process(items):
                if isinstance(result, ArticleResult):
                    other.save(result)
                yield result

        monkeypatch.setattr(pipeline, "process", the_other_run_stores_first)
        (result,) = list(run.results([str(example_path)]))
    assert result.events  # coded, but stored by the other run
    assert (run.summary.read, run.summary.coded, run.summary.events) == (1, 0, 0)
    assert run.summary.skipped[STORED_BY_ANOTHER_RUN] == 1
    assert "1 articles read, 0 coded, 0 events, 1 already stored by another run" in (
        run.summary.line(1.0)
    )


def test_two_concurrent_ingests_of_one_file_share_the_work(sample: Path, tmp_path: Path) -> None:
    db = tmp_path / "both.db"
    runs = [
        subprocess.Popen(
            [*CLI, "ingest", "--db", str(db), str(sample)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    summaries = []
    for process in runs:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        summaries.append(stderr)
    coded = [int(re.search(r"(\d+) coded", s).group(1)) for s in summaries]  # type: ignore[union-attr]
    reposts = [int(m.group(1)) if (m := re.search(r"(\d+) reposts", s)) else 0 for s in summaries]
    # Between them, the two runs claim each stored article once.
    assert sum(coded) == table(db, "SELECT COUNT(*) FROM articles WHERE status = 'coded'")[0][0]
    assert sum(coded) == 24 and sum(reposts) <= 6
