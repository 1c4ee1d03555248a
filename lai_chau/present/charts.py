"""Altair charts for reports: the project theme, numbers in the reader's locale, offline rendering.

Importing this module registers and enables the `lai-chau` theme and the `lai-chau` renderer.

The renderer draws every chart offline. Each chart is a `<div id="lc-chart-<id>">` and a small
script calling `vegaEmbed(el, spec, opts)`; the id is a hash of the spec and a per-kernel counter,
so re-running a notebook gives the same output. The Vega, Vega-Lite and vega-embed JavaScript
(`vl_convert.javascript_bundle()`, about 0.9 MB, no network) is shipped in one of two ways,
chosen by the environment variable LAI_CHAU_CHARTS:

- `report` (set by `lai-chau render` for the kernels it starts): charts are snippets only; the
  nbconvert template `lai_chau/templates/lai-chau` puts the bundle once in the page's <head>.
- `lab` (the default, e.g. JupyterLab or nbval): each chart's script loads the bundle from the
  Jupyter server itself (`<base url>/lai-chau/static/vega-<vl-convert version>.js`, served by the
  server extension lai_chau.render.lab, enabled on install) when the page has no vegaEmbed yet,
  once per page, then embeds. So charts draw in a fresh kernel, after a reload, in a second tab,
  after a restart and from a saved notebook, with the network off, and a saved notebook holds
  only the specs (a few kB a chart), never the bundle. A page that already has vegaEmbed (an
  nbconvert page with `--template lai-chau`) draws at once.
  Altair's own renderers are not used: the `html` one loads Vega from a CDN, the `mimetype` one
  (Vega-Lite 6) is neither drawn by JupyterLab 4 (its renderer is Vega 5, Vega-Lite up to 5)
  nor accepted by nbformat.

Numbers: every chart carries a Vega `config.locale` and vega-embed's `formatLocale`
(`usermeta.embedOptions`) for its language, so axes and tooltips read `9,15%` in vi, `9.15%` in en.

Why one module of ~600 lines: every chart shares the registered theme, the locale formats, the
source line and the text description, and the page embeds them through one HTML helper.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import os
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from lai_chau.base.deferred import defer_iri_grammar
from lai_chau.base.errors import UsageError, unknown
from lai_chau.present.i18n import (
    axis_title,
    base_text,
    check_lang,
    rank_label,
    text,
    unit_name,
)
from lai_chau.present.vega import bundle_path, json_for_script
from lai_chau.sources.numerals import UNITS, format_number

defer_iri_grammar()  # before altair imports jsonschema (~1 s a kernel): lai_chau/base/deferred.py

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402

THEME = "lai-chau"
RENDERER = "lai-chau"
MODE_ENV = "LAI_CHAU_CHARTS"
MODES = ("lab", "report")

FONT = '"Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif'
LAI_CHAU = "#1b6e5a"  # the province: deep green
BASELINE = "#c2571a"  # whatever it is compared with: burnt orange
MUTED = "#9aa5a2"
PALETTE = [LAI_CHAU, BASELINE, "#3f6fb0", "#8a5a9e", "#b59a2b", "#5f7f7a"]
WIDTH = 520

# d3-format locales (no vi-VN ships with d3): decimal comma and thousands dot for vi.
LOCALES: dict[str, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0₫"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
NUMBER_FORMAT = ",.2~f"  # thousands separator, up to 2 decimals, no trailing zeros
# lai_chau.analysis.compare's words for the kinds that can be drawn
COMPARABILITY = ("same", "proxy")

@alt.theme.register(THEME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    """The project theme: one sans-serif with Vietnamese glyphs, muted axes, the project palette."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "view": {"stroke": None, "continuousWidth": WIDTH},
            "title": {
                "anchor": "start", "fontSize": 15, "fontWeight": 600, "color": "#1f2a28",
                "subtitleFontSize": 11, "subtitleColor": "#5b6664", "subtitlePadding": 4,
                "offset": 10,
            },
            "axis": {
                "labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": 500,
                "titleColor": "#38433f", "labelColor": "#38433f", "gridColor": "#e6eae9",
                "domainColor": "#9aa5a2", "tickColor": "#9aa5a2", "labelLimit": 260,
            },
            "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom",
                       "direction": "horizontal"},
            "range": {"category": PALETTE},
            "bar": {"color": LAI_CHAU},
            "point": {"size": 90, "filled": True},
            "text": {"fontSize": 11, "color": "#1f2a28"},
        }
    }


