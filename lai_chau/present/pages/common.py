"""What every page is built of: the Page, number and gap formats, readable notes, tables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.base.errors import unknown
from lai_chau.data.units import Quantity, qualifier_symbol
from lai_chau.present import comparisons
from lai_chau.present.i18n import (
    capital,
    in_language,
    text,
    unit_name,
)
from lai_chau.present.report import Block, bullets, data_table


@dataclass
class Page:
    """One report's content after its title, its headline table and the sources it cites."""

    lang: str
    blocks: list[Any]
    headline: str
    source_ids: list[str] = field(default_factory=list)

    def sources(self) -> list[Block]:
        """A heading and the list of every source the page cites, in order of first use."""
        from lai_chau.present.report import sources_section

        return list(sources_section(self.source_ids, self.lang))


# ----------------------------------------------------------------------------- formatting
def quantity_text(value: float, unit: str, qualifier: Any, lang: str) -> str:
    """A value for the reader with its unit and the source's qualifier ('> 24%', '~7,7%')."""
    return Quantity(float(value), str(unit), qualifier_symbol(qualifier)).format(lang)


def gap_text(value: float, unit: str, qualifier: Any, lang: str) -> str:
    """A signed gap: '+2,73 điểm %', '-0,99 pp' (the qualifier first: '~+1,45 pp'); a dash where
    there is none (an implied value, another period shown as context)."""
    if value is None or pd.isna(value):
        return "–"
    return signed_text(Quantity(float(value), str(unit), qualifier_symbol(qualifier)), lang)


def signed_text(q: Quantity, lang: str, digits: int = 2) -> str:
    """A change with its sign, after the qualifier Quantity.format writes ('>= +12,4 điểm %');
    no sign when it rounds to zero."""
    bare = Quantity(abs(q.value), q.unit).format(lang, digits)
    qualified = Quantity(abs(q.value), q.unit, q.qualifier).format(lang, digits)
    rounded = round(q.value, digits)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    return qualified.removesuffix(bare) + sign + bare


# A data id in prose (reasons, notes): lower case words joined by underscores.
_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def readable(note: str, lang: str, lookup: cmp.Lookup | None = None) -> str:
    """A note from data with every id it names replaced by that value's label in `lang`.

    Reasons in data/comparability.csv point at other rows by id ('industry value added,
    ind_va_h1_2022, is a third measure'); readers get the label instead."""
    k = lookup or cmp.Lookup()
    known = set(k.ids())

    def label(match: re.Match[str]) -> str:
        token = match.group(0)
        return f"“{in_language(k.labels(token), lang)}”" if token in known else token

    return _ID.sub(label, str(note))


def _mid(label: str) -> str:
    """A label inside a sentence: its first letter lower case unless it starts an acronym."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def bounds_verdict(claimed: int, best: int, worst: int, lang: str) -> str:
    """What the range of ranks says of a claimed 'top N': proven, open or contradicted."""
    key = ("bounds_proven" if worst <= claimed else "bounds_contradicted" if best > claimed
           else "bounds_open")
    return text(key, lang, claimed=claimed)


_capital = capital  # the pages' name for it


def _ids(values: Iterable[Any]) -> list[str]:
    """Source ids from ';'-separated cells, in order, without repeats."""
    out: list[str] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value):
            continue
        out += [s for s in str(value).split(";") if s and s not in out]
    return out


def _check_ids(figure_ids: Sequence[str] | None) -> list[str] | None:
    """None for 'every figure'; otherwise the ids, each checked against data/figures.csv."""
    if not figure_ids:
        return None
    import lai_chau

    known = list(lai_chau.figures()["id"])
    for fid in figure_ids:
        if fid not in known:
            raise unknown("figure id", fid, known)
    return list(figure_ids)


# Columns of values with their units, kept on one line in the HTML tables.
VALUE_COLUMNS = ("country", "gap", "baseline_value", "value", "now", "change", "implied",
                 "article_says", "rank_range_col", "claims_count")


def _table(lang: str, rows: Sequence[dict[str, str]]) -> Block:
    return data_table(rows, nowrap={"Lai Châu", *(text(key, lang) for key in VALUE_COLUMNS)})


def _pair_rows(rows: pd.DataFrame, lang: str, baseline_header: str) -> list[dict[str, str]]:
    """A comparison table: indicator, Lai Châu, what the baseline measures, its value, gap."""
    out = []
    for r in rows.itertuples():
        out.append({
            text("indicator", lang): str(r.label),
            "Lai Châu": quantity_text(r.value, r.unit, "", lang),
            text("compared_with", lang): str(r.baseline_label),
            baseline_header: quantity_text(r.baseline_value, r.baseline_unit,
                                           r.baseline_qualifier, lang),
            text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
            text("direction", lang): text(str(r.direction), lang),
        })
    return out


def _reasons(rows: pd.DataFrame, lang: str, title_key: str, k: cmp.Lookup) -> Block:
    """'Indicator (what it is compared with): why' for each row, in a note box."""
    items = []
    for r in rows.itertuples():
        # the box's title says it is a proxy: no need for compare's prefix on every line
        note = readable(str(r.note).removeprefix(comparisons.TEXT["proxy"][lang]), lang, k)
        against = "" if r.baseline_label == r.label else f" ({r.baseline_label})"
        items.append(f"{r.label}{against}: {note}")
    return bullets(items, text(title_key, lang), kind="note")


def _by_unit(rows: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [(str(unit), group) for unit, group in rows.groupby("unit", sort=False)]


def _comparison_group(rows: pd.DataFrame, lang: str, title: str, k: cmp.Lookup,
                      reason_key: str, baseline: str | None = None) -> list[Any]:
    """For each unit among `rows`: a dot chart when there are two pairs or more, the table of the
    same pairs, then the reasons."""
    from lai_chau.present import charts

    out: list[Any] = []
    groups = _by_unit(rows)
    drawn = sum(1 for _, group in groups if len(group) >= 2)
    for unit, group in groups:
        chart_title = title if drawn <= 1 else \
            text("unit_chart", lang, title=title, unit=unit_name(unit, lang))
        if len(group) >= 2:
            out.append(charts.comparison_chart(group, lang=lang, title=chart_title,
                                               baseline=baseline or text("country", lang)))
        out.append(_table(lang, _pair_rows(group, lang, baseline or text("country", lang))))
    out.append(_reasons(rows, lang, reason_key, k))
    return out
