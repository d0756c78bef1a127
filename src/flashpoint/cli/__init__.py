"""Command-line interface. `main()` is the console entry point: it turns every Flashpoint error
into a one-line message and an exit code, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import sys

import flashpoint.cli.commands_dates  # noqa: F401 - register
from flashpoint.cli import (  # noqa: F401 - register
    commands_actor,
    commands_alerts,
    commands_doctor,
    commands_eval,
    commands_events,
    commands_export,
    commands_load,
    commands_places,
    commands_quotes,
    commands_run,
    commands_serve,
    commands_spark,
    commands_train,
    commands_train_places,
    commands_watch,
)
from flashpoint.cli.app import app, err
from flashpoint.errors import FlashpointError
from flashpoint.store.sqlite import store_error


def main() -> None:
    try:
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
