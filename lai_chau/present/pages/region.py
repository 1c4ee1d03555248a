"""Lai Châu among its peers: GRDP growth in the region, rank bounds with their assumptions, the
sectors, and the governance indices with what other sources corroborate."""

from __future__ import annotations

import re
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
    data_label,
    period_text,
    rank_label,
    text,
)
from lai_chau.present.pages.common import (
    Page,
    _capital,
    _ids,
    _table,
    bounds_verdict,
    gap_text,
    quantity_text,
    signed_text,
)
from lai_chau.present.pages.national import _figure_value
from lai_chau.present.pages.prior import _indicator_label, _period_order
from lai_chau.present.report import Blocks, bullets, data_table, heading, paragraph


def _region(lang: str) -> tuple[str, str, pd.DataFrame]:
    """(code, name in `lang`, members) of Lai Châu's region (data/region_members.csv)."""
    members = reference.region_members()
    mine = members[members["province"] == cmp.PROVINCE]
    if mine.empty:
        from lai_chau.base.errors import DataError

        raise DataError("data/region_members.csv", f"{cmp.PROVINCE} is not listed in any region")
    code = str(mine["region"].iloc[0])
    return code, data_label(mine.iloc[0], lang, "region"), members[members["region"] == code]


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


# The assumptions of lai_chau.analysis.compare.RankBounds (written in English by the analysis) in
# every language, from the catalogue's [assumptions] section (a test checks each has its words).
ASSUMPTIONS = {words["en"]: words for words in _section("assumptions").values()}


def assumption_text(assumption: str, lang: str) -> str:
    """A rank-bound assumption in `lang`."""
    check_lang(lang)
    if assumption not in ASSUMPTIONS:
        raise unknown("rank-bound assumption", assumption, list(ASSUMPTIONS))
    return ASSUMPTIONS[assumption][lang]


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
        shown = f"{data_label(r, lang)} [{r['source_id']}]"
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
            context.append(f"{data_label(other, lang)}: {_figure_value(other, lang)} "
                           f"[{other['source_id']}]")
        ranks = refs[(refs["area"] == cmp.PROVINCE) & (refs["indicator"] == m["indicator"])
                     & (refs["measure"] == "rank") & (refs["status"] != "rejected")]
        for _, r in ranks.iterrows():
            total = _total(r["base"])
            rank = k.quantity(r["id"]).format(lang)
            shown = text("rank_of", lang, rank=rank, n=total) if total else rank
            context.append(f"{data_label(r, lang)}: {shown} [{r['source_id']}]")
            sources.append(r["source_id"])
        prefix = str(m["indicator"]).removesuffix("_rank")
        coverage = refs[(refs["indicator"] == f"{prefix}_coverage") & (refs["period"] ==
                                                                      m["period"])]
        for _, c in coverage.iterrows():
            total = _total(c["base"])
            if total is None or float(c["value"]) >= total:
                continue  # every province ranked: nothing to say
            notes.append(text("coverage_note", lang, label=data_label(c, lang),
                              value=k.quantity(c["id"]).format(lang), total=total))
            sources.append(c["source_id"])
        table.append({
            text("indicator", lang): str(data_label(m, lang)),
            text("article_says", lang): gained,
            text("corroborated", lang): said,
            text("index_context", lang): "; ".join(context) or text("nothing_found", lang),
        })
        headline.append({text("headline_item", lang): str(data_label(m, lang)),
                         text("value", lang): gained,
                         text("corroborated", lang): ", ".join(dict.fromkeys(corroborating))
                         or text("not_found", lang)})
    blocks.append(_table(lang, table))
    if notes:
        blocks.append(bullets(notes, kind="note"))
    return blocks, sources, headline


def peer_step(peer_indicator: str, lang: str, k: cmp.Lookup) -> Blocks:
    """The region's provinces on one indicator, Lai Châu highlighted, Vietnam as a rule."""
    from lai_chau.present import charts

    lang = check_lang(lang)
    _, region_name, _ = _region(lang)
    table = peers(peer_indicator, lang, k)
    label = _indicator_label(peer_indicator, lang, k)
    figure_id = str(table.loc[table["label"] == cmp.PROVINCE, "id"].iloc[0])
    national = _national_counterpart(figure_id)
    ref = (text("country", lang), k.quantity(national).value) if national else None
    out = Blocks([heading(text("peers_heading", lang, region=region_name), 2)])
    if national:
        out.append(paragraph(text("peers_intro", lang,
                                  national=k.quantity(national).format(lang))))
        out.sources += k.sources(national)
    out.append(charts.peer_bars(table, lang=lang, highlight=cmp.PROVINCE, reference=ref,
                                title=text("peers_chart", lang, label=label)))
    out.append(_table(lang, [{
        text("province", lang): r.label, text("value", lang): r.value_text,
        text("rank_region_stated", lang): r.rank_text,
        text("rank_nation_stated", lang): r.rank_national_text,
        text("source", lang): r.source_id,
    } for r in table.itertuples()]))
    out.sources += [s for s in table["source_id"] if s not in out.sources]
    return out


