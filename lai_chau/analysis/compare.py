"""Lai Châu against Viet Nam, its plan and past, and its region: gaps, derived numbers, ranks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lai_chau.base.errors import DataError, UsageError, unknown
from lai_chau.data import reference, validate
from lai_chau.data.units import Quantity, UnitError, qualifier_symbol
from lai_chau.present.i18n import check_lang

BASELINES = ("national", "prior", "region")
COMPARABILITY = ("same", "proxy", "implied", "context", "not_comparable")
# Vintages of a reference value: comparisons use the first estimate unless asked for the latest.
VINTAGES = ("first", "latest")

COLUMNS = [
    "id", "label", "period", "value", "unit", "baseline_id", "baseline_label", "baseline_period",
    "baseline_value", "baseline_unit", "baseline_qualifier", "gap", "gap_unit", "gap_qualifier",
    "ratio", "direction", "comparability", "note", "source_id", "baseline_sources",
    "vintage", "baseline_release", "revised_baseline_id", "revised_baseline_value",
    "revised_gap",
]
TABLE_COLUMNS = ["id", "value", "unit", "baseline_id", "baseline_value", "gap", "gap_unit",
                 "direction", "comparability", "note"]

# The figure whose rank the peers bound, and the province the article is about.
GRDP_FIGURE = "grdp_growth"
PROVINCE = "Lai Châu"

TEXT = {
    "proxy": {"en": "Proxy, not like for like: ", "vi": "Chỉ tiêu gần đúng, không cùng thước đo: "},
    "conflict": {
        "en": " Sources disagree on this baseline; both values are kept in the data ({note}).",
        "vi": " Các nguồn không thống nhất về số so sánh này; dữ liệu giữ cả hai giá trị ({note}).",
    },
    "region_same": {
        "en": "Same measure (GRDP growth at constant prices on H1 2021, provincial estimate); "
              "provinces may have used different GSO estimate rounds.",
        "vi": "Cùng thước đo (tăng GRDP theo giá so sánh so với 6 tháng 2021, số ước của tỉnh); "
              "các tỉnh có thể dùng các đợt ước tính khác nhau của Tổng cục Thống kê.",
    },
    "region_sector": {
        "en": "Same sector and measure (value-added growth at constant prices on H1 2021).",
        "vi": "Cùng khu vực và thước đo (tăng giá trị tăng thêm theo giá so sánh so với "
              "6 tháng 2021).",
    },
    "rank_bounds": {
        "en": " From the sourced peers Lai Châu ranks between {rb} and {rw} of {rn} in the region "
              "and between {nb} and {nw} of {nn} nationally.",
        "vi": " Theo số liệu có nguồn của các tỉnh, Lai Châu đứng trong khoảng hạng {rb}–{rw}/{rn} "
              "trong vùng và hạng {nb}–{nw}/{nn} cả nước.",
    },
}


# ----------------------------------------------------------------------------- lookups
class Lookup:
    """Every figure, reference row and derived number by id, as records and Quantities."""

    def __init__(self) -> None:
        self.figures = validate.load("figures").set_index("id", drop=False)
        self.refs = reference.values().set_index("id", drop=False)
        self._derived: dict[str, Derived] = {d.id: d for d in DERIVED}
        self._cache: dict[str, Quantity] = {}

    def ids(self) -> list[str]:
        return [*self.figures.index, *self.refs.index, *self._derived]

    def kind(self, any_id: str) -> str:
        if any_id in self.figures.index:
            return "figure"
        if any_id in self.refs.index:
            return "reference"
        if any_id in self._derived:
            return "derived"
        raise unknown("id", any_id, sorted(self.ids()))

    def quantity(self, any_id: str) -> Quantity:
        """The value of a figure, reference row or derived number."""
        if any_id not in self._cache:
            kind = self.kind(any_id)
            if kind == "derived":
                self._cache[any_id] = self._derived[any_id].compute(self)
            else:
                rec = (self.figures if kind == "figure" else self.refs).loc[any_id]
                if pd.isna(rec["value"]):
                    raise UsageError(f"{any_id!r} has no value (only a rank)")
                self._cache[any_id] = Quantity(rec["value"], rec["unit"],
                                               qualifier_symbol(rec["qualifier"]))
        return self._cache[any_id]

    def label(self, any_id: str, lang: str) -> str:
        kind = self.kind(any_id)
        if kind == "derived":
            return self._derived[any_id].label[lang]
        rec = (self.figures if kind == "figure" else self.refs).loc[any_id]
        return str(rec[f"label_{lang}"])

    def period(self, any_id: str) -> str | None:
        kind = self.kind(any_id)
        if kind == "derived":
            return self._derived[any_id].period
        rec = (self.figures if kind == "figure" else self.refs).loc[any_id]
        return None if pd.isna(rec["period"]) else str(rec["period"])

    def sources(self, any_id: str) -> list[str]:
        """Source ids behind a value (for a derived number, the sources of all its inputs)."""
        kind = self.kind(any_id)
        if kind == "figure":
            return [str(self.figures.loc[any_id, "source_id"])]
        if kind == "reference":
            rec = {k: (None if pd.isna(v) else v) for k, v in self.refs.loc[any_id].items()}
            return reference.source_ids(rec)
        out: list[str] = []
        for input_id in self._derived[any_id].inputs(self):
            out += [s for s in self.sources(input_id) if s not in out]
        return out

    def inputs(self, any_id: str) -> list[str]:
        """Ids a derived number is computed from (empty for data values)."""
        return self._derived[any_id].inputs(self) if self.kind(any_id) == "derived" else []

    def status(self, any_id: str) -> tuple[str, str]:
        if self.kind(any_id) != "reference":
            return "ok", ""
        rec = self.refs.loc[any_id]
        return str(rec["status"]), ("" if pd.isna(rec["status_note"]) else str(rec["status_note"]))


# ----------------------------------------------------------------------------- derived numbers
@dataclass(frozen=True)
class Derived:
    """A number computed from data by a stated formula (never typed)."""

    id: str
    label: dict[str, str]
    formula: str
    compute: Callable[[Lookup], Quantity]
    uses: tuple[str, ...] = ()
    period: str | None = None
    note: str = ""
    dynamic_inputs: Callable[[Lookup], list[str]] | None = field(default=None, compare=False)

    def inputs(self, lookup: Lookup) -> list[str]:
        return self.dynamic_inputs(lookup) if self.dynamic_inputs else list(self.uses)


def _minus(a: str, b: str) -> Callable[[Lookup], Quantity]:
    return lambda k: k.quantity(a) - k.quantity(b)


def _share(part: str, whole: str) -> Callable[[Lookup], Quantity]:
    return lambda k: k.quantity(part).share_of(k.quantity(whole))


def _tea_increase(k: Lookup) -> Quantity:
    return k.quantity("tea_h1_2022") - k.quantity("national_tea_output_h1_2021_implied")


def _grdp_2022_from_average(k: Lookup) -> Quantity:
    # (1+avg)^3 = (1+g2021)(1+g2022)(1+g2023): solve for g2022. Depends on the 2021 estimate.
    avg, g21, g23 = (k.quantity(i) for i in (
        "lc_grdp_growth_avg_2021_2023", "lc_grdp_growth_2021", "lc_grdp_growth_2023"))
    for q in (avg, g21, g23):
        if q.unit != "percent":
            raise UnitError(f"growth rates must be in percent, not {q.unit}")
    factor = (1 + avg.value / 100) ** 3 / ((1 + g21.value / 100) * (1 + g23.value / 100))
    return Quantity(round((factor - 1) * 100, 10), "percent", "~")


def _disbursement_rows(k: Lookup) -> pd.DataFrame:
    """National MoF disbursement rates of the figure's year, with a cut-off date, not rejected."""
    as_of = pd.Timestamp(k.figures.loc["disbursement_rate", "as_of"])
    refs = k.refs
    rows = refs[(refs["indicator"] == "public_investment_disbursement")
                & (refs["table"] == "national")
                & (refs["measure"] == "rate_of_plan") & refs["as_of"].notna()
                & (refs["status"] != "rejected")]
    return rows[rows["as_of"].dt.year == as_of.year]


