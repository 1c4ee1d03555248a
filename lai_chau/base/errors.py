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


# An 'expected one of' list longer than this is cut to the closest matches and a sample.
LIST_LIMIT = 12


def unknown(
    kind: str,
    value: object,
    allowed: list[str] | tuple[str, ...],
    where: str | None = None,
) -> UsageError:
    """Build the standard 'unknown X; expected one of ...' error.

    A short list is given whole; a long one (the ~300 ids of figures, reference rows and derived
    numbers) starts with the values closest to `value` (difflib), stops after LIST_LIMIT values
    and says how many more there are and `where` to find them all.
    """
    names = [str(a) for a in allowed]
    if len(names) <= LIST_LIMIT:
        return UsageError(f"unknown {kind} {value!r}; expected one of: {', '.join(names)}")
    import difflib

    close = difflib.get_close_matches(str(value), names, n=5, cutoff=0.6)
    shown = close + [n for n in names if n not in close][: LIST_LIMIT - len(close)]
    more = f", ... and {len(names) - len(shown)} more"
    if where:
        more += f"; see {where}"
    return UsageError(f"unknown {kind} {value!r}; expected one of: {', '.join(shown)}{more}")
