"""The article's claims checked against the data: a verdict by rule, its evidence and sources."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lai_chau import compare as cmp
from lai_chau import validate
from lai_chau.i18n import check_lang
from lai_chau.units import Quantity

VERDICTS = ("supported", "plausible", "unverified", "contradicted")
COLUMNS = ["id", "kind", "topic", "claim", "verdict", "evidence", "sources", "figure_ids"]
TABLE_COLUMNS = ["id", "claim", "verdict", "evidence"]

# Evidence sentences; {placeholders} are filled with numbers formatted from the data.
TEMPLATES: dict[str, dict[str, str]] = {
    "many_above": {
        "en": "{n} of {m} growth rates the claim cites are positive (above the same period): "
              "{listed}. These are the article's own figures; GRDP and its sectors are repeated "
              "by a second report of the same conference. Below the national figure: {lower}.",
        "vi": "{n}/{m} tốc độ tăng mà nhận định dựa vào là số dương (vượt cùng kỳ): {listed}. "
              "Đây là số liệu của chính bài viết; GRDP và ba khu vực được một bài khác về cùng "
              "hội nghị nhắc lại. Thấp hơn cả nước: {lower}.",
    },
    "positive": {
        "en": "A general statement. {n} of the article's {m} changes on a year earlier (growth "
              "rates, increases, rank gains) are positive; that fits 'many positive results', "
              "but no rule can verify 'positive' as such.",
        "vi": "Nhận định chung. {n}/{m} mức thay đổi so với cùng kỳ trong bài (tốc độ tăng, mức "
              "tăng, số bậc tăng) là dương; phù hợp với 'nhiều kết quả tích cực' nhưng không thể "
              "kiểm chứng chữ 'tích cực'.",
    },
    "recovery": {
        "en": "GRDP grew {g} in H1 2022, faster than the {fy21} estimated for the whole of 2021 "
              "and the national {nat}. Growth in H1 2021 is not in the data, so the rebound "
              "cannot be measured against it. Later: {later} in 2023.",
        "vi": "GRDP 6 tháng 2022 tăng {g}, cao hơn mức {fy21} ước cho cả năm 2021 và mức {nat} "
              "của cả nước. Không có số 6 tháng 2021 nên không đo được mức phục hồi so với cùng "
              "kỳ. Về sau: năm 2023 {later}.",
    },
    "top15": {
        "en": "The sourced peers bound Lai Châu's {g} between rank {nb} and {nw} of {nn} "
              "nationally ({above} provinces known faster, {below} known slower) and {rb}-{rw} "
              "of {rn} in the region; top {claimed} is inside the range but not proven. No H1 "
              "2022 figure was found for {n_unknown} provinces of the region ({unknown}). "
              "Assumes one round of GSO estimates and no ties.",
        "vi": "Số liệu có nguồn của các tỉnh cho thấy mức {g} của Lai Châu đứng trong khoảng "
              "hạng {nb}–{nw}/{nn} cả nước ({above} tỉnh chắc chắn cao hơn, {below} tỉnh chắc "
              "chắn thấp hơn) và {rb}–{rw}/{rn} trong vùng; tốp {claimed} nằm trong khoảng này "
              "nhưng chưa được chứng minh. Chưa có số 6 tháng 2022 của {n_unknown} tỉnh trong "
              "vùng ({unknown}). Giả định cùng một đợt ước tính và không có tỉnh bằng hạng.",
    },
    "industry": {
        "en": "{f} is far above the national industrial production index ({nat}; a proxy: gross "
              "output value against a volume index) and above the province's GRDP growth; "
              "{projects} of {mw} came on stream on a small base. The July 2022 session "
              "reported {july} (period not stated).",
        "vi": "{f} cao hơn nhiều so với chỉ số sản xuất công nghiệp cả nước ({nat}; chỉ tiêu gần "
              "đúng: giá trị sản xuất so với chỉ số khối lượng) và cao hơn tăng trưởng GRDP của "
              "tỉnh; {projects} với {mw} đi vào hoạt động trên nền quy mô nhỏ. Phiên họp tháng "
              "7/2022 báo cáo {july} (không nêu kỳ).",
    },
    "disbursement": {
        "en": "{f} at 15/6/2022. No national rate at 15/6 was found; cumulative disbursement "
              "only rises, so the national rate then was between {lo} and {hi} (Ministry of "
              "Finance, 31/5 to 31/8, on the Prime Minister's plan and on the total plan). "
              "Higher on every basis, but the article does not say which plan its rate is "
              "measured against, so the comparison is a proxy. The province was also {change} "
              "up on a year earlier while the country was {nat_change} at 31/7.",
        "vi": "{f} đến 15/6/2022. Chưa tìm thấy tỷ lệ cả nước tại 15/6; giải ngân lũy kế chỉ "
              "tăng nên tỷ lệ cả nước khi đó nằm giữa {lo} và {hi} (Bộ Tài chính, từ 31/5 đến "
              "31/8, theo kế hoạch Thủ tướng giao và theo tổng kế hoạch). Cao hơn theo mọi cách "
              "tính, nhưng bài viết không nói tỷ lệ tính trên kế hoạch nào nên đây là so sánh "
              "gần đúng. Tỉnh còn tăng {change} so với cùng kỳ trong khi cả nước {nat_change} "
              "tại 31/7.",
    },
    "admin": {
        "en": "All three moves are gains: {moves}. Confirmed by another publication: {confirmed} "
              "(an official provincial page). Not found: {missing}. In 2021 only {coverage} were "
              "ranked in PAPI (three usually top-ranked ones were left out), so part of a PAPI "
              "gain can be mechanical; one place in PCI is hardly 'marked'.",
        "vi": "Cả ba chỉ số đều tăng bậc: {moves}. Được nguồn khác xác nhận: {confirmed} (trang "
              "chính thức của tỉnh). Chưa tìm thấy: {missing}. Năm 2021 PAPI chỉ xếp hạng "
              "{coverage} (ba tỉnh thường đứng đầu không được xếp), nên một phần mức tăng bậc "
              "PAPI có thể do cách tính; tăng 1 bậc PCI khó gọi là 'đáng kể'.",
    },
    "pci": {
        "en": "Needs Lai Châu's PCI ranks for 2019, 2020 and 2021; found: {found}. Later ranks "
              "found: {later} (of 63).",
        "vi": "Cần thứ hạng PCI của Lai Châu các năm 2019, 2020, 2021; đã tìm thấy: {found}. "
              "Thứ hạng về sau: {later} (trên 63).",
    },
    "tourism": {
        "en": "Arrivals grew {a} and revenue {r} on H1 2021 (the article's figures, not found "
              "elsewhere), a recovery from a Covid-hit base. Nationally, domestic tourists grew "
              "about {nat} (a proxy), so the province recovered more slowly than the country. "
              "The whole of 2022 was estimated at {fy}.",
        "vi": "Lượt khách tăng {a} và doanh thu {r} so với 6 tháng 2021 (số của bài viết, chưa "
              "có nguồn khác), phục hồi từ nền bị Covid-19 ảnh hưởng. Cả nước, khách nội địa "
              "tăng khoảng {nat} (chỉ tiêu gần đúng), nên tỉnh phục hồi chậm hơn cả nước. Cả "
              "năm 2022 ước {fy}.",
    },
    "no_data": {
        "en": "No figure or reference data bears on this claim.",
        "vi": "Không có số liệu hay dữ liệu tham chiếu nào để kiểm chứng nhận định này.",
    },
    "omitted_claim": {
        "en": "Not said: {label} ({value}) was below the national {base_label} ({base}){proxy}",
        "vi": "Bài không nêu: {label} ({value}) thấp hơn {base_label} của cả nước "
              "({base}){proxy}",
    },
    "omitted_proxy": {"en": " (a proxy)", "vi": " (chỉ tiêu gần đúng)"},
    "omitted_evidence": {"en": "Gap {gap}. {note}", "vi": "Chênh lệch {gap}. {note}"},
    "none": {"en": "none", "vi": "không có"},
}


@dataclass
class Verdict:
    """A verdict, the template and values of its evidence, and the ids of the values behind it."""

    verdict: str
    template: str
    values: dict[str, Callable[[str], object]]
    ids: list[str]

    def evidence(self, lang: str) -> str:
        return TEMPLATES[self.template][lang].format(**{k: f(lang) for k, f in self.values.items()})


class Context:
    """What the rules read: every value by id and the national comparison, built once."""

    def __init__(self) -> None:
        self.k = cmp.Lookup()
        self.national = cmp.compare("national", "en")

    def q(self, any_id: str) -> Quantity:
        return self.k.quantity(any_id)

    def fmt(self, any_id: str, bare: bool = False) -> Callable[[str], str]:
        """A formatter of the value of `any_id` for a language (bare: without its qualifier)."""
        q = self.q(any_id)
        q = Quantity(q.value, q.unit) if bare else q
        return q.format

    def label(self, any_id: str) -> Callable[[str], str]:
        return lambda lang: self.k.label(any_id, lang)

    def labels(self, ids: list[str]) -> Callable[[str], str]:
        return lambda lang: ", ".join(self.k.label(i, lang) for i in ids) or TEMPLATES["none"][lang]


def _const(value: object) -> Callable[[str], object]:
    return lambda lang: value


# ----------------------------------------------------------------------------- rules
def _many_above(c: Context, figure_ids: list[str]) -> Verdict:
    figs = c.k.figures
    growth = [i for i in figure_ids if i in figs.index and figs.loc[i, "measure"] == "growth_yoy"]
    zero = Quantity(0, "percent")
    positive = [i for i in growth if c.q(i).direction(zero) == "above"]
    nat = c.national
    below = list(nat.loc[(nat["direction"] == "below") & nat["id"].isin(growth), "id"])
    n, m = len(positive), len(growth)
    if m and n == m:
        verdict = "supported"
    elif n * 2 > m:
        verdict = "plausible"
    else:
        verdict = "contradicted" if m else "unverified"

    def listed(lang: str) -> str:
        return "; ".join(f"{c.k.label(i, lang)} {c.q(i).format(lang)}" for i in growth)

    baselines = list(nat.loc[nat["id"].isin(below), "baseline_id"])
    return Verdict(verdict, "many_above",
                   {"n": _const(n), "m": _const(m), "listed": listed, "lower": c.labels(below)},
                   [*growth, "lc_grdp_growth_h1_2022_tt", *baselines])


def _positive_results(c: Context, figure_ids: list[str]) -> Verdict:
    figs = c.k.figures
    moves = list(figs.loc[figs["measure"].isin(["growth_yoy", "change_abs", "change_pp",
                                                "rank_change"]), "id"])
    n = sum(1 for i in moves if c.q(i).value > 0)
    verdict = "plausible" if n * 2 > len(moves) else "unverified"
    return Verdict(verdict, "positive", {"n": _const(n), "m": _const(len(moves))}, moves)


def _recovery(c: Context, figure_ids: list[str]) -> Verdict:
    g, fy21, nat, later = ("grdp_growth", "lc_grdp_growth_2021", "gdp_h1_2022",
                           "lc_grdp_growth_2023")
    faster = c.q(g).direction(c.q(fy21)) == "above" and c.q(g).value > 0
    return Verdict("plausible" if faster else "unverified", "recovery",
                   {"g": c.fmt(g), "fy21": c.fmt(fy21), "nat": c.fmt(nat), "later": c.fmt(later)},
                   [g, fy21, nat, later])


def _top15(c: Context, figure_ids: list[str]) -> Verdict:
    nb = cmp.rank_bounds("national", lookup=c.k)
    rb = cmp.rank_bounds("regional", lookup=c.k)
    claimed = int(c.q("grdp_growth_rank").value)
    if nb.worst <= claimed:
        verdict = "supported"
    elif nb.best > claimed:
        verdict = "contradicted"
    else:
        verdict = "plausible"
    values = {"g": c.fmt("grdp_growth"), "claimed": claimed, "nb": nb.best, "nw": nb.worst,
              "nn": nb.of, "above": len(nb.above), "below": len(nb.below), "rb": rb.best,
              "rw": rb.worst, "rn": rb.of, "n_unknown": len(rb.unknown),
              "unknown": ", ".join(rb.unknown)}
    return Verdict(verdict, "top15",
                   {k: (v if callable(v) else _const(v)) for k, v in values.items()},
                   ["grdp_growth", "grdp_growth_rank", "grdp_rank_national_best",
                    "grdp_rank_national_worst", "grdp_rank_regional_best",
                    "grdp_rank_regional_worst"])


def _industry_high(c: Context, figure_ids: list[str]) -> Verdict:
    f, nat, july = "industrial_output_growth", "iip_h1_2022", "lc_industrial_output_growth_2022m07"
    high = (c.q(f).direction(c.q(nat)) == "above"
            and c.q(f).direction(c.q("grdp_growth")) == "above")
    return Verdict("plausible" if high else "unverified", "industry",
                   {"f": c.fmt(f), "nat": c.fmt(nat), "projects": c.fmt("hydro_projects"),
                    "mw": c.fmt("hydro_capacity"), "july": c.fmt(july)},
                   [f, nat, "grdp_growth", "hydro_projects", "hydro_capacity", july])


def _disbursement(c: Context, figure_ids: list[str]) -> Verdict:
    f = "disbursement_rate"
    hi, lo = "national_disbursement_upper_bound", "national_disbursement_lower_bound"
    nat_change = "national_disbursement_change_2022_07_31"
    if c.q(f).direction(c.q(hi)) == "above":
        verdict = "plausible"  # holds on every basis, but the province's denominator is unknown
    elif c.q(f).direction(c.q(lo)) == "below":
        verdict = "contradicted"
    else:
        verdict = "unverified"
    bound_ids = [i for i in [*c.k.inputs(hi), *c.k.inputs(lo)] if i != f]
    return Verdict(verdict, "disbursement",
                   {"f": c.fmt(f), "lo": c.fmt(lo, bare=True), "hi": c.fmt(hi, bare=True),
                    "change": c.fmt("disbursement_rate_change"), "nat_change": c.fmt(nat_change)},
                   [f, "disbursement_rate_change", lo, hi, *bound_ids, nat_change])


def _confirmations(c: Context, figure_ids: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Reference rows with a rank-change figure's indicator, period and measure."""
    refs = c.k.refs
    confirmed, contradicted, missing = [], [], []
    for fid in figure_ids:
        fig = c.k.figures.loc[fid]
        same = refs[(refs["indicator"] == fig["indicator"]) & (refs["period"] == fig["period"])
                    & (refs["measure"] == fig["measure"]) & (refs["status"] == "ok")]
        if same.empty:
            missing.append(fid)
        elif (same["value"] == fig["value"]).all():
            confirmed.append(str(same["id"].iloc[0]))
        else:
            contradicted.append(str(same["id"].iloc[0]))
    return confirmed, contradicted, missing


