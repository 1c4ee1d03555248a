"""Bad data files give one clear message naming file, row, column and expectation."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from datafiles import edit_row

from lai_chau.base import paths
from lai_chau.base.errors import DataError
from lai_chau.cli import main
from lai_chau.data import validate


def first_id(name: str) -> str:
    return validate.load(name)["id"].iloc[1]


def check_fails(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    code = main(["check"])
    err = capsys.readouterr().err
    assert code == 1, err
    for needle in needles:
        assert needle in err, f"{needle!r} not in:\n{err}"
    return err


def test_committed_data_package_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    validate.clear_cache()
    assert main(["check"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("ok: ")


def test_every_csv_is_a_resource_with_a_hash() -> None:
    desc = validate.descriptor()
    described = {r["path"] for r in desc["resources"]}
    assert {p.name for p in paths.DATA.glob("*.csv")} == described
    for res in desc["resources"]:
        assert res["hash"] == "sha256:" + validate.sha256(paths.DATA / res["path"])
        assert res["schema"]["primaryKey"], res["name"]
        for field in res["schema"]["fields"]:
            assert field.get("description"), (res["name"], field["name"])


def test_missing_column(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_copy / "figures.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        fields = [f for f in rows[0] if f != "unit"]
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError) as exc:
        validate.load("figures")
    assert exc.value.column == "unit"
    assert "data/figures.csv" in str(exc.value) or "figures.csv" in str(exc.value)
    check_fails(capsys, "figures.csv", "column 'unit'", "missing column")


def test_non_numeric_value(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row_id = first_id("figures")
    edit_row(data_copy / "figures.csv", row_id, value="about nine")
    with pytest.raises(DataError) as exc:
        validate.load("figures")
    message = str(exc.value)
    assert "row 2" in message and row_id in message and "column 'value'" in message
    assert "plain number" in message and "'about nine'" in message
    check_fails(capsys, "figures.csv, row 2", "column 'value'")


def test_vietnamese_formatted_number(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row_id = first_id("figures")
    edit_row(data_copy / "figures.csv", row_id, value="9,15")
    err = check_fails(capsys, "figures.csv, row 2", "column 'value'", "'9,15'")
    assert "Vietnamese-formatted number" in err


def test_duplicate_id(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = list(validate.load("figures")["id"])
    edit_row(data_copy / "figures.csv", ids[3], id=ids[2])
    err = check_fails(capsys, "figures.csv", "column 'id'", "unique")
    assert ids[2] in err


def test_unknown_unit(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row_id = first_id("figures")
    edit_row(data_copy / "figures.csv", row_id, unit="furlongs")
    err = check_fails(capsys, "figures.csv, row 2", "column 'unit'", "'furlongs'")
    assert "one of:" in err and "'percent'" in err


def test_quote_not_at_offsets(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = validate.load("figures")
    row = table.iloc[4]
    edit_row(data_copy / "figures.csv", row["id"], start=str(int(row["start"]) + 1))
    with pytest.raises(DataError) as exc:
        validate.load("figures")
    assert exc.value.column == "quote" and row["id"] in str(exc.value)
    err = check_fails(capsys, "figures.csv, row 5", "quote is not at its offsets")
    assert f"occurs at {int(row['start'])}:{int(row['end'])}" in err


def test_unknown_source(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row_id = first_id("figures")
    edit_row(data_copy / "figures.csv", row_id, source_id="nowhere")
    check_fails(
        capsys, "figures.csv, row 2", "column 'source_id'", "'nowhere' is not an id of sources"
    )


def test_changed_file_is_caught_by_its_hash(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_copy / "claims.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    check_fails(capsys, "claims.csv", "content changed", "--update-hashes")
    assert main(["check", "--update-hashes"]) == 0
    capsys.readouterr()
    assert main(["check"]) == 0


def test_update_hashes_refuses_invalid_data(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (data_copy / "datapackage.json").read_bytes()
    edit_row(data_copy / "figures.csv", first_id("figures"), unit="furlongs")
    assert main(["check", "--update-hashes"]) == 1
    assert "furlongs" in capsys.readouterr().err
    assert (data_copy / "datapackage.json").read_bytes() == before


def test_undescribed_csv(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_copy / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    check_fails(capsys, "stray.csv", "not described in data/datapackage.json")


def test_seed_hash_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, seeds)
    text = (seeds / paths.SEED.name).read_text(encoding="utf-8")
    (seeds / paths.SEED.name).write_text(text.replace("9,15%", "9,51%"), encoding="utf-8")
    env = {"LAI_CHAU_SEEDS": str(seeds), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "lai_chau", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert paths.SEED.name in result.stderr and "sha256" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_check_exit_code_from_a_subprocess(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    edit_row(data / "figures.csv", "grdp_growth", value="9,15")
    result = subprocess.run(
        [sys.executable, "-m", "lai_chau", "check"],
        env={"LAI_CHAU_DATA": str(data), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "figures.csv, row 1 (id 'grdp_growth'), column 'value'" in result.stderr
    assert "Traceback" not in result.stderr


def test_frictionless_validates_the_data_package_too() -> None:
    """An independent implementation of the same standard agrees with lai-chau check."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(paths.DATAPACKAGE)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_frictionless_catches_a_vietnamese_number(data_copy: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    edit_row(data_copy / "figures.csv", "grdp_growth", value="9,15")
    report = frictionless.Package(str(data_copy / "datapackage.json")).validate()
    assert not report.valid
    assert ["value", "type-error"] in [
        e[1:] for e in report.flatten(["rowNumber", "fieldName", "type"])
    ]


