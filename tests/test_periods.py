"""The period panel (data/panel.csv): numbers entered once, read from their snippets, vintages,
series and periods from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from lai_chau.analysis import periods
from lai_chau.analysis.vocabulary import period_order
from lai_chau.base.errors import DataError, UsageError
from lai_chau.cli import main
from lai_chau.data import reference, validate
from tests.datafiles import edit_row, reads


def test_every_own_number_is_read_from_its_snippet() -> None:
    table = validate.load("panel")
    own = table[table["refers_to"].isna()]
    unread = []
    for _, row in own.iterrows():
        if not reads(row["snippet"], float(row["value"])):
            unread.append(row["id"])
    assert len(own) > 50 and not unread, unread


def test_a_number_already_in_the_data_is_referred_to_not_copied() -> None:
    table = validate.load("panel")
    figures = validate.load("figures").set_index("id")
    refs = reference.values().set_index("id")
    referring = table[table["refers_to"].notna()]
    assert len(referring) >= 9  # at least the article's own H1-2022 figures
    for _, row in referring.iterrows():
        assert pd.isna(row["value"]) and pd.isna(row["snippet"]) and pd.isna(row["source_id"])
        assert row["refers_to"] in figures.index or row["refers_to"] in refs.index
    resolved = periods.panel().set_index("id")
    for _, row in referring.iterrows():
        held = figures.loc[row["refers_to"]] if row["refers_to"] in figures.index else \
            refs.loc[row["refers_to"]]
        assert resolved.loc[row["id"], "value"] == held["value"]
    # and no own number of the panel repeats a figure of the article
    own = table[table["refers_to"].isna() & (table["area"] == "Lai Châu")]
    for _, fig in figures.iterrows():
        same = own[(own["indicator"] == fig["indicator"]) & (own["period"] == fig["period"])
                   & (own["measure"] == fig["measure"]) & (own["value"] == fig["value"])]
        assert same.empty, fig.name


@pytest.mark.parametrize(("change", "message"), [
    ({"value": "9.15"}, "leave value, snippet and source_id empty"),
    ({"refers_to": "no_such_row"}, "'no_such_row' is not an id of figures"),
])
def test_a_referring_row_is_checked(data_copy: Path, change: dict[str, str], message: str) -> None:
    edit_row(data_copy / "panel.csv", "lc_grdp_growth_yoy_2022h1", **change)
    with pytest.raises(DataError, match=message):
        validate.load("panel")


def test_a_row_without_its_number_or_a_reference_is_refused(data_copy: Path) -> None:
    edit_row(data_copy / "panel.csv", "lc_grdp_growth_yoy_2023h1", snippet="")
    with pytest.raises(DataError, match="needs value, snippet and source_id"):
        validate.load("panel")


def test_first_estimate_against_first_estimate_and_the_latest_on_request() -> None:
    first = periods.series("grdp").set_index(["area", "period"])
    latest = periods.series("grdp", vintage="latest").set_index(["area", "period"])
    vn = reference.national().set_index("id")
    assert first.loc[("Việt Nam", "2022H1"), "value"] == vn.loc["gdp_h1_2022", "value"]
    assert first.loc[("Việt Nam", "2022H1"), "vintage"] == "first release"
    assert latest.loc[("Việt Nam", "2022H1"), "vintage"] == "restated"
    assert latest.loc[("Việt Nam", "2022H1"), "value"] != first.loc[("Việt Nam", "2022H1"),
                                                                   "value"]
    assert first.loc[("Lai Châu", "2022H1"), "value"] == 9.15  # the article's figure, by reference


def test_half_years_and_years_are_separate_and_gaps_stay_gaps() -> None:
    table = periods.series("grdp")
    lai_chau = table[table["area"] == "Lai Châu"]
    assert list(lai_chau["period"]) == sorted(lai_chau["period"], key=period_order)
    assert not lai_chau["period"].duplicated().any()
    assert "2021H1" not in set(lai_chau["period"])  # not found: absent, never interpolated
    assert {"2022H1", "2024H1", "2025H1"} <= set(lai_chau["period"])


def test_periods_lists_the_periods_with_lai_chau_figures() -> None:
    table = periods.periods().set_index("period")
    assert table.loc["2022H1", "grdp"] == 1 and table.loc["2022H1", "figures"] >= 9
    assert {"2023H1", "2024H1", "2025H1"} <= set(table.index)


def test_series_and_periods_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["series", "--indicator", "gva_services", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["area"] for r in rows} == {"Lai Châu", "Việt Nam"}
    assert main(["periods", "--format", "json"]) == 0
    assert "2025H1" in {r["period"] for r in json.loads(capsys.readouterr().out)}
    assert main(["series", "--indicator", "gdp"]) == 2
    assert "unknown indicator 'gdp'; expected one of:" in capsys.readouterr().err
    assert main(["series", "--indicator", "grdp", "--measure", "level"]) == 2
    assert "unknown measure of grdp 'level'" in capsys.readouterr().err


def test_an_unknown_vintage_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown vintage"):
        periods.series("grdp", vintage="newest")
