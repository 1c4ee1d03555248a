"""`lai-chau render --dask`: on dask.distributed, the local render's bytes and error messages."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest
from test_render import _matrix, _notebook, _report

from lai_chau import cli
from lai_chau.base.errors import UsageError
from lai_chau.render import distributed
from lai_chau.render import run as render

LANG = 'lang: str = "vi"  # report language'


@pytest.mark.slow
def test_the_matrix_on_a_two_worker_local_cluster_gives_the_local_bytes(
    rendered_reports, tmp_path: Path
) -> None:
    outcomes = render.render(output=tmp_path, jobs=2, dask=True, progress=False)
    assert all(o.ok and not o.skipped for o in outcomes), [o.error for o in outcomes]
    local = sorted(p.relative_to(rendered_reports.output)
                   for p in rendered_reports.output.rglob("*.html"))
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.html")) == local
    for page in local:
        assert (tmp_path / page).read_bytes() == \
            (rendered_reports.output / page).read_bytes(), page


@pytest.mark.slow
def test_a_failing_report_on_a_worker_reads_as_in_a_local_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from distributed import LocalCluster

    _notebook(tmp_path / "good.ipynb", LANG, "print('xin chào')")
    _notebook(tmp_path / "bad.ipynb", LANG, "total = 10",
              "share = total / 0  # the failing cell\nprint(share)")
    matrix = _matrix(tmp_path / "reports.toml", _report("good", "good.ipynb"),
                     _report("bad", "bad.ipynb"))
    out = tmp_path / "out"
    (out / "vi").mkdir(parents=True)
    previous = b"<!DOCTYPE html><p>the previous bad report</p>"
    (out / "vi" / "bad.html").write_bytes(previous)
    # a scheduler given by its address (the render does not own this cluster)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        code = cli.main(["render", "--matrix", str(matrix), "--output", str(out),
                         "--dask", cluster.scheduler_address])
    err = capsys.readouterr().err
    assert code == 1
    assert "1 report(s) failed" in err
    assert ("report 'bad' (vi), bad.ipynb: cell 3 (`share = total / 0  # the failing cell`): "
            "ZeroDivisionError: division by zero") in err
    assert (out / "vi" / "bad.html").read_bytes() == previous
    assert "xin chào" in (out / "vi" / "good.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "vi").iterdir()) == [
        "bad.html", "bad.ipynb", "good.html", "good.ipynb"]  # written by the client, no temp


def test_without_dask_the_option_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _notebook(tmp_path / "a.ipynb", LANG, "1")
    matrix = _matrix(tmp_path / "reports.toml", _report("a", "a.ipynb"))
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else find_spec(name, *a))
    assert cli.main(["render", "--matrix", str(matrix), "--output", str(tmp_path / "o"),
                     "--dask"]) == 2
    assert "--dask needs dask.distributed, which is not installed; install the optional extra " \
           "with `pip install -e '.[dask]'`" in capsys.readouterr().err
    monkeypatch.setattr(distributed, "Client", None)
    with pytest.raises(UsageError, match=r"pip install -e '\.\[dask\]'"):
        render.render(matrix=matrix, output=tmp_path / "o", dask=True, progress=False)
    assert not (tmp_path / "o").exists()  # refused before anything ran