def _drop_rows(path: Path, column: str, value: str) -> int:
    """Delete the rows of a CSV whose `column` is `value`; return how many went."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept = [row for row in rows if row[column] != value]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return len(rows) - len(kept)


def test_foreign_key_is_checked_at_load(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = validate.load("figures")
    source_id = figures["source_id"].iloc[0]
    assert _drop_rows(data_copy / "sources.csv", "id", source_id) == 1
    with pytest.raises(DataError) as caught:
        validate.load("figures")
    message = str(caught.value)
    assert caught.value.column == "source_id"
    assert f"figures.csv, row 1 (id '{figures['id'].iloc[0]}')" in message
    assert f"{source_id!r} is not an id of sources" in message and "sources.csv" in message
    # every command that reads the figures stops with that message, not a listing
    for command in (["claims"], ["figures"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"{source_id!r} is not an id of sources" in err and "Traceback" not in err


def test_foreign_key_to_an_unknown_resource(data_copy: Path) -> None:
    path = data_copy / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "figures")
    res["schema"]["foreignKeys"][0]["reference"]["resource"] = "nowhere"
    path.write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")
    validate.clear_cache()
    with pytest.raises(DataError, match=r"datapackage\.json.*'figures' links to 'nowhere'"):
        validate.load("figures")


def _linked_comparability_row() -> tuple[str, str]:
    """(row id, baseline_id) of the first comparability row whose baseline is in national.csv."""
    table = validate.load("comparability")
    national = set(validate.load("national")["id"])
    row = table[table["baseline_id"].isin(national)].iloc[0]
    return row["id"], row["baseline_id"]


def test_comparability_baseline_id_must_resolve(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row_id, baseline_id = _linked_comparability_row()
    uses = list(validate.load("comparability")["baseline_id"]).count(baseline_id)
    edit_row(data_copy / "national.csv", baseline_id, id=f"{baseline_id}_renamed")
    err = check_fails(
        capsys,
        "comparability.csv, row ",
        f"(id '{row_id}'), column 'baseline_id'",
        f"{baseline_id!r} is not an id of national",
        "derived (",
    )
    assert sum(f"{baseline_id!r} is not an id" in line for line in err.splitlines()
               if "comparability.csv" in line) == uses
    with pytest.raises(DataError, match="column 'baseline_id'") as caught:
        validate.load("comparability")
    assert row_id in str(caught.value)


def test_comparability_baseline_id_may_name_a_derived_number() -> None:
    from lai_chau.analysis import compare

    table = validate.load("comparability")
    derived = {d.id for d in compare.DERIVED}
    assert table["baseline_id"].isin(derived).any()  # the check below must know them
    assert validate._check_links("comparability", table) == []


def test_comparability_typo_in_baseline_id(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row_id, baseline_id = _linked_comparability_row()
    edit_row(data_copy / "comparability.csv", row_id, baseline_id=f"{baseline_id}x")
    check_fails(capsys, f"(id '{row_id}'), column 'baseline_id'", f"'{baseline_id}x'")


def test_comparability_figure_id_must_be_a_figure(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row_id, _ = _linked_comparability_row()
    edit_row(data_copy / "comparability.csv", row_id, figure_id="no_such_figure")
    check_fails(
        capsys, f"(id '{row_id}'), column 'figure_id'", "'no_such_figure' is not an id of figures"
    )
