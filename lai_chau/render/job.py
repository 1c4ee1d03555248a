"""One (report, language) rendered: its notebook executed by papermill on a warm or new kernel,
its log kept, its page written atomically, or its failure described (cell and error)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lai_chau.base.deferred import defer_iri_grammar

defer_iri_grammar()  # before nbformat imports jsonschema: ~1 s saved, see lai_chau/base/deferred.py

import nbformat  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from lai_chau.base import atomic  # noqa: E402
from lai_chau.present.matrix import _show  # noqa: E402
from lai_chau.render.incremental import Job  # noqa: E402
from lai_chau.render.page import bundle as page_bundle  # noqa: E402
from lai_chau.render.page import check_page, to_html  # noqa: E402

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"  # the banners papermill adds to a failed run
CELL_TIMEOUT = 600  # seconds per cell: a cell running longer is treated as a failure
MAX_SOCKET_PATH = 100  # bytes of a Unix socket path (sun_path is 108 on Linux, 104 on macOS)
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass
class Outcome:
    """What became of a job: ok with the HTML's size, or the error to show."""

    job: Job
    ok: bool
    error: str = ""
    seconds: float = 0.0
    size: int = 0
    reasons: tuple[str, ...] = ()  # why it was rendered (lai_chau.render.incremental)
    skipped: bool = False  # up to date: not rendered, its page kept


@dataclass
class Result:
    """What executing a job gave, before anything is written: the page and the run's log as
    bytes, so that the process that writes them (the render's) may not be the one that executed
    them (a worker of a process pool or of dask.distributed)."""

    job: Job
    ok: bool
    error: str = ""
    seconds: float = 0.0
    html: bytes | None = None
    log: bytes | None = None  # the executed notebook; None: no log (an older one is removed)
    interrupted: bool = False  # then nothing is written, not even the log


_stop = threading.Event()
_kernels: weakref.WeakSet[AsyncKernelManager] = weakref.WeakSet()


class ReportKernelManager(AsyncKernelManager):
    """A kernel for a report: charts in `report` mode (the page carries the JavaScript), and
    known to the render so an interrupted render can stop it."""

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if kw.get("cwd"):
            # IPC sockets in the job's own temporary directory: no TCP ports to clash over
            # (and no ipykernel warning about unencrypted TCP on every start), unless the path
            # would pass the length of a Unix socket address (a deep $TMPDIR): then loopback TCP.
            sockets = os.path.join(kw["cwd"], "kernel")
            if len(sockets) + len("-99") <= MAX_SOCKET_PATH:
                self.transport = "ipc"
                self.ip = sockets
            # and the connection file too: nothing of a killed render stays in Jupyter's
            # runtime directory (the private directory is swept by atomic.remove_stale)
            self.connection_file = os.path.join(kw["cwd"], "kernel-connection.json")
        env = dict(kw.pop("env", None) or os.environ)
        env["LAI_CHAU_CHARTS"] = "report"
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)

    async def _async_post_start_kernel(self, **kw: Any) -> None:
        await super()._async_post_start_kernel(**kw)
        _kernels.add(self)
        if _stop.is_set():
            _kill(self)


def _kill(km: AsyncKernelManager) -> None:
    pid = getattr(km.provisioner, "pid", None)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _first_line(value: Any) -> str:
    """The first non-empty line of a message, without ANSI colour codes (nbclient's timeout
    and kernel errors run over several lines and quote the cell's source)."""
    return next((line.strip() for line in ANSI.sub("", str(value)).splitlines() if line.strip()),
                "")


def _failed_cell(executed: Any, notebook: Path) -> str:
    """Which cell of `notebook` (as written) failed in `executed`, e.g. 'cell 3 (`x = 1 / 0`)'.

    Found by position: the cells papermill inserts (the injected parameters, the error banners
    tagged papermill-error-cell-tag) are not counted. Ids are only a cross-check: a notebook may
    have none or the same id twice."""
    index = 0  # of the executed cell in the notebook as written
    for item in executed.cells:
        tags = item.get("metadata", {}).get("tags", [])
        if PAPERMILL_ERROR_TAG in tags:
            continue
        failed = any(o.get("output_type") == "error" for o in item.get("outputs", [])) or \
            bool(item.get("metadata", {}).get("papermill", {}).get("exception"))
        if "injected-parameters" in tags:
            if failed:
                return "the injected parameters"
            continue
        if not failed:
            index += 1
            continue
        cells = nbformat.read(notebook, as_version=4).cells
        if index >= len(cells) or cells[index].source != item.get("source", ""):
            # the notebook changed since it ran: fall back on a unique id, if any
            same = [n for n, cell in enumerate(cells)
                    if item.get("id") and cell.get("id") == item.get("id")]
            index = same[0] if len(same) == 1 else index
        return f"cell {index} (`{_first_line(item.get('source', ''))}`)"
    # No cell has an error: the kernel died (or the run stopped) in the last cell that started
    # (papermill marks every cell 'completed' when a run ends, so its start time tells).
    index, last = 0, None
    for item in executed.cells:
        tags = item.get("metadata", {}).get("tags", [])
        if PAPERMILL_ERROR_TAG in tags:
            continue
        started = item.get("metadata", {}).get("papermill", {}).get("start_time")
        if "injected-parameters" in tags:
            last = "the injected parameters" if started else last
            continue
        if started and item.get("cell_type") == "code":
            last = f"cell {index} (`{_first_line(item.get('source', ''))}`)"
        index += 1
    return f"{last}, which was running when the kernel stopped" if last else ""


