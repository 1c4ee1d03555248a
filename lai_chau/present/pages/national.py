"""Lai Châu against Vietnam in one period, step by step: the pairs, like for like, revisions,
proxies, context, what has no counterpart, and the headline table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.present import comparisons
from lai_chau.present.i18n import check_lang, date_text, period_text, text
from lai_chau.present.pages.common import (
    Page,
    _check_ids,
    _comparison_group,
    _ids,
    _reasons,
    _table,
    gap_text,
    quantity_text,
    readable,
)
from lai_chau.present.report import Blocks, bullets, data_table, heading, paragraph, sources_section


def _value(r: Any, lang: str, k: cmp.Lookup) -> str:
    """A value of a not-compared row as the overview writes it ('tốp 15' for a rank bound)."""
    if k.kind(r.id) == "figure":
        return _figure_value(k.figures.loc[r.id], lang)
    return quantity_text(r.value, r.unit, r.qualifier, lang)


def _figure_value(fig: Any, lang: str) -> str:
    """A figure's value as the overview writes it ('tốp 15' for a rank bound)."""
    from lai_chau.present.report import value_text

    return value_text(fig, lang)


def pairs(rows: pd.DataFrame, lang: str) -> Blocks:
    """Step 1: every pair the comparison makes, in one table (indicator, Lai Châu, Vietnam, gap,
    how comparable), so a reader sees the rows before any are set aside."""
    lang = check_lang(lang)
    return Blocks([heading(text("pairs_heading", lang), 2), _table(lang, [{
        text("indicator", lang): str(r.label),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("country", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                             r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
        text("comparison", lang): text(str(r.comparability), lang),
    } for r in rows.itertuples()])])


def summary(rows: pd.DataFrame, missing: pd.DataFrame, lang: str) -> Blocks:
    """In short: how many pairs are like for like, higher and lower, how many are proxies and
    how many figures have no counterpart, then where Lai Châu is below Vietnam."""
    lang = check_lang(lang)
    same = rows[rows["comparability"] == "same"]
    proxy = rows[rows["comparability"] == "proxy"]
    below = rows[rows["comparability"].isin(["same", "proxy"]) & (rows["direction"] == "below")]
    own = missing[missing["area"] == cmp.PROVINCE]
    items = []
    for r in below.itertuples():
        item = text("below_item", lang, label=r.label,
                    value=quantity_text(r.value, r.unit, "", lang),
                    base=quantity_text(r.baseline_value, r.baseline_unit, r.baseline_qualifier,
                                       lang),
                    gap=gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang))
        if r.comparability == "proxy":
            item += f" [{text('proxy_mark', lang)}]"
        items.append(item)
    return Blocks([
        heading(text("in_short", lang), 2),
        paragraph(text("nat_summary", lang, same=len(same),
                       above=int((same["direction"] == "above").sum()),
                       below=int((same["direction"] == "below").sum()), proxy=len(proxy),
                       nc=len(own))),
        bullets(items or [text("none_below", lang)], text("below_heading", lang), kind="alert"),
    ])


