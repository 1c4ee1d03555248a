"""What a verdict's evidence says, as data: a template id of the claims catalogue and its values
(quantities, ids whose labels to show, words to choose, dates), never a sentence in a language.
lai_chau.present.verdicts renders it for a reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

import pandas as pd

from lai_chau.data.units import Quantity


@dataclass(frozen=True)
class Num:
    """A value to format: a figure's, reference row's or derived number's (by id), or a
    Quantity; `bare` drops its qualifier, `signed` writes '+' before a positive change."""

    value: str | Quantity
    bare: bool = False
    signed: bool = False


@dataclass(frozen=True)
class Label:
    """The label of a figure, reference row or derived number."""

    id: str


@dataclass(frozen=True)
class Who:
    """Reference rows with their publisher and its kind ('label (publisher: kind)'), joined."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Word:
    """A catalogue text chosen by the analysis (a direction, a basis, an order)."""

    key: str


@dataclass(frozen=True)
class Date:
    """A date, as the reader's language writes it."""

    value: pd.Timestamp


@dataclass(frozen=True)
class Text:
    """A catalogue template with its values filled."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Join:
    """Items joined by `sep`; the catalogue's 'none' when there is none (or `empty`)."""

    sep: str
    items: tuple[Any, ...]
    empty: Any = Word("none")


@dataclass(frozen=True)
class Seq:
    """Parts written one after the other."""

    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Note:
    """The note of a comparison row of lai_chau.analysis.compare (why it compares as it does)."""

    row: tuple[tuple[str, Any], ...]


def labels(ids: list[str]) -> Join:
    """The labels of `ids`, joined by ', ' ('none' when empty)."""
    return Join(", ", tuple(Label(i) for i in ids))


Spec = Union[str, int, float, Num, Label, Who, Word, Date, Text, Join, Seq, Note]  # noqa: UP007
