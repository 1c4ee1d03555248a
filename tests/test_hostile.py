"""Hostile but fair input: each case is the exact command, its exit code, one message naming the
file, row, column or path, no traceback, and nothing written where nothing should be."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lai_chau.base import atomic, cache, paths
from lai_chau.data import validate
from lai_chau.render import run as render

LAI_CHAU = [sys.executable, "-m", "lai_chau"]


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    result = subprocess.run([*LAI_CHAU, *args], capture_output=True, env=full, cwd=cwd,
                            input=stdin, timeout=300)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of data/ for subprocesses (LAI_CHAU_DATA)."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    return target


def _env(data: Path, **extra: str) -> dict[str, str]:
    return {"LAI_CHAU_DATA": str(data), "LAI_CHAU_CACHE": str(data.parent / "cache"), **extra}


def _set_cell(path: Path, row_id: str, column: str, raw: str) -> None:
    """Write `raw` as the cell text (no CSV quoting of our own: the hostile bytes as given)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if row and row[0] == row_id:
            row[header.index(column)] = raw
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _update_hashes(data: Path) -> subprocess.CompletedProcess[str]:
    return _run("check", "--update-hashes", env=_env(data))


# --- 1. one strict form for stored numbers, before and after a hash update ------------------

def _check(*args: str) -> tuple[int, str]:
    """`lai-chau check ARGS` in this process (on the data_copy fixture's data): code, stderr."""
    import contextlib
    import io

    from lai_chau import cli

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["check", *args])
    return code, err.getvalue()


@pytest.mark.parametrize("raw", [
    "9_15", "inf", "-inf", "nan", "NaN", "1e3", "+9.15", " 9.15", "9.15 ", "9.", ".5",
    "٩.١٥",  # Arabic-Indic digits
    "９.１５",  # full-width digits
    "9,15", "0x9", "9.1.5", "−9.15",  # U+2212 minus
])
def test_a_malformed_number_is_refused_before_and_after_a_hash_update(data_copy: Path,
                                                                      raw: str) -> None:
    _set_cell(data_copy / "figures.csv", "grdp_growth", "value", raw)
    validate.clear_cache()
    for code, err in (_check(), _check("--update-hashes"), _check()):
        assert code == 1, err
        assert "Traceback" not in err
        assert "figures.csv, row 1 (id 'grdp_growth'), column 'value'" in err
        assert "expected a plain number: optional '-', ASCII digits" in err
        assert repr(raw) in err
        assert err.count("column 'value'") == 1, err  # one message a cell


def test_a_malformed_number_from_the_command_line(data: Path) -> None:
    _set_cell(data / "figures.csv", "grdp_growth", "value", "9_15")
    for result in (_update_hashes(data), _run("check", env=_env(data))):
        assert result.returncode == 1
        _no_traceback(result)
        assert "column 'value': expected a plain number" in result.stderr


def test_an_integer_column_takes_only_ascii_digits(data: Path) -> None:
    _set_cell(data / "figures.csv", "agri_growth", "start", "1_0")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    assert re.search(r"figures\.csv, row \d+ \(id 'agri_growth'\), column 'start': expected a "
                     r"whole number: optional '-' and ASCII digits", result.stderr), result.stderr


def test_an_impossible_date_is_refused(data: Path) -> None:
    _set_cell(data / "figures.csv", "disbursement_rate", "as_of", "2022-02-30")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    assert "column 'as_of': expected a real calendar date as YYYY-MM-DD, got '2022-02-30'" \
        in result.stderr


def test_a_vietnamese_number_gives_one_message_in_plain_words(data: Path) -> None:
    _set_cell(data / "figures.csv", "grdp_growth", "value", "9,15")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    assert result.stderr.count("error:") == 1, result.stderr
    assert "store it plainly, e.g. 9.15 not 9,15" in result.stderr
    for jargon in ("coerce", "float64", "dtype", "Series"):
        assert jargon not in result.stderr


def test_an_empty_required_cell_is_reported_as_empty_not_nan(data: Path) -> None:
    _set_cell(data / "figures.csv", "grdp_growth", "value", "")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    assert "column 'value': expected a value (the field is required), got an empty cell" \
        in result.stderr
    assert "nan" not in result.stderr.lower().replace("nanh", "")


