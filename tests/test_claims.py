"""Claims: a verdict for every claim row, by rule from the data, with evidence and sources."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from lai_chau import claims, compare, paths, reference, validate
from lai_chau.cli import main
from lai_chau.errors import UsageError
from lai_chau.units import Quantity


@pytest.fixture(scope="module")
def table_en() -> pd.DataFrame:
    return claims.claims("en")



def verdict_of(table: pd.DataFrame, claim_id: str) -> pd.Series:
    return table[table["id"] == claim_id].iloc[0]


def fig(figure_id: str) -> pd.Series:
    figures = validate.load("figures")
    return figures[figures["id"] == figure_id].iloc[0]


def test_every_claim_row_has_a_verdict_with_evidence_and_sources(table_en: pd.DataFrame) -> None:
    rows = validate.load("claims")
    article = table_en[table_en["kind"] == "claim"]
    assert list(article["id"]) == list(rows["id"])
    assert set(table_en["verdict"]) <= set(claims.VERDICTS)
    assert table_en["evidence"].str.len().gt(0).all()
    known = set(reference.sources()["id"])
    for cell in table_en["sources"]:
        assert cell and set(cell.split(";")) <= known


def test_vietnamese_claims_are_the_articles_words() -> None:
    vi = claims.claims("vi")
    rows = validate.load("claims").set_index("id")
    for _, row in vi[vi["kind"] == "claim"].iterrows():
        assert row["claim"] == rows.loc[row["id"], "quote"]


def test_top15_verdict_follows_the_rank_bounds(table_en: pd.DataFrame) -> None:
    bounds = compare.rank_bounds("national")
    claimed = fig("grdp_growth_rank")["value"]
    expected = ("supported" if bounds.worst <= claimed else
                "contradicted" if bounds.best > claimed else "plausible")
    row = verdict_of(table_en, "claim_grdp_top15")
    assert row["verdict"] == expected
    assert f"rank {bounds.best} and {bounds.worst} of {bounds.of}" in row["evidence"]


def test_disbursement_verdict_uses_every_national_basis(table_en: pd.DataFrame) -> None:
    rate = fig("disbursement_rate")
    nat = reference.national()
    later = nat[(nat["indicator"] == "public_investment_disbursement") & nat["as_of"].notna()
                & (nat["as_of"] >= rate["as_of"]) & (nat["as_of"].dt.year == rate["as_of"].year)
                & (nat["status"] != "rejected")]
    bound = later.groupby("base")["value"].min().max()
    row = verdict_of(table_en, "claim_disbursement_above_national")
    # above every basis, but the province's denominator is not stated: a proxy, so plausible
    assert rate["value"] > bound
    assert row["verdict"] == "plausible"
    assert Quantity(bound, "percent").format("en") in row["evidence"]
    assert set(later["source_id"]) <= set(row["sources"].split(";"))


def test_pci_streak_needs_three_years_of_ranks(table_en: pd.DataFrame) -> None:
    prior = reference.prior()
    pci = prior[(prior["indicator"] == "pci_rank") & (prior["area"] == compare.PROVINCE)]
    have = set(pci["period"]) >= {"2019", "2020", "2021"}
    row = verdict_of(table_en, "claim_pci_second_rise")
    assert (row["verdict"] == "unverified") == (not have)


def test_many_indicators_counts_positive_growth(table_en: pd.DataFrame) -> None:
    claim = validate.load("claims").set_index("id").loc["claim_many_indicators_above"]
    figures = validate.load("figures").set_index("id")
    ids = [i for i in claim["figure_ids"].split(";") if figures.loc[i, "measure"] == "growth_yoy"]
    positive = sum(figures.loc[i, "value"] > 0 for i in ids)
    row = verdict_of(table_en, "claim_many_indicators_above")
    assert row["evidence"].startswith(f"{positive} of {len(ids)} ")
    assert row["verdict"] == ("supported" if positive == len(ids) else "plausible")


def test_governance_claim_counts_confirmations(table_en: pd.DataFrame) -> None:
    prior = reference.prior()
    figures = validate.load("figures").set_index("id")
    changes = figures[figures["measure"] == "rank_change"]
    confirmed = [i for i, f in changes.iterrows()
                 if ((prior["indicator"] == f["indicator"]) & (prior["period"] == f["period"])
                     & (prior["value"] == f["value"])).any()]
    row = verdict_of(table_en, "claim_admin_indices_improved")
    expected = ("supported" if len(confirmed) == len(changes) else
                "plausible" if confirmed else "unverified")
    assert row["verdict"] == expected


def test_omissions_are_the_indicators_below_the_national_figure(table_en: pd.DataFrame) -> None:
    national = compare.compare("national")
    below = national[national["direction"] == "below"]
    omitted = table_en[table_en["kind"] == "omitted"]
    assert list(omitted["id"]) == [f"omitted_{i}" for i in below["id"]]
    assert not omitted.empty
    for (_, o), (_, b) in zip(omitted.iterrows(), below.iterrows(), strict=True):
        assert o["verdict"] == ("supported" if b["comparability"] == "same" else "plausible")
        assert Quantity(b["value"], b["unit"]).format("en") in o["claim"]
        assert Quantity(b["gap"], b["gap_unit"]).format("en") in o["evidence"]
        if b["comparability"] == "proxy":
            assert "proxy" in o["claim"]


def test_a_claim_without_a_rule_is_unverified_not_dropped(data_copy: Path) -> None:
    path = data_copy / "claims.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows.append({**rows[0], "id": "claim_new_without_rule"})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    table = claims.claims("en")
    assert verdict_of(table, "claim_new_without_rule")["verdict"] == "unverified"


def test_unknown_language_or_claim_lists_the_allowed_values() -> None:
    with pytest.raises(UsageError, match="unknown language 'de'; expected one of: vi, en"):
        claims.claims("de")
    with pytest.raises(UsageError, match="unknown claim id 'nope'; expected one of: claim_"):
        claims.verdict("nope")


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_formats(fmt: str, capsys: pytest.CaptureFixture[str], table_en: pd.DataFrame) -> None:
    assert main(["claims", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {"id", "claim", "verdict", "evidence", "sources"} <= set(rows[0])
        assert len(rows) == len(table_en)
    elif fmt == "json":
        assert [r["id"] for r in json.loads(out)] == list(table_en["id"])
    else:
        assert out.splitlines()[0].split()[:3] == ["id", "claim", "verdict"]


def test_console_script_claims_in_vietnamese() -> None:
    exe = paths.ROOT / ".venv" / "bin" / "lai-chau"
    done = subprocess.run([str(exe), "claims", "--lang", "vi", "--format", "csv"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["verdict"] for r in rows} <= set(claims.VERDICTS)
    quotes = set(validate.load("claims")["quote"])
    assert quotes <= {r["claim"] for r in rows}
