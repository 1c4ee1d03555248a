"""Committed notebooks are clean, refreshing them is deterministic, and nbval has teeth."""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbformat.v4.rwbase import split_lines

from lai_chau.base import paths
from lai_chau.data import validate
from lai_chau.render import notebooks

OVERVIEW = paths.NOTEBOOKS / "1.0-overview.ipynb"
PARAMETERS = 'lang: str = "vi"  # vi or en'


# ---------------------------------------------------------------- committed notebooks


def test_committed_notebooks_are_clean() -> None:
    found = notebooks.notebook_paths()
    assert found, "notebooks/ holds no notebook"
    problems = [str(p) for p in notebooks.problems(found)]
    assert problems == [], "\n".join(problems)


def test_pytest_runs_nbval_over_every_notebook() -> None:
    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    assert "notebooks" in options["testpaths"]
    assert "--nbval-lax" in options["addopts"].split()
    assert f"--nbval-kernel-name={notebooks.KERNEL_NAME}" in options["addopts"].split()


# ---------------------------------------------------------------- the check, on synthetic notebooks


def _clean() -> nbformat.NotebookNode:
    """A small notebook as `make notebooks` writes it: it has no problem."""
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Title", id="title"),
        new_code_cell(PARAMETERS, id="params", metadata={"tags": ["parameters"]}),
        new_code_cell("import lai_chau", id="setup"),
        new_code_cell(
            "print(table)",
            id="headline",
            metadata={"tags": [notebooks.CHECK_TAG]},
            outputs=[new_output("stream", name="stdout", text="id  value\n")],
        ),
    ]
    return notebooks.normalise(nb)


def _problems(tmp_path: Path, nb: Any, name: str = "1.0-x.ipynb") -> list[str]:
    path = tmp_path / name
    stored = split_lines(copy.deepcopy(nb))  # as on disk: sources and texts as lists of lines
    path.write_text(json.dumps(stored, ensure_ascii=False, indent=1), encoding="utf-8")
    return [str(p) for p in notebooks.problems([path])]


def _cell(nb: Any, cell_id: str) -> Any:
    return next(c for c in nb["cells"] if c["id"] == cell_id)


def _html(nb: Any) -> None:
    _cell(nb, "headline")["outputs"] = [
        new_output("display_data", data={"text/plain": "t", "text/html": "<b>t</b>"})
    ]


