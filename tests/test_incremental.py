"""Incremental renders: only what changed runs, the records say why, with a full render's bytes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_render import _matrix, _notebook, _report

from lai_chau import cli
from lai_chau.render import incremental
from lai_chau.render import run as render

LANG = 'lang: str = "vi"  # report language'
HEAVY = ("pandas", "papermill", "nbconvert", "altair", "nbformat", "jupyter_client")


def _two_reports(directory: Path) -> Path:
    """A matrix of two small notebooks (`a`, `b`) in vi and en."""
    _notebook(directory / "a.ipynb", LANG, "print('a', lang)")
    _notebook(directory / "b.ipynb", LANG, "print('b', lang)")
    return _matrix(directory / "reports.toml", _report("a", "a.ipynb"), _report("b", "b.ipynb"),
                   languages='["vi", "en"]')


def _files(output: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of an output directory (records included): bytes and modification time."""
    return {p.relative_to(output).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(output.rglob("*")) if p.is_file()}


def _pages(output: Path) -> dict[str, bytes]:
    return {name: data for name, (data, _) in _files(output).items() if name.endswith(".html")}


def _render(matrix: Path, output: Path, *extra: str) -> int:
    return cli.main(["render", "--matrix", str(matrix), "--output", str(output), *extra])


@pytest.fixture(scope="module")
def rendered_small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The two-report matrix rendered once (its matrix, its output), for tests that copy it."""
    work = tmp_path_factory.mktemp("incremental")
    matrix = _two_reports(work)
    outcomes = render.render(matrix=matrix, output=work / "out", jobs=2, progress=False)
    assert all(o.ok and not o.skipped for o in outcomes), [o.error for o in outcomes]
    return matrix, work / "out"


def _copy(rendered: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    matrix, output = rendered
    shutil.copytree(matrix.parent, tmp_path / "work", ignore=shutil.ignore_patterns("out"))
    shutil.copytree(output, tmp_path / "out")
    return tmp_path / "work" / "reports.toml", tmp_path / "out"


@pytest.mark.slow
def test_nothing_changed_starts_nothing_writes_nothing_and_says_so(
    rendered_small: tuple[Path, Path], tmp_path: Path
) -> None:
    matrix, output = _copy(rendered_small, tmp_path)
    before = _files(output)
    # in a process of its own: the light path imports none of the heavy modules
    code = ("import sys\nfrom lai_chau.cli import main\n"
            f"code = main(['render', '--matrix', {str(matrix)!r}, '--output', {str(output)!r}])\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\nsys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "4 reports up to date" in proc.stderr
    assert proc.stdout.strip() == "[]"
    assert _files(output) == before  # not a byte, not a modification time


@pytest.mark.slow
def test_one_changed_notebook_renders_its_reports_only_with_a_full_renders_bytes(
    rendered_small: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix, output = _copy(rendered_small, tmp_path)
    before = _files(output)
    _notebook(matrix.parent / "b.ipynb", LANG, "print('b changed', lang)")

    assert _render(matrix, output, "--explain") == 0
    err = capsys.readouterr().err
    assert "rendered 2 of 4 reports" in err and "(2 reports up to date)" in err
    assert f"vi/b: rendered: notebook changed: {matrix.parent / 'b.ipynb'}" in err
    assert "vi/a: up to date" in err
    after = _files(output)
    for name in ("vi/a.html", "en/a.html", "index.html", ".build/vi/a.html.json"):
        assert after[name] == before[name], name  # untouched, the index too (same bytes)
    assert after["vi/b.html"][0] != before["vi/b.html"][0]
    # byte for byte what a full render of the same inputs gives
    fresh = tmp_path / "fresh"
    assert _render(matrix, fresh) == 0
    assert _pages(output) == _pages(fresh)
    # and the records are deterministic: a forced render writes the same bytes
    records = {k: v[0] for k, v in _files(output).items() if k.startswith(".build/")}
    assert _render(matrix, output, "--force") == 0
    assert "rendered 4 of 4 reports" in capsys.readouterr().err
    assert {k: v[0] for k, v in _files(output).items() if k.startswith(".build/")} == records


@pytest.mark.slow
def test_a_missing_or_hand_edited_page_is_rebuilt(
    rendered_small: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix, output = _copy(rendered_small, tmp_path)
    pages = _pages(output)
    (output / "vi" / "a.html").unlink()
    (output / "en" / "b.html").write_bytes(pages["en/b.html"] + b"<!-- edited -->")

    assert _render(matrix, output, "--dry-run") == 0
    err = capsys.readouterr().err
    assert "2 of 4 reports would render; index.html would be rewritten" in err
    assert "vi/a: would render: HTML missing" in err
    assert "en/b: would render: HTML edited by hand" in err
    assert not (output / "vi" / "a.html").exists()  # a dry run writes nothing

    assert _render(matrix, output) == 0
    assert "rendered 2 of 4 reports" in capsys.readouterr().err
    assert _pages(output) == pages


@pytest.mark.slow
def test_a_failed_report_is_never_recorded_as_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _notebook(tmp_path / "bad.ipynb", LANG, "1 / 0")
    matrix = _matrix(tmp_path / "reports.toml", _report("bad", "bad.ipynb"))
    out = tmp_path / "out"
    (out / "vi").mkdir(parents=True)
    (out / "vi" / "bad.html").write_bytes(b"<p>the previous page</p>")

    assert _render(matrix, out) == 1
    capsys.readouterr()
    record = json.loads((out / ".build" / "vi" / "bad.html.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and "ZeroDivisionError" in record["error"]
    assert _render(matrix, out, "--dry-run") == 0
    assert "vi/bad: would render: the last render failed (report 'bad' (vi)" in \
        capsys.readouterr().err
    assert _render(matrix, out) == 1  # tried again, not "up to date"
    assert "ZeroDivisionError" in capsys.readouterr().err
    assert (out / "vi" / "bad.html").read_bytes() == b"<p>the previous page</p>"


# --- decisions, without a kernel ----------------------------------------------------------------

def _recorded(tmp_path: Path) -> tuple[incremental.Job, Path, incremental.Fingerprints]:
    """A job whose page and build record are on disk, as a render leaves them."""
    notebook = _notebook(tmp_path / "a.ipynb", LANG, "print(lang)")
    matrix = render.load_matrix(_matrix(tmp_path / "reports.toml", _report("a", "a.ipynb")))
    output = tmp_path / "out"
    [job] = incremental.jobs(matrix, notebook.parent, output)
    page = b"<p>page</p>"
    job.html.parent.mkdir(parents=True)
    job.html.write_bytes(page)
    prints = incremental.Fingerprints.now()
    incremental.record(job, output, prints.inputs(job), page)
    return job, output, prints


def _why(job: incremental.Job, output: Path, prints: incremental.Fingerprints) -> list[str]:
    [decision] = incremental.decide([job], output, fingerprints=prints)
    return list(decision.reasons)


def test_each_input_that_changed_is_named(tmp_path: Path, data_copy: Path) -> None:
    job, output, prints = _recorded(tmp_path)
    assert _why(job, output, prints) == []
    assert _why(job, output, incremental.Fingerprints.now()) == []  # recomputed: the same
    other = incremental.Job(**{**job.__dict__, "parameters": {"lang": "vi", "period": "2024H1"}})
    assert _why(other, output, prints) == ["parameters changed: period"]
    [forced] = incremental.decide([job], output, force=True)
    assert forced.reasons == ("forced (--force)",)

    (data_copy / "figures.csv").write_text(
        (data_copy / "figures.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = incremental.Fingerprints.now()
    assert _why(job, output, changed) == [f"data changed: {data_copy / 'figures.csv'}"]

    prints.source = {**prints.source, "render/run.py": "0" * 64}
    prints.packages = {**prints.packages, "pandas": "0.1"}
    prints.seeds = {**prints.seeds, "new.txt": "0" * 64}
    why = _why(job, output, prints)
    assert "lai_chau source changed: lai_chau/render/run.py" in why
    assert any(w.startswith("package versions changed: pandas ") and w.endswith(" -> 0.1")
               for w in why), why
    assert "seed texts changed: seeds/new.txt" in why


def test_another_output_directory_is_judged_by_its_own_records(tmp_path: Path) -> None:
    job, _, prints = _recorded(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    moved = incremental.Job(**{**job.__dict__, "html": elsewhere / "vi" / "a.html"})
    moved.html.parent.mkdir(parents=True)
    moved.html.write_bytes(job.html.read_bytes())
    assert _why(moved, elsewhere, prints) == ["no build record (first incremental render here)"]
    assert incremental.record_path(moved, elsewhere) == elsewhere / ".build" / "vi" / "a.html.json"


def test_package_versions_are_read_without_importing_the_packages() -> None:
    versions = incremental.package_versions()
    from importlib import metadata

    for name in ("pandas", "papermill", "nbconvert", "altair", "vl-convert-python"):
        assert versions[name] == metadata.version(name), name
    assert versions["python"] == "{}.{}.{}".format(*sys.version_info[:3])
