"""`jupyter nbconvert --to html --template lai-chau` on an executed notebook: the offline page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM, Visit

from lai_chau.base import paths
from lai_chau.render import page as pages

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
NOTEBOOK = "1.0-overview.ipynb"


def _cell_text(notebook: Path, tag: str) -> str:
    """The source of the first cell of `notebook` tagged `tag`."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join(next(c for c in cells if tag in c.get("metadata", {}).get("tags", []))["source"])


def test_the_installed_template_is_the_projects() -> None:
    # `make install` links it (an editable install leaves data-files out); pip copies it
    installed = Path(sys.prefix) / "share" / "jupyter" / "nbconvert" / "templates" / "lai-chau"
    assert installed.is_dir(), f"{installed} is missing: run `make install`"
    for source in sorted((paths.TEMPLATES / "lai-chau").iterdir()):
        assert (installed / source.name).read_bytes() == source.read_bytes(), \
            f"{installed / source.name} differs from the repository's: run `make install`"


@pytest.mark.browser
def test_nbconvert_with_the_lai_chau_template_gives_the_offline_page(tmp_path: Path) -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    source = paths.NOTEBOOKS / NOTEBOOK
    env = {k: v for k, v in os.environ.items() if k != "LAI_CHAU_CHARTS"}  # as a user runs it
    executed = tmp_path / "executed.ipynb"
    run = subprocess.run(
        [str(BIN / "papermill"), "-k", "lai-chau", "--cwd", str(paths.NOTEBOOKS), "-p", "lang",
         "en", str(source), str(executed)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    # the exact command line of the README, in the notebook's directory
    convert = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--template", "lai-chau",
         "executed.ipynb"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert convert.returncode == 0, convert.stderr[-2000:]
    page = (tmp_path / "executed.html").read_text(encoding="utf-8")

    assert pages.check_page(page, pages.bundle()) is None
    assert page.count(pages.bundle().strip()) == 1  # the chart JavaScript once, in <head>
    assert page.index(pages.bundle().strip()) < page.index("<body")
    assert '<html lang="en"' in page  # from papermill's `lang` parameter
    lowered = page.lower()
    assert "require.js" not in lowered and "mathjax" not in lowered
    assert 'class="jp-InputArea' not in page and "In&nbsp;[" not in page  # no code, no prompts
    for tag in ("remove-cell", "parameters"):
        hidden = _cell_text(source, tag).splitlines()[0]
        assert hidden not in page, f"the {tag} cell is on the page"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            visit = Visit(browser, (tmp_path / "executed.html").as_uri())
            drawn = visit.charts_drawn()
            assert visit.external == []
            assert visit.errors == []
        finally:
            browser.close()
    report = (paths.REPORTS / "en" / "overview.html").read_text(encoding="utf-8")
    assert drawn == report.count('class="lc-chart"') > 0  # every chart of the report drew
