"""The reports after the overview, as blocks and charts: Lai Châu against Vietnam, against its
past and its 2022 plan, against its region, and the check of the article's claims.

Each page function returns a Page: what the report shows after its title (report blocks and
Altair charts, in order), its headline figures as a plain-text table (the cell nbval compares)
and the ids of the sources it cites. Numbers come from lai_chau.analysis.compare /
lai_chau.analysis.claims and the
data files, formatted for the reader (lai_chau.data.units.Quantity.format); interface words from
lai_chau.present.i18n; every text from data is escaped by the report blocks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.base.errors import unknown
from lai_chau.data import reference
from lai_chau.data.units import Quantity, qualifier_symbol
from lai_chau.present import comparisons
from lai_chau.present.i18n import (
    _section,
    base_text,
    check_lang,
    date_text,
    period_text,
    rank_label,
    text,
    unit_name,
)
from lai_chau.present.report import Block, bullets, data_table, heading, paragraph, source_list


@dataclass
class Page:
    """One report's content after its title, its headline table and the sources it cites."""

    lang: str
    blocks: list[Any]
    headline: str
    source_ids: list[str] = field(default_factory=list)

    def sources(self) -> list[Block]:
        """A heading and the list of every source the page cites, in order of first use."""
        return [heading(text("sources_heading", self.lang), 2),
                source_list(self.source_ids, self.lang)]


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
        return f"“{k.label(token, lang)}”" if token in known else token

    return _ID.sub(label, str(note))


def _mid(label: str) -> str:
    """A label inside a sentence: its first letter lower case unless it starts an acronym."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def bounds_verdict(claimed: int, best: int, worst: int, lang: str) -> str:
    """What the range of ranks says of a claimed 'top N': proven, open or contradicted."""
    key = ("bounds_proven" if worst <= claimed else "bounds_contradicted" if best > claimed
           else "bounds_open")
    return text(key, lang, claimed=claimed)


def _capital(label: str) -> str:
    """A label as the start of a line: its first letter upper case ('năm 2023' -> 'Năm 2023')."""
    return label[:1].upper() + label[1:]


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


# ----------------------------------------------------------------------------- comparisons
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
                      reason_key: str) -> list[Any]:
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
                                               baseline=text("country", lang)))
        out.append(_table(lang, _pair_rows(group, lang, text("country", lang))))
    out.append(_reasons(rows, lang, reason_key, k))
    return out


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
                text("indicator", lang): str(fig[f"label_{lang}"]),
                "Lai Châu": _figure_value(fig, lang),
                text("why_not", lang): readable(getattr(r, f"reason_{lang}"), lang, k),
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


# ----------------------------------------------------------------------------- prior and plan
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
    return str((growth if len(growth) else figs).iloc[0][f"label_{lang}"])


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
            blocks.append(bullets(f"{d.label[lang]}: {_worked(d.id, lang, k)}" for d in uses))
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
        h1_label=k.label("grdp_growth", lang),
        h1_period=period_text(str(k.figures.loc["grdp_growth", "period"]), lang),
        plan_label=_mid(k.label("lc_grdp_growth_plan_2022", lang)),
        fy_label=k.label("lc_grdp_growth_2022_est", lang),
        avg_label=k.label("lc_grdp_growth_2022_implied_by_average", lang),
        h1_vs_plan=text(f"vs_plan_{h1_vs_plan}", lang), by_gap=by_gap,
        fy=fy.format(lang), fy_vs_plan=text(f"vs_plan_{fy.direction(plan)}", lang),
        second_half=text(f"second_half_{fy.direction(h1)}", lang),
        avg=k.quantity("lc_grdp_growth_2022_implied_by_average").format(lang, digits=1),
    )


# ----------------------------------------------------------------------------- region
def _region(lang: str) -> tuple[str, str, pd.DataFrame]:
    """(code, name in `lang`, members) of Lai Châu's region (data/region_members.csv)."""
    members = reference.region_members()
    mine = members[members["province"] == cmp.PROVINCE]
    if mine.empty:
        from lai_chau.base.errors import DataError

        raise DataError("data/region_members.csv", f"{cmp.PROVINCE} is not listed in any region")
    code = str(mine["region"].iloc[0])
    return code, str(mine[f"region_{lang}"].iloc[0]), members[members["region"] == code]


