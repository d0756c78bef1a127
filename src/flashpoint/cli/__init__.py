"""Command-line interface. `main()` is the console entry point: it turns every Flashpoint error
into a one-line message and an exit code, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sqlite3
import sys

from flashpoint.cli.app import app, err
from flashpoint.errors import FlashpointError
from flashpoint.store.sqlite import store_error

COMMAND_MODULES = {
    "actor": "commands_actor",
    "eval-actors": "commands_actor",
    "alerts": "commands_alerts",
    "eval-dates": "commands_dates",
    "doctor": "commands_doctor",
    "eval": "commands_eval",
    "eval-articles": "commands_eval",
    "events": "commands_events",
    "show": "commands_events",
    "export": "commands_export",
    "load": "commands_load",
    "eval-places": "commands_places",
    "quotes": "commands_quotes",
    "eval-quotes": "commands_quotes",
    "run": "commands_run",
    "ingest": "commands_run",
    "serve": "commands_serve",
    "spark": "commands_spark",
    "train": "commands_train",
    "watch": "commands_watch",
    "sources": "commands_watch",
}
"""Each command's module (tests/test_cli.py checks this against what the modules register)."""


def register_all() -> None:
    """Import every command module (each registers its commands on `app`)."""
    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"flashpoint.cli.{module}")


app.loader = register_all  # the commands are listed: help, or a test's CliRunner


def _register_for(argv: list[str]) -> None:
    """Import only the module of the command `argv` names (all of them for anything else)."""
    name = argv[1] if len(argv) > 1 else None
    if name in COMMAND_MODULES:
        app.loader = None
        importlib.import_module(f"flashpoint.cli.{COMMAND_MODULES[name]}")


def main() -> None:
    try:
        _register_for(sys.argv)
        app()
    except FlashpointError as exc:
        err.print(f"[bold red]error:[/] {exc.message}", markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted: every article stored so far is complete")
        sys.exit(130)
    except BrokenPipeError:  # `flashpoint events | head`
        sys.exit(0)
    except sqlite3.Error as exc:  # one not met where the database's path is known
        err.print(f"[bold red]error:[/] {store_error('the database', exc).message}", markup=True)
        sys.exit(2)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            raise
        if exc.filename is None:  # stdout: make the flush at exit quiet too
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        where = exc.filename or "the output"
        reason = "read-only filesystem" if exc.errno == errno.EROFS else "disk full"
        err.print(f"[bold red]error:[/] {where}: {reason}; nothing more was written", markup=True)
        sys.exit(2)


__all__ = ["app", "main"]
