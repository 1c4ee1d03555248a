"""Reference data: every row sourced, ids unique, units known, conflicts kept and flagged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from lai_chau.analysis import compare
from lai_chau.base import paths
from lai_chau.base.errors import LIST_LIMIT, UsageError, unknown
from lai_chau.cli import main
from lai_chau.data import reference, units, validate
from lai_chau.present import i18n

VALUE_TABLES = {"national": reference.national, "lai_chau_prior": reference.prior,
                "provinces_h1_2022": reference.provinces}



def _renderings(value: float) -> set[str]:
    """How a number may be written in a snippet: 9.15, 9,15, 1.620, 1,620, scaled by 10^3."""
    out = set()
    for x in (value, value * 1e3, value * 1e6, value / 1e3, value / 1e6):
        x = abs(x)
        if x == int(x):
            out |= {str(int(x)), f"{int(x):,}", f"{int(x):,}".replace(",", ".")}
        whole, _, frac = repr(round(x, 6)).partition(".")
        frac = frac.rstrip("0")
        if frac:
            out |= {f"{whole}.{frac}", f"{whole},{frac}",
                    f"{int(whole):,}".replace(",", ".") + "," + frac}
    return out


def test_loaders_return_frames() -> None:
    for load in (*VALUE_TABLES.values(), reference.sources, reference.comparability,
                 reference.region_members):
        frame = load()
        assert isinstance(frame, pd.DataFrame) and not frame.empty


def test_every_reference_row_has_a_source_that_resolves() -> None:
    known = set(reference.sources()["id"])
    for name, load in VALUE_TABLES.items():
        frame = load()
        assert frame["source_id"].notna().all(), name
        missing = set(frame["source_id"]) - known
        assert not missing, f"{name}: unknown source ids {missing}"
        extra = {s for cell in frame["corroborated_by"].dropna() for s in cell.split(";")}
        assert not extra - known, f"{name}: unknown corroborating sources {extra - known}"
        for source_id in frame["source_id"].unique():
            assert reference.source(source_id)["id"] == source_id
    assert set(reference.region_members()["source_id"]) <= known


def test_every_source_is_cited() -> None:
    cited = set(validate.load("figures")["source_id"]) | set(validate.load("claims")["source_id"])
    cited |= set(reference.region_members()["source_id"])
    for load in VALUE_TABLES.values():
        frame = load()
        cited |= set(frame["source_id"])
        cited |= {s for cell in frame["corroborated_by"].dropna() for s in cell.split(";")}
    panel = validate.load("panel")  # the period panel cites sources too
    cited |= set(panel["source_id"].dropna())
    cited |= {s for cell in panel["corroborated_by"].dropna() for s in cell.split(";")}
    orphans = set(reference.sources()["id"]) - cited
    assert not orphans, f"sources nobody cites: {sorted(orphans)}"


def test_unknown_source_lists_the_closest_ids_first() -> None:
    ids = sorted(reference.sources()["id"])
    assert len(ids) > LIST_LIMIT  # else the whole list is given (next test)
    wanted = ids[len(ids) // 2]
    with pytest.raises(UsageError) as caught:
        reference.source(wanted[:-1] + "#")
    message = str(caught.value)
    listed = message.split("expected one of: ", 1)[1].split(", ... and ")[0].split(", ")
    assert listed[0] == wanted and len(listed) == LIST_LIMIT
    assert message.endswith(
        f"... and {len(ids) - LIST_LIMIT} more; see {validate.rel_path('sources')}"
    )


def test_unknown_lists_short_lists_whole_and_cuts_long_ones() -> None:
    assert str(unknown("language", "fr", ("vi", "en"))) == (
        "unknown language 'fr'; expected one of: vi, en"
    )
    names = [f"x{i:03d}" for i in range(299)] + ["grdp_growth"]
    message = str(unknown("id", "grdp_grwoth", names, "data/x.csv"))
    assert message.startswith("unknown id 'grdp_grwoth'; expected one of: grdp_growth, x000, ")
    assert message.count(", ") == LIST_LIMIT  # LIST_LIMIT - 1 between names, 1 before "..."
    assert message.endswith(f"... and {300 - LIST_LIMIT} more; see data/x.csv")
    assert "x298" not in message


def test_unknown_reference_id_names_the_value_tables() -> None:
    with pytest.raises(UsageError, match=r"unknown reference id 'nope'.*more; see .*national\.csv"):
        reference.row("nope")


def test_ids_are_unique_across_reference_tables_figures_and_derived() -> None:
    ids = [i for load in VALUE_TABLES.values() for i in load()["id"]]
    ids += list(validate.load("figures")["id"]) + [d.id for d in compare.DERIVED]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes


def test_units_are_known_and_match_the_schema() -> None:
    for load in VALUE_TABLES.values():
        assert set(load()["unit"]) <= set(units.UNITS)
    desc = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["name"] in ("national", "lai_chau_prior"):
            field = next(f for f in res["schema"]["fields"] if f["name"] == "unit")
            enum = field["constraints"]["enum"]
            assert set(enum) == set(units.UNITS), res["name"]


def test_every_snippet_contains_its_value() -> None:
    for name, load in VALUE_TABLES.items():
        frame = load()
        for _, row in frame[frame["value"].notna()].iterrows():
            assert any(r in row["snippet"] for r in _renderings(row["value"])), \
                f"{name} {row['id']}: {row['value']} not in {row['snippet']!r}"


def test_conflicting_sources_are_recorded_not_averaged() -> None:
    prior = reference.prior()
    tea = prior[(prior["indicator"] == "tea_output") & (prior["area"] == "Lai Châu")]
    assert tea["value"].nunique() >= 2, "both tea outputs are kept"
    assert (tea["status"] == "conflict").all()
    assert tea["source_id"].nunique() == len(tea)
    national = reference.national()
    conflicts = national[national["status"] == "conflict"]
    assert not conflicts.empty and conflicts["status_note"].notna().all()


def test_gdp_vintages_are_all_present_and_flagged() -> None:
    national = reference.national()
    h1_2021 = national[(national["indicator"] == "gdp") & (national["period"] == "2021H1")]
    assert h1_2021["value"].nunique() >= 2
    assert set(h1_2021["vintage"]) >= {"first release", "restated"}
    assert (h1_2021["status"] == "ok").sum() == 1, "exactly one vintage is current"
    current = h1_2021[h1_2021["status"] == "ok"].iloc[0]
    assert current["vintage"] == "restated"
    older = h1_2021[h1_2021["status"] != "ok"]
    assert (older["status"] == "superseded").all() and older["status_note"].notna().all()
    # every superseded row has a current row for the same indicator and period
    for _, row in national[national["status"] == "superseded"].iterrows():
        same = national[(national["indicator"] == row["indicator"])
                        & (national["period"] == row["period"]) & (national["status"] == "ok")]
        assert not same.empty, row["id"]


def test_rejected_rows_say_why_and_are_never_compared() -> None:
    national = reference.national()
    rejected = national[national["status"] == "rejected"]
    assert not rejected.empty and rejected["status_note"].notna().all()
    used = set(reference.comparability()["baseline_id"].dropna())
    assert not used & set(rejected["id"])


def test_stated_ranks_agree_with_values() -> None:
    peers = reference.provinces()
    peers = peers[(peers["indicator"] == "grdp") & peers["value"].notna()]
    peers = peers[peers["status"] == "ok"]
    for col, groups in (("rank_national", [peers]),
                        ("rank_regional", [g for _, g in peers.groupby("region")])):
        for group in groups:
            ranked = group[group[col].notna()].sort_values(col)
            values = list(ranked["value"])
            assert values == sorted(values, reverse=True), f"{col} is not ordered by growth"


def test_region_has_all_its_members() -> None:
    members = reference.region_members()
    lai_chau = members[members["province"] == compare.PROVINCE]
    assert len(lai_chau) == 1
    region = lai_chau["region"].iloc[0]
    size = (members["region"] == region).sum()
    peers = reference.provinces()
    stated = set(peers.loc[peers["region"] == region, "rank_regional_of"].dropna().astype(int))
    assert stated == {size}
    assert set(peers.loc[peers["region"] == region, "province"]) <= set(members["province"])


def test_comparability_covers_every_figure_once_for_the_national_baseline() -> None:
    figures = validate.load("figures")
    table = reference.comparability()
    national = table[table["baseline"] == "national"]
    # every figure once, plus context rows (another period shown beside a same-period pair)
    main = national[national["comparability"] != "context"]
    assert main["figure_id"].is_unique
    assert set(national["figure_id"]) == set(figures["id"])
    known = {i for load in VALUE_TABLES.values() for i in load()["id"]}
    known |= {d.id for d in compare.DERIVED}
    for _, row in table[table["baseline_id"].notna()].iterrows():
        assert row["baseline_id"] in known, row["id"]
    comparable = table[table["comparability"] != "not_comparable"]
    assert comparable["baseline_id"].notna().all()


def test_broken_source_id_is_reported_with_file_and_column(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_copy / "national.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["source_id"] = "no-such-source"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "national.csv" in err and "source_id" in err and "no-such-source" in err


def test_vietnamese_number_in_a_reference_file_is_rejected(data_copy: Path) -> None:
    from lai_chau.base.errors import DataError

    path = data_copy / "national.csv"
    text = path.read_text(encoding="utf-8").replace(",6.42,percent,", ',"6,42",percent,', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"national\.csv.*value.*9\.15 not 9,15"):
        reference.national()


def test_source_title_follows_the_reader_language() -> None:
    table = reference.sources()
    translated = table[table["title_en"].notna()].iloc[0]
    untranslated = table[table["title_en"].isna()].iloc[0]
    assert i18n.source_title(translated["id"], "en") == translated["title_en"]
    assert i18n.source_title(translated["id"], "vi") == translated["title"]
    assert i18n.source_title(untranslated["id"], "en") == untranslated["title"]
    with pytest.raises(UsageError, match="expected one of: vi, en"):
        i18n.source_title(translated["id"], "fr")


def test_peer_rows_are_labelled_for_readers() -> None:
    """A peer row reads 'Hà Giang: GRDP growth', the figure's label, not an indicator id."""
    table = reference.values()
    peers = table[table["table"] == "provinces_h1_2022"]
    figures = validate.load("figures")
    for lang in ("en", "vi"):
        growth_labels = set(figures.loc[figures["measure"] == "growth_yoy", f"label_{lang}"])
        for province, label in zip(peers["province"], peers[f"label_{lang}"], strict=True):
            assert label.startswith(f"{province}: ")
            assert label.removeprefix(f"{province}: ") in growth_labels, label
