"""Claims: a verdict for every claim row, by rule from the data, with evidence and sources."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from datafiles import edit_row

from lai_chau.analysis import claims, compare
from lai_chau.base import paths
from lai_chau.base.errors import UsageError
from lai_chau.cli import main
from lai_chau.data import reference, validate
from lai_chau.data.units import Quantity
from lai_chau.present import verdicts


@pytest.fixture(scope="module")
def table_en() -> pd.DataFrame:
    return verdicts.claims("en")



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
    vi = verdicts.claims("vi")
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
    # above every basis by the claim's margin: whatever the province's denominator, the bound
    # decides it (assuming cumulative disbursement never falls)
    params = claims.Params(validate.load("claims").set_index("id").loc[
        "claim_disbursement_above_national", "params"])
    assert rate["value"] - bound >= float(params["margin_pp"])
    assert row["verdict"] == "supported"
    assert "cumulative disbursement never falls" in row["evidence"]
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
    # the article's own rates are not independent evidence: never "supported" on them alone
    assert row["verdict"] == "plausible"
    assert "not independent" in row["evidence"]
    national = compare.compare("national")
    national = national[national["gap"].notna()].set_index("id")  # context rows have no gap
    for fid in ids:
        if fid in national.index and national.loc[fid, "direction"] == "below":
            label = figures.loc[fid, "label_en"]
            proxy = national.loc[fid, "comparability"] == "proxy"
            assert (f"{label} (a proxy)" in row["evidence"]) == proxy, fid


def test_governance_claim_counts_confirmations(table_en: pd.DataFrame) -> None:
    prior = reference.prior()
    sources = reference.sources().set_index("id")
    # only a publication independent of the province confirms (not its own portal)
    independent = prior["source_id"].map(
        lambda s: sources.loc[s, "publisher_kind"] == "national_official" or (
            sources.loc[s, "publisher_kind"] == "province"
            and sources.loc[s, "publisher_area"] != compare.PROVINCE))
    figures = validate.load("figures").set_index("id")
    changes = figures[figures["measure"] == "rank_change"]
    confirmed = [i for i, f in changes.iterrows()
                 if ((prior["indicator"] == f["indicator"]) & (prior["period"] == f["period"])
                     & (prior["value"] == f["value"]) & independent).any()]
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
    rows.append({**rows[0], "id": "claim_new_without_rule", "rule": "needs_data", "params": ""})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    table = verdicts.claims("en")
    assert verdict_of(table, "claim_new_without_rule")["verdict"] == "unverified"


def test_unknown_language_or_claim_lists_the_allowed_values() -> None:
    with pytest.raises(UsageError, match="unknown language 'de'; expected one of: vi, en"):
        verdicts.claims("de")
    with pytest.raises(UsageError, match="unknown claim id 'nope'; expected one of: claim_"):
        verdicts.verdict("nope")


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


# ----------------------------------------------------------------------------- perturbations


def test_admin_claim_reads_its_moves_and_coverage_from_the_data(table_en: pd.DataFrame) -> None:
    row = verdict_of(table_en, "claim_admin_indices_improved")
    k = compare.Lookup()
    coverage = k.refs.loc["papi_2021_provinces_ranked"]
    total = int(str(coverage["base"]).split()[0])
    assert f"ranked only {k.quantity(coverage['id']).format('en')} of {total}" in row["evidence"]
    assert f"{total - int(coverage['value'])} provinces were left out" in row["evidence"]
    figures = validate.load("figures").set_index("id")
    for fid in row["figure_ids"].split(";"):
        assert f"+{Quantity(figures.loc[fid, 'value'], 'places').format('en')}" in row["evidence"]
    assert row["evidence"].startswith("All 3 moves are gains")


def test_a_negative_rank_move_contradicts_the_admin_claim(data_copy: Path) -> None:
    before = verdict_of(verdicts.claims("en"), "claim_admin_indices_improved")
    value = -float(fig("pci_rank_change")["value"]) - 2
    edit_row(data_copy / "figures.csv", "pci_rank_change", value=f"{value:g}")
    row = verdict_of(verdicts.claims("en"), "claim_admin_indices_improved")
    assert before["verdict"] != "contradicted"
    assert row["verdict"] == "contradicted"
    moved = Quantity(value, "places").format("en")
    assert row["evidence"].startswith("Not every move is a gain")
    assert moved in row["evidence"] and f"+{moved}" not in row["evidence"]
    assert "hardly 'marked'" not in row["evidence"]  # no gain of a single place is left


def test_tourism_sentence_follows_the_national_proxy(
    data_copy: Path, table_en: pd.DataFrame
) -> None:
    before = verdict_of(table_en, "claim_tourism_recovery")["evidence"]
    k = compare.Lookup()
    lc, nat = k.quantity("tourist_arrivals_growth"), k.quantity("domestic_tourists_growth_h1_2022")
    assert lc.direction(nat) == "below"
    assert "more slowly than the country's" in before and "indication only" in before
    fy = k.quantity("lc_tourist_arrivals_growth_2022_est").format("en")
    assert f"Arrivals in 2022 were estimated to grow {fy}" in before
    # a national multiple giving half the province's growth: the sentence turns round
    edit_row(data_copy / "national.csv", "domestic_tourists_h1_2022_ratio",
          value=f"{1 + lc.value / 200:g}")
    after = verdict_of(verdicts.claims("en"), "claim_tourism_recovery")["evidence"]
    assert "faster than the country's" in after and "more slowly" not in after


def test_disbursement_bounds_are_per_basis(table_en: pd.DataFrame) -> None:
    rate = fig("disbursement_rate")
    nat = reference.national()
    rows = nat[(nat["indicator"] == "public_investment_disbursement") & nat["as_of"].notna()
               & (nat["measure"] == "rate_of_plan") & (nat["status"] != "rejected")
               & (nat["as_of"].dt.year == rate["as_of"].year)]
    evidence = verdict_of(table_en, "claim_disbursement_above_national")["evidence"]
    bounds = {b.base: b for b in compare.disbursement_bounds(compare.Lookup())}
    assert set(bounds) == set(rows["base"])
    for base, group in rows.groupby("base"):
        earlier = group[group["as_of"] <= rate["as_of"]]
        later = group[group["as_of"] >= rate["as_of"]]
        b = bounds[base]
        if earlier.empty:
            assert b.lower_id is None
        else:
            assert ref_value(b.lower_id) == earlier["value"].max()
        if later.empty:
            assert b.upper_id is None
        else:
            assert ref_value(b.upper_id) == later["value"].min()
    if any(b.lower_id is None for b in bounds.values()):
        assert "no lower bound" in evidence
    assert "15 June 2022" in evidence  # the figure's as_of, in words
    assert "on the Prime Minister's plan and on the total plan" not in evidence


def ref_value(ref_id: str | None) -> float:
    table = reference.values().set_index("id")
    return float(table.loc[ref_id, "value"])


def test_recovery_uses_h1_2021_growth_when_the_data_has_it(data_copy: Path) -> None:
    before = verdict_of(verdicts.claims("en"), "claim_recovery_after_covid")["evidence"]
    assert "Growth in H1 2021 is not in the data" in before
    path = data_copy / "lai_chau_prior.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    base = next(r for r in rows if r["id"] == "lc_grdp_growth_2021")
    h1 = float(fig("grdp_growth")["value"]) + 1
    rows.append({**base, "id": "lc_grdp_growth_h1_2021_test", "period": "2021H1",
                 "value": f"{h1:g}"})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    validate.clear_cache()
    row = verdict_of(verdicts.claims("en"), "claim_recovery_after_covid")
    assert "not in the data" not in row["evidence"]
    assert f"In H1 2021 GRDP grew {Quantity(h1, 'percent').format('en')}" in row["evidence"]
    assert "slower than it" in row["evidence"]
    assert row["verdict"] == "unverified"


def test_the_national_comparison_is_built_once_per_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = compare.compare

    def counting(*args: object, **kwargs: object) -> pd.DataFrame:
        calls.append(str(args[0] if args else kwargs.get("baseline")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compare, "compare", counting)
    verdicts.claims("vi")
    assert calls == ["national"]
