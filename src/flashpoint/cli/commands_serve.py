"""`flashpoint serve`: the REST API and the dashboard over a database, on localhost."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from flashpoint.cli.app import app as cli_app
from flashpoint.cli.app import err, fail
from flashpoint.errors import StoreError
from flashpoint.store import DEFAULT_DB, Store
from flashpoint.store.migrations import SCHEMA_VERSION


@cli_app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="SQLite database to serve.")] = DEFAULT_DB,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Serve this Parquet dataset (the OUTPUT of `flashpoint spark`) through DuckDB"
            " instead of a database (needs the parquet extra).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Interface to bind; 127.0.0.1 keeps it on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A Host header to accept (repeat for several; '*' for any). Default: the bound"
            " host, localhost and 127.0.0.1; requests naming another host get a 400.",
        ),
    ] = None,
) -> None:
    """Serve the API (/api, docs at /docs) and the dashboard (/) read-only."""
    import uvicorn

    from flashpoint.api import Settings, create_app
    from flashpoint.api.app import limit_malloc_arenas

    if parquet is not None:
        _check_dataset(parquet)
    elif not db.is_file():
        raise fail(f"{db}: no such database (run `flashpoint run` first)")
    else:
        _migrate(db)
    hosts = allowed_hosts(host, allowed_host)
    listening = _listen(host, port)  # before saying where: the port may be taken
    if host not in ("127.0.0.1", "localhost", "::1"):
        what = "dataset" if parquet is not None else "database"
        err.print(f"warning: serving on {host}: other machines can read this {what}")
        if not allowed_host:
            err.print(
                "note: only the Host names localhost, 127.0.0.1 and the bound address are"
                " accepted; pass --allowed-host NAME for the name others use"
            )
    err.print(f"Flashpoint on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it")
    limit_malloc_arenas()
    config = uvicorn.Config(
        create_app(
            Settings(
                db=db,
                parquet=parquet,
                allowed_hosts=hosts,
                return_memory=True,
                cache_bytes=16 << 20,
            )
        ),
        host=host,
        port=port,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[listening])


def allowed_hosts(host: str, given: list[str] | None) -> list[str]:
    """The Host header values to accept: those given, else the bound host and localhost."""
    if given:
        hosts = [h.strip().lower() for h in given if h.strip()]
        bad = [
            h
            for h in hosts
            if h != "*" and ("*" in h[1:] or (h.startswith("*") and not h.startswith("*.")))
        ]
        if bad:
            raise fail(f"--allowed-host {bad[0]}: a name, an address, '*' or '*.example.com'")
        return hosts
    bound = f"[{host}]" if ":" in host else host  # the Host header brackets an IPv6 address
    return list(dict.fromkeys([bound.lower(), "localhost", "127.0.0.1", "[::1]"]))


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (as uvicorn would bind it), or a one-line error."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host,
            port,
            family=socket.AF_INET6 if ":" in host else socket.AF_INET,  # as uvicorn binds
            type=socket.SOCK_STREAM,
            flags=socket.AI_PASSIVE,
        )[0]
    except socket.gaierror as exc:
        raise fail(f"--host {host}: not an address of this machine ({exc.strerror})") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise fail(f"port {port} on {host} is in use (another server?): pass --port") from exc
        if exc.errno == errno.EACCES:
            raise fail(f"port {port}: permission denied (ports below 1024 need root)") from exc
        raise fail(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from exc
    sock.set_inheritable(True)
    return sock


def _migrate(db: Path) -> None:
    """Bring an older database to this version's schema once, before serving it read-only."""
    with Store(db, read_only=True) as store:
        version = int(store.conn.execute("PRAGMA user_version").fetchone()[0])
    if version < SCHEMA_VERSION:
        try:
            Store(db).close()
        except StoreError as exc:
            raise fail(f"{db}: schema version {version} needs an upgrade ({exc.message})") from exc


def _check_dataset(path: Path) -> None:
    """The dataset opens (DuckDB installed, every table readable), or a one-line error."""
    from flashpoint.errors import UsageError
    from flashpoint.store.parquet import ParquetDataset

    try:
        ParquetDataset(path).close()
    except (StoreError, UsageError) as exc:
        raise fail(exc.message) from exc
