"""The data package descriptor (data/datapackage.json): its resources, their files and paths."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from lai_chau.base import paths
from lai_chau.base.errors import DataError


def _rel(path: Path) -> str:
    """Path as a user would type it: relative to the project root when possible."""
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _read_descriptor() -> dict[str, Any]:
    path = paths.DATAPACKAGE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(_rel(path), "file not found; every data file is described there") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(_rel(path), f"not valid UTF-8 JSON ({exc})") from None


@functools.cache
def descriptor() -> dict[str, Any]:
    """The data package descriptor (data/datapackage.json)."""
    return _read_descriptor()


def resource_names() -> list[str]:
    """Names of every resource in the data package, in descriptor order."""
    return [r["name"] for r in descriptor()["resources"]]


def resource(name: str) -> dict[str, Any]:
    """One resource of the data package by name."""
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    from lai_chau.base.errors import unknown

    raise unknown("data resource", name, resource_names())


def resource_path(name: str) -> Path:
    """Absolute path of a resource's CSV."""
    return paths.DATA / resource(name)["path"]


def rel_path(name: str) -> str:
    """A resource's CSV as a user would type it (data/sources.csv), for messages."""
    return _rel(resource_path(name))