def _stated_rank(rank: Any, of: Any, basis: Any, lang: str) -> str:
    if pd.isna(rank):
        return ""
    shown = f"{int(rank)}/{int(of)}" if not pd.isna(of) else str(int(rank))
    return shown + (f" ({text('stage_derived', lang)})" if basis == "inferred" else "")


def peers(indicator: str, lang: str, k: cmp.Lookup | None = None) -> pd.DataFrame:
    """Lai Châu and the provinces of its region with an H1-2022 growth of `indicator`.

    Columns: label (province), value, unit, qualifier, value_text, measure, rank_text (the
    regional rank a source states), rank_national_text, source_id; largest first."""
    lang = check_lang(lang)
    k = k or cmp.Lookup()
    code, _, _ = _region(lang)
    table = reference.provinces()
    allowed = sorted(set(table["indicator"]) & set(k.figures["indicator"]))
    if indicator not in allowed:
        raise unknown("peer indicator", indicator, allowed)
    table = table[(table["region"] == code) & (table["indicator"] == indicator)
                  & (table["period"] == "2022H1") & (table["status"] != "rejected")
                  & table["value"].notna() & (table["province"] != cmp.PROVINCE)]
    fig = k.figures[(k.figures["indicator"] == indicator) & (k.figures["period"] == "2022H1")
                    & (k.figures["measure"] == "growth_yoy")].iloc[0]
    rows = [{"label": cmp.PROVINCE, "value": fig["value"], "unit": fig["unit"], "qualifier": "",
             "measure": "growth_yoy", "rank_text": "", "rank_national_text": "",
             "source_id": fig["source_id"], "id": fig["id"]}]
    for _, p in table.iterrows():
        rows.append({
            "label": p["province"], "value": p["value"], "unit": p["unit"],
            "qualifier": qualifier_symbol(p["qualifier"]), "measure": "growth_yoy",
            "rank_text": _stated_rank(p["rank_regional"], p["rank_regional_of"],
                                      p["rank_regional_basis"], lang),
            "rank_national_text": _stated_rank(p["rank_national"], p["rank_national_of"],
                                               p["rank_national_basis"], lang),
            "source_id": p["source_id"], "id": p["id"]})
    frame = pd.DataFrame(rows)
    frame["value_text"] = [Quantity(v, u, q).format(lang) for v, u, q in
                           zip(frame["value"], frame["unit"], frame["qualifier"], strict=True)]
    return frame.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def _national_counterpart(figure_id: str) -> str | None:
    table = reference.comparability()
    match = table[(table["figure_id"] == figure_id) & (table["baseline"] == "national")
                  & (table["comparability"] == "same") & table["baseline_id"].notna()]
    return None if match.empty else str(match["baseline_id"].iloc[0])


def _total(base: Any) -> int | None:
    """How many were ranked, from a base such as '63 provinces'."""
    match = re.match(r"\s*(\d+)", str(base)) if not pd.isna(base) else None
    return int(match.group(1)) if match else None


# The assumptions of lai_chau.analysis.compare.RankBounds, for Vietnamese readers (a test checks
# that
# every assumption has its translation).
ASSUMPTIONS_VI = {v["en"]: v["vi"] for v in _section("assumptions").values()}


def assumption_text(assumption: str, lang: str) -> str:
    """A rank-bound assumption in `lang`."""
    if check_lang(lang) == "en":
        return assumption
    if assumption not in ASSUMPTIONS_VI:
        raise unknown("rank-bound assumption", assumption, list(ASSUMPTIONS_VI))
    return ASSUMPTIONS_VI[assumption]


