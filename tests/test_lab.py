"""JupyterLab as `make lab` starts it: notebooks listed, our kernel runs, charts draw offline."""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

from lai_chau.base import paths
from lai_chau.render import notebooks

pytestmark = pytest.mark.slow

JUPYTER = Path(sys.executable).parent / "jupyter"
OVERVIEW = "1.0-overview.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 60.0  # seconds; a cold start on 2 cores takes about 2 s
REPLY_TIMEOUT = 60.0


@dataclass
class Server:
    url: str
    token: str
    process: subprocess.Popen[bytes]

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urlopen(request, timeout=REPLY_TIMEOUT) as response:
            text = response.read().decode()
        return json.loads(text) if text else None


def _server_info(runtime: Path, process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    """Wait (bounded) until the server writes its jpserver-<pid>.json, i.e. it is listening."""
    deadline = START_TIMEOUT
    step = 0.05
    while deadline > 0:
        for info in runtime.glob("jpserver-*.json"):
            try:
                return json.loads(info.read_text())
            except json.JSONDecodeError:  # being written
                pass
        try:
            process.wait(timeout=step)  # doubles as the poll interval
        except subprocess.TimeoutExpired:
            deadline -= step
            continue
        tail = log.read_text(errors="replace")[-2000:]
        raise AssertionError(f"jupyter lab exited early with code {process.returncode}:\n{tail}")
    raise AssertionError(f"jupyter lab did not start within {START_TIMEOUT} s")


def _snapshot() -> dict[str, bytes | None]:
    """Every file of notebooks/ with its bytes, and whether a checkpoint directory exists."""
    files: dict[str, bytes | None] = {
        p.name: p.read_bytes() for p in sorted(paths.NOTEBOOKS.iterdir()) if p.is_file()
    }
    files[".ipynb_checkpoints"] = None if (paths.NOTEBOOKS / ".ipynb_checkpoints").exists() else b""
    return files


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("jupyter")
    runtime = home / "runtime"
    runtime.mkdir()
    # The browser test opens a notebook of notebooks/ and runs it: autosave off, checkpoints kept
    # in the temporary directory, and the files compared before and after: notebooks/ is untouched.
    settings = home / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    token = secrets.token_hex(24)
    env = {k: v for k, v in os.environ.items() if k != "LAI_CHAU_CHARTS"} | {
        "JUPYTER_RUNTIME_DIR": str(runtime),
        # Keep the user's Jupyter config and workspaces out of the test, and the test out of them.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
    }
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",  # the OS picks a free port; the runtime file tells which
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={paths.NOTEBOOKS}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, for the browser test
        f"--FileCheckpoints.root_dir={home / 'checkpoints'}",  # opening a notebook makes one
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root
        command.append("--allow-root")
    before = _snapshot()
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        info = _server_info(runtime, process, home / "server.log")
        assert info["hostname"] in {"127.0.0.1", "localhost"}, info
        running = Server(f"http://127.0.0.1:{info['port']}", token, process)
        yield running
        running.api("POST", "/api/shutdown")
        assert process.wait(timeout=30) == 0
        assert _snapshot() == before, "the Jupyter server changed files in notebooks/"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()


def _execute(server: Server, kernel_id: str, code: str) -> tuple[str, list[str]]:
    """Run code in a server-side kernel through its websocket channel; (stdout, errors)."""
    import websocket  # websocket-client, a jupyter_server dependency

    ws_url = server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    ws = websocket.create_connection(
        ws_url, header=[f"Authorization: token {server.token}"], timeout=REPLY_TIMEOUT
    )
    msg_id = uuid.uuid4().hex
    session = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": session,
                    "version": "5.3",
                    "date": "",
                },
                "parent_header": {},
                "metadata": {},
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    stdout, errors = [], []
    try:
        while True:  # bounded by the socket timeout
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                break
    finally:
        ws.close()
    return "".join(stdout), errors


def test_lab_lists_the_notebooks_and_runs_the_lai_chau_kernel(server: Server) -> None:
    listed = {item["name"] for item in server.api("GET", "/api/contents")["content"]}
    expected = {p.name for p in notebooks.notebook_paths()}
    assert expected, "notebooks/ holds no notebook"
    assert expected <= listed

    specs = server.api("GET", "/api/kernelspecs")["kernelspecs"]
    assert notebooks.KERNEL_NAME in specs, sorted(specs)
    spec = specs[notebooks.KERNEL_NAME]["spec"]
    assert spec["display_name"] == notebooks.KERNELSPEC["display_name"]

    page = urlopen(Request(f"{server.url}/lab?token={server.token}"), timeout=REPLY_TIMEOUT)
    assert page.status == 200 and b"JupyterLab" in page.read()

    kernel = server.api("POST", "/api/kernels", {"name": notebooks.KERNEL_NAME})
    try:
        out, errors = _execute(
            server,
            kernel["id"],
            "import sys, lai_chau\nprint(sys.prefix)\nprint(len(lai_chau.figures()))",
        )
    finally:
        server.api("DELETE", f"/api/kernels/{kernel['id']}")
    assert errors == []
    with paths.data_file("figures.csv").open(encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    assert out.split() == [sys.prefix, str(rows)]
    assert server.api("GET", "/api/kernels") == []


@pytest.mark.browser
def test_charts_draw_in_lab_with_the_network_blocked(server: Server) -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    local = (server.url, server.url.replace("http://", "ws://"))
    external: list[str] = []
    errors: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith(local):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", block)
            page.goto(f"{server.url}/lab/tree/{OVERVIEW}?token={server.token}")
            page.wait_for_function(
                "() => { const w = window.jupyterapp?.shell.currentWidget;"
                " const k = w?.sessionContext?.session?.kernel;"
                " return w?.context?.isReady && k?.status === 'idle' && k.name === 'lai-chau'; }",
                timeout=START_TIMEOUT * 1000,
            )
            page.evaluate("void window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(
                "() => { const c = document.querySelectorAll('.jp-OutputArea .lc-chart');"
                " return c.length > 0 && [...c].every(e => e.querySelector('svg, canvas')); }",
                timeout=REPLY_TIMEOUT * 1000,
            )
            drawn = page.locator(".jp-OutputArea .lc-chart").count()
        finally:
            browser.close()
    sessions = server.api("GET", "/api/sessions")
    for session in sessions:
        server.api("DELETE", f"/api/sessions/{session['id']}")
    assert [s["kernel"]["name"] for s in sessions] == [notebooks.KERNEL_NAME]
    assert drawn >= 1
    assert external == []
    assert errors == []
