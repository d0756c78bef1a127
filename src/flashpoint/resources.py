"""Loading the data files shipped in `flashpoint/data/` (dictionaries, rules, models)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flashpoint.errors import DataError


def data_path(name: str) -> Path:
    """Path of a shipped data file (the package is installed unzipped)."""
    return Path(str(resources.files("flashpoint") / "data" / name))


@cache
def load_yaml(name: str) -> Any:
    """A shipped YAML data file, parsed once per process."""
    return read_yaml(data_path(name))


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (PyYAML keeps the last one silently) and reads
    booleans as YAML 1.2 does: only true and false. PyYAML follows YAML 1.1, where a bare
    on, off, yes or no is a boolean, so a word list such as `prep: [on, at]` would hold True
    instead of the preposition "on"."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def read_yaml(path: Path) -> Any:
    """Any YAML file (shipped or the user's), with a one-line error when it is broken."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StrictLoader)
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such data file") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DataError(f"{path}{where}: {problem}") from exc