BREAKAGES = {
    "error output": (
        lambda nb: _cell(nb, "headline")["outputs"].append(
            new_output("error", ename="KeyError", evalue="'x'", traceback=[])
        ),
        "cell 3 [id headline]: error output: KeyError",
    ),
    "absolute path in an output": (
        lambda nb: _cell(nb, "headline")["outputs"][0].update(text="/home/me/data.csv\n"),
        "cell 3 [id headline]: output holds an absolute local path",
    ),
    "absolute path in a source": (
        lambda nb: _cell(nb, "setup").update(source="open('/work/main/data/figures.csv')"),
        "cell 2 [id setup]: source holds an absolute local path",
    ),
    "another kernel": (
        lambda nb: nb["metadata"]["kernelspec"].update(name="python3"),
        "kernelspec: 'name' is 'python3', expected 'lai-chau'",
    ),
    "another display name": (
        lambda nb: nb["metadata"]["kernelspec"].update(display_name="Python 3"),
        "kernelspec: 'display_name' is 'Python 3'",
    ),
    "python version in language_info": (
        lambda nb: nb["metadata"]["language_info"].update(version="3.11.7"),
        "language_info: unexpected 'version'",
    ),
    "papermill metadata": (
        lambda nb: nb["metadata"].update(papermill={"duration": 1.2}),
        "notebook metadata has 'papermill'",
    ),
    "execution timestamps": (
        lambda nb: _cell(nb, "setup")["metadata"].update(
            execution={"iopub.execute_input": "2022-07-01T00:00:00Z"}
        ),
        "cell 2 [id setup]: cell metadata has 'execution'",
    ),
    "execution counts out of order": (
        lambda nb: _cell(nb, "setup").update(execution_count=7),
        "execution counts are not 1..n top to bottom (cells 2)",
    ),
    "stray output": (
        lambda nb: _cell(nb, "setup")["outputs"].append(
            new_output("stream", name="stdout", text="hello\n")
        ),
        "cell 2 [id setup]: stray output",
    ),
    "stderr in a checked cell": (
        lambda nb: _cell(nb, "headline")["outputs"].append(
            new_output("stream", name="stderr", text="FutureWarning: x\n")
        ),
        "cell 3 [id headline]: stderr output",
    ),
    "HTML in a checked cell": (_html, "cell 3 [id headline]: output is not plain text (text/html)"),
    "memory address": (
        lambda nb: _cell(nb, "headline")["outputs"][0].update(text="<Styler at 0x7f3a2b1c9d50>\n"),
        "cell 3 [id headline]: output holds a memory address",
    ),
    "trailing semicolon in a checked cell": (
        lambda nb: _cell(nb, "headline").update(source="table.show();"),
        "cell 3 [id headline]: last line ends with ';'",
    ),
    "checked cell without stored output": (
        lambda nb: _cell(nb, "headline").update(outputs=[]),
        "cell 3 [id headline]: tagged 'nbval-check-output' but has no stored output",
    ),
    "no parameters cell": (
        lambda nb: _cell(nb, "params")["metadata"].update(tags=[]),
        "0 cells tagged 'parameters'; a publication notebook has one",
    ),
    "parameters cell not second": (
        lambda nb: nb["cells"].insert(1, nb["cells"].pop(2)),
        "cell 2 [id params]: the 'parameters' cell must be the second cell",
    ),
    "two parameters cells": (
        lambda nb: _cell(nb, "setup")["metadata"].update(tags=["parameters"]),
        "2 cells tagged 'parameters'",
    ),
    "duplicate cell ids": (
        lambda nb: _cell(nb, "setup").update(id="params"),
        "duplicate cell id 'params'",
    ),
    "not nbformat-valid": (
        lambda nb: _cell(nb, "headline")["outputs"][0].pop("name"),
        "not a valid notebook",
    ),
}


def test_a_clean_notebook_has_no_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path, _clean()) == []


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_check_names_the_notebook_cell_and_problem(tmp_path: Path, breakage: str) -> None:
    break_it, expected = BREAKAGES[breakage]
    nb = copy.deepcopy(_clean())
    break_it(nb)
    found = _problems(tmp_path, nb)
    assert any(p.startswith(str(tmp_path / "1.0-x.ipynb")) and expected in p for p in found), (
        found
    )


def test_an_exploration_notebook_needs_no_parameters_cell(tmp_path: Path) -> None:
    nb = _clean()
    _cell(nb, "params")["metadata"]["tags"] = []
    assert _problems(tmp_path, nb, name="0.0-explore.ipynb") == []
    assert _problems(tmp_path, nb, name="2.0-vs-national.ipynb") != []


