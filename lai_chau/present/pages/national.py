"""Lai Châu against Vietnam in the first half of 2022: like-for-like pairs, proxies, context,
revisions, the figures with no counterpart, and where Lai Châu is lower."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.data import reference
from lai_chau.present import comparisons
from lai_chau.present.i18n import (
    check_lang,
    data_label,
    date_text,
    period_text,
    text,
)
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
from lai_chau.present.report import bullets, data_table, heading, paragraph


def _not_comparable(figure_ids: list[str] | None, lang: str, k: cmp.Lookup) -> pd.DataFrame:
    table = reference.comparability()
    table = table[(table["baseline"] == "national")
                  & (table["comparability"] == "not_comparable")]
    if figure_ids is not None:
        table = table[table["figure_id"].isin(figure_ids)]
    return table


def vs_national(lang: str, figure_ids: Sequence[str] | None = None) -> Page:
    """Lai Châu against Vietnam in the first half of 2022: like-for-like pairs, the proxies
    apart with their reasons, the figures with no counterpart, and where Lai Châu is lower."""
    lang = check_lang(lang)
    ids = _check_ids(figure_ids)
    k = cmp.Lookup()
    rows = comparisons.compare("national", lang, ids=ids, lookup=k)
    same = rows[rows["comparability"] == "same"]
    proxy = rows[rows["comparability"] == "proxy"]
    context = rows[rows["comparability"] == "context"]
    nc = _not_comparable(ids, lang, k)
    below = pd.concat([same[same["direction"] == "below"], proxy[proxy["direction"] == "below"]])

    blocks: list[Any] = [heading(text("in_short", lang), 2), paragraph(text(
        "nat_summary", lang, same=len(same), above=int((same["direction"] == "above").sum()),
        below=int((same["direction"] == "below").sum()), proxy=len(proxy), nc=len(nc)))]
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
    blocks.append(bullets(items or [text("none_below", lang)], text("below_heading", lang),
                          kind="alert"))

    if len(same):
        blocks += [heading(text("same_heading", lang), 2), paragraph(text("same_intro", lang))]
        blocks += _comparison_group(same, lang, text("same_chart", lang), k, "why_same")
    revised = rows[rows["revised_baseline_id"].notna()]
    if len(revised):
        items = []
        for r in revised.itertuples():
            items.append(text(
                "revision_item", lang, label=r.baseline_label,
                first=quantity_text(r.baseline_value, r.baseline_unit, r.baseline_qualifier, lang),
                first_date=date_text(pd.Timestamp(r.baseline_release), lang),
                latest=", ".join(
                    f"{k.quantity(v).format(lang)} "
                    f"({date_text(pd.Timestamp(k.refs.loc[v, 'release_date']), lang)})"
                    for v in cmp.revisions(k, r.baseline_id)["id"]),
                gap=gap_text(r.revised_gap, r.gap_unit, r.gap_qualifier, lang)))
        blocks.append(bullets(items, text("revisions_heading", lang), kind="note"))
    if len(proxy):
        blocks += [heading(text("proxy_heading", lang), 2), paragraph(text("proxy_intro", lang))]
        blocks += _comparison_group(proxy, lang, text("proxy_chart", lang), k, "why_proxy")
    if len(context):
        blocks += [heading(text("context_heading", lang), 2),
                   paragraph(text("context_intro", lang)),
                   _table(lang, [{
                       text("indicator", lang): str(r.label),
                       "Lai Châu": text("period_of", lang, period=period_text(str(r.period), lang),
                                        value=quantity_text(r.value, r.unit, "", lang)),
                       text("country", lang): text(
                           "period_of", lang, period=period_text(str(r.baseline_period), lang),
                           value=quantity_text(r.baseline_value, r.baseline_unit,
                                               r.baseline_qualifier, lang)),
                   } for r in context.itertuples()]),
                   _reasons(context, lang, "why_context", k)]
    if len(nc):
        blocks += [heading(text("nc_heading", lang), 2), paragraph(text("nc_intro", lang))]
        nc_rows = []
        for r in nc.itertuples():
            fig = k.figures.loc[r.figure_id]
            nc_rows.append({
                text("indicator", lang): str(data_label(fig, lang)),
                "Lai Châu": _figure_value(fig, lang),
                text("why_not", lang): readable(data_label(r, lang, "reason"), lang, k),
            })
        blocks.append(_table(lang, nc_rows))

    headline = data_table([{
        text("id", lang): str(r.id),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("country", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                             r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
        text("comparison", lang): text(str(r.comparability), lang),
    } for r in rows.itertuples()]).plain
    sources = _ids([*rows["source_id"], *rows["baseline_sources"]])
    sources += [s for s in _ids(k.figures.loc[list(nc["figure_id"]), "source_id"])
                if s not in sources]
    return Page(lang, blocks, headline, sources)


def _figure_value(fig: Any, lang: str) -> str:
    """A figure's value as the overview writes it ('tốp 15' for a rank bound)."""
    from lai_chau.present.report import value_text

    return value_text(fig, lang)
