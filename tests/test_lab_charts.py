"""Charts in JupyterLab started by `make lab`, network blocked: run, reload, second tab, restart,
save and reopen; saved notebooks stay small."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_lab import CHROMIUM, CHROMIUM_ARGS, START_TIMEOUT, Server, _server_info

from lai_chau.base import paths
from lai_chau.render import notebooks
from lai_chau.render import run as render

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The full scenario runs on these (the one with the most charts of each kind: exploration and
# publication); every other notebook is opened, run and counted once.
FULL = ("0.0-explore.ipynb", "4.0-vs-region.ipynb", "6.0-over-time.ipynb")
MAX_SAVED_BYTES = 100_000  # a notebook saved after Run All (it was 0.9 MB with the bundle)
MAX_CHART_BYTES = 100_000  # what chart outputs may add to a saved notebook (the bundle: 0.9 MB)
RUN_TIMEOUT = 120_000  # ms, Run All of one notebook (a cold kernel on 2 cores takes ~5 s)
DRAW_TIMEOUT = 30_000  # ms

_READY = """path => { const w = window.jupyterapp?.shell.currentWidget;
  const k = w?.sessionContext?.session?.kernel;
  return w?.context?.path === path && w.context.isReady && k?.status === 'idle'
    && k.name === 'lai-chau'; }"""
# chart outputs in the notebook's model (what the kernel sent, or what the file holds)
_EXPECTED = """() => { const w = window.jupyterapp.shell.currentWidget; let n = 0;
  for (const cell of w.content.model.cells) {
    if (cell.type !== 'code') continue;
    for (let i = 0; i < cell.outputs.length; i++) {
      let html = cell.outputs.get(i).data['text/html'];
      if (Array.isArray(html)) html = html.join('');
      if (html) n += (String(html).match(/class="lc-chart"/g) || []).length;
    }
  }
  return n; }"""
_SHOWN = """() => { const w = window.jupyterapp.shell.currentWidget;
  const charts = [...w.node.querySelectorAll('.jp-OutputArea .lc-chart')];
  return [charts.length, charts.filter(c => c.querySelector('svg')).length]; }"""


@dataclass
class Lab:
    """A JupyterLab of `make lab` over a copy of notebooks/, and what its pages did."""

    server: Server
    root: Path
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    home = tmp_path_factory.mktemp("make-lab")
    root = home / "notebooks"
    shutil.copytree(paths.NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    runtime = home / "runtime"
    runtime.mkdir()
    settings = home / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')  # saves: ours
    token = secrets.token_hex(24)
    env = {k: v for k, v in os.environ.items() if k != "LAI_CHAU_CHARTS"} | {
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(home / "config"),  # the environment's config still applies
        "JUPYTER_DATA_DIR": str(home / "data"),  # notebook signatures (trust) kept here
    }
    lab_args = " ".join([
        "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.expose_app_in_browser=True",
    ])
    # exactly `make lab`, with the arguments a user may add (the Makefile adds --allow-root as root)
    command = ["make", "-s", "-C", str(paths.ROOT), "lab", f"LAB_DIR={root}",
               f"LAB_ARGS={lab_args}"]
    log_path = home / "server.log"
    log = log_path.open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        info = _server_info(runtime, process, log_path)
        assert Path(info["root_dir"]) == root, info
        server = Server(f"http://127.0.0.1:{info['port']}", token, process)
        yield Lab(server, root)
        server.api("POST", "/api/shutdown")
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        log.close()


class Tab:
    """A browser page on the Lab with one notebook open."""

    def __init__(self, context: Any, lab: Lab, name: str) -> None:
        self.lab = lab
        self.name = name
        self.page = context.new_page()
        self.page.on("console", lambda m: lab.errors.append(f"{name}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: lab.errors.append(f"{name}: {e}"))
        # `reset`: a fresh workspace, so the page shows this notebook and no other restored one
        self.url = f"{lab.server.url}/lab/tree/{name}?reset&token={lab.server.token}"
        self.page.goto(self.url)
        self.ready()

    def ready(self) -> None:
        try:
            self.page.wait_for_function(_READY, arg=self.name, timeout=START_TIMEOUT * 1000)
        except PlaywrightTimeout as exc:  # say what state the notebook was in
            state = self.page.evaluate(
                "() => { const w = window.jupyterapp?.shell.currentWidget;"
                " const k = w?.sessionContext?.session?.kernel;"
                " return [w?.context?.path, w?.context?.isReady, k?.status, k?.name]; }")
            raise AssertionError(f"{self.name} not ready (path, ready, status, kernel): {state}") \
                from exc

    def run_all(self) -> None:
        """Run All, returning when the last cell has run (JupyterLab's own promise)."""
        ok = self.page.evaluate(
            "() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        assert ok is not False, "Run All stopped on an error"
        self.ready()

    def charts(self) -> tuple[int, int]:
        """(chart outputs in the notebook, charts drawn), once every chart output has drawn or
        the draw timeout passed."""
        expected = self.page.evaluate(_EXPECTED)
        try:
            self.page.wait_for_function(
                f"n => {{ const [all, drawn] = ({_SHOWN})(); return all === n && drawn === n; }}",
                arg=expected, timeout=DRAW_TIMEOUT)
        except PlaywrightTimeout:  # the counts below say what is missing
            pass
        shown, drawn = self.page.evaluate(_SHOWN)
        assert shown == expected, f"{expected} chart outputs but {shown} chart elements"
        return expected, drawn

    def restart(self) -> None:
        self.page.evaluate("() => window.jupyterapp.shell.currentWidget"
                           ".sessionContext.restartKernel()")
        self.ready()

    def save(self) -> None:
        self.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        self.page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def _saved(path: Path) -> tuple[int, int]:
    """(bytes of the saved notebook, bytes of its chart outputs as saved); AssertionError if it
    holds the chart library (a slice of the bundle) anywhere."""
    from lai_chau.present.vega import javascript_bundle

    raw = path.read_text(encoding="utf-8")
    bundle = javascript_bundle()
    piece = bundle[len(bundle) // 2:len(bundle) // 2 + 80]
    charts = 0
    for cell in json.loads(raw)["cells"]:
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            assert piece not in html, f"{path.name} holds the chart library"
            if 'class="lc-chart"' in html:
                charts += len(json.dumps(output, indent=1, ensure_ascii=False).encode("utf-8"))
    return len(raw.encode("utf-8")), charts


def _report_charts(name: str) -> int | None:
    """Charts of the committed vi report of this notebook when it is rendered with the
    notebook's defaults (no other parameters), else None."""
    for report in render.load_matrix().reports:
        if report.notebook == name and not report.parameters:
            page = paths.REPORTS / "vi" / f"{report.name}.html"
            return page.read_text(encoding="utf-8").count('class="lc-chart"')
    return None


def test_charts_draw_in_make_lab_in_every_case_offline(lab: Lab) -> None:
    """Covers, with every non-loopback request aborted and counted: each notebook of notebooks/
    (a copy) opened and Run All, every chart output drawn (an svg in each `.lc-chart`); and for
    FULL also reload + Run All, a second tab + Run All, kernel restart + Run All, save, close and
    reopen in a new tab (charts drawn from the saved outputs, without running), and the saved
    .ipynb: no chart library in it, its chart outputs under 100 kB; every notebook is saved after
    its Run All and weighs under 100 kB. The
    counts are printed (pytest -s) for the record."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    local = (lab.server.url, lab.server.url.replace("http://", "ws://"))

    def block(route: Any) -> None:
        if route.request.url.startswith(local):
            route.continue_()
        else:
            lab.external.append(route.request.url)
            route.abort()

    names = [p.name for p in notebooks.notebook_paths(directory=lab.root)]
    assert set(FULL) <= set(names), names
    record: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.route("**/*", block)
            for name in names:
                steps: dict[str, Any] = {}
                tab = Tab(context, lab, name)
                tab.run_all()
                steps["run"] = tab.charts()
                if name in FULL:
                    tab.page.reload()
                    tab.ready()
                    tab.run_all()
                    steps["reload"] = tab.charts()
                    second = Tab(context, lab, name)
                    second.run_all()
                    steps["second tab"] = second.charts()
                    second.page.close()
                    tab.restart()
                    tab.run_all()
                    steps["restart"] = tab.charts()
                    tab.save()
                    tab.page.close()
                    reopened = Tab(context, lab, name)
                    steps["reopened"] = reopened.charts()
                    steps["saved bytes"], steps["chart bytes"] = _saved(lab.root / name)
                    tab = reopened
                else:
                    tab.save()
                    steps["saved bytes"], steps["chart bytes"] = _saved(lab.root / name)
                tab.page.close()
                record[name] = steps
        finally:
            browser.close()
    for session in lab.server.api("GET", "/api/sessions"):
        lab.server.api("DELETE", f"/api/sessions/{session['id']}")
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), **record}, indent=1))

    assert lab.external == []
    assert lab.errors == []
    for name, steps in record.items():
        for step, value in steps.items():
            if step == "chart bytes":
                assert value < MAX_CHART_BYTES, f"{name}: its charts take {value} bytes"
            if step == "saved bytes":
                assert value < MAX_SAVED_BYTES, f"{name}: saved after Run All, {value} bytes"
            if step.endswith("bytes"):
                continue
            expected, drawn = value
            assert drawn == expected, f"{name}, {step}: {drawn} of {expected} charts drew"
        assert len({steps[s][0] for s in steps if not s.endswith("bytes")}) == 1, \
            f"{name}: a different number of charts from one scenario to the next: {steps}"
        report = _report_charts(name)
        if report is not None:
            assert steps["run"][0] == report, f"{name}: {steps['run'][0]} charts, report {report}"
    assert all(record[name]["run"][0] > 0 for name in FULL), record


def test_make_lab_passes_lab_args_and_lab_dir() -> None:
    result = subprocess.run(
        ["make", "-s", "-n", "-C", str(paths.ROOT), "lab", "LAB_ARGS=--port 8899 --no-browser",
         "LAB_DIR=/tmp/elsewhere"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    command = result.stdout.replace("\\\n", " ").split()
    lab = command[command.index("lab") - 1:]
    assert lab[0].endswith("/jupyter") and "--notebook-dir=/tmp/elsewhere" in lab
    assert lab[-3:] == ["--port", "8899", "--no-browser"]  # LAB_ARGS last: they win
    assert ("--allow-root" in lab) == (os.geteuid() == 0)
