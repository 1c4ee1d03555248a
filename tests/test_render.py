"""`lai-chau render`: parameters checked first, failures, determinism, escaping, atomic writes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lai_chau import atomic, cli, paths, render
from lai_chau.errors import DataError, UsageError

KERNELSPEC = {"display_name": "Python 3 (lai-chau)", "language": "python", "name": "lai-chau"}


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    """A small report notebook: an intro, a `parameters` cell, then code cells."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        new_markdown_cell("intro", metadata={"tags": ["remove-cell"]}),
        new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        *(new_code_cell(source) for source in cells),
    ]
    nbformat.write(nb, path)
    return path


def _matrix(path: Path, *reports: str, languages: str = '["vi"]') -> Path:
    path.write_text(f"languages = {languages}\n\n" + "\n".join(reports), encoding="utf-8")
    return path


def _report(name: str, notebook: str, parameters: str = "") -> str:
    entry = (f'[[report]]\nname = "{name}"\nnotebook = "{notebook}"\n'
             f'title_vi = "Báo cáo {name}"\ntitle_en = "Report {name}"\n')
    return entry + (f"parameters = {parameters}\n" if parameters else "")


def _overview_matrix(tmp_path: Path, parameters: str = "", languages: str = '["vi"]') -> Path:
    shutil.copy(paths.NOTEBOOKS / "1.0-overview.ipynb", tmp_path / "1.0-overview.ipynb")
    return _matrix(tmp_path / "reports.toml", _report("overview", "1.0-overview.ipynb", parameters),
                   languages=languages)


def test_the_matrix_lists_the_overview_in_both_languages() -> None:
    matrix = render.load_matrix()
    overview = matrix.report("overview")
    assert matrix.languages == ("vi", "en")
    assert (paths.NOTEBOOKS / overview.notebook).is_file()
    assert set(overview.titles) == {"vi", "en"}


def test_every_publication_notebook_is_in_the_matrix_and_no_exploration_one() -> None:
    listed = {r.notebook for r in render.load_matrix().reports}
    on_disk = {p.name for p in paths.NOTEBOOKS.glob("*.ipynb")}
    exploration = {name for name in on_disk if name.startswith("0.")}
    assert exploration, "an exploration notebook (0.x) is expected"
    assert listed == on_disk - exploration


@pytest.mark.parametrize("report", [r.name for r in render.load_matrix().reports])
def test_report_parameters_are_typed_documented_and_allowed(report: str) -> None:
    import papermill

    entry = render.load_matrix().report(report)
    notebook = paths.NOTEBOOKS / entry.notebook
    declared = papermill.inspect_notebook(str(notebook))
    assert declared["lang"]["default"] == '"vi"' and "vi or en" in declared["lang"]["help"]
    for name, spec in declared.items():
        assert spec["inferred_type_name"] != "None", f"{name} has no type annotation"
        assert spec["help"], f"{name} has no comment saying what it is"
    # the defaults themselves pass the render's checks
    import ast

    defaults = {name: ast.literal_eval(spec["default"]) for name, spec in declared.items()}
    assert render.check_parameters(report, "vi", notebook, defaults, declared) == []
    nb = nbformat.read(notebook, as_version=4)
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    assert nb.metadata.kernelspec["name"] == "lai-chau"


def test_a_bad_peer_indicator_or_verdict_is_refused(tmp_path: Path) -> None:
    for name in ("4.0-vs-region.ipynb", "5.0-claims-check.ipynb"):
        shutil.copy(paths.NOTEBOOKS / name, tmp_path / name)
    matrix = _matrix(
        tmp_path / "reports.toml",
        _report("region", "4.0-vs-region.ipynb", '{ peer_indicator = "tea_output" }'),
        _report("claims", "5.0-claims-check.ipynb", '{ verdicts = ["true"] }'),
    )
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "parameter 'peer_indicator' = 'tea_output' is not allowed; expected one of: grdp" \
        in message
    assert "parameter 'verdicts' = 'true' is not allowed; expected one of: supported" in message
    assert not (tmp_path / "out").exists()


def test_the_overview_declares_a_typed_documented_lang_parameter() -> None:
    import papermill

    declared = papermill.inspect_notebook(str(paths.NOTEBOOKS / "1.0-overview.ipynb"))
    assert declared["lang"]["inferred_type_name"] == "str"
    assert declared["lang"]["default"] == '"vi"'
    assert "vi or en" in declared["lang"]["help"]
    nb = nbformat.read(paths.NOTEBOOKS / "1.0-overview.ipynb", as_version=4)
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    assert nb.metadata.kernelspec["name"] == "lai-chau"


