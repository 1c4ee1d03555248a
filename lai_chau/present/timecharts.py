"""Charts of Lai Châu and Vietnam over time: the two series, the gap each period, and small
multiples by sector; a missing period stays a gap in the line, never interpolated."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from lai_chau.base.errors import UsageError
from lai_chau.present.charts import (
    BASELINE,
    LAI_CHAU,
    NUMBER_FORMAT,
    WIDTH,
    _describe,
    _finish,
    _title,
    format_value,
)
from lai_chau.present.i18n import check_lang, text

COLUMNS = ["period", "kind", "year", "lai_chau", "vietnam", "gap"]


def _check(table: pd.DataFrame, what: str) -> None:
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise UsageError(f"{what} needs the columns of lai_chau.analysis.periods.over_time(); "
                         f"missing {', '.join(missing)}")
    kinds = set(table["kind"])
    if len(kinds) != 1:
        raise UsageError(f"{what} draws one kind of period (H1 or FY, never mixed), got "
                         f"{', '.join(sorted(map(str, kinds))) or 'none'}; filter by kind")


def _long(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    country = text("country", lang)
    rows = []
    for r in table.itertuples():
        for series, value in (("Lai Châu", r.lai_chau), (country, r.vietnam)):
            shown = None if pd.isna(value) else float(value)
            rows.append({"year": str(r.year), "series": series, "value": shown,
                         "value_text": text("missing_value", lang) if shown is None
                         else format_value(shown, "percent", lang)})
    return pd.DataFrame(rows)


def source_ids(table: pd.DataFrame) -> list[str]:
    """The sources of an over_time() table's values, Lai Châu's first, in order."""
    ids: list[str] = []
    for column in ("lai_chau_source", "vietnam_source"):
        if column in table:
            ids += [str(s) for s in table[column].dropna() if str(s) not in ids]
    return ids


def series_chart(table: pd.DataFrame, *, lang: str, title: str) -> alt.LayerChart:
    """Lai Châu's and Vietnam's growth, one line each over the years of one kind of period
    (`table`: over_time() rows of one kind). A year with no value breaks the line."""
    lang = check_lang(lang)
    _check(table, "a series chart")
    long = _long(table, lang)
    country = text("country", lang)
    color = alt.Color("series:N", title=None, scale=alt.Scale(
        domain=["Lai Châu", country], range=[LAI_CHAU, BASELINE]))
    base = alt.Chart(long).encode(
        x=alt.X("year:O", title=text("year_axis", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=text("growth_axis", lang),
                axis=alt.Axis(format=NUMBER_FORMAT)),
        color=color,
        tooltip=[alt.Tooltip("series:N", title=text("area_col", lang)),
                 alt.Tooltip("year:O", title=text("year_axis", lang)),
                 alt.Tooltip("value_text:N", title=text("value", lang))])
    lines = base.mark_line(point=True, invalid="break-paths-show-domains")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    chart = alt.layer(zero, lines).properties(title=_title(title, source_ids(table), lang),
                                              width=WIDTH, height=240)
    items = [f"{r.year} {r.series}: {r.value_text}" for r in long.itertuples()]
    return _finish(chart, lang, _describe("chart_lines", title, items, lang))


def gap_chart(table: pd.DataFrame, *, lang: str, title: str) -> alt.LayerChart:
    """The gap (Lai Châu minus Vietnam, percentage points) each year of one kind of period; a
    year without both values is labelled as missing, with no bar."""
    lang = check_lang(lang)
    _check(table, "a gap chart")
    rows = pd.DataFrame({
        "year": table["year"].astype(str),
        "gap": [None if pd.isna(g) else float(g) for g in table["gap"]],
    })
    rows["gap_text"] = [text("missing_value", lang) if pd.isna(g) else
                        format_value(g, "pp", lang) for g in rows["gap"]]
    rows["side"] = [None if pd.isna(g) else (text("above", lang) if g >= 0 else text("below", lang))
                    for g in rows["gap"]]
    rows["at"] = [0.0 if pd.isna(g) else g for g in rows["gap"]]
    x = alt.X("year:O", title=text("year_axis", lang), axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(rows[rows["gap"].notna()]).mark_bar().encode(
        x=x, y=alt.Y("gap:Q", title=text("gap_axis", lang), axis=alt.Axis(format=NUMBER_FORMAT)),
        color=alt.Color("side:N", title=None, scale=alt.Scale(
            domain=[text("above", lang), text("below", lang)], range=[LAI_CHAU, BASELINE])),
        tooltip=[alt.Tooltip("year:O", title=text("year_axis", lang)),
                 alt.Tooltip("gap_text:N", title=text("gap", lang))])
    missing = alt.Chart(rows[rows["gap"].isna()]).mark_text(
        angle=270, align="left", dx=4, color="#777", fontSize=10).encode(
        x=x, y=alt.Y("at:Q"), text="gap_text:N")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    chart = alt.layer(zero, bars, missing).properties(
        title=_title(title, source_ids(table), lang), width=WIDTH, height=200)
    items = [f"{r.year}: {r.gap_text}" for r in rows.itertuples()]
    return _finish(chart, lang, _describe("chart_bars", title, items, lang))


def sector_multiples(tables: Mapping[str, pd.DataFrame], *, lang: str,
                     title: str) -> alt.FacetChart:
    """Small multiples: one panel per sector (label -> its over_time() rows of one kind), Lai
    Châu's and Vietnam's lines in each, on one shared axis."""
    lang = check_lang(lang)
    if not tables:
        raise UsageError("small multiples need at least one sector")
    frames = []
    for label, table in tables.items():
        _check(table, f"the panel {label!r}")
        frames.append(_long(table, lang).assign(sector=label))
    long = pd.concat(frames, ignore_index=True)
    country = text("country", lang)
    chart = alt.Chart(long).mark_line(point=True, invalid="break-paths-show-domains").encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-90)),
        y=alt.Y("value:Q", title=text("growth_axis", lang), axis=alt.Axis(format=NUMBER_FORMAT)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["Lai Châu", country], range=[LAI_CHAU, BASELINE])),
        tooltip=[alt.Tooltip("sector:N", title=text("indicator", lang)),
                 alt.Tooltip("series:N", title=text("area_col", lang)),
                 alt.Tooltip("year:O", title=text("year_axis", lang)),
                 alt.Tooltip("value_text:N", title=text("value", lang))],
    ).properties(width=(WIDTH - 60) // 3, height=160).facet(
        column=alt.Column("sector:N", title=None, sort=list(tables),
                          header=alt.Header(labelLimit=200)))
    sources: list[str] = []
    for table in tables.values():
        sources += [s for s in source_ids(table) if s not in sources]
    chart = chart.properties(title=_title(title, sources, lang))
    items = [f"{r.sector}, {r.year} {r.series}: {r.value_text}" for r in long.itertuples()]
    return _finish(chart, lang, _describe("chart_lines", title, items, lang))