def format_locale(lang: str) -> dict[str, Any]:
    """The d3-format locale of a report language (what vega-embed's `formatLocale` receives):
    vi and en as above; any other language's decimal and grouping symbols from CLDR."""
    if check_lang(lang) in LOCALES:
        return dict(LOCALES[lang])
    from lai_chau.sources.numerals import symbols

    decimal, group = symbols(lang)
    return {"decimal": decimal, "thousands": group, "grouping": [3], "currency": ["", ""]}


def affixes(value: float, unit: str, lang: str) -> tuple[str, str]:
    """What comes before and after a number of this unit ('', '%'), ('', ' tấn'), ('thứ ', '').

    Read from lai_chau.sources.numerals.UNITS, so charts and tables write units alike.
    """
    label = UNITS[unit].template(check_lang(lang), format_number(value, lang)) if unit in UNITS \
        else None
    if label is None:
        raise unknown("unit", unit, sorted(UNITS))
    before, _, after = label.partition("{n}")
    return before, after.replace("{ordinal}", "")


VALUE_DECIMALS = 2  # a computed value (21.45806452) is shown as the tables show it (21.46)


def format_value(value: float, unit: str, lang: str) -> str:
    """A number with its unit as the tables show it ('9,15%', '1.620 tấn', '1,620 t'), rounded to
    at most two decimals (the article's own figures have no more)."""
    return format_number(round(float(value), VALUE_DECIMALS), check_lang(lang), unit=unit)


def source_line(source_ids: Iterable[str], lang: str, width: int = 90) -> list[str]:
    """'Nguồn: <title> [id]' wrapped to lines (a chart's subtitle); with more than two sources
    only their ids (data/sources.csv has the titles), so the line stays a line."""
    import lai_chau.data.validate as validate

    sources = validate.load("sources").set_index("id")
    ids = list(dict.fromkeys(source_ids))
    missing = [i for i in ids if i not in sources.index]
    if missing:
        raise unknown("source id", missing[0], list(sources.index))
    if len(ids) <= 2:
        from lai_chau.present.i18n import source_title

        names = "; ".join(f"{source_title(i, lang)} [{i}]" for i in ids)
    else:
        names = ", ".join(ids)
    label = text("source" if len(ids) == 1 else "sources", lang)
    return textwrap.wrap(f"{label}: {names}", width=width, break_on_hyphens=False,
                         break_long_words=False) or [label]


def _title(title: str, sources: Iterable[str], lang: str) -> alt.Title:
    return alt.Title(text=title, subtitle=source_line(sources, lang))


def _finish(chart: alt.TopLevelMixin, lang: str, description: str) -> alt.TopLevelMixin:
    """Attach what every chart carries: text alternative, locale, embed options."""
    return chart.properties(
        description=description,
        usermeta={"embedOptions": {"formatLocale": format_locale(lang), "actions": False,
                                   "renderer": "svg"}},
    ).configure(locale={"number": format_locale(lang)})


# Vega expression: the value in the view's locale between its unit's affixes ("9,15%").
VALUE_TEXT = f"datum.prefix + format(datum.value, '{NUMBER_FORMAT}') + datum.suffix"


def _with_affixes(rows: pd.DataFrame, values: str, unit: str, lang: str) -> pd.DataFrame:
    pairs = [affixes(v, unit, lang) for v in rows[values]]
    return rows.assign(prefix=[p for p, _ in pairs], suffix=[s for _, s in pairs])


