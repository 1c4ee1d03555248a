"""`lai-chau render`: parameters checked first, failures, determinism, escaping, atomic writes."""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lai_chau import cli
from lai_chau.base import atomic, paths
from lai_chau.base.errors import DataError, UsageError
from lai_chau.present import i18n
from lai_chau.render import run as render

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
    # the default language is the one the notebook's own markdown is written in (English), so
    # a reader in JupyterLab sees one language; the render sets `lang` for each report
    assert declared["lang"]["default"] == '"en"' and "vi or en" in declared["lang"]["help"]
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
    reports = render.load_matrix().reports
    # the matrix has more reports than an error lists: the first ones, then how many more
    shown = ", ".join(r.name for r in reports[:5])
    assert f"unknown report 'nope'; expected one of: {shown}" in err
    assert f"and {len(reports) - 12} more" in err and "notebooks/reports.toml" in err
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


def _rewrite_csv(path: Path, key: str, value: str, column: str, change: Callable[[str], str]
                 ) -> str:
    """Change one cell of a data CSV (the row whose `key` column is `value`); the new text."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    [row] = [r for r in rows if r[key] == value]
    row[column] = change(row[column])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row[column]


@pytest.mark.slow
def test_text_from_data_is_escaped(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lai_chau.data import validate
    from lai_chau.present import pages

    hostile = "<script>alert(1)</script> "
    # a label, a source title and a comparability reason, each shown on a page; the quotes
    # cannot change (they must equal the seed at their offsets)
    label = _rewrite_csv(data_copy / "figures.csv", "id", "grdp_growth", "label_en",
                         lambda old: hostile + old)
    listed = next(i for i in pages.vs_national("en").source_ids if i != "article")
    title = _rewrite_csv(data_copy / "sources.csv", "id", listed, "title",
                         lambda old: hostile + old)
    reason = _rewrite_csv(data_copy / "comparability.csv", "id", "grdp_growth.national",
                          "reason_en", lambda old: hostile + old)
    validate.update_hashes()
    validate.clear_cache()
    assert i18n.source_title(listed, "en") == title  # no English title to shadow it
    monkeypatch.setenv("LAI_CHAU_DATA", str(data_copy))  # the kernels inherit it
    outcomes = render.render(only=["overview", "vs-national"], langs=["en"],
                             output=tmp_path / "out", progress=False)
    assert [o.ok for o in outcomes] == [True, True], [o.error for o in outcomes]
    overview = (tmp_path / "out" / "en" / "overview.html").read_text(encoding="utf-8")
    national = (tmp_path / "out" / "en" / "vs-national.html").read_text(encoding="utf-8")
    assert html.escape(label, quote=False) in overview  # shown as text
    assert "\\u003cscript\\u003ealert(1)" in overview  # inside the chart spec, script-safe
    for shown in (title, reason):
        assert html.escape(shown, quote=False) in national, shown
    for page in (overview, national):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page


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
    from lai_chau.base import paths

    fresh = sorted(p.relative_to(rendered_reports.output)
                   for p in rendered_reports.output.rglob("*.html"))
    committed = sorted(p.relative_to(paths.REPORTS) for p in paths.REPORTS.rglob("*.html"))
    assert committed == fresh, "reports/ lists other files than the matrix: run `make reports`"
    stale = [str(p) for p in fresh
             if (paths.REPORTS / p).read_bytes() != (rendered_reports.output / p).read_bytes()]
    assert stale == [], f"stale reports (run `make reports` and commit them): {stale}"


# --- checks that need no kernel -------------------------------------------------------------------

def test_a_notebook_without_cell_ids_is_refused_before_anything_runs(tmp_path: Path) -> None:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [new_code_cell('lang: str = "vi"  # report language',
                              metadata={"tags": ["parameters"]}), new_code_cell("1")]
    raw = json.loads(nbformat.writes(nb))
    raw["nbformat_minor"] = 4  # as written before nbformat 4.5: no cell ids
    for cell in raw["cells"]:
        del cell["id"]
    (tmp_path / "old.ipynb").write_text(json.dumps(raw), encoding="utf-8")
    matrix = _matrix(tmp_path / "reports.toml", _report("old", "old.ipynb"))
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "report 'old': notebook" in message and "old.ipynb is nbformat 4.4" in message
    assert "run `make notebooks`" in message
    assert not (tmp_path / "out").exists()


def test_clean_never_invents_a_random_cell_id() -> None:
    nb = new_notebook(cells=[new_markdown_cell("a"), new_code_cell("1")])
    for cell in nb.cells:
        del cell["id"]
    assert [c.id for c in render._clean(nb, "t").cells] == ["cell-0", "cell-1"]


def _executed(*cells: Any) -> Any:
    return new_notebook(cells=list(cells))


def _failing(source: str) -> Any:
    cell = new_code_cell(source)
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                           evalue="division by zero", traceback=[])]
    return cell


def _injected(source: str = 'lang = "vi"') -> Any:
    return new_code_cell(source, metadata={"tags": ["injected-parameters"]})


@pytest.mark.filterwarnings("ignore:Non-unique cell id")  # nbformat repairing the ids, randomly
def test_the_failing_cell_is_found_by_position_whatever_the_ids(tmp_path: Path) -> None:
    notebook = tmp_path / "dup.ipynb"
    sources = ["# intro", 'lang: str = "vi"  # report language', "total = 10",
               "\n\nshare = total / 0\nprint(share)"]
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    raw = json.loads(nbformat.writes(nb))
    for cell in raw["cells"]:
        cell["id"] = "same"  # duplicate ids: matching by id would name the wrong cell
    notebook.write_text(json.dumps(raw), encoding="utf-8")
    job = render.Job("dup", "vi", notebook, "t", {}, tmp_path / "x.html", tmp_path / "x.ipynb",
                     "lai-chau")
    # as papermill leaves a failed run: error banners at the top and above the failing cell
    banner = new_markdown_cell("error", metadata={"tags": ["papermill-error-cell-tag"]})
    executed = _executed(banner, *(new_code_cell(s) for s in sources[:2]), _injected(),
                         new_code_cell(sources[2]), banner, _failing(sources[3]),
                         new_code_cell("print('never reached')"))
    for cell in executed.cells:
        cell["id"] = "same"
    error = RuntimeError("\x1b[0;31mZeroDivisionError\x1b[0m: division by zero\nmore\nlines")
    message = render._describe_failure(job, executed, error)
    assert message == ("report 'dup' (vi), dup.ipynb: cell 3 (`share = total / 0`): "
                       "RuntimeError: ZeroDivisionError: division by zero")
    # a failure in papermill's own cell is named as such
    bad = _failing('lang = "vi"')
    bad.metadata["tags"] = ["injected-parameters"]
    executed = _executed(*(new_code_cell(s) for s in sources[:2]), bad)
    assert ": the injected parameters: " in render._describe_failure(job, executed, error)
    assert ": before any cell ran: " in render._describe_failure(job, _executed(), error)


def test_failure_messages_keep_one_line_without_colour_codes() -> None:
    timeout = ("\n\x1b[31mA cell timed out while it was being executed, after 600 seconds.\x1b[0m\n"
               "The message was: Cell execution timed out.\nHere is a preview of the cell "
               "contents:\n-------------------\ntime.sleep(1000)\n")
    assert render._first_line(timeout) == \
        "A cell timed out while it was being executed, after 600 seconds."
    assert render._first_line("") == ""


@pytest.mark.parametrize("page", [
    '<script src="https://cdn.example/vega.js"></script>',
    "<link rel=stylesheet href=//cdn.example/a.css>",
    '<img alt="x" srcset="https://cdn.example/a.png 2x">',
    '<object data="http://cdn.example/a.svg"></object>',
    '<video poster="https://cdn.example/p.png"></video>',
    '<form action="https://example.org/post"></form>',
    '<svg><image xlink:href="https://cdn.example/a.png"/></svg>',
    '<use href="https://cdn.example/sprite.svg#a"/>',
    '<div style="background: url(https://cdn.example/a.png)"></div>',
    '<style>@import "https://cdn.example/a.css";</style>',
    '<script type="application/json">{"data": {"url": "https://cdn.example/d.csv"}}</script>',
    '<script>var spec = {\\"url\\": \\"https://cdn.example/d.csv\\"};</script>',
])
def test_the_offline_check_finds_remote_resources(page: str) -> None:
    problem = render.check_page(f"<!DOCTYPE html><html><body>{page}</body></html>")
    assert problem is not None and "loads from the network" in problem


def test_the_offline_check_allows_links_and_local_resources() -> None:
    page = ('<a href="https://example.org/source" rel="noreferrer">https://example.org</a>'
            '<img src="data:image/png;base64,AAAA"><div data-url="https://x.org" data-x="1">'
            '<p>see src=https://example.org in the text</p><script>var url = "https://x.org";'
            "</script>")
    assert render.check_page(page) is None


@pytest.mark.parametrize(("toml", "expected"), [
    ('colour = "red"\n', "unknown top-level key 'colour'"),
    ('languages = ["vi", "vi"]\n', "'languages' lists 'vi' twice"),
    ('languages = "vi"\n', "'languages' must be a non-empty list"),
])
def test_a_matrix_with_a_bad_top_level_key_is_refused(tmp_path: Path, toml: str,
                                                      expected: str) -> None:
    path = tmp_path / "reports.toml"
    path.write_text(toml + _report("x", "x.ipynb"), encoding="utf-8")
    with pytest.raises(DataError, match=expected) as caught:
        render.load_matrix(path)
    assert "reports.toml" in str(caught.value)


def test_a_matrix_with_a_bad_report_key_is_refused(tmp_path: Path) -> None:
    matrix = _matrix(tmp_path / "reports.toml", _report("x", "x.ipynb") + 'colour = "red"\n'
                     + _report("y", "y.ipynb") + 'languages = ["en", "en"]\n')
    with pytest.raises(DataError, match="report 'x': unknown key 'colour'") as caught:
        render.load_matrix(matrix)
    assert "reports.toml" in str(caught.value)
    matrix.write_text(matrix.read_text(encoding="utf-8").replace('colour = "red"\n', ""),
                      encoding="utf-8")
    with pytest.raises(DataError, match="report 'y': 'languages' lists 'en' twice"):
        render.load_matrix(matrix)


def test_an_unknown_kernel_is_refused_before_anything_runs(tmp_path: Path) -> None:
    shutil.copy(paths.NOTEBOOKS / "1.0-overview.ipynb", tmp_path / "1.0-overview.ipynb")
    matrix = tmp_path / "reports.toml"
    matrix.write_text('kernel = "no-such-kernel"\nlanguages = ["vi"]\n'
                      + _report("overview", "1.0-overview.ipynb"), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "reports.toml: 'kernel' = 'no-such-kernel' is not an installed Jupyter kernel" \
        in message and "lai-chau" in message
    assert not (tmp_path / "out").exists()


def test_the_index_is_in_the_matrix_first_language(tmp_path: Path) -> None:
    matrix = render.load_matrix(_overview_matrix(tmp_path, languages='["en", "vi"]'))
    page = render.index_page(matrix, tmp_path / "out")
    assert '<html lang="en">' in page and '<section lang="en">\n<h1>' in page


@pytest.mark.parametrize(("raised", "code", "name"), [
    (KeyboardInterrupt, 130, "SIGINT"), (render._Terminated, 143, "SIGTERM")])
def test_a_signal_while_checking_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    raised: type[BaseException], code: int, name: str,
) -> None:
    def stopped(*_args: object, **_kw: object) -> None:
        raise raised()

    matrix = _overview_matrix(tmp_path)
    monkeypatch.setattr(render, "_stop", threading.Event())  # not left set for other tests
    monkeypatch.setattr(render, "plan", stopped)  # the signal arrives during plan()
    with pytest.raises(render.RenderInterrupted):
        render.render(matrix=matrix, output=tmp_path / "out", progress=False)
    # ... or while the index is written, or after render() unwound: main exits the same way
    monkeypatch.setattr(render, "render", stopped)
    assert cli.main(["render", "--matrix", str(matrix), "--output", str(tmp_path / "out")]) == code
    err = capsys.readouterr().err
    assert f"interrupted by {name}" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_run_that_fails_before_executing_leaves_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill

    def no_kernel(*_args: object, **_kw: object) -> None:
        raise RuntimeError("kernel died\nbefore starting")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    monkeypatch.setattr(render, "_stop", threading.Event())
    notebook = _notebook(tmp_path / "n.ipynb", 'lang: str = "vi"  # report language', "1")
    out = tmp_path / "out" / "vi"
    job = render.Job("n", "vi", notebook, "t", {"lang": "vi"}, out / "n.html", out / "n.ipynb",
                     "lai-chau", warm=False)
    outcome = render.render_job(job, bundle="")
    assert not outcome.ok
    assert outcome.error == ("report 'n' (vi), n.ipynb: before any cell ran: RuntimeError: "
                             "kernel died")
    assert not (tmp_path / "out").exists()


def test_the_background_bundle_swallows_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise OSError("cannot read the bundle")

    monkeypatch.setattr(render, "_bundle", broken)
    render._bundle_quietly()  # no exception: the render's own call reports it
