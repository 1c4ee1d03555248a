"""Publication notebooks read as the analysis (question, steps, outputs) and check their own
parameters, so plain papermill refuses what `lai-chau render` refuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from lai_chau.base import paths
from lai_chau.render import notebooks
from lai_chau.render import run as render
from lai_chau.render.params import ParameterError, check_parameters, checked, declared_parameters

PUBLICATION = [p.name for p in notebooks.notebook_paths() if notebooks.is_publication(p)]
PAPERMILL = Path(sys.executable).parent / "papermill"


def _namespace(notebook: str, **changes: Any) -> dict[str, Any]:
    """A kernel's globals after the parameters cell (and papermill's injected one) ran."""
    import ast

    values = {name: ast.literal_eval(spec["default"])
              for name, spec in declared_parameters(paths.NOTEBOOKS / notebook).items()}
    injected = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in changes.items())
    # what a kernel holds: IPython's history with papermill's injected cell, the parameters, and
    # the results of earlier cells (a re-run in JupyterLab), which are not parameters
    return {"In": ["", "lang: str = 'en'", injected], "Out": {}, "_": None,
            "get_ipython": print, "ids": None, "sectors": {}, **values, **changes}


@pytest.mark.parametrize("notebook", PUBLICATION)
def test_each_notebook_states_its_question_then_steps(notebook: str) -> None:
    nb = nbformat.read(paths.NOTEBOOKS / notebook, as_version=4)
    intro = nb.cells[0]
    assert intro.cell_type == "markdown" and "**The question:**" in intro.source
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    assert f'checked("{notebook}", globals())' in nb.cells[2].source  # first cell after
    code = [c for c in nb.cells if c.cell_type == "code"]
    steps = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(steps) >= 3, "a markdown sentence before each group of steps"
    for cell in code:
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert len(lines) <= 8, f"a step is a few lines calling lai_chau: {cell.source!r}"
        # no page builder: the analysis is visible cell by cell
        assert "pages.vs_" not in cell.source and "claims_page(" not in cell.source


@pytest.mark.parametrize("notebook", PUBLICATION)
def test_the_defaults_pass_the_notebook_check(notebook: str) -> None:
    values = checked(notebook, _namespace(notebook))
    assert set(values) == set(declared_parameters(paths.NOTEBOOKS / notebook))


@pytest.mark.parametrize(("notebook", "changes", "message"), [
    ("2.0-vs-national.ipynb", {"lang": "fr"},
     "parameter 'lang' = 'fr' is not allowed; expected one of: vi, en"),
    ("2.0-vs-national.ipynb", {"period": "2030H1"}, "parameter 'period' = '2030H1' is not allowed"),
    ("2.0-vs-national.ipynb", {"vintage": "newest"}, "expected one of: first, latest"),
    ("5.0-claims-check.ipynb", {"omitted": "no"}, "parameter 'omitted': expected bool, got str"),
    ("5.0-claims-check.ipynb", {"verdicts": "maybe"}, "parameter 'verdicts' = 'maybe'"),
    ("2.0-vs-national.ipynb", {"figure_ids": "grdp_growth,nope"},
     "parameter 'figure_ids' = 'nope' is not allowed"),
    ("1.0-overview.ipynb", {"langg": "en"}, "unknown parameter 'langg'; the notebook takes: lang"),
    ("6.0-over-time.ipynb", {"indicator": "tea"}, "parameter 'indicator' = 'tea'"),
])
def test_bad_parameters_are_refused_with_the_render_message(
        notebook: str, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError) as err:
        checked(notebook, _namespace(notebook, **changes))
    assert message in str(err.value)
    # word for word what `lai-chau render` says for the same values
    namespace = _namespace(notebook, **changes)
    declared = declared_parameters(paths.NOTEBOOKS / notebook)
    report = next(r.entry for r in render.load_matrix().reports if r.notebook == notebook)
    values = {n: namespace[n] for n in (*declared, *changes)}
    for name, spec in declared.items():  # `papermill -p` gives a list as a string
        if spec["inferred_type_name"].startswith("list") and isinstance(values[name], str):
            values[name] = [item.strip() for item in values[name].split(",")]
    expected = check_parameters(report, str(values.get("lang")), paths.NOTEBOOKS / notebook,
                                values, declared)
    assert str(err.value) == "\n".join(expected)
    assert err.value._render_traceback_() == [f"ParameterError: {err.value}"]


def test_a_rerun_in_jupyterlab_is_not_taken_for_unknown_parameters() -> None:
    namespace = _namespace("2.0-vs-national.ipynb")
    namespace["In"] = ["", "lang: str = 'en'", "k = compare.Lookup()\nids = figure_ids or None"]
    namespace["ids"], namespace["leftover"] = None, ["a"]
    assert checked("2.0-vs-national.ipynb", namespace)["lang"] == "en"


@pytest.mark.parametrize("given", ["grdp_growth", "grdp_growth, agri_growth", ["grdp_growth"]])
def test_a_list_parameter_takes_one_string_or_a_comma_separated_one(given: Any) -> None:
    values = checked("2.0-vs-national.ipynb",
                     _namespace("2.0-vs-national.ipynb", figure_ids=given))
    wanted = given if isinstance(given, list) else [g.strip() for g in given.split(",")]
    assert values["figure_ids"] == wanted


def _papermill(tmp_path: Path, notebook: str, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(paths.NOTEBOOKS / notebook, tmp_path / notebook)
    return subprocess.run(
        [str(PAPERMILL), str(tmp_path / notebook), str(tmp_path / "out.ipynb"), "-k", "lai-chau",
         "--cwd", str(tmp_path), *args],
        capture_output=True, text=True, timeout=300, check=False)


def _outputs(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)


@pytest.mark.slow
@pytest.mark.parametrize(("args", "message"), [
    (("-p", "lang", "fr"), "parameter 'lang' = 'fr' is not allowed; expected one of: vi, en"),
    (("-p", "langg", "en"), "unknown parameter 'langg'"),
    (("-p", "period", "2019H1"), "parameter 'period' = '2019H1' is not allowed"),
])
def test_plain_papermill_refuses_bad_parameters(tmp_path: Path, args: tuple[str, ...],
                                                message: str) -> None:
    done = _papermill(tmp_path, "2.0-vs-national.ipynb", *args)
    assert done.returncode != 0
    assert message in done.stderr
    # the notebook's first output names the problem, before any analysis ran
    nb = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    assert first["outputs"][0]["output_type"] == "error"
    assert message in _outputs(tmp_path / "out.ipynb")


@pytest.mark.slow
def test_plain_papermill_renders_another_period_and_one_figure(tmp_path: Path) -> None:
    done = _papermill(tmp_path, "2.0-vs-national.ipynb", "-p", "period", "2025H1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "gva_agriculture" in _outputs(tmp_path / "out.ipynb")
    done = _papermill(tmp_path, "2.0-vs-national.ipynb", "-p", "figure_ids", "grdp_growth")
    assert done.returncode == 0, done.stderr[-2000:]
    headline = next(c for c in json.loads((tmp_path / "out.ipynb").read_text())["cells"]
                    if "nbval-check-output" in c["metadata"].get("tags", []))
    printed = "".join(headline["outputs"][0]["text"])
    assert "grdp_growth" in printed and "retail_sales_growth" not in printed


def _outputs_before_headline(nb: dict[str, Any]) -> list[int]:
    """Indexes of the code cells before the headline cell whose output holds a table or chart."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if "nbval-check-output" in cell["metadata"].get("tags", []):
            return found
        if cell["cell_type"] != "code":
            continue
        html = json.dumps([o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])])
        if "<table" in html or "lc-chart" in html:
            found.append(index)
    raise AssertionError("no headline cell")


@pytest.mark.slow
def test_each_report_shows_three_separate_outputs_before_its_headline(
        rendered_reports: Any) -> None:
    for report in render.load_matrix().reports:
        if report.period not in (None, "2022H1"):
            continue
        executed = rendered_reports.output / "en" / f"{report.name}.ipynb"
        cells = _outputs_before_headline(json.loads(executed.read_text(encoding="utf-8")))
        assert len(cells) >= 3, (report.name, cells)
