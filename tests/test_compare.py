"""Comparisons: units never mix, every gap and derived number recomputes from the data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from datafiles import edit_row

from lai_chau.analysis import compare
from lai_chau.base import paths
from lai_chau.base.errors import DataError, LaiChauError, UsageError
from lai_chau.cli import main
from lai_chau.data import reference, validate
from lai_chau.data.units import Quantity, UnitError
from lai_chau.present import comparisons

REQUIRED_CSV = ["id", "value", "baseline_value", "gap", "gap_unit", "direction", "comparability"]



def fig(figure_id: str) -> pd.Series:
    figures = validate.load("figures")
    return figures[figures["id"] == figure_id].iloc[0]


def ref(ref_id: str) -> pd.Series:
    table = reference.values()
    return table[table["id"] == ref_id].iloc[0]


# ----------------------------------------------------------------------------- the units layer
# The literals below are the inputs of the units layer under test, not data figures.
def test_percent_minus_percent_is_points_and_rate_minus_points_is_a_rate() -> None:
    assert (Quantity(5, "percent") - Quantity(3, "percent")).unit == "pp"
    assert Quantity(5, "percent") - Quantity(2, "pp") == Quantity(3, "percent")
    assert Quantity(5, "pp") - Quantity(2, "pp") == Quantity(3, "pp")
    assert Quantity(5, "percent") + Quantity(2, "pp") == Quantity(7, "percent")


def test_units_of_one_dimension_convert() -> None:
    assert Quantity(2, "thousand tonnes").to("tonnes") == Quantity(2000, "tonnes")
    assert (Quantity(3, "tonnes") - Quantity(1, "thousand tonnes")).value == -997
    assert Quantity(1, "trillion VND").to("billion VND").value == 1000
    assert (Quantity(500, "tonnes") / Quantity(2, "thousand tonnes")).unit == "times"


@pytest.mark.parametrize(("left", "right"), [
    (Quantity(10, "percent"), Quantity(4, "projects")),
    (Quantity(4, "projects"), Quantity(10, "percent")),
    (Quantity(10, "tonnes"), Quantity(10, "MW")),
    (Quantity(10, "pp"), Quantity(10, "percent")),
    (Quantity(3, "rank"), Quantity(3, "places")),
])
def test_subtracting_unlike_units_raises(left: Quantity, right: Quantity) -> None:
    with pytest.raises(UnitError, match="cannot"):
        _ = left - right


def test_comparing_percent_with_points_raises_a_lai_chau_error() -> None:
    with pytest.raises(UnitError, match="percent and pp") as info:
        Quantity(4.6, "percent").direction(Quantity(4.6, "pp"))
    assert isinstance(info.value, LaiChauError)
    with pytest.raises(UnitError):
        _ = Quantity(1, "percent") < Quantity(1, "pp")


def test_other_misuses_raise() -> None:
    with pytest.raises(UnitError, match="two percentages"):
        _ = Quantity(1, "percent") + Quantity(1, "percent")
    with pytest.raises(UnitError, match="bare number"):
        _ = Quantity(1, "percent") - 1
    with pytest.raises(UnitError, match=r"unknown unit 'percents'.*percent"):
        Quantity(1, "percents")
    with pytest.raises(UnitError, match="only a multiple"):
        Quantity(1.9, "percent").as_growth()
    with pytest.raises(UnitError, match="needs a level"):
        Quantity(5, "percent").before_growth(Quantity(2, "percent"))
    with pytest.raises(UnitError, match="unknown qualifier"):
        Quantity(1, "percent", "about")


def test_dividing_by_zero_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="cannot divide tonnes by zero") as info:
        _ = Quantity(5, "tonnes") / 0
    assert isinstance(info.value, LaiChauError)
    with pytest.raises(UnitError, match="cannot divide by zero"):
        _ = Quantity(5, "tonnes") / Quantity(0, "tonnes")


def test_direction_respects_qualifiers() -> None:
    assert Quantity(9, "percent").direction(Quantity(24, "percent", ">")) == "below"
    assert Quantity(30, "percent").direction(Quantity(24, "percent", ">")) == "undetermined"
    assert Quantity(45, "percent").direction(Quantity(32, "percent", "<=")) == "above"
    assert Quantity(32, "percent").direction(Quantity(32, "percent", "<=")) == "undetermined"
    assert Quantity(2, "pp").direction(Quantity(2, "pp")) == "equal"
    assert (Quantity(9, "percent") - Quantity(24, "percent", ">")).qualifier == "<"


def test_format_follows_the_language() -> None:
    assert Quantity(9.15, "percent").format("vi") == "9,15%"
    assert Quantity(9.15, "percent").format("en") == "9.15%"
    assert Quantity(1620, "tonnes").format("vi") == "1.620 tấn"
    assert Quantity(24, "percent", ">").format("en") == "> 24%"


# ----------------------------------------------------------------------------- comparisons
@pytest.mark.parametrize("baseline", compare.BASELINES)
def test_every_gap_recomputes_from_the_data(baseline: str) -> None:
    table = compare.compare(baseline)
    assert not table.empty
    k = compare.Lookup()
    for _, row in table.iterrows():
        f = fig(row["id"])
        assert row["value"] == f["value"] and row["unit"] == f["unit"]
        expected = k.quantity(row["baseline_id"])
        if row["baseline_id"] in set(reference.values()["id"]):
            assert expected.value == ref(row["baseline_id"])["value"]
        assert row["baseline_value"] == pytest.approx(expected.value)
        if row["comparability"] in ("implied", "context"):  # arithmetic or another period
            assert pd.isna(row["gap"]) and pd.isna(row["gap_unit"]), row["id"]
            continue
        assert row["gap"] == pytest.approx(f["value"] - row["baseline_value"])
        if f["unit"] == "percent" and row["baseline_unit"] == "percent":
            assert row["gap_unit"] == "pp"
        if not row["baseline_qualifier"]:
            sign = "above" if row["gap"] > 0 else "below" if row["gap"] < 0 else "equal"
            assert row["direction"] == sign, row["id"]
        assert row["direction"] in ("above", "below", "equal", "undetermined")


def test_national_rows_follow_comparability_csv() -> None:
    table = comparisons.compare("national")
    comp = reference.comparability()
    comp = comp[comp["baseline"] == "national"].set_index(["figure_id", "baseline_id"])
    expected = set(comp[comp["comparability"] != "not_comparable"].index)
    assert set(zip(table["id"], table["baseline_id"], strict=True)) == expected
    for _, row in table.iterrows():
        c = comp.loc[(row["id"], row["baseline_id"])]
        assert row["comparability"] == c["comparability"]
        assert c["reason_en"] in row["note"]
        if row["comparability"] == "proxy":
            assert row["note"].startswith(comparisons.TEXT["proxy"]["en"]), "a proxy says so"


def test_retail_is_compared_with_the_nominal_rate_only() -> None:
    row = compare.compare("national", ids=["retail_sales_growth"]).iloc[0]
    assert ref(row["baseline_id"])["prices"] == "current"


def test_prior_uses_the_values_the_article_implies() -> None:
    table = compare.compare("prior").set_index("baseline_id")
    # the article's own arithmetic: implied values, not comparisons with a gap
    row = table.loc["implied_disbursement_rate_2021"]
    assert row["baseline_value"] == pytest.approx(
        fig("disbursement_rate")["value"] - fig("disbursement_rate_change")["value"])
    assert row["comparability"] == "implied" and pd.isna(row["gap"])
    row = table.loc["implied_investment_projects_2021"]
    assert row["baseline_value"] == pytest.approx(
        fig("investment_projects")["value"] - fig("investment_projects_change")["value"])
    assert row["comparability"] == "implied" and pd.isna(row["gap"])
    plan = table.loc["lc_grdp_growth_plan_2022"]
    assert plan["comparability"] == "proxy", "half-year growth is not like a full-year target"


def test_region_compares_with_peers_of_the_same_region_and_indicator() -> None:
    table = comparisons.compare("region")
    peers = reference.provinces().set_index("id")
    members = reference.region_members()
    region = members.loc[members["province"] == compare.PROVINCE, "region"].iloc[0]
    for _, row in table.iterrows():
        peer = peers.loc[row["baseline_id"]]
        assert peer["region"] == region
        assert peer["indicator"] == fig(row["id"])["indicator"]
    grdp = table[table["id"] == compare.GRDP_FIGURE]
    nb = compare.rank_bounds("national")
    assert all(f"{nb.best}" in note and f"{nb.worst}" in note for note in grdp["note"])


def _feasible_ranks(scope: str) -> list[int]:
    """Brute force: every rank Lai Châu could hold given the peers' values and stated ranks."""
    value = fig(compare.GRDP_FIGURE)["value"]
    peers = reference.provinces()
    peers = peers[(peers["indicator"] == "grdp") & (peers["province"] != compare.PROVINCE)
                  & (peers["status"] == "ok")]
    members = reference.region_members()
    if scope == "regional":
        region = members.loc[members["province"] == compare.PROVINCE, "region"].iloc[0]
        peers = peers[peers["region"] == region]
        col, n = "rank_regional", int((members["region"] == region).sum())
    else:
        col, n = "rank_national", int(peers["rank_national_of"].dropna().iloc[0])
    faster = (peers["value"] > value) | ((peers["value"] == value) & (peers["qualifier"] == ">"))
    above = peers[peers["value"].notna() & faster]
    below = peers[peers["value"].notna() & (peers["value"] < value) & (peers["qualifier"] != ">")]
    stated = set(peers[col].dropna().astype(int))
    out = []
    for r in range(1, n + 1):
        ok = r not in stated
        ok &= all(x < r for x in above[col].dropna())
        ok &= all(x > r for x in below[col].dropna())
        ok &= above[col].isna().sum() <= (r - 1) - sum(1 for x in stated if x < r)
        ok &= below[col].isna().sum() <= (n - r) - sum(1 for x in stated if x > r)
        if ok:
            out.append(r)
    return out