def rank_rows(scope: str, lang: str, k: cmp.Lookup | None = None) -> pd.DataFrame:
    """Lai Châu's GRDP-growth ranks on one scale for lai_chau.present.charts.rank_chart: the
    article's
    'top N' (national), the range the peers allow, and later ranks as context."""
    lang = check_lang(lang)
    k = k or cmp.Lookup()
    bounds = cmp.rank_bounds(scope, lookup=k)
    claim = k.figures.loc[cmp.GRDP_FIGURE + "_rank"] if cmp.GRDP_FIGURE + "_rank" in \
        k.figures.index else None
    period = _capital(period_text("2022H1", lang))
    rows = []
    if scope == "national" and claim is not None and _total(claim["base"]) == bounds.of:
        rows.append({"label": text("rank_claim_row", lang, period=period),
                     "rank": int(claim["value"]), "rank_worst": pd.NA, "total": bounds.of,
                     "bound": "at_most", "source_ids": claim["source_id"]})
    sources = k.sources(f"grdp_rank_{scope}_best")
    rows.append({"label": text("rank_bounds_row", lang, period=period), "rank": bounds.best,
                 "rank_worst": bounds.worst, "total": bounds.of, "bound": "range",
                 "source_ids": ";".join(s for s in sources if s != "article") or "article"})
    refs = k.refs
    later = refs[(refs["table"] == "lai_chau_prior") & (refs["area"] == cmp.PROVINCE)
                 & (refs["indicator"] == "grdp_rank") & (refs["measure"] == "rank")
                 & (refs["status"] != "rejected")]
    later = later[[_total(b) == bounds.of for b in later["base"]]]
    for _, r in sorted(later.iterrows(), key=lambda item: _period_order(str(item[1]["period"]))):
        rows.append({"label": _capital(period_text(str(r["period"]), lang)),
                     "rank": int(r["value"]),
                     "rank_worst": pd.NA, "total": bounds.of, "bound": "exact",
                     "source_ids": r["source_id"]})
    return pd.DataFrame(rows)


def _rank_text(row: Any, lang: str) -> str:
    """A rank_rows row as the rank chart labels it: 'tốp 15', '8–21', '61'."""
    return rank_label(row.bound, row.rank, row.rank_worst, lang)


def _corroboration(figure_id: str, lang: str, k: cmp.Lookup) -> tuple[str, list[str]]:
    """What other sources say of an article figure: reference rows of the same indicator,
    period and measure ('label [source]', or what differs), or 'not found'."""
    fig = k.figures.loc[figure_id]
    refs = k.refs
    same = refs[(refs["indicator"] == fig["indicator"]) & (refs["period"] == fig["period"])
                & (refs["measure"] == fig["measure"]) & (refs["status"] == "ok")]
    if same.empty:
        return text("not_found", lang), []
    parts, sources = [], []
    publishers = reference.sources().set_index("id")
    for _, r in same.iterrows():
        shown = f"{r[f'label_{lang}']} [{r['source_id']}]"
        publisher = publishers.loc[r["source_id"]]
        if publisher["publisher_kind"] == "province" and \
                publisher["publisher_area"] == cmp.PROVINCE:
            shown += f" ({text('own_body', lang)})"  # it repeats the province: not independent
        if float(r["value"]) != float(fig["value"]):
            shown = text("differs", lang, what=f"{shown}: {k.quantity(r['id']).format(lang)}")
        parts.append(shown)
        sources += reference.source_ids({k2: (None if pd.isna(v) else v) for k2, v in r.items()})
    return "; ".join(parts), sources


