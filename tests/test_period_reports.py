"""Periods end to end: comparisons for any period with Lai Châu figures, what is left out, the
over-time series, the matrix by period and the index grouped by period."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from lai_chau.analysis import compare, periods
from lai_chau.analysis.vocabulary import period_order
from lai_chau.base.errors import DataError, UsageError
from lai_chau.data import reference, validate
from lai_chau.present import comparisons
from lai_chau.present.i18n import period_text
from lai_chau.present.matrix import load_matrix
from lai_chau.render.page import index_page

ARTICLE = periods.article_period()
OTHER = [p for p in periods.periods()["period"] if p != ARTICLE]


def _province_rows(period: str) -> pd.DataFrame:
    p = periods.panel()
    return p[(p["area"] == "Lai Châu") & (p["period"] == period) & p["value"].notna()
             & (p["vintage"] == "first release") & (p["status"] != "rejected")]


def _held_by(value_id: str, period: str | None = None) -> pd.Series:
    """The panel row whose number is `value_id` (its own, or the row it refers to)."""
    p = periods.panel()
    rows = p[(p["id"] == value_id) | (p["refers_to"] == value_id)]
    if period:
        rows = rows[rows["period"] == period]
    return rows.iloc[0]


@pytest.mark.parametrize("baseline", ["national", "prior"])
@pytest.mark.parametrize("period", OTHER)
def test_a_period_is_compared_with_the_same_period_by_its_rules(baseline: str,
                                                                period: str) -> None:
    k = compare.Lookup()
    table = compare.compare(baseline, period=period, lookup=k)
    rules = reference.panel_pairs().set_index("id")
    for r in table.itertuples():
        rule = rules.loc[r.reason_id.removeprefix("panel_pairs:").removesuffix(
            compare.PROJECTION)]
        assert rule["baseline"] == baseline
        assert r.period == period and _held_by(r.id)["period"] == period
        assert r.baseline_period == periods.shift(period, int(rule["years_back"]))
        held = _held_by(r.baseline_id, r.baseline_period)
        assert held["area"] == rule["baseline_area"]
        assert (held["indicator"], held["measure"]) == \
            (rule["baseline_indicator"], rule["baseline_measure"])
        assert r.gap == pytest.approx(r.value - r.baseline_value) and r.gap_unit == "pp"
        expected = "above" if r.gap > 0 else "below" if r.gap < 0 else "equal"
        assert r.direction == expected or r.baseline_qualifier  # a bound may leave it open
        assert r.comparability in ("same", "proxy")


@pytest.mark.parametrize("period", OTHER)
def test_every_lai_chau_figure_of_a_period_is_compared_or_said_missing(period: str) -> None:
    k = compare.Lookup()
    held = {str(r["refers_to"]) if pd.notna(r["refers_to"]) else str(r["id"])
            for _, r in _province_rows(period).iterrows()}
    for baseline in ("national", "prior"):
        compared = set(compare.compare(baseline, period=period, lookup=k)["id"])
        missing = compare.not_compared(baseline, period, lookup=k)
        own = set(missing.loc[missing["area"] == "Lai Châu", "id"])
        assert compared | own == held and not compared & own, (baseline, period)
        assert set(missing["reason_id"]) <= {"no_rule", "no_baseline", "no_province"}


def test_what_vietnam_publishes_without_a_lai_chau_figure_is_listed() -> None:
    k = compare.Lookup()
    missing = compare.not_compared("national", "2024H1", lookup=k)
    country = missing[missing["area"] == "Việt Nam"]
    assert "gva_services" in set(country["indicator"])  # Vietnam has it, Lai Châu does not
    assert (country["reason_id"] == "no_province").all()
    worded = comparisons.not_compared("national", "vi", period="2024H1", lookup=k)
    assert (worded["reason"].str.len() > 0).all() and "Lai Châu" in worded["reason"].iloc[-1]


def test_a_whole_year_estimated_before_it_ended_is_never_like_for_like() -> None:
    k = compare.Lookup()
    for period in [p for p in OTHER if p.endswith("FY")]:
        for r in comparisons.compare("national", "en", period=period, lookup=k).itertuples():
            release = str(k._record(r.id)["release_date"])
            if release[:4] <= period[:4]:
                assert r.comparability == "proxy", r.id
                assert "before the year ended" in r.note


def test_first_estimates_by_default_and_the_latest_restatement_on_request() -> None:
    first = compare.compare("national", period="2024H1").set_index("id")
    latest = compare.compare("national", period="2024H1", vintage="latest").set_index("id")
    p = periods.panel().set_index("id")
    row = first.loc["lc_grdp_growth_h1_2024"]
    assert p.loc[row["baseline_id"], "vintage"] == "first release"
    assert row["revised_baseline_id"] == latest.loc["lc_grdp_growth_h1_2024", "baseline_id"]
    assert p.loc[row["revised_baseline_id"], "vintage"] == "restated"
    assert latest.loc["lc_grdp_growth_h1_2024", "baseline_value"] == row["revised_baseline_value"]
    assert row["revised_gap"] == pytest.approx(row["value"] - row["revised_baseline_value"])


@pytest.mark.parametrize("period", ["2019H1", "2031FY"])
def test_a_period_without_lai_chau_figures_is_refused_listing_those_with(period: str) -> None:
    with pytest.raises(UsageError) as err:
        compare.compare("national", period=period)
    message = str(err.value)
    assert f"period = {period!r}" in message
    assert ", ".join(periods.periods()["period"]) in message


@pytest.mark.parametrize("period", ["2025Q1", "2025h1", "25H1", "", "2025H2"])
def test_a_malformed_period_says_the_expected_form(period: str) -> None:
    with pytest.raises(UsageError, match="expected a half-year or a full year like 2025H1"):
        periods.check_period(period)


def test_region_and_figure_ids_belong_to_the_article_period() -> None:
    with pytest.raises(UsageError, match=f"only for the article's period {ARTICLE}"):
        compare.compare("region", period=OTHER[-1])
    with pytest.raises(UsageError, match="figure ids name the article's figures"):
        compare.compare("national", ids=["grdp_growth"], period=OTHER[-1])


def test_an_indicator_without_a_pairing_rule_is_listed_as_missing(data_copy: Path) -> None:
    path = data_copy / "panel_pairs.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept = [r for r in rows if r["id"] != "grdp.national"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    validate.update_hashes()
    validate.clear_cache()
    k = compare.Lookup()
    table = compare.compare("national", period="2025H1", lookup=k)
    assert "lc_grdp_growth_h1_2025" not in set(table["id"])
    missing = compare.not_compared("national", "2025H1", lookup=k).set_index("id")
    assert missing.loc["lc_grdp_growth_h1_2025", "reason_id"] == "no_rule"


def test_a_pairing_rule_must_name_a_known_indicator(data_copy: Path) -> None:
    path = data_copy / "panel_pairs.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",Việt Nam,iip,growth_yoy,", ",Việt Nam,iip,rate_of_plan,", 1),
                    encoding="utf-8")
    validate.clear_cache()
    with pytest.raises(DataError, match=r"panel_pairs\.csv.*baseline_measure"):
        validate.load("panel_pairs")


# ----------------------------------------------------------------------------- over time
def test_over_time_keeps_every_period_and_never_fills_a_gap() -> None:
    table = periods.over_time("grdp")
    years = sorted(set(table["year"]))
    assert years == list(range(years[0], years[-1] + 1))
    for kind in ("H1", "FY"):
        assert sorted(table.loc[table["kind"] == kind, "year"]) == years
    first = periods.series("grdp")
    for r in table.itertuples():
        lc = first[(first["area"] == "Lai Châu") & (first["period"] == r.period)]
        vn = first[(first["area"] == "Việt Nam") & (first["period"] == r.period)]
        assert (pd.isna(r.lai_chau) and lc.empty) or r.lai_chau == lc["value"].iloc[0]
        assert (pd.isna(r.vietnam) and vn.empty) or r.vietnam == vn["value"].iloc[0]
        if lc.empty or vn.empty:
            assert pd.isna(r.gap)
        else:
            assert r.gap == pytest.approx(r.lai_chau - r.vietnam)
    assert table["lai_chau"].isna().any()  # the holes of the data stay holes


def test_the_article_figure_is_placed_in_lai_chau_own_history() -> None:
    st = periods.standing("grdp")
    halves = periods.over_time("grdp").query("kind == 'H1'").dropna(subset=["lai_chau"])
    value = float(halves.loc[halves["period"] == ARTICLE, "lai_chau"].iloc[0])
    assert st["value"] == value == compare.Lookup().quantity("grdp_growth").value
    assert st["position"] == 1 + int((halves["lai_chau"] > value).sum())
    assert st["of"] == len(halves) and st["lowest"] == halves.sort_values("lai_chau")[
        "period"].iloc[0]


def test_over_time_charts_draw_one_kind_of_period_only() -> None:
    from lai_chau.present import timecharts

    table = periods.over_time("grdp")
    with pytest.raises(UsageError, match="one kind of period"):
        timecharts.series_chart(table, lang="en", title="x")
    spec = timecharts.series_chart(table.query("kind == 'H1'"), lang="en", title="x").to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert any(v.get("value") is None for v in values)  # a missing year is a null, not a value
    assert "break-paths" in str(spec)  # and the line breaks there


# ----------------------------------------------------------------------------- the matrix
def test_every_period_with_enough_figures_gets_its_reports() -> None:
    matrix = load_matrix()
    counted = periods.periods()
    enough = set(counted.loc[counted["figures"] >= 3, "period"])  # min_figures in reports.toml
    for entry in ("vs-national", "vs-prior"):
        got = {r.period for r in matrix.reports if r.entry == entry}
        assert got == enough | {ARTICLE}
        for r in matrix.reports:
            if r.entry == entry:
                assert r.parameters["period"] == r.period
                assert r.name == entry if r.period == ARTICLE else \
                    r.name == f"{entry}-{r.period.lower()}"
                assert period_text(r.period, "vi") in r.titles["vi"]
    assert len(OTHER) >= 3


def _entry_matrix(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "reports.toml"
    path.write_text('languages = ["vi"]\n\n[[report]]\nname = "x"\nnotebook = "x.ipynb"\n'
                    'title_vi = "X {period}"\ntitle_en = "X {period}"\n' + extra,
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("extra", "message"), [
    ('periods = ["2030H1"]\n', "period '2030H1' has no Lai Châu figures; periods that have"),
    ('periods = "some"\n', "'periods' must be \"all\" or a list of periods"),
    ('periods = ["2025H1", "2025H1"]\n', "lists a period twice"),
    ('periods = "all"\nspan = "all"\n', "give 'span' or 'periods', not both"),
    ('periods = "all"\nparameters = { period = "2025H1" }\n', "not as a 'period' parameter"),
    ('periods = "all"\ncheck_periods = "yes"\n', "'check_periods' must be true or false"),
])
def test_a_bad_period_entry_names_the_file_and_the_report(tmp_path: Path, extra: str,
                                                          message: str) -> None:
    with pytest.raises(DataError, match=re.escape(message)) as err:
        load_matrix(_entry_matrix(tmp_path, extra))
    assert "report 'x'" in str(err.value) and "reports.toml" in str(err.value)


def test_the_index_groups_the_reports_by_period(tmp_path: Path) -> None:
    matrix = load_matrix()
    page = index_page(matrix, tmp_path)
    section = page.split('<section lang="en">')[1]
    headings = re.findall(r"<h3>(.*?)</h3>", section)
    groups = matrix.groups()
    assert len(headings) == len(groups)
    assert groups[0][0] is None and groups[1][0] == ARTICLE  # every period, then the article's
    later = [p for p, _ in groups[2:]]
    assert later == sorted(later, key=period_order, reverse=True)
    for heading, (period, _) in zip(headings[2:], groups[2:], strict=True):
        assert period_text(period, "en").lower() in heading.lower()