# --- 2. a value must be what its quote says ---------------------------------------------------

@pytest.mark.parametrize(("row_id", "value"), [
    ("grdp_growth", "9.16"), ("hydro_capacity", "60.8"), ("grain_output_change", "1600"),
    ("papi_rank_change", "-25"),
])
def test_a_value_that_contradicts_its_quote_is_refused(data_copy: Path, row_id: str,
                                                       value: str) -> None:
    _set_cell(data_copy / "figures.csv", row_id, "value", value)
    validate.clear_cache()
    for code, err in (_check("--update-hashes"), _check()):
        assert code == 1, err
        assert "Traceback" not in err
        assert f"(id '{row_id}'), column 'value': value {float(value):g}" in err
        assert "is not what the quote says: the extractor reads" in err


# --- 3. an empty table never replaces good reports --------------------------------------------

@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A copy of the committed reports, to show they stay byte for byte."""
    target = tmp_path / "reports"
    shutil.copytree(paths.REPORTS, target, ignore=shutil.ignore_patterns("*.ipynb"))
    return target


def _render_refused(data: Path, reports: Path, *expected: str, code: int = 2) -> str:
    before = _snapshot(reports)
    result = _run("render", "--only", "overview", "--output", str(reports), env=_env(data))
    assert result.returncode == code, result
    _no_traceback(result)
    for needle in expected:
        assert needle in result.stderr, result.stderr
    assert _snapshot(reports) == before
    return result.stderr


@pytest.mark.parametrize("resource", ["figures", "sources", "national", "claims"])
def test_a_table_reduced_to_its_header_is_refused_and_reports_stay(data: Path, reports: Path,
                                                                   resource: str) -> None:
    path = data / f"{resource}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _update_hashes(data)
    err = _render_refused(data, reports, f"{resource}.csv: has a header but no data rows")
    assert err.count("error:") == 1, err  # validated once, before any kernel, not per report
    check = _run("check", env=_env(data))
    assert check.returncode == 1 and "has a header but no data rows" in check.stderr


def test_broken_data_is_reported_once_before_any_kernel_starts(data: Path, tmp_path: Path) -> None:
    _set_cell(data / "figures.csv", "grdp_growth", "value", "9_15")
    out = tmp_path / "out"
    result = _run("render", "--output", str(out), env=_env(data))
    assert result.returncode == 2
    assert result.stderr.count("9_15") == 1, result.stderr
    assert not (out / "vi").exists() or not list((out / "vi").iterdir())


# --- 4. messages, not tracebacks ------------------------------------------------------------

def test_an_extra_field_on_the_first_row_names_the_row_and_line(data: Path) -> None:
    path = data / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",9.15,", ",9,15,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    _no_traceback(result)
    assert "figures.csv, row 1 (line 2): has 17 fields, the header has 16" in result.stderr


def test_a_missing_field_names_the_row_and_line(data: Path) -> None:
    path = data / "region_members.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rsplit(",", 1)[0] + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    _no_traceback(result)
    assert re.search(r"region_members\.csv, row 3 \(line 4\): has \d+ fields, the header has "
                     r"\d+; a field is missing", result.stderr), result.stderr


def test_output_naming_a_file_is_refused_before_anything_runs(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me", encoding="utf-8")
    result = _run("render", "--only", "overview", "--output", str(target))
    assert result.returncode == 2
    _no_traceback(result)
    assert f"--output {target} is a file; expected a directory" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"


def test_an_unwritable_output_directory_is_refused_even_as_root(tmp_path: Path) -> None:
    # a language directory that is a file is what even root cannot write into
    out = tmp_path / "out"
    out.mkdir()
    (out / "vi").write_text("not a directory", encoding="utf-8")
    result = _run("render", "--only", "overview", "--output", str(out))
    assert result.returncode == 2
    _no_traceback(result)
    assert f"{out / 'vi'} is a file; expected a directory for the vi reports" in result.stderr


def test_a_full_disk_while_writing_keeps_the_summary_and_old_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(paths.REPORTS, out, ignore=shutil.ignore_patterns("*.ipynb", ".build"))
    (out / "index.html").write_text("<p>an older index</p>", encoding="utf-8")  # to rewrite
    before = _snapshot(out)
    real = atomic.write_bytes

    def full(path: Path, data: bytes) -> None:
        if Path(path).suffix == ".html":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", full)
    from lai_chau import cli

    code = cli.main(["render", "--only", "overview", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "No space left on device" in err
    assert f"cannot write {out / 'vi' / 'overview.html'}" in err
    assert f"cannot write {out / 'index.html'}" in err  # the index too, and still a summary
    assert "rendered 0 of 2 reports" in err and "not written (any previous page kept)" in err
    assert "Traceback" not in err
    assert {k: v for k, v in _snapshot(out).items() if k.endswith(".html")} == \
        {k: v for k, v in before.items() if k.endswith(".html")}


def test_a_deleted_seed_is_a_message(data: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, seeds)
    (seeds / paths.SEED.name).unlink()
    env = _env(data, LAI_CHAU_SEEDS=str(seeds))
    for args, code in ((["check"], 1), (["render", "--only", "overview", "--output",
                                         str(tmp_path / "out")], 2)):
        result = _run(*args, env=env)
        assert result.returncode == code, result
        _no_traceback(result)
        assert f"{paths.SEED.name}: file is missing" in result.stderr


def test_a_deleted_sentences_file_is_found_by_check(data: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, seeds)
    (seeds / paths.SENTENCES.name).unlink()
    result = _run("check", env=_env(data, LAI_CHAU_SEEDS=str(seeds)))
    assert result.returncode == 1
    _no_traceback(result)
    assert f"{paths.SENTENCES.name}: file is missing" in result.stderr


def _descriptor(data: Path, change: Callable[[dict], None]) -> None:
    path = data / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    path.write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_resource_without_a_schema_is_a_message(data: Path, tmp_path: Path) -> None:
    _descriptor(data, lambda d: d["resources"][1].pop("schema"))
    name = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["resources"][1]
    for args, code in ((["check"], 1), (["render", "--output", str(tmp_path / "o")], 2)):
        result = _run(*args, env=_env(data))
        assert result.returncode == code, result
        _no_traceback(result)
        assert f"resource {name['name']!r} has no schema with fields" in result.stderr


def test_a_mistyped_field_type_is_found_by_check(data: Path) -> None:
    def mistype(desc: dict) -> None:
        fields = desc["resources"][0]["schema"]["fields"]
        next(f for f in fields if f["name"] == "value")["type"] = "nubmer"

    _descriptor(data, mistype)
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    _no_traceback(result)
    assert "datapackage.json: resource 'figures', field 'value': unknown type 'nubmer'; " \
           "expected one of: string, number, integer, date, boolean" in result.stderr


def test_a_claim_naming_a_missing_figure_is_found_by_check(data: Path) -> None:
    _set_cell(data / "claims.csv", "claim_grdp_top15", "figure_ids", "grdp_growth;no_such_fig")
    _update_hashes(data)
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    _no_traceback(result)
    assert "claims.csv, row 4 (id 'claim_grdp_top15'), column 'figure_ids': 'no_such_fig' is " \
           "not an id of figures" in result.stderr


def test_a_corroborating_source_must_exist(data: Path) -> None:
    _set_cell(data / "national.csv", "gdp_h1_2022", "corroborated_by", "vietnamnet-2034744;nope")
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    assert "(id 'gdp_h1_2022'), column 'corroborated_by': 'nope' is not an id of sources" \
        in result.stderr


@pytest.mark.parametrize(("content", "needle"), [
    ("1" * 5_000_000, "a run of 5,000,000 digits at line 1, column 1"),
    ("GRDP tăng 9,15%.\n" + "9" * 40 + "\n", "a run of 40 digits at line 2, column 1"),
])
def test_extract_refuses_absurd_digit_runs(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "digits.txt"
    path.write_text(content, encoding="utf-8")
    result = _run("extract", str(path))
    assert result.returncode == 2
    _no_traceback(result)
    assert str(path) in result.stderr and needle in result.stderr


# --- 5./6. positions in messages ----------------------------------------------------------

def test_a_bad_byte_is_reported_at_its_line_and_column(tmp_path: Path, data: Path) -> None:
    text = tmp_path / "report.txt"
    text.write_bytes("dòng một\ndòng hai\nGRDP t\xe1ng".encode().replace(b"\xc3\xa1", b"\xe1"))
    result = _run("extract", str(text))
    assert result.returncode == 2
    assert "at line 3, column 7 (byte " in result.stderr, result.stderr

    path = data / "region_members.csv"
    raw = path.read_bytes().split(b"\n")
    raw[2] = raw[2] + b"\xff"
    path.write_bytes(b"\n".join(raw))
    result = _run("check", env=_env(data))
    assert result.returncode == 1
    _no_traceback(result)
    line = raw[2].decode("utf-8", "replace")
    assert f"region_members.csv: not valid UTF-8 at line 3, column {len(line)}" in result.stderr


def test_a_bad_byte_in_the_sentences_file_names_its_line(tmp_path: Path, data: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, seeds)
    path = seeds / paths.SENTENCES.name
    raw = path.read_bytes().split(b"\n")
    raw[4] = b"\xfe" + raw[4]
    path.write_bytes(b"\n".join(raw))
    result = _run("check", env=_env(data, LAI_CHAU_SEEDS=str(seeds)))
    assert result.returncode == 1
    offset = sum(len(line) + 1 for line in raw[:4])
    assert f"not valid UTF-8 at line 5, column 1 (byte {offset})" in result.stderr


# --- 7. leftovers of a killed render --------------------------------------------------------

def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    (out / "en").mkdir(parents=True)
    stale = out / "en" / f".vs-prior.html.{dead.pid}.abc123.tmp"
    stale.write_bytes(b"x" * 1000)
    live = out / "en" / f".vs-prior.html.{os.getpid()}.def456.tmp"
    live.write_bytes(b"y")
    other = out / "en" / "notes.tmp"  # not ours: never touched
    other.write_bytes(b"z")
    import tempfile

    stale_dir = Path(tempfile.gettempdir()) / f"lai-chau-render-{dead.pid}-zz"
    stale_dir.mkdir()
    (stale_dir / "kernel.json").write_text("{}", encoding="utf-8")

    removed = atomic.remove_stale([out / "en"])

    assert stale in removed and stale_dir in removed
    assert not stale.exists() and not stale_dir.exists()
    assert live.exists() and other.exists()


def test_gitignore_covers_temporary_files() -> None:
    probe = ["reports/en/.vs-prior.html.123.abc.tmp", "data/.figures.csv.9.x.tmp"]
    result = subprocess.run(["git", "check-ignore", *probe], cwd=paths.ROOT,
                            capture_output=True, text=True)
    assert result.stdout.split() == probe, result


# --- 10. a corrupt cache entry is rebuilt, never trusted -------------------------------------

def test_a_truncated_cache_entry_is_dropped(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    payload = b"window.vegaEmbed = function () {};" * 100
    assert cache.write("vega", "key", payload)
    assert cache.read("vega", "key") == payload
    entry = cache.path("vega", "key")
    entry.write_bytes(entry.read_bytes()[:-10])  # a full disk, a killed copy
    assert cache.read("vega", "key") is None
    assert not entry.exists()
    entry.write_bytes(payload)  # an old-format or hand-made entry without its checksum
    assert cache.read("vega", "key") is None


def test_a_truncated_vega_bundle_is_rebuilt(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from lai_chau.present import vega

    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    good = vega._vl_convert_bundle()  # built, or read from the project cache, then stored
    entry = next((tmp_path / "cache" / "vega").iterdir())
    entry.write_bytes(entry.read_bytes()[: len(good) // 2])
    assert vega._vl_convert_bundle() == good
    assert cache.read("vega", entry.name) == good.encode("utf-8")  # rebuilt and sealed again


# --- 11. the network check looks at markup and specs, not escaped text -----------------------

@pytest.mark.parametrize("text", [
    "url(https://example.org/a.png)", '"url": "https://example.org/d.csv"',
    "<img src=https://example.org/a.png>", "@import 'https://example.org/a.css'",
])
def test_text_that_mentions_a_url_is_not_a_network_load(text: str) -> None:
    import html as html_module

    from lai_chau.present.vega import json_for_script

    spec = {"data": {"values": [{"label": text}]}, "title": text}
    page = (f"<p>{html_module.escape(text)}</p><td title=\"{html_module.escape(text)}\">x</td>"
            f"<script>\n  var spec = {json_for_script(spec)};\n  var opts = {{}};\n</script>")
    assert render.check_page(page) is None


def test_a_remote_url_in_a_chart_spec_is_named_with_its_path() -> None:
    from lai_chau.present.vega import json_for_script

    spec = {"layer": [{"data": {"url": "https://example.org/d.csv"}}]}
    page = f"<script>\n  var spec = {json_for_script(spec)};\n  var opts = {{}};\n</script>"
    problem = render.check_page(page)
    assert problem is not None
    assert "spec.layer[0].data.url = 'https://example.org/d.csv'" in problem


def test_the_remote_check_names_the_tag_and_line() -> None:
    problem = render.check_page("<html>\n<body>\n<img src='https://cdn.example/a.png'>")
    assert problem == ("the page loads from the network: <img src='https://cdn.example/a.png'> "
                       "(line 3)")


# --- 13. no absolute local path in what readers see ----------------------------------------

_LOCAL_PATH = re.compile(r"(?<![\w.:/~-])(?:/(?:work|tmp|root|home|Users|var|mnt|opt|srv)/|"
                         r"[A-Za-z]:\\)")


def test_no_absolute_local_path_in_data_notebooks_seeds_or_reports() -> None:
    found = []
    for folder in ("data", "notebooks", "seeds", "reports"):
        for path in sorted((paths.ROOT / folder).rglob("*")):
            if not path.is_file() or (path.suffix == ".ipynb" and folder == "reports"):
                continue  # executed notebooks under reports/ are run logs, not committed
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in _LOCAL_PATH.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(paths.ROOT)}:{line}: "
                             f"{text[match.start():match.start() + 40]!r}")
    assert not found, "absolute local paths that no reader has:\n  " + "\n  ".join(found[:20])


def test_the_local_path_check_has_teeth() -> None:
    assert _LOCAL_PATH.search("from the research dossier (/work/shared/research)")
    assert _LOCAL_PATH.search("C:\\Users\\me\\data.csv")
    assert not _LOCAL_PATH.search("https://example.org/home/tmp/page.html")


def test_validate_has_one_strict_number_form() -> None:
    ok = ["0", "9.15", "-2.77", "1620", "0.5"]
    bad = ["9_15", "inf", "1e3", "+1", "9.", ".5", "٩", " 1", "1 "]
    assert all(validate.PLAIN_NUMBER.fullmatch(v) for v in ok)
    assert not any(validate.PLAIN_NUMBER.fullmatch(v) for v in bad)


# --- 8./9. a dead kernel names its cell; no report depends on the one before it --------------

KERNELSPEC = {"display_name": "Python 3 (lai-chau)", "language": "python", "name": "lai-chau"}


def _notebook(path: Path, *cells: str) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [new_code_cell('lang: str = "vi"  # report language: vi or en',
                              metadata={"tags": ["parameters"]}),
                *(new_code_cell(source) for source in cells)]
    for number, cell in enumerate(nb.cells):
        cell.id = f"cell-{number}"  # the same ids in every copy: pages comparable byte for byte
    nbformat.write(nb, path)
    return path


def _matrix(directory: Path, *names: str) -> Path:
    """A matrix of these notebooks, in this order; every observer-* page gets one title."""
    text = 'languages = ["vi"]\n'
    for name in names:
        title = "observer" if name.startswith("observer") else name
        text += (f'\n[[report]]\nname = "{name}"\nnotebook = "{name}.ipynb"\n'
                 f'title_vi = "{title}"\ntitle_en = "{title}"\n')
    path = directory / f"{names[0]}-{len(names)}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dead_kernel_names_the_running_cell_and_writes_this_runs_log(tmp_path: Path) -> None:
    _notebook(tmp_path / "crash.ipynb", "print('first')",
              "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "print('never')")
    out = tmp_path / "out"
    (out / "vi").mkdir(parents=True)
    old_log = out / "vi" / "crash.ipynb"
    old_log.write_text('{"an": "older run"}', encoding="utf-8")
    for warm in (True, False):
        [outcome] = render.render(matrix=_matrix(tmp_path, "crash"), output=out, jobs=1,
                                  progress=False, warm=warm)
        assert not outcome.ok
        assert outcome.error.startswith(
            "report 'crash' (vi), crash.ipynb: cell 2 (`import os, signal`), which was running "
            "when the kernel stopped: DeadKernelError"), outcome.error
        log = json.loads(old_log.read_text(encoding="utf-8"))
        assert "older run" not in json.dumps(log)
        assert "".join(log["cells"][-2]["source"]).startswith("import os, signal")
        assert not (out / "vi" / "crash.html").exists()


# Each changes one process-wide setting a later report in the same kernel would inherit.
MUTATORS = {
    "decimal": "import decimal\ndecimal.getcontext().prec = 3\n"
               "decimal.getcontext().traps[decimal.Inexact] = True",
    "locale": "import locale\nlocale.setlocale(locale.LC_ALL, 'C.utf8')",
    "numpy": "import numpy\nnumpy.seterr(all='raise')\nnumpy.set_printoptions(precision=1)",
    "recursion": "import sys\nsys.setrecursionlimit(120)",
    # modules the kernel had loaded before the report: a rebinding costs the kernel its reuse
    "monkeypatch": "import string, textwrap\nstring.capwords = lambda *a, **k: 'patched'\n"
                   "textwrap.shorten = str.upper",
    "streams": "import sys, io\nsys.stdout = io.StringIO()",
}
OBSERVER = """
import decimal, locale, string, sys, textwrap
import numpy
print(decimal.Decimal(1) / decimal.Decimal(7), locale.setlocale(locale.LC_ALL),
      numpy.geterr()["divide"], numpy.array([1 / 3]), sys.getrecursionlimit(),
      string.capwords("lai châu"), textwrap.shorten("lai chau report", 12))
