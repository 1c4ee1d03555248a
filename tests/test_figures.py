"""The figures API and `lai-chau figures`: every figure traceable to its words in the seed."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import lai_chau
from lai_chau.base import paths
from lai_chau.base.errors import UsageError
from lai_chau.cli import main


@pytest.fixture(scope="module")
def seed_text() -> str:
    return paths.SEED.read_text(encoding="utf-8")


def test_figures_frame_is_typed_and_keyed() -> None:
    table = lai_chau.figures()
    assert table["id"].is_unique
    assert str(table["value"].dtype) == "float64"
    assert str(table["start"].dtype) == "Int64" and str(table["end"].dtype) == "Int64"
    assert (table["start"] < table["end"]).all()
    # the article's figures come in article order
    assert list(table["start"]) == sorted(table["start"])


def test_each_figure_record_reproduces_its_quote(seed_text: str) -> None:
    for figure_id in lai_chau.figures()["id"]:
        fig = lai_chau.figure(figure_id)
        start, end = fig.span
        assert seed_text[start:end] == fig.quote
        assert fig.label("en") == fig.label_en and fig.label("vi") == fig.label_vi


def test_unknown_figure_id_lists_the_known_ones() -> None:
    with pytest.raises(UsageError) as exc:
        lai_chau.figure("grdp_grwoth")
    assert "grdp_grwoth" in str(exc.value) and "grdp_growth" in str(exc.value)


def test_unknown_label_language() -> None:
    fig = lai_chau.figure(lai_chau.figures()["id"].iloc[0])
    with pytest.raises(UsageError, match="expected one of: vi, en"):
        fig.label("fr")


def test_cli_csv_lists_every_figure_with_offsets(
    seed_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["figures", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"id", "value", "unit", "quote", "start", "end"} <= set(rows[0])
    assert [r["id"] for r in rows] == list(lai_chau.figures()["id"])
    for row in rows:
        assert seed_text[int(row["start"]) : int(row["end"])] == row["quote"]
        assert float(row["value"]) == lai_chau.figure(row["id"]).value


def test_cli_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figures", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == len(lai_chau.figures())
    assert main(["figures"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["id", "value", "unit"]
    assert len(table) == len(records) + 2


def test_bad_format_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lai_chau", "figures", "--format", "xml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown format 'xml'; expected one of: table, csv, json" in result.stderr


def test_import_is_light() -> None:
    """`import lai_chau` must not pull pandas, altair or papermill (issue 6: <= 0.2 s)."""
    code = (
        "import sys, lai_chau; "
        "print(sorted(m for m in ('pandas', 'altair', 'papermill', 'pandera') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