def _governance(lang: str, k: cmp.Lookup) -> tuple[list[Any], list[str], list[dict[str, str]]]:
    """The PAPI, PAR INDEX and PCI moves: chart, table with corroboration and context, notes."""
    from lai_chau.present import charts

    figs = k.figures
    moves = figs[figs["measure"] == "rank_change"]
    if moves.empty:
        return [], [], []
    # the years compared, as the data give them ('2021' on '2020'), not as typed in the text
    when = dict(period=", ".join(period_text(p, lang) for p in dict.fromkeys(moves["period"])),
                base=", ".join(base_text(b, lang) for b in dict.fromkeys(moves["base"])))
    blocks: list[Any] = [heading(text("governance_heading", lang), 2),
                         paragraph(text("governance_intro", lang, n=len(moves), **when))]
    if len(moves) >= 2:
        blocks.append(charts.figure_bars(moves, lang=lang,
                                         title=text("governance_chart", lang, **when)))
    refs = k.refs
    table, notes, sources, headline = [], [], [], []
    for _, m in moves.iterrows():
        gained = signed_text(Quantity(m["value"], m["unit"], qualifier_symbol(m["qualifier"])),
                             lang)
        said, corroborating = _corroboration(m["id"], lang, k)
        sources += corroborating
        context = []
        same_index = figs[(figs["indicator"] == m["indicator"]) & (figs["id"] != m["id"])]
        for _, other in same_index.iterrows():
            context.append(f"{other[f'label_{lang}']}: {_figure_value(other, lang)} "
                           f"[{other['source_id']}]")
        ranks = refs[(refs["area"] == cmp.PROVINCE) & (refs["indicator"] == m["indicator"])
                     & (refs["measure"] == "rank") & (refs["status"] != "rejected")]
        for _, r in ranks.iterrows():
            total = _total(r["base"])
            rank = k.quantity(r["id"]).format(lang)
            shown = text("rank_of", lang, rank=rank, n=total) if total else rank
            context.append(f"{r[f'label_{lang}']}: {shown} [{r['source_id']}]")
            sources.append(r["source_id"])
        prefix = str(m["indicator"]).removesuffix("_rank")
        coverage = refs[(refs["indicator"] == f"{prefix}_coverage") & (refs["period"] ==
                                                                      m["period"])]
        for _, c in coverage.iterrows():
            total = _total(c["base"])
            if total is None or float(c["value"]) >= total:
                continue  # every province ranked: nothing to say
            notes.append(text("coverage_note", lang, label=c[f"label_{lang}"],
                              value=k.quantity(c["id"]).format(lang), total=total))
            sources.append(c["source_id"])
        table.append({
            text("indicator", lang): str(m[f"label_{lang}"]),
            text("article_says", lang): gained,
            text("corroborated", lang): said,
            text("index_context", lang): "; ".join(context) or text("nothing_found", lang),
        })
        headline.append({text("headline_item", lang): str(m[f"label_{lang}"]),
                         text("value", lang): gained,
                         text("corroborated", lang): ", ".join(dict.fromkeys(corroborating))
                         or text("not_found", lang)})
    blocks.append(_table(lang, table))
    if notes:
        blocks.append(bullets(notes, kind="note"))
    return blocks, sources, headline


