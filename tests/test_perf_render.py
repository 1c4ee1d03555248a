"""What makes the render fast does not change what it writes: warm kernels, caches, deferrals."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from lai_chau.base import cache, paths
from lai_chau.present import vega
from lai_chau.render import kernels as engine
from lai_chau.render import run as render

KERNELSPEC = {"display_name": "Python 3 (lai-chau)", "language": "python", "name": "lai-chau"}

# The first report changes everything a later report in the same kernel could see...
CHANGES = """
import os, sys, warnings
import altair as alt
import pandas as pd
import lai_chau
from lai_chau.present import charts
leak = "from the first report"
os.environ["LAI_CHAU_TEST_LEAK"] = "1"
pd.set_option("display.precision", 1)
alt.theme.enable("dark")
alt.renderers.enable("html")
warnings.simplefilter("ignore")
sys.path.insert(0, "/nonexistent")
open("scratch.txt", "w").write("left behind")
"""
# ...the second reports what it sees, before importing the package, then draws charts (their
# ids count the charts of the kernel session).
LOOKS = """
import os, pathlib, sys, warnings
import altair as alt
import pandas as pd
print({
    "names": sorted(n for n in globals() if not n.startswith("_") and n not in
                    {"In", "Out", "exit", "quit", "get_ipython", "open", "lang", "os",
                     "pathlib", "sys", "warnings", "alt", "pd"}),
    "env": os.environ.get("LAI_CHAU_TEST_LEAK"),
    "precision": pd.get_option("display.precision"),
    "theme": alt.theme.active,
    "renderer": alt.renderers.active,
    "path": "/nonexistent" in sys.path,
    "files": sorted(p.name for p in pathlib.Path(".").iterdir()
                    if not p.name.startswith("kernel-")),  # a cold kernel's IPC sockets
    "lai_chau": [m for m in sys.modules
                 if m == "lai_chau" or m.startswith("lai_chau.present.charts")],
})
"""
CHART = """
import lai_chau
from lai_chau.present import charts
figures = lai_chau.figures()
growth = figures[(figures["measure"] == "growth_yoy") & (figures["unit"] == "percent")]
charts.figure_bars(growth, lang=lang, title="growth")
"""
PID = "import os, sys\nprint(os.getpid(), file=sys.stderr)"


def _notebook(path: Path, *cells: str) -> Path:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [new_code_cell('lang: str = "vi"  # report language: vi or en',
                              metadata={"tags": ["parameters"]}),
                *(new_code_cell(source) for source in cells)]
    nbformat.write(nb, path)
    return path


def _matrix(directory: Path, *reports: tuple[str, str]) -> Path:
    text = 'languages = ["vi"]\n'
    for name, notebook in reports:
        text += (f'\n[[report]]\nname = "{name}"\nnotebook = "{notebook}"\n'
                 f'title_vi = "{name}"\ntitle_en = "{name}"\n')
    path = directory / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _pid(log: Path) -> str:
    nb = nbformat.read(log, as_version=4)
    return next(o.text.strip() for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "stream" and o.name == "stderr")


@pytest.mark.slow
def test_two_reports_in_one_warm_kernel_give_the_bytes_of_cold_kernels(tmp_path: Path) -> None:
    _notebook(tmp_path / "first.ipynb", PID, CHART, CHANGES)
    _notebook(tmp_path / "second.ipynb", PID, LOOKS, CHART)
    matrix = _matrix(tmp_path, ("first", "first.ipynb"), ("second", "second.ipynb"))

    warm = render.render(matrix=matrix, output=tmp_path / "warm", jobs=1, progress=False)
    cold = render.render(matrix=matrix, output=tmp_path / "cold", jobs=2, progress=False,
                         warm=False)

    assert all(o.ok for o in warm + cold), [o.error for o in warm + cold]
    # one kernel served both warm reports; the cold ones had one each
    assert _pid(tmp_path / "warm/vi/first.ipynb") == _pid(tmp_path / "warm/vi/second.ipynb")
    assert _pid(tmp_path / "cold/vi/first.ipynb") != _pid(tmp_path / "cold/vi/second.ipynb")
    for name in ("first", "second"):
        page = (tmp_path / "warm" / "vi" / f"{name}.html").read_bytes()
        assert page == (tmp_path / "cold" / "vi" / f"{name}.html").read_bytes(), name
        assert b'class="lc-chart"' in page
    seen = (tmp_path / "warm" / "vi" / "second.html").read_text(encoding="utf-8")
    fresh = {"names": [], "env": None, "precision": 6, "theme": "default",
             "renderer": "default", "path": False, "files": [], "lai_chau": []}
    assert repr(fresh).replace("'", "&#x27;") in seen or repr(fresh) in seen, seen[-3000:]
    # papermill still ran each notebook: parameters injected and recorded
    log = nbformat.read(tmp_path / "warm/vi/second.ipynb", as_version=4)
    assert log.metadata.papermill.parameters == {"lang": "vi"}
    assert "injected-parameters" in log.cells[1].metadata.tags


@pytest.mark.slow
def test_a_failed_report_retires_its_kernel(tmp_path: Path) -> None:
    _notebook(tmp_path / "bad.ipynb", PID, "1 / 0")
    _notebook(tmp_path / "good.ipynb", PID, "print('ok')")
    matrix = _matrix(tmp_path, ("bad", "bad.ipynb"), ("good", "good.ipynb"))
    outcomes = render.render(matrix=matrix, output=tmp_path / "out", jobs=1, progress=False)
    assert [o.ok for o in outcomes] == [False, True]
    assert "ZeroDivisionError" in outcomes[0].error
    assert _pid(tmp_path / "out/vi/bad.ipynb") != _pid(tmp_path / "out/vi/good.ipynb")
    assert all(not item._running for item in engine._live)  # every kernel stopped at the end


@pytest.mark.slow
def test_a_process_pool_executor_renders_too(tmp_path: Path) -> None:
    _notebook(tmp_path / "a.ipynb", "print('xin chào' if lang == 'vi' else 'hello')")
    matrix = _matrix(tmp_path, ("a", "a.ipynb"), ("b", "a.ipynb"))
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = render.render(matrix=matrix, output=tmp_path / "out", executor=pool,
                                 progress=False)
    assert [o.ok for o in outcomes] == [True, True], [o.error for o in outcomes]
    for name in ("a", "b"):
        assert "xin chào" in (tmp_path / "out" / "vi" / f"{name}.html").read_text("utf-8")


def test_the_iri_grammar_is_built_only_when_an_iri_is_checked() -> None:
    code = """