def _admin_indices(c: Context, figure_ids: list[str]) -> Verdict:
    ranks = [i for i in figure_ids if c.k.figures.loc[i, "measure"] == "rank_change"]
    confirmed, contradicted, missing = _confirmations(c, ranks)
    if contradicted:
        verdict = "contradicted"
    elif confirmed and not missing:
        verdict = "supported"
    elif confirmed:
        verdict = "plausible"
    else:
        verdict = "unverified"

    def moves(lang: str) -> str:
        return ", ".join(f"{c.k.label(i, lang)} +{c.q(i).format(lang)}" for i in ranks)

    coverage = "papi_2021_provinces_ranked"
    return Verdict(verdict, "admin",
                   {"moves": moves, "confirmed": c.labels(confirmed),
                    "missing": c.labels(missing), "coverage": c.fmt(coverage)},
                   [*ranks, *confirmed, coverage])


def _pci_second(c: Context, figure_ids: list[str]) -> Verdict:
    refs = c.k.refs
    pci = refs[(refs["indicator"] == "pci_rank") & (refs["area"] == cmp.PROVINCE)
               & (refs["status"] == "ok")]
    years = {str(p): float(v) for p, v in zip(pci["period"], pci["value"], strict=True)}
    needed = ("2019", "2020", "2021")
    if all(y in years for y in needed):
        rising = years["2020"] < years["2019"] and years["2021"] < years["2020"]
        verdict = "supported" if rising else "contradicted"
    else:
        verdict = "unverified"
    found = [y for y in needed if y in years]
    later = {p: v for p, v in years.items() if p > needed[-1]}

    def found_text(lang: str) -> str:
        return ", ".join(found) or TEMPLATES["none"][lang]

    def later_text(lang: str) -> str:
        return "; ".join(f"{p}: {Quantity(v, 'rank').format(lang)}"
                         for p, v in sorted(later.items())) or TEMPLATES["none"][lang]

    return Verdict(verdict, "pci", {"found": found_text, "later": later_text},
                   ["pci_rank_change", "pci_rise_streak", *pci["id"]])