def vs_region(lang: str, peer_indicator: str = "grdp") -> Page:
    """Lai Châu against its region: peers' H1-2022 growth with Lai Châu highlighted, the rank
    bounds and their assumptions, the provinces with no figure, the sectors, and the PAPI /
    PAR INDEX / PCI moves with what other sources corroborate."""
    from lai_chau.present import charts

    lang = check_lang(lang)
    k = cmp.Lookup()
    _, region_name, _ = _region(lang)
    blocks: list[Any] = []
    sources: list[str] = []

    table = peers(peer_indicator, lang, k)
    label = _indicator_label(peer_indicator, lang, k)
    figure_id = str(table.loc[table["label"] == cmp.PROVINCE, "id"].iloc[0])
    national = _national_counterpart(figure_id)
    ref = (text("country", lang), k.quantity(national).value) if national else None
    blocks += [heading(text("peers_heading", lang, region=region_name), 2)]
    if national:
        blocks.append(paragraph(text("peers_intro", lang,
                                     national=k.quantity(national).format(lang))))
        sources += k.sources(national)
    blocks.append(charts.peer_bars(table, lang=lang, highlight=cmp.PROVINCE, reference=ref,
                                   title=text("peers_chart", lang, label=label)))
    blocks.append(_table(lang, [{
        text("province", lang): r.label, text("value", lang): r.value_text,
        text("rank_region_stated", lang): r.rank_text,
        text("rank_nation_stated", lang): r.rank_national_text,
        text("source", lang): r.source_id,
    } for r in table.itertuples()]))
    sources += [s for s in table["source_id"] if s not in sources]

    nb, rb = cmp.rank_bounds("national", lookup=k), cmp.rank_bounds("regional", lookup=k)
    claim = k.figures.loc["grdp_growth_rank"]
    claimed = int(claim["value"])
    blocks += [heading(text("bounds_heading", lang), 2), paragraph(text(
        "bounds_text", lang, claimed=claimed,
        verdict=bounds_verdict(claimed, nb.best, nb.worst, lang),
        value=k.quantity(cmp.GRDP_FIGURE).format(lang), nb=nb.best, nw=nb.worst, nn=nb.of,
        above=len(nb.above), below=len(nb.below), rb=rb.best, rw=rb.worst, rn=rb.of))]
    for scope, bounds, key in (("national", nb, "bounds_chart_national"),
                               ("regional", rb, "bounds_chart_regional")):
        ranks = rank_rows(scope, lang, k)
        blocks.append(charts.rank_chart(ranks, lang=lang, title=text(key, lang, n=bounds.of)))
        blocks.append(_table(lang, [{
            text("period", lang): r.label,
            text("rank_to", lang): _rank_text(r, lang),
            text("rank_within", lang): str(r.total),
            text("source", lang): r.source_ids if len(_ids([r.source_ids])) <= 2
            else text("sources_below", lang),
        } for r in ranks.itertuples()]))
        sources += [s for s in _ids(ranks["source_ids"]) if s not in sources]
    bounds_rows = [{
        text("scope", lang): text(f"scope_{b.scope}", lang),
        text("rank_range_col", lang): text("rank_range", lang, best=b.best, worst=b.worst)
        + f"/{b.of}",
        text("known_above", lang): ", ".join(b.above) or text("nothing_found", lang),
        text("known_below", lang): ", ".join(b.below) or text("nothing_found", lang),
    } for b in (nb, rb)]
    blocks.append(_table(lang, bounds_rows))
    blocks.append(bullets((assumption_text(a, lang) for a in nb.assumptions),
                          text("assumptions", lang), kind="note"))

    blocks.append(heading(text("unknown_heading", lang), 2))
    if rb.unknown:
        blocks.append(paragraph(text("unknown_intro", lang)))
        refs = k.refs
        unknown_rows = []
        for province in rb.unknown:
            found = refs[(refs["area"] == province) & (refs["status"] != "rejected")
                         & refs["value"].notna()]
            found = found[found["indicator"].isin(["grdp", "grdp_rank"])]
            items = [f"{r[f'label_{lang}']}: {k.quantity(r['id']).format(lang)} "
                     f"[{r['source_id']}]" for _, r in found.iterrows()]
            sources += [s for s in found["source_id"] if s not in sources]
            unknown_rows.append({text("province", lang): province,
                                 text("other_found", lang): "; ".join(items)
                                 or text("nothing_found", lang)})
        blocks.append(_table(lang, unknown_rows))
    else:
        blocks.append(paragraph(text("none_unknown", lang)))

    region_rows = comparisons.compare("region", lang)
    sectors = region_rows[region_rows["id"] != cmp.GRDP_FIGURE]
    if len(sectors):
        provinces = reference.provinces().set_index("id")
        blocks += [heading(text("sectors_heading", lang), 2), _table(lang, [{
            text("sector", lang): str(r.label),
            "Lai Châu": quantity_text(r.value, r.unit, "", lang),
            text("province", lang): str(provinces.loc[r.baseline_id, "province"]),
            text("value", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                               r.baseline_qualifier, lang),
            text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
            text("direction", lang): text(str(r.direction), lang),
        } for r in sectors.itertuples()])]
        sources += [s for s in _ids(sectors["baseline_sources"]) if s not in sources]

    gov_blocks, gov_sources, gov_headline = _governance(lang, k)
    blocks += gov_blocks
    sources += [s for s in gov_sources if s not in sources]

    headline_rows = [
        {text("headline_item", lang): _indicator_label("grdp", lang, k),
         text("value", lang): k.quantity(cmp.GRDP_FIGURE).format(lang),
         text("corroborated", lang): ""},
        *({text("headline_item", lang): f"{text('rank_range_col', lang)} "
                                         f"({text(f'scope_{b.scope}', lang).lower()})",
           text("value", lang): text("rank_range", lang, best=b.best, worst=b.worst) + f"/{b.of}",
           text("corroborated", lang): ""} for b in (nb, rb)),
        *gov_headline,
    ]
    headline = data_table(headline_rows).plain
    return Page(lang, blocks, headline, list(dict.fromkeys(sources)))


# ----------------------------------------------------------------------------- claims
def verdict_badge(verdict: str, lang: str) -> str:
    """HTML of a verdict's badge: its word in `lang`, coloured by verdict."""
    from lai_chau.analysis.claims import VERDICTS

    if verdict not in VERDICTS:
        raise unknown("verdict", verdict, VERDICTS)
    return (f'<span class="lc-badge lc-badge-{verdict}">'
            f"{html.escape(text(f'verdict_{verdict}', lang))}</span>")