@dataclass(frozen=True)
class BasisBounds:
    """Bounds on the national disbursement rate at the figure's date, on one basis (plan).

    `lower_id`/`upper_id` are the reference rows giving each bound; None when no national rate
    of that basis is dated on that side of the figure's date."""

    base: str
    lower_id: str | None
    upper_id: str | None


def disbursement_bounds(k: Lookup) -> list[BasisBounds]:
    """Per basis (denominator), the national rates that bound the rate at the figure's date.

    Cumulative disbursement never falls, so on one basis the rate at the figure's date is at most
    the rate at any later date and at least the rate at any earlier date. A basis without an
    earlier (later) rate has no lower (upper) bound: bounds are never carried across bases.
    """
    as_of = pd.Timestamp(k.figures.loc["disbursement_rate", "as_of"])
    out = []
    for base, group in _disbursement_rows(k).reset_index(drop=True).groupby("base", sort=True):
        later = group[group["as_of"] >= as_of].sort_values(["value", "id"])
        earlier = group[group["as_of"] <= as_of].sort_values(["value", "id"])
        out.append(BasisBounds(str(base),
                               str(earlier["id"].iloc[-1]) if not earlier.empty else None,
                               str(later["id"].iloc[0]) if not later.empty else None))
    return out


def _disbursement_bound(upper: bool) -> Callable[[Lookup], Quantity]:
    # The upper bound holds whatever the article's basis only if every basis has one; the lower
    # bound is over the bases that have an earlier rate only (its label and note say so).
    def compute(k: Lookup) -> Quantity:
        as_of = pd.Timestamp(k.figures.loc["disbursement_rate", "as_of"])
        ids = [b.upper_id if upper else b.lower_id for b in disbursement_bounds(k)]
        bounds = [k.quantity(i).value for i in ids if i is not None]
        if not bounds or (upper and None in ids):
            raise DataError("data/national.csv", "no national disbursement rate on the "
                            f"{'later' if upper else 'earlier'} side of {as_of.date()}"
                            f"{' on every basis' if upper and bounds else ''}")
        value = max(bounds) if upper else min(bounds)
        return Quantity(value, "percent", "<=" if upper else ">=")
    return compute


def _disbursement_inputs(upper: bool) -> Callable[[Lookup], list[str]]:
    def inputs(k: Lookup) -> list[str]:
        ids = [b.upper_id if upper else b.lower_id for b in disbursement_bounds(k)]
        return [*[i for i in ids if i is not None], "disbursement_rate"]
    return inputs


