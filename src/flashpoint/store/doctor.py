"""`flashpoint doctor`: check a store and repair what can be repaired without losing data.

Checks, in order:

    integrity   PRAGMA integrity_check (pages, indexes, records). Not repaired here: a store
                that fails it is left untouched (restore a backup, or `sqlite3 DB .recover`).
    schema      PRAGMA user_version against the tables, indexes and triggers present. Repaired
                by running the missing migration steps (each is idempotent) and writing the
                version the objects present call for, e.g. a store whose version was reset to 1
                while every table exists (the race of Flashpoint before the migration lock).
    full-text   events_fts and articles_fts hold exactly one row per event and per article,
                their triggers exist, and FTS5's own integrity check passes; from version 11,
                each row's rowid is its record's and the triggers keep it so (a VACUUM may
                renumber rowids: keyed_search.py); from version 13, the merge settings of
                lean_writes.py. Repaired by rebuilding both indexes and their triggers from
                the events and articles tables and merging each into one segment (settings
                that differ alone are only set again).
    summaries   the actor-code and coordinate indexes and the daily summaries (summaries.py,
                query_indexes.py, actor_days.py) equal a recomputation from the events table.
                Repaired by rebuilding them.

Every repair runs in one transaction that holds the write lock, so a repair that fails or is
interrupted changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flashpoint.errors import StoreError
from flashpoint.store.actor_days import actor_days_problems, rebuild_actor_days
from flashpoint.store.keyed_search import KEYED_VERSION, keyed_problems, rebuild_keyed_full_text
from flashpoint.store.lean_writes import (
    drop_unneeded_indexes,
    full_text_settings_problems,
    set_full_text_settings,
    settle_full_text,
)
from flashpoint.store.migrations import (
    FULL_TEXT_TABLES,
    MIGRATIONS,
    SCHEMA_VERSION,
)
from flashpoint.store.narrow_indexes import make_narrow_indexes
from flashpoint.store.query_indexes import rebuild_timeline, timeline_problems
from flashpoint.store.rowid_keys import drop_redundant_indexes
from flashpoint.store.sqlite import BUSY_TIMEOUT, open_read_only, store_error, writable
from flashpoint.store.summaries import rebuild_scale_tables, summary_problems

LEAN_VERSION = 13
"""The schema version from which the full-text tables carry lean_writes.FULL_TEXT_SETTINGS."""

# Each full-text table: the table it indexes and the column holding that table's id.
FULL_TEXT_SOURCES = {
    "events_fts": ("events", "event_id"),
    "articles_fts": ("articles", "article_id"),
}


@dataclass
class Finding:
    check: str  # integrity | schema | full-text
    ok: bool
    message: str
    repaired: str | None = None  # what was done about it


@dataclass
class Report:
    path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when every check passed or was repaired."""
        return all(f.ok or f.repaired for f in self.findings)


@cache
def objects_by_step() -> dict[int, frozenset[tuple[str, str]]]:
    """The (type, name) of every table, index and trigger each migration step creates, found
    by running the steps on an empty in-memory database (so no list is kept by hand)."""
    conn = sqlite3.connect(":memory:")
    seen: set[tuple[str, str]] = set()
    out: dict[int, frozenset[tuple[str, str]]] = {}
    for number, _name, apply in MIGRATIONS:
        apply(conn)
        now = _objects(conn)
        out[number] = frozenset(now - seen)
        seen = now
    conn.close()
    # What a later step drops (an index no query needs any more) is not looked for.
    return {number: objects & seen for number, objects in out.items()}


def _objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (kind, name)
        for kind, name in conn.execute("SELECT type, name FROM sqlite_master")
        if not name.startswith("sqlite_")
    }


def version_from_objects(conn: sqlite3.Connection) -> tuple[int, list[str]]:
    """The highest step whose objects, and those of every step before it, are all present; and
    the names missing from the steps after it."""
    present = _objects(conn)
    version = 0
    missing: list[str] = []
    for number, objects in sorted(objects_by_step().items()):
        lacking = sorted(name for _kind, name in objects - present)
        if lacking and not missing:
            version = number - 1
        missing += lacking
    if not missing:
        version = SCHEMA_VERSION
    return version, missing


def _full_text_problems(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    present = _objects(conn)
    for table, (source, key) in FULL_TEXT_SOURCES.items():
        if ("table", table) not in present:
            problems.append(f"{table} is missing")
            continue
        if ("table", source) not in present:
            continue  # the schema check reports it
        rows, distinct = conn.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT {key}) FROM {table}"
        ).fetchone()
        total = conn.execute(f"SELECT COUNT(*) FROM {source}").fetchone()[0]
        unindexed = conn.execute(
            f"SELECT COUNT(*) FROM {source} WHERE id NOT IN (SELECT {key} FROM {table})"
        ).fetchone()[0]
        orphans = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {key} NOT IN (SELECT id FROM {source})"
        ).fetchone()[0]
        if unindexed:
            problems.append(f"{table}: {unindexed} of {total} {source} not indexed")
        if orphans:
            problems.append(f"{table}: {orphans} rows for {source} no longer stored")
        if rows - distinct:
            problems.append(f"{table}: {rows - distinct} stale duplicate rows")
        try:
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            if "readonly" not in str(exc):  # a read-only check cannot run it
                problems.append(f"{table}: FTS5 integrity check failed ({exc})")
    triggers = {name for kind, name in objects_by_step()[_fts_step()] if kind == "trigger"}
    lacking = sorted(name for name in triggers if ("trigger", name) not in present)
    if lacking:
        problems.append(f"triggers missing: {', '.join(lacking)}")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version >= KEYED_VERSION and not problems:
        problems += keyed_problems(conn)
    if version >= LEAN_VERSION:
        problems += full_text_settings_problems(conn)
    return problems