def bounds_step(lang: str, k: cmp.Lookup) -> Blocks:
    """The ranks the sourced peers allow, nationally and in the region, with their assumptions."""
    from lai_chau.present import charts

    lang = check_lang(lang)
    nb, rb = cmp.rank_bounds("national", lookup=k), cmp.rank_bounds("regional", lookup=k)
    claimed = int(k.figures.loc["grdp_growth_rank", "value"])
    out = Blocks([heading(text("bounds_heading", lang), 2), paragraph(text(
        "bounds_text", lang, claimed=claimed,
        verdict=bounds_verdict(claimed, nb.best, nb.worst, lang),
        value=k.quantity(cmp.GRDP_FIGURE).format(lang), nb=nb.best, nw=nb.worst, nn=nb.of,
        above=len(nb.above), below=len(nb.below), rb=rb.best, rw=rb.worst, rn=rb.of))])
    for scope, bounds, key in (("national", nb, "bounds_chart_national"),
                               ("regional", rb, "bounds_chart_regional")):
        ranks = rank_rows(scope, lang, k)
        out.append(charts.rank_chart(ranks, lang=lang, title=text(key, lang, n=bounds.of)))
        out.append(_table(lang, [{
            text("period", lang): r.label,
            text("rank_to", lang): _rank_text(r, lang),
            text("rank_within", lang): str(r.total),
            text("source", lang): r.source_ids if len(_ids([r.source_ids])) <= 2
            else text("sources_below", lang),
        } for r in ranks.itertuples()]))
        out.sources += [s for s in _ids(ranks["source_ids"]) if s not in out.sources]
    out.append(_table(lang, [{
        text("scope", lang): text(f"scope_{b.scope}", lang),
        text("rank_range_col", lang): text("rank_range", lang, best=b.best, worst=b.worst)
        + f"/{b.of}",
        text("known_above", lang): ", ".join(b.above) or text("nothing_found", lang),
        text("known_below", lang): ", ".join(b.below) or text("nothing_found", lang),
    } for b in (nb, rb)]))
    out.append(bullets((assumption_text(a, lang) for a in nb.assumptions),
                       text("assumptions", lang), kind="note"))
    return out


def unknown_step(lang: str, k: cmp.Lookup) -> Blocks:
    """The region's provinces with no figure, and what else was found for each."""
    lang = check_lang(lang)
    rb = cmp.rank_bounds("regional", lookup=k)
    out = Blocks([heading(text("unknown_heading", lang), 2)])
    if not rb.unknown:
        out.append(paragraph(text("none_unknown", lang)))
        return out
    out.append(paragraph(text("unknown_intro", lang)))
    refs = k.refs
    rows = []
    for province in rb.unknown:
        found = refs[(refs["area"] == province) & (refs["status"] != "rejected")
                     & refs["value"].notna()]
        found = found[found["indicator"].isin(["grdp", "grdp_rank"])]
        items = [f"{data_label(r, lang)}: {k.quantity(r['id']).format(lang)} "
                 f"[{r['source_id']}]" for _, r in found.iterrows()]
        out.sources += [s for s in found["source_id"] if s not in out.sources]
        rows.append({text("province", lang): province,
                     text("other_found", lang): "; ".join(items) or text("nothing_found", lang)})
    out.append(_table(lang, rows))
    return out


def sectors_step(lang: str, k: cmp.Lookup) -> Blocks:
    """Lai Châu's sectors against each peer that gives the same sector."""
    lang = check_lang(lang)
    region_rows = comparisons.compare("region", lang, lookup=k)
    sectors = region_rows[region_rows["id"] != cmp.GRDP_FIGURE]
    if sectors.empty:
        return Blocks()
    provinces = reference.provinces().set_index("id")
    return Blocks([heading(text("sectors_heading", lang), 2), _table(lang, [{
        text("sector", lang): str(r.label),
        "Lai Châu": quantity_text(r.value, r.unit, "", lang),
        text("province", lang): str(provinces.loc[r.baseline_id, "province"]),
        text("value", lang): quantity_text(r.baseline_value, r.baseline_unit,
                                           r.baseline_qualifier, lang),
        text("gap", lang): gap_text(r.gap, r.gap_unit, r.gap_qualifier, lang),
        text("direction", lang): text(str(r.direction), lang),
    } for r in sectors.itertuples()])], _ids(sectors["baseline_sources"]))


def governance_step(lang: str, k: cmp.Lookup) -> Blocks:
    """The PAPI, PAR INDEX and PCI moves with what other sources corroborate."""
    blocks, sources, _ = _governance(check_lang(lang), k)
    return Blocks(blocks, sources)


def headline(lang: str, k: cmp.Lookup) -> str:
    """The headline table nbval compares: GRDP growth, the two rank bounds, the index moves."""
    lang = check_lang(lang)
    nb, rb = cmp.rank_bounds("national", lookup=k), cmp.rank_bounds("regional", lookup=k)
    _, _, gov_headline = _governance(lang, k)
    return data_table([
        {text("headline_item", lang): _indicator_label("grdp", lang, k),
         text("value", lang): k.quantity(cmp.GRDP_FIGURE).format(lang),
         text("corroborated", lang): ""},
        *({text("headline_item", lang): f"{text('rank_range_col', lang)} "
                                         f"({text(f'scope_{b.scope}', lang).lower()})",
           text("value", lang): text("rank_range", lang, best=b.best, worst=b.worst) + f"/{b.of}",
           text("corroborated", lang): ""} for b in (nb, rb)),
        *gov_headline,
    ]).plain


def vs_region(lang: str, peer_indicator: str = "grdp") -> Page:
    """Lai Châu against its region: the steps above in order, as 4.0-vs-region shows them."""
    lang = check_lang(lang)
    k = cmp.Lookup()
    steps = [peer_step(peer_indicator, lang, k), bounds_step(lang, k), unknown_step(lang, k),
             sectors_step(lang, k), governance_step(lang, k)]
    sources: list[str] = []
    for step in steps:
        sources += [s for s in step.sources if s not in sources]
    return Page(lang, [b for step in steps for b in step], headline(lang, k), sources)