def _rank(scope: str, which: str) -> Callable[[Lookup], Quantity]:
    return lambda k: Quantity(getattr(rank_bounds(scope, lookup=k), which), "rank")


def _rank_inputs(k: Lookup) -> list[str]:
    peers = reference.provinces()
    return [GRDP_FIGURE, *list(peers.loc[peers["indicator"] == "grdp", "id"])]


def _l(en: str, vi: str) -> dict[str, str]:
    return {"en": en, "vi": vi}


DERIVED: list[Derived] = [
    Derived("implied_disbursement_rate_2021",
            _l("Disbursement rate a year earlier (implied)",
               "Tỷ lệ giải ngân cùng kỳ năm trước (suy ra)"),
            "disbursement_rate - disbursement_rate_change",
            _minus("disbursement_rate", "disbursement_rate_change"),
            ("disbursement_rate", "disbursement_rate_change"), "2021H1",
            "The article's rate less its change in points, at 15/6/2021."),
    Derived("implied_investment_projects_2021",
            _l("Projects approved in principle a year earlier (implied)",
               "Số dự án cùng kỳ năm trước (suy ra)"),
            "investment_projects - investment_projects_change",
            _minus("investment_projects", "investment_projects_change"),
            ("investment_projects", "investment_projects_change"), "2021H1"),
    Derived("investment_projects_multiple",
            _l("Projects approved, multiple of a year earlier", "Số dự án, gấp so với cùng kỳ"),
            "investment_projects / implied_investment_projects_2021",
            lambda k: (k.quantity("investment_projects")
                       / k.quantity("implied_investment_projects_2021")),
            ("investment_projects", "implied_investment_projects_2021"), "2022H1"),
    Derived("national_disbursement_change_2022_07_31",
            _l("National disbursement rate at 31/7, change on a year earlier (estimate basis)",
               "Tỷ lệ giải ngân cả nước đến 31/7, thay đổi so cùng kỳ (theo số ước)"),
            "pi_disb_2022_07_31_pm_est - pi_disb_2021_07_31_pm_est",
            _minus("pi_disb_2022_07_31_pm_est", "pi_disb_2021_07_31_pm_est"),
            ("pi_disb_2022_07_31_pm_est", "pi_disb_2021_07_31_pm_est"), "2022M01-M07",
            "Each 2022 figure is paired with the 2021 rate cited beside it "
            "(the two 2021 rates conflict)."),
    Derived("national_disbursement_change_2022_07_31_reported",
            _l("National disbursement rate at 31/7, change on a year earlier (reported basis)",
               "Tỷ lệ giải ngân cả nước đến 31/7, thay đổi so cùng kỳ (theo số báo cáo)"),
            "pi_disb_2022_07_31_pm - pi_disb_2021_07_31_pm_actual",
            _minus("pi_disb_2022_07_31_pm", "pi_disb_2021_07_31_pm_actual"),
            ("pi_disb_2022_07_31_pm", "pi_disb_2021_07_31_pm_actual"), "2022M01-M07"),
    Derived("national_disbursement_change_2022_08_31",
            _l("National disbursement rate at 31/8, change on a year earlier",
               "Tỷ lệ giải ngân cả nước đến 31/8, thay đổi so cùng kỳ"),
            "pi_disb_2022_08_31_pm_est - pi_disb_2021_08_31_pm",
            _minus("pi_disb_2022_08_31_pm_est", "pi_disb_2021_08_31_pm"),
            ("pi_disb_2022_08_31_pm_est", "pi_disb_2021_08_31_pm"), "2022M01-M08"),
    Derived("national_disbursement_upper_bound",
            _l("National disbursement rate at Lai Châu's cut-off date, upper bound",
               "Tỷ lệ giải ngân cả nước tại thời điểm của Lai Châu, cận trên"),
            "max over bases of (min of national rates dated on or after disbursement_rate.as_of); "
            "every basis must have a later rate",
            _disbursement_bound(upper=True), (), "2022H1",
            "Assumes cumulative disbursement never falls and the plan is not cut during the year.",
            dynamic_inputs=_disbursement_inputs(upper=True)),
    Derived("national_disbursement_lower_bound",
            _l("National disbursement rate at Lai Châu's cut-off date, lower bound on the bases "
               "with an earlier rate",
               "Tỷ lệ giải ngân cả nước tại thời điểm của Lai Châu, cận dưới theo các cách tính "
               "có số trước đó"),
            "min over bases with an earlier rate of (max of national rates dated on or before "
            "disbursement_rate.as_of)",
            _disbursement_bound(upper=False), (), "2022H1",
            "Same assumption. Not a bound on a basis without an earlier rate: see "
            "disbursement_bounds().",
            dynamic_inputs=_disbursement_inputs(upper=False)),
    Derived("domestic_tourists_growth_h1_2022",
            _l("Domestic tourists, growth (from the multiple)",
               "Khách du lịch nội địa, tốc độ tăng (quy từ số lần)"),
            "(domestic_tourists_h1_2022_ratio - 1) x 100",
            lambda k: k.quantity("domestic_tourists_h1_2022_ratio").as_growth(),
            ("domestic_tourists_h1_2022_ratio",), "2022H1",
            "The multiple is rounded, so the growth is only approximate."),
    Derived("national_budget_growth_h1_2022_implied",
            _l("State budget revenue growth H1 2022 (implied by two MoF estimates)",
               "Tăng thu ngân sách nhà nước 6 tháng 2022 (suy ra từ hai số ước của Bộ Tài chính)"),
            "budget_rev_h1_2022 / budget_rev_h1_2021 - 1",
            lambda k: k.quantity("budget_rev_h1_2022").growth_on(k.quantity("budget_rev_h1_2021")),
            ("budget_rev_h1_2022", "budget_rev_h1_2021"), "2022H1",
            "Indicative only: two end-June estimates, not outturns."),
    Derived("national_retail_h1_2021_implied",
            _l("Retail sales H1 2021 (implied)", "Tổng mức bán lẻ 6 tháng 2021 (suy ra)"),
            "retail_h1_2022 / (1 + retail_h1_2022_nominal / 100)",
            lambda k: k.quantity("retail_h1_2022").before_growth(
                k.quantity("retail_h1_2022_nominal")),
            ("retail_h1_2022", "retail_h1_2022_nominal"), "2021H1"),
    Derived("national_tea_output_h1_2021_implied",
            _l("National tea output H1 2021 (implied)",
               "Sản lượng chè cả nước 6 tháng 2021 (suy ra)"),
            "tea_h1_2022 / (1 + tea_h1_2022_growth / 100)",
            lambda k: k.quantity("tea_h1_2022").before_growth(k.quantity("tea_h1_2022_growth")),
            ("tea_h1_2022", "tea_h1_2022_growth"), "2021H1",
            "The growth rate is rounded, so the implied level is approximate."),
    Derived("national_tea_increase_h1_2022_implied",
            _l("National tea output increase H1 2022 (implied)",
               "Mức tăng sản lượng chè cả nước 6 tháng 2022 (suy ra)"),
            "tea_h1_2022 - national_tea_output_h1_2021_implied", _tea_increase,
            ("tea_h1_2022", "national_tea_output_h1_2021_implied"), "2022H1",
            "Sensitive to the rounding of the growth rate."),
    Derived("tea_share_of_national_increase",
            _l("Lai Châu's share of the national tea output increase",
               "Tỷ phần của Lai Châu trong mức tăng sản lượng chè cả nước"),
            "tea_output_change / national_tea_increase_h1_2022_implied x 100",
            _share("tea_output_change", "national_tea_increase_h1_2022_implied"),
            ("tea_output_change", "national_tea_increase_h1_2022_implied"), "2022H1"),
    Derived("grdp_growth_minus_plan",
            _l("GRDP growth H1 less the 2022 target",
               "Tăng trưởng GRDP 6 tháng trừ mục tiêu năm 2022"),
            "grdp_growth - lc_grdp_growth_plan_2022",
            _minus("grdp_growth", "lc_grdp_growth_plan_2022"),
            ("grdp_growth", "lc_grdp_growth_plan_2022"), "2022H1",
            "Half-year growth against a full-year target."),
    Derived("grdp_growth_2022_est_minus_h1",
            _l("GRDP growth 2022 (Nov estimate) less H1 growth",
               "Tăng trưởng GRDP 2022 (ước tháng 11) trừ tăng trưởng 6 tháng"),
            "lc_grdp_growth_2022_est - grdp_growth",
            _minus("lc_grdp_growth_2022_est", "grdp_growth"),
            ("lc_grdp_growth_2022_est", "grdp_growth"), "2022"),
    Derived("lc_grdp_growth_2022_implied_by_average",
            _l("GRDP growth 2022 implied by the 2021-2023 average",
               "Tăng trưởng GRDP 2022 suy ra từ bình quân 2021-2023"),
            "(1+avg)^3 / ((1+g2021)(1+g2023)) - 1",
            _grdp_2022_from_average,
            ("lc_grdp_growth_avg_2021_2023", "lc_grdp_growth_2021", "lc_grdp_growth_2023"), "2022",
            "Depends on the 2021 estimate (the final 2021 figure was not found)."),
    Derived("lc_tourist_arrivals_m04_2022_pct_plan_check",
            _l("Tourist arrivals Jan-Apr 2022, share of the plan (recomputed)",
               "Lượt khách 4 tháng 2022 so kế hoạch (tính lại)"),
            "lc_tourist_arrivals_m04_2022 / lc_tourist_arrivals_plan_2022 x 100",
            _share("lc_tourist_arrivals_m04_2022", "lc_tourist_arrivals_plan_2022"),
            ("lc_tourist_arrivals_m04_2022", "lc_tourist_arrivals_plan_2022"), "2022M01-M04"),
    Derived("lc_tourist_arrivals_q1_2022_pct_plan_check",
            _l("Tourist arrivals Q1 2022, share of the plan (recomputed)",
               "Lượt khách quý I/2022 so kế hoạch (tính lại)"),
            "lc_tourist_arrivals_q1_2022 / lc_tourist_arrivals_plan_2022 x 100",
            _share("lc_tourist_arrivals_q1_2022", "lc_tourist_arrivals_plan_2022"),
            ("lc_tourist_arrivals_q1_2022", "lc_tourist_arrivals_plan_2022"), "2022Q1"),
    Derived("lc_tourist_arrivals_2022_implied",
            _l("Tourist arrivals 2022 (implied by the plan and its excess)",
               "Lượt khách năm 2022 (suy ra từ kế hoạch và mức vượt)"),
            "lc_tourist_arrivals_plan_2022 x (1 + lc_tourist_arrivals_2022_est_above_plan / 100)",
            lambda k: k.quantity("lc_tourist_arrivals_plan_2022").after_growth(
                k.quantity("lc_tourist_arrivals_2022_est_above_plan")),
            ("lc_tourist_arrivals_plan_2022", "lc_tourist_arrivals_2022_est_above_plan"), "2022"),
    Derived("lc_tourist_arrivals_2021_implied",
            _l("Tourist arrivals 2021 (implied)", "Lượt khách năm 2021 (suy ra)"),
            "lc_tourist_arrivals_2022_implied / (1 + lc_tourist_arrivals_growth_2022_est / 100)",
            lambda k: k.quantity("lc_tourist_arrivals_2022_implied").before_growth(
                k.quantity("lc_tourist_arrivals_growth_2022_est")),
            ("lc_tourist_arrivals_2022_implied", "lc_tourist_arrivals_growth_2022_est"), "2021"),
    Derived("lc_budget_revenue_2022m10_pct_plan",
            _l("Budget revenue Jan-Oct 2022, share of the 2022 plan",
               "Thu ngân sách 10 tháng 2022 so kế hoạch năm"),
            "lc_budget_revenue_2022m10 / lc_budget_revenue_plan_2022 x 100",
            _share("lc_budget_revenue_2022m10", "lc_budget_revenue_plan_2022"),
            ("lc_budget_revenue_2022m10", "lc_budget_revenue_plan_2022"), "2022M01-M10"),
    Derived("lc_tourism_revenue_q1_2022_pct_plan",
            _l("Tourism revenue Q1 2022, share of the 2022 plan",
               "Doanh thu du lịch quý I/2022 so kế hoạch năm"),
            "lc_tourism_revenue_q1_2022 / lc_tourism_revenue_plan_2022 x 100",
            _share("lc_tourism_revenue_q1_2022", "lc_tourism_revenue_plan_2022"),
            ("lc_tourism_revenue_q1_2022", "lc_tourism_revenue_plan_2022"), "2022Q1"),
    Derived("grdp_rank_national_best",
            _l("GRDP growth rank H1 2022, best possible (national)",
               "Hạng tăng trưởng GRDP 6 tháng 2022, cao nhất có thể (cả nước)"),
            "rank_bounds('national').best", _rank("national", "best"), (), "2022H1",
            dynamic_inputs=_rank_inputs),
    Derived("grdp_rank_national_worst",
            _l("GRDP growth rank H1 2022, worst possible (national)",
               "Hạng tăng trưởng GRDP 6 tháng 2022, thấp nhất có thể (cả nước)"),
            "rank_bounds('national').worst", _rank("national", "worst"), (), "2022H1",
            dynamic_inputs=_rank_inputs),
    Derived("grdp_rank_regional_best",
            _l("GRDP growth rank H1 2022, best possible (region)",
               "Hạng tăng trưởng GRDP 6 tháng 2022, cao nhất có thể (vùng)"),
            "rank_bounds('regional').best", _rank("regional", "best"), (), "2022H1",
            dynamic_inputs=_rank_inputs),
    Derived("grdp_rank_regional_worst",
            _l("GRDP growth rank H1 2022, worst possible (region)",
               "Hạng tăng trưởng GRDP 6 tháng 2022, thấp nhất có thể (vùng)"),
            "rank_bounds('regional').worst", _rank("regional", "worst"), (), "2022H1",
            dynamic_inputs=_rank_inputs),
]