def test_unknown_parameter_is_refused_before_anything_runs(tmp_path: Path) -> None:
    matrix = _overview_matrix(tmp_path, parameters='{ colour = "red" }')
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "unknown parameter 'colour'" in message and "takes: lang" in message
    assert "report 'overview'" in message
    assert not (tmp_path / "out").exists()  # nothing executed, nothing written


def test_a_bad_language_is_refused_naming_the_allowed_values(tmp_path: Path) -> None:
    matrix = _overview_matrix(tmp_path, languages='["vi", "fr"]')
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    assert "parameter 'lang' = 'fr' is not allowed; expected one of: vi, en" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_lang_is_set_by_the_matrix_languages_not_by_parameters(tmp_path: Path) -> None:
    matrix = _overview_matrix(tmp_path, parameters='{ lang = "en" }')
    with pytest.raises(UsageError, match="'lang' is set per language"):
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)


def test_values_are_checked_against_annotations_and_allowed_lists(tmp_path: Path) -> None:
    _notebook(tmp_path / "typed.ipynb",
              'lang: str = "vi"  # report language\n'
              'top: int = 5  # how many\n'
              'baseline: str = "national"  # national, prior or region\n'
              'loose = 1')
    matrix = _matrix(
        tmp_path / "reports.toml",
        _report("a", "typed.ipynb", '{ top = "five" }'),
        _report("b", "typed.ipynb", '{ baseline = "moon" }'),
        _report("c", "typed.ipynb", "{ loose = 2 }"),
    )
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "report 'a' (vi), typed.ipynb: parameter 'top': expected int, got str 'five'" in message
    assert "parameter 'baseline' = 'moon' is not allowed; expected one of: national, prior, " \
           "region" in message
    assert "parameter 'loose' has no type annotation" in message


def test_unknown_report_name_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["render", "--only", "nope"]) == 2
    err = capsys.readouterr().err
    names = ", ".join(r.name for r in render.load_matrix().reports)
    assert f"unknown report 'nope'; expected one of: {names}" in err
    assert "Traceback" not in err


def test_a_broken_matrix_names_the_file_and_the_report(tmp_path: Path) -> None:
    matrix = _matrix(tmp_path / "reports.toml", '[[report]]\nname = "x"\nnotebook = "x.ipynb"\n')
    with pytest.raises(DataError, match="report 'x': missing 'title_vi'"):
        render.load_matrix(matrix)