def _tourism(c: Context, figure_ids: list[str]) -> Verdict:
    a, r = "tourist_arrivals_growth", "tourism_revenue_growth"
    nat, fy = "domestic_tourists_growth_h1_2022", "lc_tourist_arrivals_growth_2022_est"
    grew = c.q(a).value > 0 and c.q(r).value > 0
    return Verdict("plausible" if grew else "unverified", "tourism",
                   {"a": c.fmt(a), "r": c.fmt(r), "nat": c.fmt(nat), "fy": c.fmt(fy)},
                   [a, r, nat, fy])


def _no_data(c: Context, figure_ids: list[str]) -> Verdict:
    return Verdict("unverified", "no_data", {}, [])


# A claim of data/claims.csv without a rule here is reported as unverified, never dropped.
RULES: dict[str, Callable[[Context, list[str]], Verdict]] = {
    "claim_positive_results": _positive_results,
    "claim_many_indicators_above": _many_above,
    "claim_recovery_after_covid": _recovery,
    "claim_grdp_top15": _top15,
    "claim_industry_high": _industry_high,
    "claim_forest_payment_early": _no_data,
    "claim_disbursement_above_national": _disbursement,
    "claim_admin_indices_improved": _admin_indices,
    "claim_pci_second_rise": _pci_second,
    "claim_tourism_recovery": _tourism,
    "claim_covid_controlled": _no_data,
}