def derived(lang: str = "en") -> pd.DataFrame:
    """Every derived number: id, value, unit, qualifier, formula, inputs, label, sources, note."""
    check_lang(lang)
    k = Lookup()
    rows = []
    for d in DERIVED:
        q = k.quantity(d.id)
        rows.append({"id": d.id, "label": d.label[lang], "period": d.period, "value": q.value,
                     "unit": q.unit, "qualifier": q.qualifier, "formula": d.formula,
                     "inputs": ";".join(d.inputs(k)), "sources": ";".join(k.sources(d.id)),
                     "note": d.note})
    return pd.DataFrame(rows)


def derived_value(derived_id: str) -> Quantity:
    """One derived number by id."""
    if derived_id not in {d.id for d in DERIVED}:
        raise unknown("derived number", derived_id, [d.id for d in DERIVED])
    return Lookup().quantity(derived_id)


# ----------------------------------------------------------------------------- rank bounds
@dataclass(frozen=True)
class RankBounds:
    """Best and worst rank of a value among `of` provinces that the sourced peers allow.

    `above` and `below` are the provinces known to be faster or slower, by value or by a stated
    rank (see rank_bounds); `above_ids`/`below_ids` the peer rows that place them; `unknown` the
    provinces of the scope that neither side holds (for the region: those with no figure)."""

    scope: str
    best: int
    worst: int
    of: int
    above: tuple[str, ...]
    below: tuple[str, ...]
    unknown: tuple[str, ...]
    above_ids: tuple[str, ...] = ()
    below_ids: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = (
        "All values and ranks come from the same round of GSO estimates.",
        "Lai Châu's figure is the one ranked, and no province ties with it.",
        "A province ranked above one known to be faster is faster, and one ranked below one "
        "known to be slower is slower (stated ranks only).",
        "A province known only to be in a 'top N' counts as faster only when a province known to "
        "be faster is ranked N or lower.",
    )