@pytest.mark.slow
def test_a_failing_report_is_named_and_the_others_still_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _notebook(tmp_path / "good.ipynb", 'lang: str = "vi"  # report language',
              "print('xin chào' if lang == 'vi' else 'hello')")
    _notebook(tmp_path / "bad.ipynb", 'lang: str = "vi"  # report language',
              "total = 10",
              "share = total / 0  # the failing cell\nprint(share)",
              "print('never reached')")
    matrix = _matrix(tmp_path / "reports.toml", _report("good", "good.ipynb"),
                     _report("bad", "bad.ipynb"))
    out = tmp_path / "out"
    previous = b"<!DOCTYPE html><p>the previous good report</p>"
    (out / "vi").mkdir(parents=True)
    (out / "vi" / "bad.html").write_bytes(previous)

    code = cli.main(["render", "--matrix", str(matrix), "--output", str(out), "--jobs", "2"])

    err = capsys.readouterr().err
    assert code == 1
    assert "1 report(s) failed" in err
    # the notebook's own cell index (papermill's would count its injected cell), first line, why
    assert ("report 'bad' (vi), bad.ipynb: cell 3 (`share = total / 0  # the failing cell`): "
            "ZeroDivisionError: division by zero") in err
    assert "\x1b[" not in err
    assert (out / "vi" / "bad.html").read_bytes() == previous  # no partial HTML, old one kept
    assert (out / "vi" / "bad.ipynb").is_file()  # the log of the failed run
    assert "xin chào" in (out / "vi" / "good.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "vi").iterdir()) == [
        "bad.html", "bad.ipynb", "good.html", "good.ipynb"]  # no temporary files left
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="vi/good.html"' in index and 'href="vi/bad.html"' in index


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_render_and_leaves_old_reports_intact(
    tmp_path: Path, signum: signal.Signals
) -> None:
    marker = tmp_path / "started"
    _notebook(tmp_path / "slow.ipynb", 'lang: str = "vi"  # report language',
              f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(120)")
    matrix = _matrix(tmp_path / "reports.toml", _report("slow", "slow.ipynb"))
    out = tmp_path / "out"
    (out / "vi").mkdir(parents=True)
    previous = b"<!DOCTYPE html><p>old</p>"
    (out / "vi" / "slow.html").write_bytes(previous)
    proc = subprocess.Popen(
        [sys.executable, "-m", "lai_chau", "render", "--matrix", str(matrix), "--output", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # wait (at most 60 s) until the notebook is running, then stop the render
        for _ in range(1200):
            if marker.exists() or proc.poll() is not None:
                break
            try:
                proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        assert marker.exists(), proc.stderr.read() if proc.poll() is not None else "not started"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum, err
    assert f"interrupted by {signum.name}" in err
    assert (out / "vi" / "slow.html").read_bytes() == previous
    assert [p.name for p in (out / "vi").iterdir()] == ["slow.html"]


@pytest.mark.slow
def test_rendering_twice_gives_identical_bytes(rendered_reports, tmp_path: Path) -> None:
    outcomes = render.render(langs=["vi"], output=tmp_path, jobs=2, progress=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert len(outcomes) == len(render.load_matrix().reports)
    for outcome in outcomes:
        again = outcome.job.html.read_bytes()
        assert again == rendered_reports.html("vi", outcome.job.name).read_bytes(), \
            outcome.job.name


@pytest.mark.slow
def test_reports_are_offline_small_and_in_their_language(rendered_reports) -> None:
    import lai_chau

    figures = lai_chau.figures()
    for report in render.load_matrix().reports:
        for lang in report.languages:
            page = rendered_reports.html(lang, report.name).read_text(encoding="utf-8")
            # <= 1.5 MB, nothing loaded over the network
            assert render.check_page(page) is None, report.name
            assert f'<html lang="{lang}">' in page
            assert f"<title>{report.titles[lang]}</title>" in page
            charts = page.count('class="lc-chart"')
            assert page.count("vegaEmbed=") == (1 if charts else 0), report.name
            assert "In&nbsp;[" not in page and "injected-parameters" not in page  # no code cells
            assert 'lang: str = "vi"' not in page and "Traceback" not in page
    for lang in ("vi", "en"):
        page = rendered_reports.html(lang).read_text(encoding="utf-8")
        for _, figure in figures.iterrows():  # every figure, with its label in the language
            assert f'id="figure-{figure["id"]}"' in page
    index = (rendered_reports.output / "index.html").read_text(encoding="utf-8")
    for report in render.load_matrix().reports:
        assert f'href="vi/{report.name}.html"' in index
        assert f'href="en/{report.name}.html"' in index
    assert '<section lang="en">' in index


@pytest.mark.slow
def test_text_from_data_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    figures = data / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    assert ",GRDP growth," in text
    figures.write_text(text.replace(",GRDP growth,", ",<script>alert(1)</script> GRDP growth,", 1),
                       encoding="utf-8")
    monkeypatch.setenv("LAI_CHAU_DATA", str(data))  # the kernels inherit it
    outcomes = render.render(only=["overview"], langs=["en"], output=tmp_path / "out",
                             progress=False)
    assert [o.ok for o in outcomes] == [True], [o.error for o in outcomes]
    page = (tmp_path / "out" / "en" / "overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; GRDP growth" in page  # shown as text
    assert "<script>alert(1)" not in page
    assert "\\u003cscript\\u003ealert(1)" in page  # inside the chart spec, script-safe


def test_atomic_write_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_bytes(target, b"half")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left behind


def test_committed_reports_are_the_reports_the_inputs_give(rendered_reports) -> None:
    """reports/ in git is what `make reports` renders now: no stale report passes as current."""
    from lai_chau import paths

    fresh = sorted(p.relative_to(rendered_reports.output)
                   for p in rendered_reports.output.rglob("*.html"))
    committed = sorted(p.relative_to(paths.REPORTS) for p in paths.REPORTS.rglob("*.html"))
    assert committed == fresh, "reports/ lists other files than the matrix: run `make reports`"
    stale = [str(p) for p in fresh
             if (paths.REPORTS / p).read_bytes() != (rendered_reports.output / p).read_bytes()]
    assert stale == [], f"stale reports (run `make reports` and commit them): {stale}"
