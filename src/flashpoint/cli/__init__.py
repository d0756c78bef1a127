"""Command-line interface. `main()` is the console entry point: it turns every Flashpoint error
into a one-line message and an exit code, never a traceback."""

from __future__ import annotations

import sys

import flashpoint.cli.commands_dates  # noqa: F401 - register
from flashpoint.cli import (  # noqa: F401 - register
    commands_actor,
    commands_doctor,
    commands_eval,
    commands_events,
    commands_export,
    commands_places,
    commands_quotes,
    commands_run,
    commands_serve,
    commands_spark,
)
from flashpoint.cli.app import app, err
from flashpoint.errors import FlashpointError


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


__all__ = ["app", "main"]
