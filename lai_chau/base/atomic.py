"""Atomic file writes, and the removal of what a killed process left half-done.

A reader sees the old file or the new one, never half of one. Temporary files and directories
carry the writing process's id (`.report.html.<pid>.<random>.tmp`, `lai-chau-render-<pid>-...`),
so a later run can tell its own live work from what a process killed by `kill -9` left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

_TEMP_FILE = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")
_TEMP_DIR = re.compile(r"^lai-chau-[a-z]+-(\d+)-")


def write_bytes(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file in the same directory, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Atomic write of UTF-8 text."""
    write_bytes(path, text.encode("utf-8"))


def temp_dir(kind: str) -> str:
    """A new private directory in $TMPDIR named for `kind` and this process (see module doc)."""
    return tempfile.mkdtemp(prefix=f"lai-chau-{kind}-{os.getpid()}-")


def _dead(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def remove_stale(directories: list[Path]) -> list[Path]:
    """Remove the temporary files that dead processes left in `directories` (not recursive) and
    their private directories in $TMPDIR; return what was removed."""
    removed: list[Path] = []
    for directory in directories:
        try:
            entries = list(Path(directory).iterdir())
        except OSError:
            continue
        for entry in entries:
            match = _TEMP_FILE.match(entry.name)
            if match and entry.is_file() and _dead(int(match.group(1))):
                try:
                    entry.unlink()
                    removed.append(entry)
                except OSError:
                    pass
    try:
        entries = list(Path(tempfile.gettempdir()).iterdir())
    except OSError:
        entries = []
    for entry in entries:
        match = _TEMP_DIR.match(entry.name)
        if match and entry.is_dir() and _dead(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed
