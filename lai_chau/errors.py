"""Exceptions that carry a message fit to show a user: what, where and what was expected."""

from __future__ import annotations


class LaiChauError(Exception):
    """Base class: every error the CLI reports without a traceback."""


class DataError(LaiChauError):
    """A data file breaks its schema; names the file, row, column and what was expected."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class UsageError(LaiChauError):
    """A parameter, id, baseline or language the package does not know."""


def unknown(kind: str, value: object, allowed: list[str] | tuple[str, ...]) -> UsageError:
    """Build the standard 'unknown X; expected one of ...' error."""
    return UsageError(f"unknown {kind} {value!r}; expected one of: {', '.join(map(str, allowed))}")