"""


@pytest.mark.slow
def test_no_report_depends_on_the_report_before_it(tmp_path: Path) -> None:
    for name, code in MUTATORS.items():
        _notebook(tmp_path / f"{name}.ipynb", code, "print('changed')")
        _notebook(tmp_path / f"observer-{name}.ipynb", OBSERVER)
    _notebook(tmp_path / "observer.ipynb", OBSERVER)
    cold = render.render(matrix=_matrix(tmp_path, "observer"), output=tmp_path / "cold",
                         jobs=1, progress=False, warm=False)
    assert all(o.ok for o in cold), [o.error for o in cold]
    expected = (tmp_path / "cold" / "vi" / "observer.html").read_bytes()
    # one warm kernel (jobs=1 runs the matrix in order): each mutator right before an observer,
    # then every mutator after the observer
    after = [n for name in MUTATORS for n in (name, f"observer-{name}")]
    for names in (after, ["observer", *MUTATORS]):
        out = tmp_path / f"warm-{names[0]}"
        outcomes = render.render(matrix=_matrix(tmp_path, *names), output=out, jobs=1,
                                 progress=False)
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        for name in names:
            if name.startswith("observer"):
                assert (out / "vi" / f"{name}.html").read_bytes() == expected, name


@pytest.mark.slow
def test_a_render_killed_with_sigkill_leaves_nothing_the_next_render_keeps(tmp_path: Path) -> None:
    import signal
    import time

    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([*LAI_CHAU, "render", "--only", "overview", "--output", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
            p.name.startswith(f"lai-chau-render-{proc.pid}-") for p in tmp.iterdir()):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = [p.name for p in tmp.iterdir() if f"-{proc.pid}-" in p.name]
    assert left, "the test should catch the render while it runs"
    # a stale temporary page too, as a write cut short would leave it
    (out / "vi").mkdir(parents=True, exist_ok=True)
    (out / "vi" / f".overview.html.{proc.pid}.abc.tmp").write_bytes(b"half a page")
    again = subprocess.run([*LAI_CHAU, "render", "--only", "overview", "--output", str(out)],
                           env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not [p.name for p in tmp.iterdir() if f"-{proc.pid}-" in p.name]
    assert not list(out.rglob("*.tmp"))
    assert (out / "vi" / "overview.html").stat().st_size > 100_000