@pytest.mark.parametrize("scope", ["national", "regional"])
def test_rank_bounds_match_a_brute_force_search(scope: str) -> None:
    bounds = compare.rank_bounds(scope)
    feasible = _feasible_ranks(scope)
    assert (bounds.best, bounds.worst) == (feasible[0], feasible[-1])
    derived = compare.derived().set_index("id")
    assert derived.loc[f"grdp_rank_{scope}_best", "value"] == bounds.best
    assert derived.loc[f"grdp_rank_{scope}_worst", "value"] == bounds.worst


def test_regional_bounds_list_the_provinces_without_a_figure() -> None:
    bounds = compare.rank_bounds("regional")
    members = reference.region_members()
    peers = reference.provinces()
    with_value = set(peers.loc[peers["value"].notna(), "province"]) | {compare.PROVINCE}
    region = members.loc[members["province"] == compare.PROVINCE, "region"].iloc[0]
    in_region = members.loc[members["region"] == region, "province"]
    expected = [p for p in in_region if p not in with_value]
    assert list(bounds.unknown) == expected
    assert bounds.of == len(members[members["region"] == region])


# ----------------------------------------------------------------------------- derived numbers
def _disbursement_bound(upper: bool) -> float:
    as_of = pd.Timestamp(fig("disbursement_rate")["as_of"])
    nat = reference.national()
    rows = nat[(nat["indicator"] == "public_investment_disbursement") & nat["as_of"].notna()
               & (nat["measure"] == "rate_of_plan") & (nat["status"] != "rejected")
               & (nat["as_of"].dt.year == as_of.year)]
    per_base = []
    for _, group in rows.groupby("base"):
        side = group[group["as_of"] >= as_of] if upper else group[group["as_of"] <= as_of]
        if len(side):
            per_base.append(side["value"].min() if upper else side["value"].max())
    return max(per_base) if upper else min(per_base)


