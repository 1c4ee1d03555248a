"""A small on-disk cache (.cache/ at the project root, or LAI_CHAU_CACHE) for derived files.

Only for things that are pure functions of their key (the chart JavaScript of one vl-convert
version, the fact that one exact data file passed one exact schema): deleting the directory only
costs time. Reads and writes never fail loudly: an unwritable or missing cache means the value is
computed again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lai_chau import paths

ENV = "LAI_CHAU_CACHE"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def directory() -> Path:
    """The cache directory (not created here)."""
    value = os.environ.get(ENV)
    return Path(value) if value else paths.ROOT / ".cache"


def path(kind: str, key: str) -> Path:
    """Where the entry `key` of `kind` lives."""
    return directory() / _SAFE.sub("_", kind) / _SAFE.sub("_", key)


def read(kind: str, key: str) -> bytes | None:
    """The cached bytes, or None."""
    try:
        return path(kind, key).read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes) -> bool:
    """Store `data` atomically; False if the cache cannot be written (nothing else happens)."""
    from lai_chau import atomic

    try:
        atomic.write_bytes(path(kind, key), data)
    except OSError:
        return False
    return True