def rank_bounds(scope: str = "national", value: Quantity | None = None,
                lookup: Lookup | None = None) -> RankBounds:
    """Bounds on Lai Châu's GRDP-growth rank, nationally or in its region, from provinces_h1_2022.

    A peer is known faster when its value (with its qualifier) is above Lai Châu's, or when its
    stated rank is at or above the rank of a province known faster (transitively: a province
    ranked above one known to be faster is faster), or when it is stated to be in a top N whose N
    is at or above such a rank; known slower the same way from below. Lai Châu's rank is then
    above every faster one and every stated rank of one, below every slower one, and not a rank
    another province states. Rows with status `conflict` or `rejected` are not used.
    """
    if scope not in ("national", "regional"):
        raise unknown("rank scope", scope, ["national", "regional"])
    k = lookup or Lookup()
    if value is None:
        value = k.quantity(GRDP_FIGURE)
    peers = reference.provinces()
    peers = peers[(peers["indicator"] == "grdp") & (peers["province"] != PROVINCE)
                  & (peers["status"] == "ok")]
    members = reference.region_members()
    region = members.loc[members["province"] == PROVINCE, "region"]
    if region.empty:
        raise DataError("data/region_members.csv", f"{PROVINCE} is not listed in any region")
    region_name = region.iloc[0]
    if scope == "regional":
        peers = peers[peers["region"] == region_name]
        rank_col, of_col, at_most_col = "rank_regional", "rank_regional_of", None
    else:
        rank_col, of_col, at_most_col = "rank_national", "rank_national_of", \
            "rank_national_at_most"
    sizes = set(peers[of_col].dropna().astype(int))
    if scope == "regional":
        sizes.add(int((members["region"] == region_name).sum()))
    if len(sizes) != 1:
        raise DataError("data/provinces_h1_2022.csv",
                        f"{of_col} disagrees between rows: {sorted(sizes)}", column=of_col)
    n = sizes.pop()

    ranks: dict[str, int] = {}
    at_most: dict[str, int] = {}
    side: dict[str, str] = {}
    row_of: dict[str, str] = {}
    for _, p in peers.iterrows():
        name = p["province"]
        row_of.setdefault(name, str(p["id"]))
        if pd.notna(p[rank_col]):
            ranks[name] = int(p[rank_col])
        if at_most_col and pd.notna(p[at_most_col]):
            at_most[name] = int(p[at_most_col])
        if pd.notna(p["value"]):
            where = Quantity(p["value"], p["unit"], qualifier_symbol(p["qualifier"])) \
                .direction(value)
            if where in ("above", "below"):
                side[name] = where
    changed = True
    while changed:  # the transitive closure over stated ranks
        changed = False
        top = max((ranks[p] for p, s in side.items() if s == "above" and p in ranks), default=0)
        bottom = min((ranks[p] for p, s in side.items() if s == "below" and p in ranks),
                     default=n + 1)
        for name in set(ranks) | set(at_most):
            if name in side:
                continue
            if (name in ranks and ranks[name] <= top) or at_most.get(name, n + 1) <= top:
                side[name], changed = "above", True
            elif name in ranks and ranks[name] >= bottom:
                side[name], changed = "below", True
    above = [p for p in dict.fromkeys(peers["province"]) if side.get(p) == "above"]
    below = [p for p in dict.fromkeys(peers["province"]) if side.get(p) == "below"]
    top = max((ranks[p] for p in above if p in ranks), default=0)
    bottom = min((ranks[p] for p in below if p in ranks), default=n + 1)
    if top >= bottom or any(ranks[p] < top for p in below if p in ranks):
        raise DataError("data/provinces_h1_2022.csv",
                        f"{scope} ranks contradict the values: a faster province is ranked {top}, "
                        f"a slower one {bottom}", column=rank_col)
    taken = set(ranks.values())
    best = max(top, len(above)) + 1
    worst = min(bottom - 1, n - len(below))
    while best in taken:
        best += 1
    while worst in taken:
        worst -= 1
    if best > worst:
        raise DataError("data/provinces_h1_2022.csv", f"no {scope} rank is left for {PROVINCE}")
    if scope == "regional":
        known = set(peers.loc[peers["value"].notna(), "province"]) | {PROVINCE}
        in_region = members.loc[members["region"] == region_name, "province"]
        missing = tuple(p for p in in_region if p not in known)
    else:
        missing = ()
    return RankBounds(scope, best, worst, n, tuple(above), tuple(below), missing,
                      tuple(row_of[p] for p in above), tuple(row_of[p] for p in below))