def _sources(c: Context, ids: list[str]) -> str:
    out: list[str] = []
    for i in ids:
        out += [s for s in c.k.sources(i) if s not in out]
    return ";".join(out)


def _omitted(c: Context, lang: str) -> list[dict[str, object]]:
    """Indicators where Lai Châu is below the national figure: what the article leaves out."""
    table = cmp.compare("national", lang)
    rows = []
    for _, r in table[table["direction"] == "below"].iterrows():
        fid, bid = r["id"], r["baseline_id"]
        proxy = r["comparability"] == "proxy"
        claim = TEMPLATES["omitted_claim"][lang].format(
            label=r["label"], value=c.q(fid).format(lang), base_label=r["baseline_label"],
            base=c.q(bid).format(lang), proxy=TEMPLATES["omitted_proxy"][lang] if proxy else "")
        gap = Quantity(r["gap"], r["gap_unit"], r["gap_qualifier"] or "").format(lang)
        rows.append({"id": f"omitted_{fid}", "kind": "omitted", "topic": "omission",
                     "claim": claim, "verdict": "plausible" if proxy else "supported",
                     "evidence": TEMPLATES["omitted_evidence"][lang].format(gap=gap,
                                                                            note=r["note"]),
                     "sources": _sources(c, [fid, bid]), "figure_ids": fid})
    return rows