def claim_card(row: Any, lang: str, quote: str | None = None) -> Block:
    """One claim (or omission): the claim, its verdict and what it means, in English reports
    the article's own words (`quote`), the evidence and the ids of its sources, each linked to
    the page's list of sources. In Vietnamese reports a claim is the article's own words, shown
    in quotation marks."""
    lang = check_lang(lang)
    verdict = str(row["verdict"])
    meaning = text(f"meaning_{verdict}", lang)
    ids = _ids([row["sources"]])
    claim = str(row["claim"])
    if lang == "vi" and row.get("kind") == "claim":
        claim = f"“{claim}”"
    parts = [
        f'<div class="lc-claim lc-verdict-{html.escape(verdict)}" '
        f'id="claim-{html.escape(str(row["id"]))}">',
        f"<h3>{html.escape(claim)}</h3>",
        f'<p class="lc-verdict">{verdict_badge(verdict, lang)} {html.escape(meaning)}</p>',
    ]
    plain = [claim, f"  {text('verdict', lang)}: "
                                f"{text(f'verdict_{verdict}', lang)} ({meaning})"]
    if quote:
        parts.append(f'<blockquote lang="vi"><span class="lc-caption">'
                     f"{html.escape(text('article_words', lang))}:</span> "
                     f"“{html.escape(quote)}”</blockquote>")
        plain.append(f"  “{quote}”")
    parts.append(f'<p><span class="lc-caption">{html.escape(text("evidence", lang))}:</span> '
                 f"{html.escape(str(row['evidence']))}</p>")
    plain.append(f"  {text('evidence', lang)}: {row['evidence']}")
    if ids:
        label = text("source" if len(ids) == 1 else "sources", lang)
        links = ", ".join(f'<a href="#source-{html.escape(i, quote=True)}">[{html.escape(i)}]</a>'
                          for i in ids)
        parts.append(f'<p class="lc-cited">{html.escape(label)}: {links}</p>')
        plain.append(f"  {label}: {', '.join(ids)}")
    parts.append("</div>")
    return Block("\n".join(parts), "\n".join(plain))


def claims_page(lang: str, verdicts: Sequence[str] | None = None,
                omitted: bool = True) -> Page:
    """Every claim with its verdict, evidence and sources, then what the article leaves out
    (lai_chau.analysis.claims' `omitted_` rows: where Lai Châu is below the national figure)."""
    from lai_chau.analysis import claims
    from lai_chau.data.validate import load

    lang = check_lang(lang)
    chosen = list(claims.VERDICTS if verdicts is None else verdicts)
    for verdict in chosen:
        if verdict not in claims.VERDICTS:
            raise unknown("verdict", verdict, claims.VERDICTS)
    table = claims.claims(lang)
    quotes = load("claims").set_index("id")["quote"]
    said = table[(table["kind"] == "claim") & table["verdict"].isin(chosen)]
    left_out = table[table["kind"] == "omitted"] if omitted else table.iloc[0:0]

    counts = []
    for verdict in claims.VERDICTS:
        n = int((table.loc[table["kind"] == "claim", "verdict"] == verdict).sum())
        counts.append({text("verdict", lang): text(f"verdict_{verdict}", lang),
                       text("meaning", lang): text(f"meaning_{verdict}", lang),
                       text("claims_count", lang): str(n)})
    if omitted:
        counts.append({text("verdict", lang): text("omitted_count", lang),
                       text("meaning", lang): "",
                       text("claims_count", lang): str(len(left_out))})
    blocks: list[Any] = [heading(text("verdicts_heading", lang), 2), _table(lang, counts),
                         heading(text("claims_heading", lang), 2)]
    if said.empty:
        blocks.append(paragraph(text("no_claims", lang)))
    for _, row in said.iterrows():
        quote = str(quotes[row["id"]]) if lang == "en" and row["id"] in quotes.index else None
        blocks.append(claim_card(row, lang, quote))
    if omitted and len(left_out):
        blocks += [heading(text("omitted_heading", lang), 2),
                   paragraph(text("omitted_intro", lang))]
        blocks += [claim_card(row, lang) for _, row in left_out.iterrows()]

    shown = pd.concat([said, left_out])
    headline = data_table([{
        text("id", lang): str(r.id),
        text("verdict", lang): text(f"verdict_{r.verdict}", lang),
    } for r in shown.itertuples()]).plain
    return Page(lang, blocks, headline, _ids(shown["sources"]))


__all__ = ["Page", "assumption_text", "claim_card", "claims_page", "gap_text", "history", "peers",
           "quantity_text", "rank_rows", "readable", "vs_national", "vs_prior", "vs_region"]