RANKS_COLUMNS = ["scope", "figure_id", "best", "worst", "of", "known_above", "known_below",
                 "unknown", "above_ids", "below_ids"]


def ranks(lookup: Lookup | None = None) -> pd.DataFrame:
    """`lai-chau ranks`: one row per scope (national, region) with the rank bounds of the GRDP
    figure, how many provinces are known faster and slower, how many are neither, and the peer
    rows each side rests on."""
    k = lookup or Lookup()
    rows = []
    for scope, label in (("national", "national"), ("regional", "region")):
        b = rank_bounds(scope, lookup=k)
        rows.append({"scope": label, "figure_id": GRDP_FIGURE, "best": b.best, "worst": b.worst,
                     "of": b.of, "known_above": len(b.above), "known_below": len(b.below),
                     "unknown": b.of - 1 - len(b.above) - len(b.below),
                     "above_ids": ";".join(b.above_ids), "below_ids": ";".join(b.below_ids)})
    return pd.DataFrame(rows, columns=RANKS_COLUMNS)


def ranks_main(args: argparse.Namespace) -> int:
    """`lai-chau ranks [--format table|csv|json]`."""
    from lai_chau.present.tables import render

    sys.stdout.write(render(ranks().to_dict("records"), RANKS_COLUMNS, args.format))
    return 0