def claims(lang: str = "en") -> pd.DataFrame:
    """Every claim of data/claims.csv with a verdict, evidence and sources, then the omissions.

    In `vi` the claim is the article's own words; in `en` its English label.
    """
    check_lang(lang)
    c = Context()
    table = validate.load("claims")
    rows = []
    for _, claim in table.iterrows():
        ids = claim["figure_ids"]
        figure_ids = [] if pd.isna(ids) else [i for i in str(ids).split(";") if i]
        v = RULES.get(claim["id"], _no_data)(c, figure_ids)
        if v.verdict not in VERDICTS:  # pragma: no cover - a rule bug
            raise ValueError(f"rule for {claim['id']} returned {v.verdict!r}")
        rows.append({"id": claim["id"], "kind": "claim", "topic": claim["topic"],
                     "claim": claim["label_en"] if lang == "en" else claim["quote"],
                     "verdict": v.verdict, "evidence": v.evidence(lang),
                     "sources": _sources(c, [*figure_ids, *v.ids]) or str(claim["source_id"]),
                     "figure_ids": ";".join(figure_ids)})
    rows += _omitted(c, lang)
    return pd.DataFrame(rows, columns=COLUMNS)


def verdict(claim_id: str, lang: str = "en") -> dict[str, object]:
    """One claim's row (verdict, evidence, sources) by id."""
    table = claims(lang)
    match = table[table["id"] == claim_id]
    if match.empty:
        from lai_chau.errors import unknown

        raise unknown("claim id", claim_id, list(table["id"]))
    return match.iloc[0].to_dict()


def main(args: argparse.Namespace) -> int:
    """`lai-chau claims [--lang vi|en] [--format table|csv|json]`."""
    from lai_chau.tables import render

    table = claims(args.lang)
    columns = TABLE_COLUMNS if args.format == "table" else COLUMNS
    sys.stdout.write(render(table.to_dict("records"), columns, args.format))
    return 0
