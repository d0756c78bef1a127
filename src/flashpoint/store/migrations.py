"""Named, ordered schema migrations. `PRAGMA user_version` records how many have run.

To change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]


def _initial(conn: sqlite3.Connection) -> None:
    schema = (resources.files("flashpoint.store") / "schema.sql").read_text(encoding="utf-8")
    conn.executescript(schema)


MIGRATIONS: list[Migration] = [
    (1, "0001_initial", _initial),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