def like_for_like(same: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The like-for-like pairs: a dot chart per unit, their table and why each is like for like."""
    lang = check_lang(lang)
    if same.empty:
        return Blocks([heading(text("same_heading", lang), 2), paragraph(text("no_pairs", lang))])
    return Blocks([heading(text("same_heading", lang), 2), paragraph(text("same_intro", lang)),
                   *_comparison_group(same, lang, text("same_chart", lang, period=period_text(
                       str(same["period"].iloc[0]), lang)), k, "why_same")])


def revisions(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """National figures restated after their first release: first value, later ones, the gap
    against the latest."""
    lang = check_lang(lang)
    revised = rows[rows["revised_baseline_id"].notna()]
    if revised.empty:
        return Blocks()
    items = []
    for r in revised.itertuples():
        later = (list(cmp.revisions(k, r.baseline_id)["id"]) if k.kind(r.baseline_id) ==
                 "reference" else [r.revised_baseline_id])
        items.append(text(
            "revision_item", lang, label=r.baseline_label,
            first=quantity_text(r.baseline_value, r.baseline_unit, r.baseline_qualifier, lang),
            first_date=_date(r.baseline_release, lang),
            latest=", ".join(f"{k.quantity(v).format(lang)} "
                             f"({_date(cmp.release_of(k, v), lang)})" for v in later),
            gap=gap_text(r.revised_gap, r.gap_unit, r.gap_qualifier, lang)))
    return Blocks([bullets(items, text("revisions_heading", lang), kind="note")])


def _date(value: Any, lang: str) -> str:
    """A release date for the reader; a year or a month alone stays as precise as the data."""
    if not isinstance(value, str) or not value:
        return text("date_unknown", lang)
    if len(value) == 4:
        return value
    return date_text(pd.Timestamp(value), lang) if len(value) == 10 else \
        period_text(value.replace("-", "M"), lang)


def proxies(proxy: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The proxies, apart: a chart, their table and what makes each only a proxy."""
    lang = check_lang(lang)
    if proxy.empty:
        return Blocks()
    return Blocks([heading(text("proxy_heading", lang), 2), paragraph(text("proxy_intro", lang)),
                   *_comparison_group(proxy, lang, text("proxy_chart", lang), k, "why_proxy")])


def context(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """Context rows: another period or date beside a figure, with both periods and no gap."""
    lang = check_lang(lang)
    if rows.empty:
        return Blocks()
    return Blocks([
        heading(text("context_heading", lang), 2), paragraph(text("context_intro", lang)),
        _table(lang, [{
            text("indicator", lang): str(r.label),
            "Lai Châu": text("period_of", lang, period=period_text(str(r.period), lang),
                             value=quantity_text(r.value, r.unit, "", lang)),
            text("country", lang): text(
                "period_of", lang, period=period_text(str(r.baseline_period), lang),
                value=quantity_text(r.baseline_value, r.baseline_unit, r.baseline_qualifier,
                                    lang)),
        } for r in rows.itertuples()]),
        _reasons(rows, lang, "why_context", k)])


def not_compared(missing: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """What the comparison leaves out: Lai Châu's figures with no national counterpart, and
    what Vietnam publishes for the period with no Lai Châu figure in the data."""
    lang = check_lang(lang)
    out = Blocks()
    own = missing[missing["area"] == cmp.PROVINCE]
    country = missing[missing["area"] != cmp.PROVINCE]
    if len(own):
        out += [heading(text("nc_heading", lang), 2), paragraph(text("nc_intro", lang)),
                _table(lang, [{
                    text("indicator", lang): str(r.label),
                    "Lai Châu": _value(r, lang, k),
                    text("why_not", lang): readable(str(r.reason), lang, k),
                } for r in own.itertuples()])]
    if len(country):
        out += [heading(text("nc_country_heading", lang), 2),
                paragraph(text("nc_country_intro", lang)),
                _table(lang, [{
                    text("indicator", lang): str(r.label),
                    text("country", lang): _value(r, lang, k),
                } for r in country.itertuples()])]
    return out


def headline(rows: pd.DataFrame, lang: str, k: cmp.Lookup | None = None) -> str:
    """The headline table nbval compares: one line per pair, the figure id (or the indicator, for
    another period's rows) and formatted values."""
    lang = check_lang(lang)
    k = k or cmp.Lookup()
    return data_table([{
        text("id", lang): cmp.short_id(k, str(r.id)),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("country", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                             r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
        text("comparison", lang): text(str(r.comparability), lang),
    } for r in rows.itertuples()]).plain


def source_ids(rows: pd.DataFrame, missing: pd.DataFrame, k: cmp.Lookup) -> list[str]:
    """Every source the page cites, in order of first use."""
    sources = _ids([*rows["source_id"], *rows["baseline_sources"]])
    for value_id in missing["id"]:
        sources += [s for s in k.sources(value_id) if s not in sources]
    return sources


def sources(rows: pd.DataFrame, missing: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The heading and list of every source the page cites."""
    return sources_section(source_ids(rows, missing, k), lang)


def vs_national(lang: str, figure_ids: Sequence[str] | None = None, period: str | None = None,
                vintage: str = "first") -> Page:
    """Lai Châu against Vietnam in `period` (default: the article's): the steps above in order,
    as the notebook 2.0-vs-national shows them."""
    lang = check_lang(lang)
    ids = _check_ids(figure_ids)
    k = cmp.Lookup()
    rows = comparisons.compare("national", lang, ids=ids, lookup=k, vintage=vintage,
                               period=period)
    missing = comparisons.not_compared("national", lang, period=period, lookup=k)
    if ids is not None:
        missing = missing[missing["id"].isin(ids)]
    blocks: list[Any] = [
        *summary(rows, missing, lang), *pairs(rows, lang),
        *like_for_like(rows[rows["comparability"] == "same"], lang, k),
        *revisions(rows, lang, k),
        *proxies(rows[rows["comparability"] == "proxy"], lang, k),
        *context(rows[rows["comparability"] == "context"], lang, k),
        *not_compared(missing, lang, k),
    ]
    return Page(lang, blocks, headline(rows, lang, k), source_ids(rows, missing, k))