import sys
import lai_chau.render.run  # imports nbformat, hence jsonschema
import altair
import importlib.util
assert importlib.util.find_spec("rfc3987_syntax").name == "rfc3987_syntax"  # still findable
print("rfc3987_syntax.syntax_helpers" in sys.modules)
import jsonschema
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
cases = [("https://example.org/đường", "iri"), ("not an iri", "iri"),
         ("../a b", "iri-reference"), ("a/b#c", "iri-reference")]
print([checker.conforms(value, kind) for value, kind in cases])
print("rfc3987_syntax.syntax_helpers" in sys.modules)
from rfc3987_syntax.syntax_helpers import is_valid_syntax  # the real one, for comparison
print([is_valid_syntax(kind.replace("-", "_"), value) for value, kind in cases])
"""
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=paths.ROOT).stdout.splitlines()
    assert lines[0] == "False"  # not built by importing nbformat, jsonschema or altair
    assert lines[2] == "True"  # built when an IRI was checked
    assert lines[1] == lines[3] == "[True, False, False, True]"  # the real parser's answers


def test_the_chart_javascript_is_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vl_convert

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    calls = []

    def bundle() -> str:
        calls.append(1)
        return "/* the bundle */"

    monkeypatch.setattr(vl_convert, "javascript_bundle", bundle)
    assert vega._vl_convert_bundle() == "/* the bundle */"
    assert vega._vl_convert_bundle() == "/* the bundle */"
    assert calls == [1]  # built once, then read back
    [stored] = (tmp_path / "vega").iterdir()
    assert stored.name.startswith("vl-convert-")
    assert cache.read("vega", stored.name) == b"/* the bundle */"  # sealed with its checksum


@pytest.mark.slow
def test_the_reused_html_exporter_writes_the_same_page_as_a_new_one(rendered_reports) -> None:
    log = rendered_reports.output / "en" / "overview.ipynb"
    nb = nbformat.read(log, as_version=4)
    bundle = render._bundle()
    reused = render.to_html(nb, "en", "t", bundle)
    render._exporters.clear()
    assert render.to_html(nb, "en", "t", bundle) == reused
    assert '<html lang="en">' in reused and '<html lang="vi">' in render.to_html(
        nb, "vi", "t", bundle)


def test_the_benchmark_repeats_the_matrix_under_other_names(tmp_path: Path) -> None:
    sys.path.insert(0, str(paths.ROOT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    scaled = bench.scaled_matrix(render.MATRIX, tmp_path, 4)
    matrix = render.load_matrix(scaled)
    original = render.load_matrix()
    assert len(matrix.reports) == 4 * len(original.reports)
    assert len({r.name for r in matrix.reports}) == len(matrix.reports)
    assert {r.notebook for r in matrix.reports} == {r.notebook for r in original.reports}
    assert all((tmp_path / r.notebook).is_file() for r in matrix.reports)
    assert json.dumps([r.parameters for r in matrix.reports[: len(original.reports)]]) == \
        json.dumps([r.parameters for r in original.reports])
