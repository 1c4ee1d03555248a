"""Strict UTF-8 decoding whose errors name the line, column and byte of the bad byte."""

from __future__ import annotations

from lai_chau.base.errors import DataError


def decode_position(data: bytes, offset: int) -> str:
    """'line L, column C (byte B)' of a byte offset, counting lines and characters as an editor
    does (1-based; the column counts the characters decoded before it on its line)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return f"line {line}, column {column} (byte {offset})"


def decode_utf8(data: bytes, where: str, hint: str = "") -> str:
    """The bytes as UTF-8 text; DataError naming the line, column and byte of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise DataError(
            where,
            f"not valid UTF-8 at {decode_position(data, exc.start)}: byte 0x{bad} "
            f"({exc.reason}); expected UTF-8 text{hint}",
        ) from None