def v(any_id: str) -> float:
    table = validate.load("figures")
    if any_id in set(table["id"]):
        return float(table.loc[table["id"] == any_id, "value"].iloc[0])
    return float(ref(any_id)["value"])


RECOMPUTE = {
    "implied_disbursement_rate_2021": lambda: v("disbursement_rate")
    - v("disbursement_rate_change"),
    "implied_investment_projects_2021": lambda: v("investment_projects")
    - v("investment_projects_change"),
    "investment_projects_multiple": lambda: v("investment_projects")
    / (v("investment_projects") - v("investment_projects_change")),
    "national_disbursement_change_2022_07_31": lambda: v("pi_disb_2022_07_31_pm_est")
    - v("pi_disb_2021_07_31_pm_est"),
    "national_disbursement_change_2022_07_31_reported": lambda: v("pi_disb_2022_07_31_pm")
    - v("pi_disb_2021_07_31_pm_actual"),
    "national_disbursement_change_2022_08_31": lambda: v("pi_disb_2022_08_31_pm_est")
    - v("pi_disb_2021_08_31_pm"),
    "national_disbursement_upper_bound": lambda: _disbursement_bound(upper=True),
    "national_disbursement_lower_bound": lambda: _disbursement_bound(upper=False),
    "domestic_tourists_growth_h1_2022": lambda: (v("domestic_tourists_h1_2022_ratio") - 1) * 100,
    "national_budget_growth_h1_2022_implied": lambda: (
        v("budget_rev_h1_2022") / v("budget_rev_h1_2021") - 1) * 100,
    "national_retail_h1_2021_implied": lambda: v("retail_h1_2022")
    / (1 + v("retail_h1_2022_nominal") / 100),
    "national_tea_output_h1_2021_implied": lambda: v("tea_h1_2022")
    / (1 + v("tea_h1_2022_growth") / 100),
    "national_tea_increase_h1_2022_implied": lambda: v("tea_h1_2022")
    - v("tea_h1_2022") / (1 + v("tea_h1_2022_growth") / 100),
    # figures.csv gives tonnes, national.csv thousand tonnes: the units layer converts
    "tea_share_of_national_increase": lambda: v("tea_output_change") / 1000 / (
        v("tea_h1_2022") - v("tea_h1_2022") / (1 + v("tea_h1_2022_growth") / 100)) * 100,
    "grdp_growth_minus_plan": lambda: v("grdp_growth") - v("lc_grdp_growth_plan_2022"),
    "grdp_growth_2022_est_minus_h1": lambda: v("lc_grdp_growth_2022_est") - v("grdp_growth"),
    "lc_grdp_growth_2022_implied_by_average": lambda: (
        (1 + v("lc_grdp_growth_avg_2021_2023") / 100) ** 3
        / ((1 + v("lc_grdp_growth_2021") / 100) * (1 + v("lc_grdp_growth_2023") / 100)) - 1) * 100,
    "lc_tourist_arrivals_m04_2022_pct_plan_check": lambda: v("lc_tourist_arrivals_m04_2022")
    / v("lc_tourist_arrivals_plan_2022") * 100,
    "lc_tourist_arrivals_q1_2022_pct_plan_check": lambda: v("lc_tourist_arrivals_q1_2022")
    / v("lc_tourist_arrivals_plan_2022") * 100,
    "lc_tourist_arrivals_2022_implied": lambda: v("lc_tourist_arrivals_plan_2022")
    * (1 + v("lc_tourist_arrivals_2022_est_above_plan") / 100),
    "lc_tourist_arrivals_2021_implied": lambda: v("lc_tourist_arrivals_plan_2022")
    * (1 + v("lc_tourist_arrivals_2022_est_above_plan") / 100)
    / (1 + v("lc_tourist_arrivals_growth_2022_est") / 100),
    "lc_budget_revenue_2022m10_pct_plan": lambda: v("lc_budget_revenue_2022m10")
    / v("lc_budget_revenue_plan_2022") * 100,
    "lc_tourism_revenue_q1_2022_pct_plan": lambda: v("lc_tourism_revenue_q1_2022")
    / v("lc_tourism_revenue_plan_2022") * 100,
    "grdp_rank_national_best": lambda: _feasible_ranks("national")[0],
    "grdp_rank_national_worst": lambda: _feasible_ranks("national")[-1],
    "grdp_rank_regional_best": lambda: _feasible_ranks("regional")[0],
    "grdp_rank_regional_worst": lambda: _feasible_ranks("regional")[-1],
}


