"""A small on-disk cache (.cache/ at the project root, or LAI_CHAU_CACHE) for derived files.

Only for things that are pure functions of their key (the chart JavaScript of one vl-convert
version, the fact that one exact data file passed one exact schema): deleting the directory only
costs time. Reads and writes never fail loudly: an unwritable or missing cache means the value is
computed again. Every entry starts with a line holding the sha256 of the rest; an entry whose
bytes do not match (truncated by a full disk, edited by hand) is removed on read and computed
again, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from lai_chau.base import paths

ENV = "LAI_CHAU_CACHE"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def directory() -> Path:
    """The cache directory (not created here)."""
    value = os.environ.get(ENV)
    return Path(value) if value else paths.ROOT / ".cache"


def path(kind: str, key: str) -> Path:
    """Where the entry `key` of `kind` lives."""
    return directory() / _SAFE.sub("_", kind) / _SAFE.sub("_", key)


_MAGIC = b"lai-chau-cache sha256:"


def _seal(data: bytes) -> bytes:
    return _MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def read(kind: str, key: str) -> bytes | None:
    """The cached bytes, or None (also for an entry that fails its checksum, which is removed)."""
    where = path(kind, key)
    try:
        raw = where.read_bytes()
    except OSError:
        return None
    header, _, data = raw.partition(b"\n")
    if header.startswith(_MAGIC) and header[len(_MAGIC):] == \
            hashlib.sha256(data).hexdigest().encode():
        return data
    try:
        where.unlink()
    except OSError:
        pass
    return None


def write(kind: str, key: str, data: bytes) -> bool:
    """Store `data` atomically; False if the cache cannot be written (nothing else happens)."""
    from lai_chau.base import atomic

    try:
        atomic.write_bytes(path(kind, key), _seal(data))
    except OSError:
        return False
    return True