def test_check_command_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    _problems(tmp_path, _clean(), name="1.0-good.ipynb")
    assert notebooks.main(["check"]) == 0
    assert capsys.readouterr().out == "ok: 1 notebook(s) clean\n"

    broken = _clean()
    _cell(broken, "setup")["outputs"] = [new_output("stream", name="stdout", text="x\n")]
    _problems(tmp_path, broken, name="1.1-bad.ipynb")
    assert notebooks.main(["check"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"1\.1-bad\.ipynb, cell 2 \[id setup\]: stray output", err), err
    assert "1.0-good" not in err

    assert notebooks.main(["check", "1.0-good"]) == 0
    assert notebooks.main(["refresh", "no-such-notebook"]) == 2
    err = capsys.readouterr().err
    assert "unknown notebook 'no-such-notebook'; expected one of: 1.0-good, 1.1-bad" in err


# ---------------------------------------------------------------- refresh


def test_refresh_keeps_only_checked_outputs_and_is_deterministic(tmp_path: Path) -> None:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "x", "language": "python"}
    nb.cells = [
        new_markdown_cell("# Scratch", id="title"),
        new_code_cell(PARAMETERS, id="params", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import warnings\n"
            "import lai_chau\n"
            "figures = lai_chau.figures()\n"
            "warnings.warn('noise on stderr')\n"
            "figures.head(3)  # HTML and a table that nobody compares",
            id="setup",
        ),
        new_code_cell(
            "print(figures[['id', 'value', 'unit']].to_string(index=False))",
            id="headline",
            metadata={"tags": [notebooks.CHECK_TAG]},
        ),
        new_code_cell("", id="empty"),
    ]
    path = tmp_path / "1.0-scratch.ipynb"
    nbformat.write(nb, path)

    notebooks.refresh(notebooks=[path], quiet=True)
    first = path.read_bytes()
    notebooks.refresh(notebooks=[path], quiet=True)
    assert path.read_bytes() == first

    assert notebooks.problems([path]) == []
    refreshed = json.loads(first)
    assert refreshed["metadata"]["kernelspec"] == notebooks.KERNELSPEC
    outputs = {c["id"]: c.get("outputs") for c in refreshed["cells"] if c["cell_type"] == "code"}
    assert outputs["params"] == outputs["setup"] == outputs["empty"] == []
    printed = "".join(outputs["headline"][0]["text"])
    ids = list(validate.load("figures")["id"])
    assert [line.split()[0] for line in printed.splitlines()[1:]] == ids
    counts = [c.get("execution_count") for c in refreshed["cells"] if c["cell_type"] == "code"]
    assert counts == [1, 2, 3, None]


def test_refresh_names_the_failing_notebook_and_cell(tmp_path: Path) -> None:
    nb = new_notebook()
    nb.cells = [new_code_cell("x = 1", id="ok"), new_code_cell("1 / 0", id="boom")]
    path = tmp_path / "0.9-broken.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    with pytest.raises(notebooks.NotebookError) as failed:
        notebooks.refresh(notebooks=[path], quiet=True)
    assert f"{path}, cell 1: ZeroDivisionError: division by zero" in str(failed.value)
    assert path.read_bytes() == before


# ---------------------------------------------------------------- nbval has teeth


def _nbval(notebook: Path, data: Path | None) -> subprocess.Popen[str]:
    """nbval on one notebook in a fresh pytest, the kernel reading `data` (default data/)."""
    env = {k: v for k, v in os.environ.items() if k != "LAI_CHAU_DATA"}
    if data is not None:
        env["LAI_CHAU_DATA"] = str(data)
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
        "--nbval-lax", f"--nbval-kernel-name={notebooks.KERNEL_NAME}", "--color=no", "-rf",
        str(notebook),
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=paths.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_nbval_fails_on_a_changed_headline_figure(data_copy: Path) -> None:
    code_cells = [c for c in nbformat.read(OVERVIEW, as_version=4).cells if c.cell_type == "code"]
    checked = [c for c in code_cells if notebooks.CHECK_TAG in c.metadata.get("tags", [])]
    assert any(c.outputs for c in checked), f"{OVERVIEW.name}: nothing stored; `make notebooks`"
    figures_csv = data_copy / "figures.csv"
    with figures_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    headline = rows[0]  # the article's first figure, its GRDP growth
    headline["value"] = f"{float(headline['value']) + 1:g}"
    with figures_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert "figures" in validate.update_hashes()
    # `lai-chau check` refuses it (the quote still says 9,15%); nbval must catch it on its own
    problems = validate.problems()
    assert [p.message.split(":")[0] for p in problems] == [
        "value 10.15 percent is not what the quote says"], problems

    changed, unchanged = _nbval(OVERVIEW, data_copy), _nbval(OVERVIEW, None)
    changed_out, _ = changed.communicate(timeout=300)
    unchanged_out, _ = unchanged.communicate(timeout=300)

    assert unchanged.returncode == 0, unchanged_out
    assert changed.returncode == 1, changed_out
    failed = [int(n) for n in re.findall(r"^FAILED \S+::Cell (\d+)", changed_out, re.M)]
    assert failed, changed_out
    for number in failed:
        cell = code_cells[number]
        assert notebooks.CHECK_TAG in cell.metadata.get("tags", []), changed_out
        assert f"Cell {number}: Cell outputs differ" in changed_out
        assert cell.source in changed_out  # nbval prints the failing cell's input
