"""Lai Châu against its own past and its 2022 plan: implied values, the plan, each indicator's
history."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
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
    _ids,
    _mid,
    _pair_rows,
    _reasons,
    _table,
    gap_text,
    quantity_text,
)
from lai_chau.present.report import bullets, data_table, heading, paragraph


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


def vs_prior(lang: str, figure_ids: Sequence[str] | None = None,
             indicators: Sequence[str] = ("grdp",)) -> Page:
    """Lai Châu against its own past and its 2022 plan: the values a year earlier the article
    implies, H1 growth against the full-year target (said carefully), each indicator's growth
    period by period (FY2022 estimate, 2023, H1 2024, H1 2025...), and the other comparisons."""
    from lai_chau.present import charts

    lang = check_lang(lang)
    ids = _check_ids(figure_ids)
    k = cmp.Lookup()
    rows = comparisons.compare("prior", lang, ids=ids, lookup=k)
    kinds = [k.kind(b) for b in rows["baseline_id"]]
    measures = [k.refs.loc[b, "measure"] if kind == "reference" else None
                for b, kind in zip(rows["baseline_id"], kinds, strict=True)]
    implied = rows[[kind == "derived" for kind in kinds]]
    plan = rows[[m == "target" for m in measures]]
    other = rows[~rows.index.isin(implied.index) & ~rows.index.isin(plan.index)]
    blocks: list[Any] = []
    sources: list[str] = []

    if len(implied):
        blocks += [heading(text("implied_heading", lang), 2),
                   paragraph(text("implied_intro", lang))]
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
        sources += _ids(";".join(k.sources(b)) for b in implied["baseline_id"])

    if len(plan):
        blocks.append(heading(text("plan_heading", lang), 2))
        if "grdp_growth" in set(plan["id"]):
            blocks.append(paragraph(_plan_text(lang, k)))
            sources += [s for s in _ids([";".join(k.sources(i)) for i in (
                "lc_grdp_growth_2022_est", "lc_grdp_growth_2022_implied_by_average")])
                if s not in sources]
        blocks.append(_table(lang, _pair_rows(plan, lang, text("baseline_value", lang))))
        blocks.append(_reasons(plan, lang, "why_proxy", k))

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
        sources += [s for s in past["source_id"] if s not in sources]

    if len(other):
        blocks += [heading(text("other_heading", lang), 2), paragraph(text("other_intro", lang)),
                   _table(lang, _pair_rows(other, lang, text("baseline_value", lang))),
                   _reasons(other, lang, "why_proxy", k)]

    headline = data_table([{
        text("id", lang): str(r.id),
        text("baseline_id", lang): str(r.baseline_id),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("baseline_value", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                                    r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
    } for r in rows.itertuples()]).plain
    all_sources = _ids([*rows["source_id"], *rows["baseline_sources"]])
    sources = list(dict.fromkeys([*all_sources, *sources]))
    return Page(lang, blocks, headline, sources)


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