def _describe_failure(job: Job, executed: Any, exc: BaseException) -> str:
    """'report 'x' (vi): cell 3 (`line`) raised NameError: ...' from the executed notebook."""
    where = f"report {job.name!r} ({job.lang}), {job.notebook.name}"
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = _first_line(getattr(exc, "evalue", exc))
    cell = _failed_cell(executed, job.notebook) if executed is not None else ""
    if not cell:
        cell = "before any cell ran"
    why = f"{ename}: {evalue}" if evalue else ename
    return f"{where}: {cell}: {why}"


def render_job(job: Job, bundle: str | None = None, kernels: Any = None) -> Outcome:
    """Execute one job's notebook, keep its log, and write its HTML if everything succeeded.

    A warm job runs on a kernel of `kernels` (a lai_chau.render.kernels.KernelPool), by default this
    process's pool."""
    return write_result(execute_job(job, bundle, kernels))


def execute_job(job: Job, bundle: str | None = None, kernels: Any = None) -> Result:
    """Execute one job's notebook and convert it to its page, writing nothing in the output
    directory: the page and the log come back as bytes (write_result writes them). This is what
    a worker of another process runs (picklable arguments, picklable result)."""
    import papermill

    from lai_chau.render import kernels as engine

    started = time.perf_counter()
    warm = ({"engine_name": engine.ENGINE, "kernel_pool": kernels} if job.warm
            else {"engine_name": engine.COLD_ENGINE})
    if _stop.is_set():
        return Result(job, False, "not started: the render was interrupted", interrupted=True)
    executed = None
    error: BaseException | None = None
    log: bytes | None = None
    workdir = atomic.temp_dir("render")
    try:
        partial = Path(workdir) / "executed.ipynb"
        try:
            executed = papermill.execute_notebook(
                str(job.notebook), str(partial), parameters=job.parameters,
                kernel_name=job.kernel, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT,
                kernel_manager_class=ReportKernelManager,
                shutdown_kernel="immediate",  # every cell has run: no graceful goodbye needed
                resources={"metadata": {"path": workdir}},  # the kernel's cwd, not ours
                **warm,  # a reused kernel, prepared like a new one (else a new one)
            )
        except Exception as exc:  # a failing cell, a kernel that died or never started
            error = exc
        if error is not None and partial.exists():
            executed = nbformat.read(partial, as_version=4)
        elif error is not None:  # a dead kernel: papermill saved nothing; the engine kept it
            executed = getattr(error, "executed_notebook", None)
        if _stop.is_set():
            return Result(job, False, "interrupted", time.perf_counter() - started,
                          interrupted=True)
        # this run's executed notebook is the job's log: what papermill saved, else the
        # notebook as far as it ran (a dead kernel), else none
        if partial.exists():
            log = partial.read_bytes()
        elif executed is not None:
            log = nbformat.writes(executed).encode("utf-8")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if error is not None:
        return Result(job, False, _describe_failure(job, executed, error),
                      time.perf_counter() - started, log=log)
    bundle = bundle if bundle is not None else page_bundle()
    page = to_html(executed, job.lang, job.title, bundle)
    problem = check_page(page, bundle)
    if problem:
        return Result(job, False, f"report {job.name!r} ({job.lang}): {problem}",
                      time.perf_counter() - started, log=log)
    return Result(job, True, "", time.perf_counter() - started, html=page.encode("utf-8"),
                  log=log)


def write_result(result: Result) -> Outcome:
    """Write what executing a job gave: its log (an older run's log never stands for this
    one), then its page if it succeeded; each atomically. Nothing after an interrupt."""
    job = result.job
    if result.interrupted or _stop.is_set():
        return Outcome(job, False, result.error or "interrupted", result.seconds)
    try:
        if result.log is not None:
            atomic.write_bytes(job.log, result.log)
        else:
            job.log.unlink(missing_ok=True)
    except OSError as exc:
        return Outcome(job, False, _write_failure(job, job.log, exc), result.seconds)
    if not result.ok or result.html is None:
        return Outcome(job, False, result.error, result.seconds)
    try:
        atomic.write_bytes(job.html, result.html)
    except OSError as exc:
        return Outcome(job, False, _write_failure(job, job.html, exc), result.seconds)
    return Outcome(job, True, "", result.seconds, len(result.html))


def _write_failure(job: Job, path: Path, exc: OSError) -> str:
    return (f"report {job.name!r} ({job.lang}): cannot write {_show(path)}: "
            f"{exc.strerror or exc}; the previous file (if any) is unchanged; free space or "
            "make the directory writable, or choose another --output")