# ----------------------------------------------------------------------------- comparisons
def _check_args(baseline: str, lang: str) -> None:
    if baseline not in BASELINES:
        raise unknown("baseline", baseline, BASELINES)
    check_lang(lang)


def _pairs(baseline: str, k: Lookup) -> list[dict[str, Any]]:
    """(figure, baseline id, comparability, reason) for one baseline, in figure order."""
    if baseline in ("national", "prior"):
        table = reference.comparability()
        table = table[(table["baseline"] == baseline) & table["baseline_id"].notna()
                      & (table["comparability"] != "not_comparable")]
        return [{"figure_id": r["figure_id"], "baseline_id": r["baseline_id"],
                 "comparability": r["comparability"], "reason_en": r["reason_en"],
                 "reason_vi": r["reason_vi"], "row": int(index) + 1, "id": r["id"],
                 "other_period": bool(r["other_period"])}
                for index, r in table.iterrows()]
    peers = reference.provinces()
    members = reference.region_members()
    region = members.loc[members["province"] == PROVINCE, "region"].iloc[0]
    peers = peers[(peers["region"] == region) & (peers["province"] != PROVINCE)
                  & peers["value"].notna() & (peers["status"] == "ok")]
    pairs = []
    for _, fig in k.figures.iterrows():
        if fig["period"] != "2022H1":
            continue
        same = peers[peers["indicator"] == fig["indicator"]].sort_values("value", ascending=False)
        key = "region_same" if fig["indicator"] == "grdp" else "region_sector"
        for _, p in same.iterrows():
            pairs.append({"figure_id": fig["id"], "baseline_id": p["id"], "comparability": "same",
                          "reason_en": TEXT[key]["en"], "reason_vi": TEXT[key]["vi"],
                          "other_period": False, "id": f"{fig['id']}.region.{p['id']}"})
    return pairs


def _article_only(k: Lookup, any_id: str) -> bool:
    """Whether a derived number is arithmetic on the article's own figures alone."""
    inputs = k.inputs(any_id)
    return bool(inputs) and all(k.kind(i) == "figure" or
                                (k.kind(i) == "derived" and _article_only(k, i))
                                for i in inputs)


def revisions(k: Lookup, any_id: str) -> pd.DataFrame:
    """Later vintages of a reference value: rows of the same table, indicator, measure and period
    marked `restated`, released after it, not rejected; oldest first."""
    if k.kind(any_id) != "reference":
        return k.refs.iloc[0:0]
    rec = k.refs.loc[any_id]
    refs = k.refs
    same = refs[(refs["table"] == rec["table"]) & (refs["indicator"] == rec["indicator"])
                & (refs["measure"] == rec["measure"]) & (refs["period"] == rec["period"])
                & (refs["id"] != any_id) & (refs["status"] != "rejected")]
    if "vintage" not in same.columns or "release_date" not in same.columns:
        return same.iloc[0:0]
    same = same[(same["vintage"] == "restated") & same["release_date"].notna()]
    if pd.notna(rec.get("release_date")):
        same = same[same["release_date"].astype(str) > str(rec["release_date"])]
    return same.reset_index(drop=True).sort_values(["release_date", "id"])