def test_every_derived_number_has_a_recomputation() -> None:
    assert set(RECOMPUTE) == {d.id for d in compare.DERIVED}


@pytest.fixture(scope="module")
def derived_table() -> pd.DataFrame:
    return compare.derived().set_index("id")


@pytest.mark.parametrize("derived_id", sorted(RECOMPUTE))
def test_derived_number_recomputes_from_its_inputs(
    derived_id: str, derived_table: pd.DataFrame
) -> None:
    table = derived_table
    assert table.loc[derived_id, "value"] == pytest.approx(RECOMPUTE[derived_id](), rel=1e-9)
    inputs = table.loc[derived_id, "inputs"].split(";")
    known = set(validate.load("figures")["id"]) | set(reference.values()["id"]) | set(RECOMPUTE)
    assert set(inputs) <= known
    assert table.loc[derived_id, "sources"]


def test_recomputed_plan_shares_round_to_the_stated_ones() -> None:
    derived = compare.derived().set_index("id")
    stated = v("lc_tourist_arrivals_m04_2022_pct_plan")
    assert round(derived.loc["lc_tourist_arrivals_m04_2022_pct_plan_check", "value"], 2) == stated
    assert derived.loc["lc_tourist_arrivals_q1_2022_pct_plan_check", "value"] > \
        v("lc_tourist_arrivals_q1_2022_pct_plan"), "the source says more than"


