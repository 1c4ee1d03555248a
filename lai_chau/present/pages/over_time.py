"""Lai Châu and Vietnam over time, step by step: the series by kind of period, the gap each
period, the three sectors, and where the article's figure stands in Lai Châu's own history."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lai_chau.analysis import periods
from lai_chau.analysis.vocabulary import period_order
from lai_chau.base.errors import UsageError
from lai_chau.data import reference
from lai_chau.present import timecharts
from lai_chau.present.i18n import check_lang, data_label, period_text, text
from lai_chau.present.pages.common import _table, gap_text, quantity_text
from lai_chau.present.report import Blocks, data_table, heading, paragraph, sources_section

SECTORS = ("gva_agriculture", "gva_industry_construction", "gva_services")
KINDS = ("H1", "FY")


def indicator_label(indicator: str, lang: str, measure: str = "growth_yoy") -> str:
    """An indicator's name in `lang` (data/indicators.csv)."""
    names = reference.indicators().set_index(["indicator", "measure"])
    return data_label(names.loc[(indicator, measure)], lang)


def _value(value: Any, qualifier: Any, lang: str, mark: str = "") -> str:
    if pd.isna(value):
        return "—"
    shown = quantity_text(float(value), "percent", qualifier if isinstance(qualifier, str)
                          else "", lang)
    return f"{shown} {mark}".rstrip()


def _stage_mark(stage: Any, lang: str) -> str:
    return f"({text('stage_' + stage, lang)})" if isinstance(stage, str) and \
        stage in ("projection", "early_estimate", "revised", "final") else ""


def series_table(table: pd.DataFrame, lang: str) -> Blocks:
    """Each period of one kind: Lai Châu (its stage when not a first estimate), Vietnam as first
    published and as later restated, and the gap; a missing value is a dash."""
    lang = check_lang(lang)
    kind = str(table["kind"].iloc[0])
    rows = []
    for r in table.itertuples():
        rows.append({
            text("period", lang): period_text(r.period, lang),
            "Lai Châu": _value(r.lai_chau, r.lai_chau_qualifier, lang,
                               _stage_mark(r.lai_chau_stage, lang)),
            text("country", lang): _value(r.vietnam, r.vietnam_qualifier, lang),
            text("country_latest", lang): _value(r.vietnam_revised, "", lang),
            text("gap", lang): "—" if pd.isna(r.gap) else gap_text(r.gap, "pp", "", lang),
        })
    return Blocks([heading(text(f"kind_heading_{kind}", lang), 3), _table(lang, rows)])


def series_chart(table: pd.DataFrame, indicator: str, lang: str) -> Any:
    kind = str(table["kind"].iloc[0])
    return timecharts.series_chart(table, lang=lang, title=text(
        f"series_chart_{kind}", lang, indicator=indicator_label(indicator, lang)))


def gap_chart(table: pd.DataFrame, lang: str) -> Any:
    kind = str(table["kind"].iloc[0])
    return timecharts.gap_chart(table, lang=lang, title=text(f"gap_chart_{kind}", lang))


def sectors(tables: dict[str, pd.DataFrame], lang: str) -> Blocks:
    """Small multiples of the three sectors (one kind of period), with a sentence on what the
    data holds for Lai Châu."""
    lang = check_lang(lang)
    named = {indicator_label(i, lang).split(":")[0]: t for i, t in tables.items()}
    kind = str(next(iter(tables.values()))["kind"].iloc[0])
    have = sorted({p for t in tables.values() for p in t.loc[t["lai_chau"].notna(), "period"]},
                  key=period_order)
    return Blocks([
        heading(text(f"sectors_heading_{kind}", lang), 3),
        paragraph(text("sectors_intro", lang, periods=", ".join(
            period_text(p, lang) for p in have) or "—")),
        timecharts.sector_multiples(named, lang=lang, title=text(f"sectors_chart_{kind}", lang)),
    ])


def standing(indicator: str, lang: str) -> Blocks:
    """Where the article's figure of `indicator` stands among Lai Châu's values of the same kind
    of period (lai_chau.analysis.periods.standing); said plainly when there is none."""
    lang = check_lang(lang)
    try:
        st = periods.standing(indicator)
    except UsageError:
        return Blocks([heading(text("standing_heading", lang), 2),
                       paragraph(text("standing_none", lang))])
    return Blocks([heading(text("standing_heading", lang), 2), paragraph(text(
        "standing_text", lang, value=quantity_text(st["value"], "percent", "", lang),
        period=period_text(st["period"], lang), position=st["position"], of=st["of"],
        first=period_text(st["periods"][0], lang), last=period_text(st["periods"][-1], lang),
        lowest=period_text(st["lowest"], lang)))])


def headline(table: pd.DataFrame, lang: str) -> str:
    """The plain table nbval compares: every period with a value, both kinds."""
    lang = check_lang(lang)
    shown = table[table["lai_chau"].notna() | table["vietnam"].notna()]
    return data_table([{
        text("period", lang): str(r.period),
        "Lai Châu": _value(r.lai_chau, r.lai_chau_qualifier, lang),
        text("country", lang): _value(r.vietnam, r.vietnam_qualifier, lang),
        text("gap", lang): "—" if pd.isna(r.gap) else gap_text(r.gap, "pp", "", lang),
    } for r in shown.itertuples()]).plain


def sources(tables: list[pd.DataFrame], lang: str) -> Blocks:
    """The heading and list of every source of the tables' values."""
    return sources_section((s for t in tables for s in timecharts.source_ids(t)), lang)