def _one_unit(data: pd.DataFrame, what: str) -> str:
    units = list(dict.fromkeys(data["unit"]))
    if len(units) != 1:
        raise UsageError(
            f"{what} draws one unit on one axis, got {', '.join(map(str, units))}; "
            "split the rows by unit (percent and percentage points are different units)"
        )
    return str(units[0])


def _require(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise UsageError(f"{what} needs columns {', '.join(columns)}; missing {', '.join(missing)}")
    if data.empty:
        raise UsageError(f"{what} needs at least one row")


def _describe(kind: str, title: str, items: Iterable[str], lang: str) -> str:
    return f"{text(kind, lang)}: {title}. " + "; ".join(items) + "."


def figure_bars(
    figures: pd.DataFrame,
    *,
    lang: str,
    title: str,
    description: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars of figures of one measure and unit (rows of `lai_chau.figures()`).

    Labels and values come from the figures' `label_<lang>`, `value`, `unit`, `base` and
    `source_id` columns; bars are sorted by value and labelled with the value in `lang`'s format.
    """
    lang = check_lang(lang)
    label = f"label_{lang}" if f"label_{lang}" in figures else "label_en"  # English if none
    columns = ["id", "value", "unit", "measure", label, "source_id"]
    _require(figures, columns, "a bar chart")
    unit = _one_unit(figures, "a bar chart")
    measures = list(dict.fromkeys(figures["measure"]))
    if len(measures) != 1:
        raise UsageError(f"a bar chart draws one measure, got {', '.join(measures)}")
    rows = pd.DataFrame({
        "id": figures["id"].astype(str),
        "label": figures[label].astype(str),
        "value": figures["value"].astype(float),
        "base": [base_text(b, lang) for b in figures["base"]] if "base" in figures else "",
    }).sort_values("value", ascending=False, kind="stable")
    rows = _with_affixes(rows, "value", unit, lang)
    if description is None:
        description = _describe("chart_bars", title, (
            f"{r.label}: {format_value(r.value, unit, lang)}" for r in rows.itertuples()
        ), lang)
    tooltip = [
        alt.Tooltip("label:N", title=text("indicator", lang)),
        alt.Tooltip("value_text:N", title=text("value", lang)),
        alt.Tooltip("base:N", title=text("compared_with", lang)),
    ]
    # An explicit order (largest first) rather than sort="-x": the same in every layer.
    y = alt.Y("label:N", sort=list(rows["label"]), title=None, axis=alt.Axis(labelLimit=300))
    base = alt.Chart(rows).transform_calculate(value_text=VALUE_TEXT).encode(
        y=y,
        x=alt.X("value:Q", title=axis_title(measures[0], unit, lang),
                axis=alt.Axis(format=NUMBER_FORMAT)),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color=LAI_CHAU, height={"band": 0.7})
    labels = base.mark_text(align="left", dx=4, baseline="middle").encode(text="value_text:N")
    chart = alt.layer(bars, labels).properties(
        title=_title(title, figures["source_id"], lang), width=WIDTH - 200,
    )
    return _finish(chart, lang, description)


def comparison_chart(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    baseline: str,
    series: str = "Lai Châu",
    description: str | None = None,
) -> alt.LayerChart:
    """Lai Châu against a baseline, one row per pair: a dot for each, a rule between them.

    `data` is `lai_chau.present.comparisons.compare(baseline, lang)` (or its rows): `label`,
    `value`,
    `unit`, `baseline_label` (what the baseline measures), `baseline_value`, `baseline_unit`,
    `comparability` ('same' or 'proxy'), `source_id` and `baseline_sources` (';'-separated).
    `baseline` names the baseline's series in the legend ('Cả nước', 'Vietnam'). A proxy (a
    related, not identical, indicator) is drawn with a dashed rule and a hollow dot and named in
    the legend, so it never passes for a like-for-like comparison.
    """
    lang = check_lang(lang)
    what = "a comparison chart"
    _require(data, ["label", "value", "unit", "baseline_label", "baseline_value", "baseline_unit",
                    "comparability", "source_id", "baseline_sources"], what)
    unit = _one_unit(data, what)
    if set(data["baseline_unit"]) != {unit}:
        raise UsageError(f"{what}: baseline values are in {', '.join(set(data['baseline_unit']))}"
                         f", Lai Châu's in {unit}; compare like units only")
    kinds = set(data["comparability"])
    if not kinds <= set(COMPARABILITY):
        raise UsageError(
            f"{what}: comparability must be 'same' or 'proxy', got "
            f"{', '.join(sorted(map(str, kinds - set(COMPARABILITY))))}; leave rows that are not "
            "comparable out of the chart and say so in the table"
        )
    kind_label = {k: text(k, lang) for k in COMPARABILITY}
    wide = pd.DataFrame({
        "label": data["label"].astype(str),
        "lai_chau": data["value"].astype(float),
        "baseline": data["baseline_value"].astype(float),
        "baseline_label": data["baseline_label"].astype(str),
        "comparability": data["comparability"].map(kind_label),
        "kind": data["comparability"].astype(str),
    })
    long = pd.concat([
        wide.assign(series=series, measured=wide["label"], value=wide["lai_chau"],
                    role="lai_chau"),
        wide.assign(series=baseline, measured=wide["baseline_label"], value=wide["baseline"],
                    role="baseline"),
    ], ignore_index=True)
    long = _with_affixes(long, "value", unit, lang)
    sources = list(data["source_id"].astype(str)) + [
        s for ids in data["baseline_sources"] for s in str(ids).split(";") if s
    ]
    if description is None:
        description = _describe("chart_dots", title, (
            f"{r.label}: {series} {format_value(r.lai_chau, unit, lang)}, {baseline} "
            f"{format_value(r.baseline, unit, lang)} ({r.comparability})"
            for r in wide.itertuples()
        ), lang)
    y = alt.Y("label:N", title=None, sort=list(wide["label"]), axis=alt.Axis(labelLimit=300))
    x_title = f"{text('value', lang)} ({unit_name(unit, lang)})"
    tooltip = [
        alt.Tooltip("series:N", title=text("series", lang)),
        alt.Tooltip("measured:N", title=text("indicator", lang)),
        alt.Tooltip("value_text:N", title=text("value", lang)),
        alt.Tooltip("comparability:N", title=text("comparison", lang)),
    ]
    rule = alt.Chart(wide).mark_rule(strokeWidth=2, color=MUTED).encode(
        y=y,
        x=alt.X("lai_chau:Q", title=x_title, axis=alt.Axis(format=NUMBER_FORMAT)),
        x2="baseline:Q",
        strokeDash=alt.StrokeDash(
            "comparability:N", title=text("comparison", lang),
            # only the kinds drawn: a chart of like-for-like pairs does not list 'proxy'
            scale=alt.Scale(domain=[kind_label[k] for k in COMPARABILITY if k in kinds],
                            range=[dash for k, dash in zip(COMPARABILITY, ([1, 0], [4, 3]),
                                                           strict=True) if k in kinds]),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=text("indicator", lang)),
            alt.Tooltip("comparability:N", title=text("comparison", lang)),
        ],
    )
    color = alt.Color("series:N", title=text("series", lang),
                      scale=alt.Scale(domain=[series, baseline], range=[LAI_CHAU, BASELINE]))
    dots = alt.Chart(long).transform_calculate(value_text=VALUE_TEXT).encode(
        y=y, x=alt.X("value:Q"), color=color, tooltip=tooltip,
    )
    solid = dots.transform_filter("datum.role == 'lai_chau' || datum.kind == 'same'").mark_point(
        filled=True, size=110, opacity=1)
    hollow = dots.transform_filter("datum.role == 'baseline' && datum.kind == 'proxy'").mark_point(
        filled=False, size=110, strokeWidth=2, opacity=1, fill="white")
    chart = alt.layer(rule, solid, hollow).properties(
        title=_title(title, sources, lang), width=WIDTH - 200,
    )
    return _finish(chart, lang, description)


def rank_chart(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    description: str | None = None,
) -> alt.LayerChart:
    """Positions in a ranking (1 = highest), one row per index: where it was and where it is.

    `data` columns: `label`, `rank` (the position, the bound of 'at most' rows, the best rank of
    'range' rows), `total` (how many were ranked, e.g. 63 provinces), `bound` ('exact',
    'at_most' or 'range'), optional `rank_worst` (the worst rank of 'range' rows), optional
    `rank_from` (the earlier position; an arrow-like rule is drawn from it) and `source_ids`.
    An 'at most' row (the article's 'top 15') is drawn as a band from 1 to the bound, a 'range'
    row (bounds from the peers' figures) as a band from its best to its worst rank, not a dot.
    """
    lang = check_lang(lang)
    what = "a rank chart"
    _require(data, ["label", "rank", "total", "bound", "source_ids"], what)
    bounds = set(data["bound"])
    if not bounds <= {"exact", "at_most", "range"}:
        raise UsageError(
            f"{what}: bound must be 'exact', 'at_most' or 'range', got {sorted(map(str, bounds))}"
        )
    worst = (data["rank_worst"] if "rank_worst" in data
             else pd.Series(pd.NA, index=data.index)).astype("Int64")
    if ((data["bound"] == "range") & worst.isna()).any():
        raise UsageError(f"{what}: a 'range' row needs its worst rank in `rank_worst`")
    rows = pd.DataFrame({
        "label": data["label"].astype(str),
        "rank": data["rank"].astype(int),
        "total": data["total"].astype(int),
        "bound": data["bound"].astype(str),
        "rank_from": (data["rank_from"] if "rank_from" in data
                      else pd.Series(pd.NA, index=data.index)).astype("Int64"),
    })
    # where a band ends: at 1 for 'top N', at the worst rank for a range; none for exact ranks
    rows["band_end"] = [1 if b == "at_most" else (int(w) if b == "range" else None)
                        for b, w in zip(rows["bound"], worst, strict=True)]
    rows["rank_text"] = [rank_label(r.bound, r.rank, r.band_end, lang)
                         for r in rows.itertuples()]
    rows["total_text"] = [text("of_total", lang, n=t) for t in rows["total"]]
    rows["from_text"] = ["" if pd.isna(v) else str(v) for v in rows["rank_from"]]
    top = int(rows["total"].max())
    sources = [s for ids in data["source_ids"] for s in str(ids).split(";") if s]
    if description is None:
        description = _describe("chart_ranks", title, (
            f"{r.label}: {r.from_text + ' → ' if r.from_text else ''}{r.rank_text} {r.total_text}"
            for r in rows.itertuples()
        ), lang)
    tooltip = [
        alt.Tooltip("label:N", title=text("indicator", lang)),
        alt.Tooltip("rank_text:N", title=text("rank_to", lang)),
        alt.Tooltip("from_text:N", title=text("rank_from", lang)),
        alt.Tooltip("total_text:N", title=text("rank_within", lang)),
    ]
    x = alt.X("rank:Q", title=text("rank", lang),
              scale=alt.Scale(domain=[1, top], reverse=True, nice=False),
              axis=alt.Axis(format="d"))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=300))
    base = alt.Chart(rows).encode(y=y, tooltip=tooltip)
    band = base.transform_filter("datum.bound != 'exact'").mark_bar(
        color=LAI_CHAU, opacity=0.35, height={"band": 0.6}).encode(x=x, x2="band_end:Q")
    moved = base.transform_filter("isValid(datum.rank_from)").mark_rule(
        color=MUTED, strokeWidth=2).encode(x=alt.X("rank_from:Q"), x2="rank:Q")
    before = base.transform_filter("isValid(datum.rank_from)").mark_point(
        filled=False, color=MUTED, size=70).encode(x=alt.X("rank_from:Q"))
    now = base.transform_filter("datum.bound == 'exact'").mark_point(
        filled=True, color=LAI_CHAU, size=110).encode(x=x)
    label = base.mark_text(align="left", dx=8, baseline="middle").encode(
        x=x, text="rank_text:N")
    chart = alt.layer(band, moved, before, now, label).properties(
        title=_title(title, sources, lang), width=WIDTH - 200,
    )
    return _finish(chart, lang, description)


def peer_bars(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    highlight: str,
    reference: tuple[str, float] | None = None,
    description: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars of one measure across places, `highlight` (the province) in its colour.

    `data` columns: `label` (the place), `value`, `unit`, `value_text` (the value as the table
    writes it, with its qualifier: '> 24%'), `measure`, `source_id`, optional `rank_text` (a
    stated rank). `reference` = (name, value) draws a rule for a reference value in the same
    unit (Vietnam's figure) with its own tooltip.
    """
    lang = check_lang(lang)
    what = "a peer bar chart"
    _require(data, ["label", "value", "unit", "value_text", "measure", "source_id"], what)
    unit = _one_unit(data, what)
    measures = list(dict.fromkeys(data["measure"]))
    if len(measures) != 1:
        raise UsageError(f"{what} draws one measure, got {', '.join(measures)}")
    rows = pd.DataFrame({
        "label": data["label"].astype(str),
        "value": data["value"].astype(float),
        "value_text": data["value_text"].astype(str),
        "rank_text": data["rank_text"].astype(str) if "rank_text" in data else "",
        "role": [("highlight" if label == highlight else "peer") for label in data["label"]],
    }).sort_values("value", ascending=False, kind="stable")
    if highlight not in set(rows["label"]):
        raise UsageError(f"{what}: {highlight!r} is not among the places drawn")
    if description is None:
        items = [f"{r.label}: {r.value_text}" for r in rows.itertuples()]
        if reference is not None:
            items.append(f"{reference[0]}: {format_value(reference[1], unit, lang)}")
        description = _describe("chart_bars", title, items, lang)
    roles = {"highlight": highlight, "peer": text("province", lang)}
    rows["series"] = rows["role"].map(roles)
    tooltip = [
        alt.Tooltip("label:N", title=text("province", lang)),
        alt.Tooltip("value_text:N", title=text("value", lang)),
        alt.Tooltip("rank_text:N", title=text("rank_region_stated", lang)),
    ]
    y = alt.Y("label:N", sort=list(rows["label"]), title=None, axis=alt.Axis(labelLimit=300))
    base = alt.Chart(rows).encode(
        y=y,
        x=alt.X("value:Q", title=axis_title(measures[0], unit, lang),
                axis=alt.Axis(format=NUMBER_FORMAT)),
        tooltip=tooltip,
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        color=alt.Color("role:N", legend=None,
                        scale=alt.Scale(domain=["highlight", "peer"], range=[LAI_CHAU, MUTED])),
    )
    labels = base.mark_text(align="left", dx=4, baseline="middle").encode(text="value_text:N")
    layers: list[Any] = [bars, labels]
    if reference is not None:
        name, value = reference
        ref = pd.DataFrame({"value": [float(value)], "name": [name],
                            "value_text": [format_value(float(value), unit, lang)]})
        ref["label_text"] = ref["name"] + " " + ref["value_text"]
        rule_tooltip = [alt.Tooltip("name:N", title=text("series", lang)),
                        alt.Tooltip("value_text:N", title=text("value", lang))]
        rule = alt.Chart(ref).mark_rule(color=BASELINE, strokeDash=[4, 3], strokeWidth=2).encode(
            x="value:Q", tooltip=rule_tooltip)
        note = alt.Chart(ref).mark_text(align="left", dx=4, dy=-6, baseline="bottom",
                                        color=BASELINE, y=0).encode(
            x="value:Q", text="label_text:N", tooltip=rule_tooltip)
        layers += [rule, note]
    chart = alt.layer(*layers).properties(
        title=_title(title, data["source_id"], lang), width=WIDTH - 200,
    )
    return _finish(chart, lang, description)


def history_bars(
    data: pd.DataFrame,
    *,
    lang: str,
    title: str,
    colors: dict[str, str] | None = None,
    description: str | None = None,
) -> alt.LayerChart:
    """One indicator period by period: a horizontal bar per row, in the order given.

    `data` columns: `label` (the period as the reader says it, unique), `value`, `unit`,
    `value_text` (formatted with its qualifier), `measure`, `kind` (what the figure is: part of
    a year, whole year, target, projection; the bar's colour and legend), `source_id`.
    Periods of different length are different kinds, so a half-year never passes for a year.
    `colors` maps each kind to its colour, so a kind keeps its colour from chart to chart
    (default: the palette in order of appearance).
    """
    lang = check_lang(lang)
    what = "a history chart"
    _require(data, ["label", "value", "unit", "value_text", "measure", "kind", "source_id"], what)
    unit = _one_unit(data, what)
    measures = list(dict.fromkeys(data["measure"]))
    if len(measures) != 1:
        raise UsageError(f"{what} draws one measure, got {', '.join(measures)}")
    if data["label"].duplicated().any():
        raise UsageError(f"{what}: labels must be unique, got "
                         f"{', '.join(data.loc[data['label'].duplicated(), 'label'])} twice")
    rows = pd.DataFrame({
        "label": data["label"].astype(str),
        "value": data["value"].astype(float),
        "value_text": data["value_text"].astype(str),
        "kind": data["kind"].astype(str),
        "source": data["source_id"].astype(str),
    })
    # labels right of a bar's end: after the value for gains, after zero for losses
    rows["text_at"] = rows["value"].clip(lower=0)
    if description is None:
        description = _describe("chart_bars", title, (
            f"{r.label} ({r.kind}): {r.value_text}" for r in rows.itertuples()), lang)
    kinds = list(dict.fromkeys(rows["kind"]))
    tooltip = [
        alt.Tooltip("label:N", title=text("period", lang)),
        alt.Tooltip("kind:N", title=text("kind", lang)),
        alt.Tooltip("value_text:N", title=text("value", lang)),
        alt.Tooltip("source:N", title=text("source", lang)),
    ]
    y = alt.Y("label:N", sort=list(rows["label"]), title=None, axis=alt.Axis(labelLimit=300))
    x_title = axis_title(measures[0], unit, lang)
    base = alt.Chart(rows).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", title=x_title, axis=alt.Axis(format=NUMBER_FORMAT)),
        color=alt.Color("kind:N", title=text("kind", lang),
                        scale=alt.Scale(domain=kinds, range=[
                            (colors or {}).get(kind, PALETTE[number % len(PALETTE)])
                            for number, kind in enumerate(kinds)]),
                        legend=alt.Legend(columns=2, labelLimit=320)),
    )
    labels = base.mark_text(align="left", dx=4, baseline="middle").encode(
        x=alt.X("text_at:Q", title=x_title), text="value_text:N")
    chart = alt.layer(bars, labels).properties(
        title=_title(title, rows["source"], lang), width=WIDTH - 200,
    )
    return _finish(chart, lang, description)


# --- the renderer -------------------------------------------------------------------------------

_counter = itertools.count()


def mode() -> str:
    """Where charts get their JavaScript: 'report' (from the page) or 'lab' (the Jupyter server)."""
    value = os.environ.get(MODE_ENV, "lab")
    if value not in MODES:
        raise unknown(f"{MODE_ENV} value", value, MODES)
    return value


def chart_id(spec: dict[str, Any], number: int) -> str:
    """Stable element id of the `number`-th chart of a kernel session with this spec."""
    digest = hashlib.sha256(f"{number}:{json_for_script(spec)}".encode()).hexdigest()
    return f"lc-chart-{digest[:16]}"


def _options(spec: dict[str, Any]) -> dict[str, Any]:
    return {"actions": False, "renderer": "svg", **spec.get("usermeta", {}).get("embedOptions", {})}


def snippet(spec: dict[str, Any], element_id: str) -> str:
    """The HTML of one chart: its div and the script that embeds it (needs vegaEmbed)."""
    fallback = html.escape(spec.get("description", ""))
    return (
        f'<div id="{element_id}" class="lc-chart" role="figure">{fallback}</div>\n'
        "<script>\n(function () {\n"
        f'  var el = document.getElementById("{element_id}");\n'
        f"  var spec = {json_for_script(spec)};\n"
        f"  var opts = {json_for_script(_options(spec))};\n"
        '  if (typeof window.vegaEmbed !== "function") { return; }\n'
        '  el.textContent = "";\n'
        "  window.vegaEmbed(el, spec, opts).catch(function (err) {\n"
        "    el.textContent = String(err); console.error(err);\n"
        "  });\n"
        "})();\n</script>"
    )


# In JupyterLab: the page loads the bundle from its own Jupyter server (the lai-chau server
# extension, lai_chau.render.lab) once, whichever output asks first; every chart waits for it.
# On a page that already has vegaEmbed (a report, an nbconvert page) it draws at once; on a page
# with neither (another Jupyter, a plain nbconvert template) the text alternative stays.
_LOADER = """\
  function draw() {
    el.textContent = "";
    window.vegaEmbed(el, spec, opts).catch(function (err) {
      el.textContent = String(err); console.error(err);
    });
  }
  if (typeof window.vegaEmbed === "function") { draw(); return; }
  var config = document.getElementById("jupyter-config-data");
  if (!config) { return; }
  if (!window.laiChauVega) {
    var base = (JSON.parse(config.textContent).baseUrl || "/").replace(/\\/?$/, "/");
    window.laiChauVega = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = base + PATH;
      script.onload = resolve;
      script.onerror = function () {
        window.laiChauVega = null;
        reject(new Error("cannot load " + script.src + ": start JupyterLab with `make lab` "
          + "(it serves the chart library), or re-run this cell after an upgrade"));
      };
      document.head.appendChild(script);
    });
  }
  window.laiChauVega.then(draw, function (err) {
    el.textContent = el.textContent + " (" + err.message + ")"; console.error(err);
  });
"""


def lab_snippet(spec: dict[str, Any], element_id: str) -> str:
    """The HTML of one chart in JupyterLab: its div (the text alternative until drawn) and a
    script that loads the bundle from the Jupyter server if the page lacks vegaEmbed, then embeds.
    Small (the spec only) and the same in a live output, a saved notebook and an nbconvert page."""
    fallback = html.escape(spec.get("description", ""))
    return (
        f'<div id="{element_id}" class="lc-chart" role="figure">{fallback}</div>\n'
        "<script>\n(function () {\n"
        f'  var el = document.getElementById("{element_id}");\n'
        f"  var spec = {json_for_script(spec)};\n"
        f"  var opts = {json_for_script(_options(spec))};\n"
        + _LOADER.replace("PATH", json_for_script(bundle_path()))
        + "})();\n</script>"
    )


def renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: offline HTML for the chart plus its description as text/plain."""
    element_id = chart_id(spec, next(_counter))
    body = snippet(spec, element_id) if mode() == "report" else lab_snippet(spec, element_id)
    return {"text/html": body, "text/plain": spec.get("description", element_id)}


alt.renderers.register(RENDERER, renderer)
alt.renderers.enable(RENDERER)