def test_derived_value_by_id() -> None:
    q = compare.derived_value("implied_disbursement_rate_2021")
    assert q.unit == "percent"
    with pytest.raises(UsageError, match="unknown derived number 'nope'; expected one of: "):
        compare.derived_value("nope")


# ----------------------------------------------------------------------------- bad input
def test_unknown_baseline_language_or_id_lists_the_allowed_values() -> None:
    with pytest.raises(UsageError, match="unknown baseline 'world'; expected one of: national, "
                                         "prior, region"):
        compare.compare("world")
    with pytest.raises(UsageError, match="unknown language 'fr'; expected one of: vi, en"):
        comparisons.compare("national", "fr")
    with pytest.raises(UsageError, match="unknown figure id 'gdp'; expected one of: grdp_growth"):
        compare.compare("national", ids=["gdp"])
    with pytest.raises(UsageError, match="unknown rank scope"):
        compare.rank_bounds("world")


def test_a_comparability_row_pairing_unlike_units_is_a_data_error(data_copy: Path) -> None:
    path = data_copy / "comparability.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["id"] == "grdp_growth.national")
    row["baseline_id"] = "papi_2021_provinces_ranked"  # a count of provinces
    row["other_period"] = "true"  # past the period rule, to reach the units
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"comparability\.csv.*grdp_growth.*percent and provinces"):
        compare.compare("national")


# ----------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize("baseline", compare.BASELINES)
def test_cli_csv_has_the_required_columns(
    baseline: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "--baseline", baseline, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and set(REQUIRED_CSV) <= set(rows[0])
    assert {r["direction"] for r in rows} <= {"above", "below", "equal", "undetermined", ""}
    assert all(r["direction"] for r in rows if r["comparability"] != "context")
    assert len(rows) == len(compare.compare(baseline))


def test_cli_vietnamese_labels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--lang", "vi", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    figures = validate.load("figures").set_index("id")
    assert all(r["label"] == figures.loc[r["id"], "label_vi"] for r in rows)


def test_cli_unknown_id_exits_2_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--id", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown figure id 'nope'" in err and "grdp_growth" in err and "Traceback" not in err


def test_cli_rejects_an_unknown_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["compare", "--baseline", "world"])
    assert info.value.code == 2
    assert "expected one of: national, prior, region" in capsys.readouterr().err