def compare(baseline: str = "national", lang: str = "en",
            ids: Sequence[str] | None = None, lookup: Lookup | None = None,
            vintage: str = "first") -> pd.DataFrame:
    """Lai Châu's figures against a baseline: one row per comparable pair, with gap and direction.

    baseline: national (Viet Nam, H1 2022), prior (the 2022 plan, other periods, values implied by
    the article) or region (peers in the same region). Gaps of percent against percent are in
    percentage points; a proxy says so in `comparability` and why in `note`. `ratio` is given only
    for like-for-like levels and counts (a ratio of two growth rates measures nothing).

    Periods: a gap is computed only between the same periods, unless the comparability row sets
    `other_period` (a plan, an earlier period) and says why; a `context` row (another period or
    date, e.g. January-July beside January-June) and an `implied` row (arithmetic on the article's
    own figures, e.g. last year's rate as the rate less its change) have no gap. Vintages: the
    baseline is the value as first published (`vintage="first"`, the like of the province's own
    first estimate); `revised_*` give the latest restatement beside it, and `vintage="latest"`
    compares with that instead.
    """
    _check_args(baseline, lang)
    if vintage not in VINTAGES:
        raise unknown("vintage", vintage, VINTAGES)
    k = lookup or Lookup()
    known = set(k.ids())
    if ids is not None:
        bad = [i for i in ids if i not in k.figures.index]
        if bad:
            raise unknown("figure id", bad[0], list(k.figures.index))
    rows = []
    bounds_note = ""
    if baseline == "region":
        nb, rb = rank_bounds("national", lookup=k), rank_bounds("regional", lookup=k)
        bounds_note = TEXT["rank_bounds"][lang].format(rb=rb.best, rw=rb.worst, rn=rb.of,
                                                       nb=nb.best, nw=nb.worst, nn=nb.of)
    for pair in _pairs(baseline, k):
        fid, bid = pair["figure_id"], pair["baseline_id"]
        if ids is not None and fid not in ids:
            continue
        fig = k.figures.loc[fid]
        if bid not in known:
            raise DataError("data/comparability.csv",
                            f"baseline_id {bid!r} of {fid} is not a figure, reference row or "
                            "derived number", row=pair.get("row"), column="baseline_id")
        kind = pair["comparability"]
        where = f"data/comparability.csv, row {pair.get('row')} (id '{pair.get('id')}')"
        if k.kind(bid) == "derived" and _article_only(k, bid) and kind != "implied":
            raise DataError(where, f"{bid} is arithmetic on the article's own figures; expected "
                            "comparability 'implied' (not a comparison with a baseline)",
                            column="comparability")
        if kind == "implied" and not (k.kind(bid) == "derived" and _article_only(k, bid)):
            raise DataError(where, f"{bid} is not derived from the article's figures alone; "
                            "'implied' is only for such values", column="comparability")
        later = revisions(k, bid)
        revised_id = str(later["id"].iloc[-1]) if len(later) else None
        first_id = bid
        if vintage == "latest" and revised_id:
            bid, revised_id = revised_id, None
        periods_differ = str(fig["period"]) != str(k.period(bid))
        if periods_differ and kind not in ("context", "implied") and not pair["other_period"]:
            raise DataError(where, f"{fid} ({fig['period']}) and {bid} ({k.period(bid)}) cover "
                            "different periods; a gap needs the same period: give a same-period "
                            "baseline, or mark the row other_period=true and say why in its "
                            "reason, or make it 'context'", column="baseline_id")
        value, base = k.quantity(fid), k.quantity(bid)
        try:
            gap = value - base
            direction = value.direction(base)
        except UnitError as exc:
            raise DataError("data/comparability.csv", f"{fid} cannot be compared with {bid}: {exc}",
                            column="baseline_id") from None
        revised_gap = None
        if revised_id and kind in ("same", "proxy"):
            revised_gap = (value - k.quantity(revised_id)).value
        if kind in ("context", "implied"):
            gap_value: float | None = None
            gap_unit = gap_qualifier = None
            direction = None if kind == "context" else direction
        else:
            gap_value, gap_unit, gap_qualifier = gap.value, gap.unit, gap.qualifier
        ratio = None
        if kind == "same" and fig["measure"] in ("level", "count") \
                and value.dimension == base.dimension and value.value > 0 and base.value > 0 \
                and not value.qualifier and not base.qualifier:
            ratio = round((value / base).value, 4)
        note = pair[f"reason_{lang}"]
        if pair["comparability"] == "proxy":
            note = TEXT["proxy"][lang] + note
        status, status_note = k.status(bid)
        if status == "conflict":
            note += TEXT["conflict"][lang].format(note=status_note)
        if fid == GRDP_FIGURE and bounds_note:
            note += bounds_note
        rows.append({
            "id": fid, "label": fig[f"label_{lang}"], "period": fig["period"], "value": value.value,
            "unit": value.unit, "baseline_id": bid, "baseline_label": k.label(bid, lang),
            "baseline_period": k.period(bid), "baseline_value": base.value,
            "baseline_unit": base.unit,
            "baseline_qualifier": base.qualifier, "gap": gap_value, "gap_unit": gap_unit,
            "gap_qualifier": gap_qualifier, "ratio": ratio, "direction": direction,
            "comparability": kind, "note": note, "source_id": fig["source_id"],
            "baseline_sources": ";".join(k.sources(bid)),
            "vintage": _vintage(k, bid), "baseline_release": _release(k, bid),
            "revised_baseline_id": revised_id,
            "revised_baseline_value": k.quantity(revised_id).value if revised_id else None,
            "revised_gap": revised_gap,
        })
        del first_id
    return pd.DataFrame(rows, columns=COLUMNS)


def _vintage(k: Lookup, any_id: str) -> str | None:
    if k.kind(any_id) != "reference" or "vintage" not in k.refs.columns:
        return None
    value = k.refs.loc[any_id, "vintage"]
    return None if pd.isna(value) else str(value)


def _release(k: Lookup, any_id: str) -> str | None:
    if k.kind(any_id) != "reference" or "release_date" not in k.refs.columns:
        return None
    value = k.refs.loc[any_id, "release_date"]
    return None if pd.isna(value) else str(value)[:10]


def main(args: argparse.Namespace) -> int:
    """`lai-chau compare --baseline national|prior|region [--lang] [--format]`."""
    from lai_chau.present.tables import render

    table = compare(args.baseline, args.lang, ids=getattr(args, "id", None),
                    vintage=getattr(args, "vintage", "first"))
    columns = TABLE_COLUMNS if args.format == "table" else COLUMNS
    sys.stdout.write(render(table.to_dict("records"), columns, args.format))
    return 0