@cache
def _fts_step() -> int:
    """The migration step that creates the full-text index."""
    for number, objects in objects_by_step().items():
        if ("table", FULL_TEXT_TABLES[0]) in objects:
            return number
    raise AssertionError("no migration creates the full-text index")


def _connect(path: Path, repair: bool) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreError(f"{path}: no such database")
    try:
        if repair:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        else:
            conn, _immutable = open_read_only(path)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise StoreError(f"{path}: not an SQLite database ({exc})") from exc
        raise store_error(path, exc) from exc
    conn.isolation_level = None  # transactions are begun and committed here
    return conn


def doctor(path: Path | str, repair: bool = True) -> Report:
    """Check the store at `path` and, unless `repair` is False, repair what is safe to."""
    path = Path(path)
    report = Report(path)
    read_only = repair and path.is_file() and not writable(path)
    if read_only:  # check what can be checked; say why nothing was repaired
        repair = False
    conn = _connect(path, repair)
    try:
        _doctor(conn, report, repair)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    finally:
        conn.close()
    if read_only:
        for finding in report.findings:
            if not finding.ok:
                finding.message += " (not repaired: the database is read-only here)"
    return report


def _doctor(conn: sqlite3.Connection, report: Report, repair: bool) -> None:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    intact = rows == ["ok"]
    report.findings.append(
        Finding("integrity", intact, "PRAGMA integrity_check passed" if intact else "; ".join(rows))
    )

    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    from_objects, missing = version_from_objects(conn)
    if version > SCHEMA_VERSION:
        report.findings.append(
            Finding(
                "schema",
                False,
                f"version {version} is newer than this Flashpoint ({SCHEMA_VERSION}):"
                " upgrade Flashpoint; nothing checked further",
            )
        )
        return
    if (
        from_objects == 0
        and version == 0
        and len(missing) == sum(map(len, objects_by_step().values()))
    ):
        report.findings.append(
            Finding("schema", False, "no Flashpoint tables: not a Flashpoint database")
        )
        return
    schema_ok = version == SCHEMA_VERSION and not missing
    if schema_ok:
        message = f"version {version}, every table present"
    else:
        message = f"version {version}, tables of version {from_objects}"
        if missing:
            shown = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
            message += f" (missing: {shown})"
    schema = Finding("schema", schema_ok, message)
    report.findings.append(schema)

    fts_problems = _full_text_problems(conn)
    fts = Finding(
        "full-text",
        not fts_problems,
        "; ".join(fts_problems) or "one row per event and article, triggers present",
    )
    report.findings.append(fts)

    summary_problems_found = (
        summary_problems(conn) + timeline_problems(conn) + actor_days_problems(conn)
        if schema.ok
        else []
    )
    summaries = Finding(
        "summaries",
        not summary_problems_found,
        "; ".join(summary_problems_found)
        or "code and coordinate indexes and daily summaries equal a recomputation",
    )
    if schema.ok:
        report.findings.append(summaries)

    if (schema.ok and fts.ok and summaries.ok) or not repair:
        return
    if not intact:
        for finding in (schema, fts):
            if not finding.ok:
                finding.message += " (not repaired: the integrity check failed)"
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the lock: another process may have migrated meanwhile.
        from_objects, missing = version_from_objects(conn)
        # A step that only redefines objects (triggers) leaves no new name to find: it runs
        # again when the recorded version is older than it (its statements are idempotent).
        steps = [
            (n, apply)
            for n, _name, apply in MIGRATIONS
            if n > from_objects or (n > version and not objects_by_step()[n])
        ]
        for _number, apply in steps:
            apply(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # what is checked next
        set_full_text_settings(conn)  # cheap: settings alone are no reason to rebuild
        if _full_text_problems(conn):
            rebuild_keyed_full_text(conn)
            settle_full_text(conn)  # a bulk build leaves merges pending (lean_writes.py)
        if not summaries.ok:
            rebuild_scale_tables(conn)
            drop_unneeded_indexes(conn)  # a store made before 0013 may still have them
            drop_redundant_indexes(conn)  # the tables' script makes quotes_order again
            make_narrow_indexes(conn)  # ... and two indexes as migration 8 made them
            rebuild_timeline(conn)  # its triggers were on the summary_daily just rebuilt
            rebuild_actor_days(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if not schema.ok:
        ran = f", ran steps {', '.join(str(n) for n, _a in steps)}" if steps else ""
        schema.repaired = f"version set to {SCHEMA_VERSION}{ran}"
    if not summaries.ok:
        summaries.repaired = "rebuilt from the events"
    if not fts.ok:
        counts = {
            source: conn.execute(f"SELECT COUNT(*) FROM {source}").fetchone()[0]
            for source, _key in FULL_TEXT_SOURCES.values()
        }
        fts.repaired = (
            f"index and triggers rebuilt (events: {counts['events']},"
            f" articles: {counts['articles']})"
        )
