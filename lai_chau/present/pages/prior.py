"""Lai Châu against its own past and its 2022 plan: implied values, the plan, each indicator's
history."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.analysis.periods import shift
from lai_chau.base.errors import unknown
from lai_chau.data.units import Quantity, qualifier_symbol
from lai_chau.present import comparisons
from lai_chau.present.i18n import (
    check_lang,
    data_label,
    in_language,
    period_text,
    text,
)
from lai_chau.present.pages.common import (
    Page,
    _capital,
    _check_ids,
    _comparison_group,
    _ids,
    _mid,
    _pair_rows,
    _reasons,
    _table,
    gap_text,
    quantity_text,
)
from lai_chau.present.report import (
    Blocks,
    bullets,
    data_table,
    heading,
    paragraph,
    sources_section,
)


def _worked(derived_id: str, lang: str, k: cmp.Lookup) -> str:
    """A derived number's formula with its inputs' values: '45,2% - 4,6 điểm % = 40,6%'."""
    d = next(d for d in cmp.DERIVED if d.id == derived_id)
    formula = d.formula
    for input_id in sorted(d.inputs(k), key=len, reverse=True):
        formula = re.sub(rf"\b{re.escape(input_id)}\b", k.quantity(input_id).format(lang),
                         formula)
    formula = formula.replace(" x ", " × ").replace(" / ", " : " if lang == "vi" else " / ")
    return f"{formula} = {k.quantity(derived_id).format(lang)}"


def _period_order(period: str) -> tuple[int, int]:
    """(year, last month) of a period, to sort a history: '2022H1' -> (2022, 6)."""
    match = re.match(r"(\d{4})", period)
    year = int(match.group(1)) if match else 0
    if re.fullmatch(r"\d{4}H1", period):
        return year, 6
    if match := re.fullmatch(r"\d{4}Q([1-4])", period):
        return year, 3 * int(match.group(1))
    if match := re.fullmatch(r"\d{4}M(?:\d{2}-M)?(\d{2})", period):
        return year, int(match.group(1))
    return year, 12


# What a figure of a history is; each keeps its colour in every chart (the first, the
# province's colour, for parts of a year such as the article's half-year).
KINDS = ("kind_part", "kind_year", "kind_target", "kind_projection")


def _kind(period: str, measure: str, stage: Any) -> str:
    if measure == "target" or stage == "target":
        return "kind_target"
    if stage == "projection":
        return "kind_projection"
    return "kind_year" if re.fullmatch(r"\d{4}", period) else "kind_part"


def history(indicator: str, lang: str, k: cmp.Lookup | None = None) -> pd.DataFrame:
    """Lai Châu's growth rates of one indicator over periods: the article's figure, the other
    periods, targets and projections in data/lai_chau_prior.csv, in time order.

    Columns: id, period, label (the period for the reader, with the stage), value, unit,
    qualifier, value_text, measure ('growth_yoy': targets are growth targets), kind (in `lang`:
    part of a year, whole year, target, projection), kind_key (its i18n key), source_id. A row
    repeating another with the same period, measure and value (a second report of the same
    conference) is left out.
    """
    lang = check_lang(lang)
    k = k or cmp.Lookup()
    figs = k.figures
    figs = figs[(figs["indicator"] == indicator) & (figs["measure"] == "growth_yoy")
                & (figs["unit"] == "percent")]
    refs = k.refs
    refs = refs[(refs["table"] == "lai_chau_prior") & (refs["area"] == cmp.PROVINCE)
                & (refs["indicator"] == indicator) & (refs["unit"] == "percent")
                & refs["measure"].isin(["growth_yoy", "target"]) & (refs["status"] != "rejected")
                & refs["value"].notna()]
    rows = []
    for _, f in figs.iterrows():
        rows.append({"id": f["id"], "period": f["period"], "measure": f["measure"],
                     "value": f["value"], "unit": f["unit"],
                     "qualifier": qualifier_symbol(f["qualifier"]),
                     "stage": "estimate" if f["qualifier"] == "estimate" else None,
                     "source_id": f["source_id"], "article": True})
    for _, r in refs.iterrows():
        stage = None if pd.isna(r["stage"]) else str(r["stage"])
        rows.append({"id": r["id"], "period": r["period"], "measure": r["measure"],
                     "value": r["value"], "unit": r["unit"],
                     "qualifier": qualifier_symbol(r["qualifier"]), "stage": stage,
                     "source_id": r["source_id"], "article": False})
    seen: set[tuple[str, str, float]] = set()
    kept = []
    for row in rows:
        key = (row["period"], "target" if row["measure"] == "target" else "growth",
               float(row["value"]))
        if key in seen:
            continue
        seen.add(key)
        kept.append(row)
    for row in kept:
        row["kind_key"] = _kind(row["period"], row["measure"], row["stage"])
        row["kind"] = text(row["kind_key"], lang)
        words = [text(f"stage_{row['stage']}", lang)] if row["stage"] else []
        if row["article"]:
            words.insert(0, text("the_article", lang))
        row["label"] = _capital(period_text(row["period"], lang)) + (
            f" ({', '.join(words)})" if words else "")
        row["value_text"] = Quantity(row["value"], row["unit"], row["qualifier"]).format(lang)
        row["measure"] = "growth_yoy"
        row["order"] = (*_period_order(row["period"]), row["kind_key"] != "kind_target")
    kept.sort(key=lambda r: r["order"])
    frame = pd.DataFrame(kept, columns=[
        "id", "period", "label", "value", "unit", "qualifier", "value_text", "measure", "kind",
        "kind_key", "source_id"])
    duplicated = frame["label"].duplicated(keep=False)
    frame.loc[duplicated, "label"] = frame.loc[duplicated, "label"] + " [" + \
        frame.loc[duplicated, "source_id"] + "]"
    return frame


def _indicator_label(indicator: str, lang: str, k: cmp.Lookup) -> str:
    figs = k.figures[k.figures["indicator"] == indicator]
    if figs.empty:
        raise unknown("indicator", indicator, list(dict.fromkeys(k.figures["indicator"])))
    growth = figs[figs["measure"] == "growth_yoy"]
    return str(data_label((growth if len(growth) else figs).iloc[0], lang))


def _split(rows: pd.DataFrame, k: cmp.Lookup) -> dict[str, pd.DataFrame]:
    """The prior comparisons by kind: values the article implies, the plan, the same part of
    the year a year earlier, and the other periods."""
    kinds = [k.kind(b) for b in rows["baseline_id"]]
    measures = [k.refs.loc[b, "measure"] if kind == "reference" else None
                for b, kind in zip(rows["baseline_id"], kinds, strict=True)]
    implied = rows[[kind == "derived" for kind in kinds]]
    plan = rows[[m == "target" for m in measures]]
    year_earlier = rows[[isinstance(bp, str) and isinstance(p, str) and len(p) == 6
                         and bp == shift(p, 1) and kind != "derived"
                         for p, bp, kind in zip(rows["period"], rows["baseline_period"], kinds,
                                                strict=True)]]
    taken = set(implied.index) | set(plan.index) | set(year_earlier.index)
    return {"implied": implied, "plan": plan, "year_earlier": year_earlier,
            "other": rows[~rows.index.isin(taken)]}


def pairs(rows: pd.DataFrame, lang: str) -> Blocks:
    """Step 1: every comparison with an earlier period or the plan, in one table."""
    lang = check_lang(lang)
    return Blocks([heading(text("pairs_heading", lang), 2), _table(lang, [{
        text("indicator", lang): str(r.label),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("compared_with", lang): text("period_of", lang, period=period_text(
            str(r.baseline_period), lang), value=str(r.baseline_label)),
        text("baseline_value", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                                    r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
        text("comparison", lang): text(str(r.comparability), lang),
    } for r in rows.itertuples()])])


def implied(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The values a year earlier that the article's own figures imply, with the arithmetic."""
    lang = check_lang(lang)
    implied = _split(rows, k)["implied"]
    if implied.empty:
        return Blocks()
    blocks = Blocks([heading(text("implied_heading", lang), 2),
                     paragraph(text("implied_intro", lang))])
    table = []
    for r in implied.itertuples():
        others = [i for i in k.inputs(r.baseline_id) if i != r.id]
        table.append({
            text("indicator", lang): str(r.label),
            text("now", lang): quantity_text(r.value, r.unit, "", lang),
            text("change", lang): "; ".join(k.quantity(i).format(lang) for i in others),
            text("implied", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                                 r.baseline_qualifier, lang),
            text("how", lang): _worked(r.baseline_id, lang, k),
        })
    blocks.append(_table(lang, table))
    uses = [d for d in cmp.DERIVED
            if set(d.inputs(k)) & set(implied["baseline_id"]) and d.id not in
            set(implied["baseline_id"])]
    if uses:
        blocks.append(bullets(f"{in_language(d.label, lang)}: {_worked(d.id, lang, k)}"
                              for d in uses))
    return blocks