def test_console_script_compare() -> None:
    exe = paths.ROOT / ".venv" / "bin" / "lai-chau"
    done = subprocess.run([str(exe), "compare", "--baseline", "region", "--format", "json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and all(r["comparability"] == "same" for r in rows)
    bad = subprocess.run([str(exe), "compare", "--lang", "fr"], capture_output=True, text=True,
                         timeout=60, check=False)
    assert bad.returncode == 2 and "expected one of: vi, en" in bad.stderr


# ----------------------------------------------------------------------------- review fixes


@pytest.mark.parametrize("baseline", compare.BASELINES)
def test_ratio_only_for_like_for_like_levels_and_counts(baseline: str) -> None:
    table = compare.compare(baseline)
    figures = validate.load("figures").set_index("id")
    for _, row in table.iterrows():
        measure = figures.loc[row["id"], "measure"]
        if row["comparability"] != "same" or measure not in ("level", "count"):
            assert pd.isna(row["ratio"]), (row["id"], row["baseline_id"])
        elif not row["baseline_qualifier"]:
            assert row["ratio"] == pytest.approx(row["value"] / row["baseline_value"], abs=1e-4)


def test_disbursement_is_compared_with_the_upper_bound_and_keeps_its_qualifier() -> None:
    row = compare.compare("national", ids=["disbursement_rate"]).iloc[0]
    bound = compare.derived_value(row["baseline_id"])
    assert row["baseline_id"] == "national_disbursement_upper_bound"
    assert row["baseline_value"] == bound.value and row["baseline_qualifier"] == "<="
    assert row["gap"] == pytest.approx(fig("disbursement_rate")["value"] - bound.value)
    assert row["gap_qualifier"] == ">=" and row["direction"] == "above"


def test_the_upper_bound_needs_a_later_rate_on_every_basis(data_copy: Path) -> None:
    k = compare.Lookup()
    bases = compare.disbursement_bounds(k)
    assert all(b.upper_id for b in bases)
    for b in bases[:1]:  # drop every later rate of one basis: no bound holds on every basis
        later = [i for i in k.refs.index if k.refs.loc[i, "base"] == b.base
                 and k.refs.loc[i, "indicator"] == "public_investment_disbursement"]
        for i in later:
            if pd.notna(k.refs.loc[i, "as_of"]) and k.refs.loc[i, "as_of"] >= pd.Timestamp(
                    fig("disbursement_rate")["as_of"]):
                edit_row(data_copy / "national.csv", i, status="rejected")
    with pytest.raises(DataError, match=r"later side of .* on every basis"):
        compare.derived_value("national_disbursement_upper_bound")


def test_a_conflicting_baseline_keeps_its_note_in_both_languages(data_copy: Path) -> None:
    edit_row(data_copy / "national.csv", "gdp_h1_2022", status="conflict",
          status_note="a test note on the conflict")
    for lang in ("vi", "en"):
        row = comparisons.compare("national", lang, ids=["grdp_growth"]).iloc[0]
        assert "a test note on the conflict" in row["note"], lang


def test_an_unknown_baseline_id_names_the_row_and_the_id(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = reference.comparability()
    index = int(table.index[table["id"] == "grdp_growth.national"][0])
    edit_row(data_copy / "comparability.csv", "grdp_growth.national", baseline_id="no_such_id")
    with pytest.raises(DataError) as info:  # the data package's check
        compare.compare("national")
    message = str(info.value)
    assert f"comparability.csv, row {index + 1}" in message and "'no_such_id'" in message
    # compare's own check, for a table that reached it unvalidated: no list of every id
    bad = table.copy()
    bad.loc[index, "baseline_id"] = "no_such_id"
    monkeypatch.setattr(reference, "comparability", lambda: bad)
    with pytest.raises(DataError) as info:
        compare.compare("national")
    message = str(info.value)
    assert message.startswith(f"data/comparability.csv, row {index + 1}, column 'baseline_id'")
    assert "'no_such_id'" in message and len(message) < 200
