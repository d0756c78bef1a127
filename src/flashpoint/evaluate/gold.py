"""Reading gold JSONL files, shared by every `flashpoint eval*` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from flashpoint.errors import InputError


class GoldLine(NamedTuple):
    number: int  # line number in the file, from 1
    where: str  # "path:number", for messages
    data: dict[str, Any]


def gold_lines(path: Path) -> Iterator[GoldLine | InputError]:
    """Each non-blank line that is a JSON object with a 'text' string; for any other line a
    one-line reason naming it (a bad line never stops the file)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot read ({exc.strerror})")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield InputError(where, "not UTF-8 text")
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(where, f"invalid JSON ({exc.msg})")
                continue
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                yield InputError(where, "a gold line needs a 'text' string")
                continue
            yield GoldLine(number, where, data)