def plan(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """Growth in the period against the full-year target, said carefully."""
    lang = check_lang(lang)
    plan = _split(rows, k)["plan"]
    if plan.empty:
        return Blocks()
    blocks = Blocks([heading(text("plan_heading", lang), 2)])
    if "grdp_growth" in set(plan["id"]):
        blocks.append(paragraph(_plan_text(lang, k)))
    blocks.append(_table(lang, _pair_rows(plan, lang, text("baseline_value", lang))))
    blocks.append(_reasons(plan, lang, "why_proxy", k))
    return blocks


def year_earlier(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The same part of the year a year earlier: a chart, the table and why each compares."""
    lang = check_lang(lang)
    same = _split(rows, k)["year_earlier"]
    if same.empty:
        return Blocks()
    period = str(same["period"].iloc[0])
    return Blocks([heading(text("year_earlier_heading", lang), 2),
                   paragraph(text("year_earlier_intro", lang)),
                   *_comparison_group(same, lang, text(
                       "year_earlier_chart", lang, period=period_text(period, lang),
                       earlier=period_text(shift(period, 1), lang)), k, "why_same",
                       baseline=text("year_earlier_series", lang))])


def other(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> Blocks:
    """The comparisons with other periods (a whole year, a month): context for the period."""
    lang = check_lang(lang)
    rest = _split(rows, k)["other"]
    if rest.empty:
        return Blocks()
    return Blocks([heading(text("other_heading", lang), 2), paragraph(text("other_intro", lang)),
                   _table(lang, _pair_rows(rest, lang, text("baseline_value", lang))),
                   _reasons(rest, lang, "why_proxy", k)])


def histories(indicators: Sequence[str], lang: str, k: cmp.Lookup) -> Blocks:
    """Each indicator's growth period by period (data/lai_chau_prior.csv and the article), as a
    chart and a table."""
    from lai_chau.present import charts

    lang = check_lang(lang)
    blocks = Blocks()
    for indicator in dict.fromkeys(indicators):
        label = _indicator_label(indicator, lang, k)
        blocks.append(heading(text("history_heading", lang, label=label), 2))
        past = history(indicator, lang, k)
        if len(past) < 2:
            blocks.append(paragraph(text("no_history", lang, label=label)))
            continue
        blocks.append(paragraph(text("history_note", lang)))
        colors = {text(key, lang): color for key, color in zip(KINDS, charts.PALETTE,
                                                                strict=False)}
        blocks.append(charts.history_bars(past, lang=lang, colors=colors,
                                          title=text("history_chart", lang, label=label)))
        blocks.append(_table(lang, [{
            text("period", lang): r.label, text("kind", lang): r.kind,
            text("value", lang): r.value_text, text("source", lang): r.source_id,
        } for r in past.itertuples()]))
    return blocks


def headline(rows: pd.DataFrame, lang: str, k: cmp.Lookup) -> str:
    """The headline table nbval compares."""
    lang = check_lang(lang)
    return data_table([{
        text("id", lang): cmp.short_id(k, str(r.id)),
        text("baseline_id", lang): str(r.baseline_id) if k.kind(str(r.baseline_id)) != "panel"
        else str(r.baseline_period),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("baseline_value", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                                    r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
    } for r in rows.itertuples()]).plain


def source_ids(rows: pd.DataFrame, indicators: Sequence[str], lang: str,
               k: cmp.Lookup) -> list[str]:
    """Every source the page cites: the pairs', the plan's and the histories'."""
    ids = _ids([*rows["source_id"], *rows["baseline_sources"]])
    parts = _split(rows, k)
    extra: list[str] = []
    extra += _ids(";".join(k.sources(b)) for b in parts["implied"]["baseline_id"])
    if "grdp_growth" in set(parts["plan"]["id"]):
        extra += _ids([";".join(k.sources(i)) for i in (
            "lc_grdp_growth_2022_est", "lc_grdp_growth_2022_implied_by_average")])
    for indicator in dict.fromkeys(indicators):
        past = history(indicator, lang, k)
        if len(past) >= 2:
            extra += list(past["source_id"])
    return list(dict.fromkeys([*ids, *extra]))


def sources(rows: pd.DataFrame, indicators: Sequence[str], lang: str, k: cmp.Lookup) -> Blocks:
    """The heading and list of every source the page cites."""
    return sources_section(source_ids(rows, indicators, lang, k), lang)


def vs_prior(lang: str, figure_ids: Sequence[str] | None = None,
             indicators: Sequence[str] = ("grdp",), period: str | None = None) -> Page:
    """Lai Châu against its own past: for the article's period the values a year earlier the
    article implies, H1 growth against the full-year target (said carefully), each indicator's
    growth period by period and the other comparisons; for another period, the same part of the
    year a year earlier (data/panel_pairs.csv) and the histories."""
    lang = check_lang(lang)
    ids = _check_ids(figure_ids)
    k = cmp.Lookup()
    rows = comparisons.compare("prior", lang, ids=ids, lookup=k, period=period)
    blocks: list[Any] = [*implied(rows, lang, k), *plan(rows, lang, k),
                         *year_earlier(rows, lang, k), *histories(indicators, lang, k),
                         *other(rows, lang, k)]
    return Page(lang, blocks, headline(rows, lang, k), source_ids(rows, indicators, lang, k))


def _plan_text(lang: str, k: cmp.Lookup) -> str:
    """GRDP growth in H1 against the full-year target and the later estimates, said carefully:
    every 'above'/'below'/'faster'/'slower' is chosen from the data, and the gap keeps its
    qualifier."""
    h1 = k.quantity("grdp_growth")
    fy, plan = k.quantity("lc_grdp_growth_2022_est"), k.quantity("lc_grdp_growth_plan_2022")
    gap = k.quantity("grdp_growth_minus_plan")
    h1_vs_plan = h1.direction(plan)
    # the size of the gap: scaling by -1 turns its bound round ('<= -1' -> '>= 1')
    size = gap * -1 if gap.value < 0 else gap
    by_gap = (text("plan_by_gap", lang, gap=size.format(lang))
              if h1_vs_plan in ("above", "below") else "")
    return text(
        "plan_text", lang, h1=h1.format(lang), plan=plan.format(lang),
        h1_label=in_language(k.labels("grdp_growth"), lang),
        h1_period=period_text(str(k.figures.loc["grdp_growth", "period"]), lang),
        plan_label=_mid(in_language(k.labels("lc_grdp_growth_plan_2022"), lang)),
        fy_label=in_language(k.labels("lc_grdp_growth_2022_est"), lang),
        avg_label=in_language(k.labels("lc_grdp_growth_2022_implied_by_average"), lang),
        h1_vs_plan=text(f"vs_plan_{h1_vs_plan}", lang), by_gap=by_gap,
        fy=fy.format(lang), fy_vs_plan=text(f"vs_plan_{fy.direction(plan)}", lang),
        second_half=text(f"second_half_{fy.direction(h1)}", lang),
        avg=k.quantity("lc_grdp_growth_2022_implied_by_average").format(lang, digits=1),
    )
