"""The `flashpoint` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console


class LazyTyper(typer.Typer):
    """A Typer app whose command modules are imported when its commands are first listed
    (help, a test's runner), so that `main()` can import only the module of the command it
    runs: some import spaCy, which takes seconds, and `flashpoint events` should not wait."""

    loader: Callable[[], None] | None = None

    @property  # type: ignore[override]
    def registered_commands(self) -> list:
        loader, self.loader = self.loader, None
        if loader is not None:
            loader()
        return self._registered_commands

    @registered_commands.setter
    def registered_commands(self, value: list) -> None:
        self._registered_commands = value


app = LazyTyper(
    name="flashpoint",
    help="News about political conflict in, verifiable PLOVER event data out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Results go to stdout; messages, errors and progress to stderr.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


def _print_version(value: bool) -> None:
    if value:
        import flashpoint

        out.print(f"flashpoint {flashpoint.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """News about political conflict in, verifiable PLOVER event data out."""
