"""The article's figures (data/figures.csv): a DataFrame, one record, or CLI output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lai_chau.base.errors import unknown

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CLI_COLUMNS = ["id", "value", "unit", "measure", "period", "quote", "start", "end", "label_en"]


@dataclass(frozen=True)
class Figure:
    """One figure of the article with its provenance."""

    id: str
    indicator: str
    period: str
    measure: str
    value: float
    unit: str
    base: str | None
    as_of: str | None
    qualifier: str | None
    quote: str
    start: int
    end: int
    label_en: str
    label_vi: str
    source_id: str

    @property
    def span(self) -> tuple[int, int]:
        """(start, end) character offsets of the quote in the seed."""
        return (self.start, self.end)

    def label(self, lang: str) -> str:
        """The label in `vi` or `en`."""
        if lang not in ("vi", "en"):
            raise unknown("language", lang, ["vi", "en"])
        return self.label_vi if lang == "vi" else self.label_en


def figures() -> pd.DataFrame:
    """Every numeric figure of the article, validated against its schema, in article order."""
    from lai_chau.data.validate import load

    return load("figures")


def figure(figure_id: str) -> Figure:
    """One figure by id; an unknown id raises UsageError listing the known ones."""
    table = figures()
    match = table[table["id"] == figure_id]
    if match.empty:
        raise unknown("figure id", figure_id, list(table["id"]))
    row = match.iloc[0]
    import pandas as pd

    def opt(column: str) -> str | None:
        value = row[column]
        if pd.isna(value):
            return None
        return value.date().isoformat() if hasattr(value, "date") else str(value)

    return Figure(
        id=row["id"],
        indicator=row["indicator"],
        period=row["period"],
        measure=row["measure"],
        value=float(row["value"]),
        unit=row["unit"],
        base=opt("base"),
        as_of=opt("as_of"),
        qualifier=opt("qualifier"),
        quote=row["quote"],
        start=int(row["start"]),
        end=int(row["end"]),
        label_en=row["label_en"],
        label_vi=row["label_vi"],
        source_id=row["source_id"],
    )
