"""`lai-chau render`: execute the report notebooks with papermill and write offline HTML reports.

The matrix (notebooks/reports.toml) lists each report: a name, a notebook, a title per language
and parameters; every report is rendered in every language of the matrix. For each (report,
language) the render

1. checks the parameters against the notebook (`papermill.inspect_notebook`: names and annotated
   types) and against the allowed values (ALLOWED), for every job to render before executing any;
2. executes the notebook with papermill's Python API, with the `lai-chau` kernel, in an empty
   temporary directory, several at a time (threads: each waits on its own kernel process); each
   worker reuses one kernel, reset between reports (lai_chau.render.kernels: ~1.3 s of start-up and
   imports paid once per worker instead of once per report);
3. converts the executed notebook to HTML where it ran (a thread of this process, or a worker
   process; nbconvert, the lai-chau template: no code, no parameter cells, no CDN, the chart
   JavaScript once per page), and this process writes reports/<lang>/<name>.html atomically;
   the executed notebook is kept beside it as reports/<lang>/<name>.ipynb (the run's log, also
   when the run failed), and what the page was built from in <output>/.build/;
4. writes reports/index.html linking every report in both languages.

Only what changed is rendered (lai_chau.render.incremental): a report whose build record says
it was built from the inputs it has now, into the page it has now, is skipped, and the index is
written only when its bytes change; `force` renders everything. The jobs run on this process's
threads, on any concurrent.futures executor, or on dask.distributed (lai_chau.render.distributed);
in every case this process writes the pages, logs and records.

A failing report names its cell and error; it writes no HTML (the previous report stays), the
others still render, and the command exits 1 listing the failures. Ctrl-C or SIGTERM stops the
kernels, writes nothing more and exits 130 (SIGINT) or 143 (SIGTERM).

Why one module of ~530 lines: the whole render's control flow, its signal handling and its
summary belong together; the stages it drives are in matrix, params, incremental, job, page
and distributed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import dataclasses
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from lai_chau.base import atomic, paths
from lai_chau.base.errors import DataError, LaiChauError, UsageError
from lai_chau.present.matrix import KERNEL, MATRIX, Matrix, Report, _show, load_matrix
from lai_chau.render import incremental
from lai_chau.render.job import (
    CELL_TIMEOUT,
    Job,
    Outcome,
    ReportKernelManager,
    Result,
    _describe_failure,
    _failed_cell,
    _first_line,
    _kernels,
    _kill,
    _stop,
    execute_job,
    render_job,
    write_result,
)
from lai_chau.render.page import (
    MAX_BYTES,
    _clean,
    _exporter,
    _exporter_lock,
    _exporters,
    check_page,
    index_page,
    to_html,
)
from lai_chau.render.page import bundle as _bundle
from lai_chau.render.params import ALLOWED, check_parameters

# What `lai_chau.render.run` offers besides render() and main(): the stages it drives, by name.
__all__ = [
    "ALLOWED",
    "CELL_TIMEOUT",
    "KERNEL",
    "MATRIX",
    "MAX_BYTES",
    "Job",
    "Matrix",
    "Outcome",
    "OutputError",
    "RenderInterrupted",
    "Report",
    "ReportKernelManager",
    "Result",
    "_clean",
    "_describe_failure",
    "_exporter",
    "_exporters",
    "_failed_cell",
    "_first_line",
    "check_page",
    "check_parameters",
    "execute_job",
    "index_page",
    "load_matrix",
    "main",
    "plan",
    "preflight",
    "prepare_output",
    "render",
    "render_job",
    "summary",
    "to_html",
    "write_result",
]

class RenderInterrupted(LaiChauError):
    """The render was stopped by SIGINT or SIGTERM; nothing more was written."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}; reports already written "
                         "are complete, the others were left as they were")


def plan(
    matrix: Matrix,
    notebooks: Path,
    output: Path,
    only: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    select: Collection[tuple[str, str]] | None = None,
) -> list[Job]:
    """The jobs to run, every parameter checked first; UsageError listing every problem.
    `select`: only these (report, language) pairs (the others are up to date)."""
    import papermill
    from jupyter_client.kernelspec import find_kernel_specs

    selected = [r for name in dict.fromkeys(only) for r in matrix.select(name)] \
        if only else matrix.reports
    if select is not None:
        selected = [r for r in selected if any((r.name, lang) in select for lang in r.languages)]
    problems: list[str] = []
    kernels = find_kernel_specs()
    if matrix.kernel not in kernels:
        problems.append(f"{_show(matrix.path)}: 'kernel' = {matrix.kernel!r} is not an installed "
                        f"Jupyter kernel; installed: {', '.join(sorted(kernels)) or 'none'} "
                        f"(`make install` registers {KERNEL!r})")
    jobs: list[Job] = []
    declared_cache: dict[Path, dict[str, Any]] = {}
    for report in selected:
        notebook = Path(notebooks) / report.notebook
        if not notebook.is_file():
            problems.append(f"report {report.name!r}: notebook {_show(notebook)} not found")
            continue
        if notebook not in declared_cache:
            problem = _cell_id_problem(notebook)
            if problem:
                problems.append(f"report {report.name!r}: {problem}")
                continue
            declared_cache[notebook] = papermill.inspect_notebook(str(notebook))
        declared = declared_cache[notebook]
        if "lang" in report.parameters:
            problems.append(f"report {report.name!r}: parameter 'lang' is set per language by "
                            f"'languages' in {_show(matrix.path)}; remove it from 'parameters'")
            continue
        for lang in report.languages:
            if (langs and lang not in langs) or (select is not None and
                                                 (report.name, lang) not in select):
                continue
            params = {"lang": lang, **report.parameters}
            found = check_parameters(report.name, lang, notebook, params, declared)
            problems += found
            if not found:
                jobs.append(incremental.job_for(matrix, report.name, lang, notebook,
                                                report.titles[lang], report.parameters, output))
    if problems:
        raise UsageError("refusing to render; nothing was executed:\n  " + "\n  ".join(problems))
    return jobs


def _cell_id_problem(notebook: Path) -> str | None:
    """Why `notebook` cannot be rendered deterministically: without (distinct) cell ids, i.e.
    below nbformat 4.5, nbformat invents random ids that would end up in the HTML."""
    try:
        raw = json.loads(notebook.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"notebook {_show(notebook)} is not valid JSON ({exc})"
    version = (raw.get("nbformat", 0), raw.get("nbformat_minor", 0))
    cells = raw.get("cells", [])
    ids = [cell.get("id") for cell in cells if isinstance(cell, dict)]
    if version < (4, 5) or any(not isinstance(i, str) or not i for i in ids) or \
            len(set(ids)) != len(ids):
        return (f"notebook {_show(notebook)} is nbformat {version[0]}.{version[1]} or lacks "
                "distinct cell ids (nbformat 4.5 gives every cell a stable id; without one the "
                "page would get random ids); run `make notebooks` to upgrade it")
    return None


def _bundle_quietly() -> None:
    """_bundle() in the background: an error here is reported by the render's own call."""
    try:
        _bundle()
    except Exception:  # the foreground call raises it again, with the render's report
        pass


def _warm_up_quietly() -> None:
    """The bundle, then this process's HTML exporter, in the background (errors are reported
    by the render's own calls)."""
    _bundle_quietly()
    try:
        with _exporter_lock:
            _exporter()
    except Exception:  # to_html() raises it again, naming the report
        pass


# --- the whole render ---------------------------------------------------------------------------

def render(
    *,
    only: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    jobs: int | None = None,
    executor: cf.Executor | None = None,
    matrix: Path = MATRIX,
    notebooks: Path | None = None,
    output: Path | None = None,
    progress: bool = True,
    warm: bool = True,
    force: bool = False,
    dask: bool | str = False,
) -> list[Outcome]:
    """Render the matrix's reports (all, or `only` these names, in `langs`); return each outcome.

    Incremental: a report whose build record (lai_chau.render.incremental) says it was rendered
    from the inputs it has now, into the HTML it has now, is not rendered again (its outcome is
    `skipped`); with nothing to render no kernel starts and only an index whose bytes would
    change is written. `force` renders every selected report.

    `executor` runs the jobs (any concurrent.futures.Executor: a process pool or a distributed
    one works too, since jobs and their results are picklable; this process writes the pages);
    by default a thread pool of `jobs` workers (default: the number of cores). `dask` runs them
    on dask.distributed instead: True starts a LocalCluster on 127.0.0.1 (`jobs` worker
    processes of one thread), a string is a scheduler's address. `notebooks` defaults to the
    matrix file's directory, `output` to reports/ (LAI_CHAU_REPORTS). With `warm` (the default)
    each worker reuses a prepared kernel from one report to the next (lai_chau.render.kernels; a
    process keeps its own); with the default executor they are started while the parameters are
    checked and stopped at the end. `warm=False` starts a new kernel per report. Raises
    UsageError before executing anything if a parameter is wrong, RenderInterrupted on
    SIGINT/SIGTERM.
    """
    parsed = load_matrix(Path(matrix))
    notebooks = Path(notebooks) if notebooks is not None else Path(matrix).resolve().parent
    output = Path(output) if output is not None else paths.REPORTS
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if dask and executor is not None:
        raise UsageError("give either an executor or dask, not both")
    if dask:
        from lai_chau.render import distributed

        distributed.require()  # before anything runs
    own = executor is None and not dask
    _stop.clear()
    kernels = None
    pool: cf.Executor | None = None
    outcomes: dict[int, Outcome] = {}
    stack = contextlib.ExitStack()
    starting: cf.Future[cf.Executor] | None = None
    decisions: list[incremental.Decision] = []
    # From the first check to the index, a signal unwinds the same way: kernels stopped, no
    # traceback, nothing half-written (every write is atomic).
    try:
        if output.exists() and not output.is_dir():
            prepare_output(output, [])  # which names the problem
        decisions = incremental.decide(
            incremental.jobs(parsed, notebooks, output, only, langs), output, force)
        if not any(d.stale for d in decisions):
            # Nothing to execute: no check, no kernel, no page written.
            for number, decision in enumerate(decisions):
                outcomes[number] = Outcome(decision.job, True, size=_size(decision.job.html),
                                           skipped=True)
            _write_index(parsed, output, outcomes)
            return [outcomes[number] for number in range(len(decisions))]
        workers = min(jobs or os.cpu_count() or 1, sum(d.stale for d in decisions))
        # an output that cannot take the pages is refused before any kernel starts (nothing
        # is created yet: prepare_output does that after the checks)
        _refuse_files(output, sorted({d.job.lang for d in decisions if d.stale}))
        if own and warm:
            from lai_chau.render import kernels as engine

            kernels = engine.KernelPool(ReportKernelManager)  # this render's, stopped at its end
            kernels.prestart(parsed.kernel, workers)  # one per worker, warming while we check
        if dask:
            # The cluster (its workers, their kernels) starts while the checks run.
            starting = cf.Future()
            threading.Thread(target=_enter, args=(stack, distributed.executor(
                dask if isinstance(dask, str) else None, workers, parsed.kernel), starting),
                name="lai-chau-dask-start", daemon=True).start()
        else:
            # The bundle is read from the cache (or built, ~1.3 s) and the HTML exporter
            # compiled while the kernels start and the checks run.
            threading.Thread(target=_warm_up_quietly, name="lai-chau-warm-up",
                             daemon=True).start()
        # The checks' answer depends on the data, seed, source and versions only: a render
        # into this directory that passed them on the same inputs spares them (and pandas).
        if not incremental.checked_before(decisions, output):
            preflight()
            incremental.passed_checks(decisions[0].inputs)
        stale = {(d.job.name, d.job.lang) for d in decisions if d.stale}
        planned = {(job.name, job.lang): job
                   for job in plan(parsed, notebooks, output, only, langs, select=stale)}
        prepare_output(output, sorted({job.lang for job in planned.values()}))
        todo: dict[int, Job] = {}
        for number, decision in enumerate(decisions):
            job = planned.get((decision.job.name, decision.job.lang), decision.job)
            if decision.stale:
                todo[number] = job if warm else dataclasses.replace(job, warm=False)
            else:
                outcomes[number] = Outcome(job, True, size=_size(job.html), skipped=True)
        if starting is not None:
            pool = starting.result()
        else:
            pool = executor or cf.ThreadPoolExecutor(max_workers=workers,
                                                     thread_name_prefix="lai-chau-render")
        # a thread of this process uses this render's kernels; a worker process its own (and
        # the bundle from the project cache under dask, rather than 1 MB shipped per report)
        from tqdm import tqdm

        args = (None, kernels) if own else (None,) if dask else (_bundle(),)
        futures = {pool.submit(execute_job, job, *args): number for number, job in todo.items()}
        with tqdm(total=len(todo), desc="render", unit="report", file=sys.stderr,
                  disable=None if progress else True, leave=False) as bar:
            for future in cf.as_completed(futures):
                number = futures[future]
                job, decision = todo[number], decisions[number]
                try:
                    result: Result | None = future.result()
                    outcome = write_result(result)
                except Exception as exc:  # an error in the render itself, not in the notebook
                    result = None
                    outcome = Outcome(job, False, f"report {job.name!r} ({job.lang}): "
                                                  f"{type(exc).__name__}: {_first_line(exc)}")
                outcome.reasons = decision.reasons
                outcomes[number] = outcome
                if outcome.ok and result is not None:
                    incremental.record(job, output, decision.inputs, result.html)
                elif not _stop.is_set() and not (result is not None and result.interrupted):
                    incremental.record(job, output, decision.inputs, None, outcome.error)
                bar.set_postfix_str(f"{job.lang}/{job.name}", refresh=False)
                bar.update()
        _write_index(parsed, output, outcomes)
    except KeyboardInterrupt:
        _interrupt(pool)
        raise RenderInterrupted(signal.SIGINT) from None
    except _Terminated:
        _interrupt(pool)
        raise RenderInterrupted(signal.SIGTERM) from None
    finally:
        if own and pool is not None:
            pool.shutdown(wait=not _stop.is_set(), cancel_futures=True)
        if starting is not None:  # a cluster still starting is closed once it has started
            cf.wait([starting])
        stack.close()  # the dask client (and its LocalCluster)
        if kernels is not None:  # after an interrupt, workers may still hold their clients
            kernels.shutdown(close_clients=not _stop.is_set())
    return [outcomes[number] for number in range(len(decisions))]


def _enter(stack: contextlib.ExitStack, context: Any, future: cf.Future) -> None:
    """Enter `context` on `stack` (in a thread of its own), its value or error into `future`."""
    try:
        future.set_result(stack.enter_context(context))
    except BaseException as exc:
        future.set_exception(exc)


def _size(path: Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _write_index(matrix: Matrix, output: Path, outcomes: dict[int, Outcome]) -> None:
    """Write <output>/index.html, only if its bytes change; OutputError if it cannot be."""
    index = Path(output) / "index.html"
    data = index_page(matrix, output).encode("utf-8")
    try:
        if index.is_file() and index.read_bytes() == data:
            return
        atomic.write_bytes(index, data)
    except OSError as exc:
        raise OutputError(f"cannot write {_show(index)}: {exc.strerror or exc}; the previous "
                          "index (if any) is unchanged; free space or make the directory "
                          "writable, or choose another --output",
                          [outcomes[n] for n in sorted(outcomes)]) from None


class OutputError(LaiChauError):
    """The index could not be written; `outcomes` says what became of each report."""

    def __init__(self, message: str, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        super().__init__(message)


def preflight() -> None:
    """Before anything runs: the data package, the seed and its sentences load and every figure
    is what its quote says (validated once, here, rather than by every notebook). DataError
    naming the file, row and column otherwise."""
    import lai_chau
    from lai_chau.data import validate
    from lai_chau.sources import seed

    for name in validate.resource_names():
        validate.load(name)
        problems = validate.check_values(name)
        if problems:
            raise problems[0]
    seed.verify()
    seed.sentences()
    if lai_chau.figures().empty:  # pragma: no cover - validate refuses an empty table first
        raise DataError(validate.rel_path("figures"), "no figures; a report needs figures")


def _refuse_files(output: Path, languages: Sequence[str]) -> None:
    """UsageError if the output or a language directory exists as a file (nothing created)."""
    for directory in [Path(output), *(Path(output) / lang for lang in languages)]:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{_show(directory)} is a file; expected a directory for the "
                             f"{directory.name} reports: remove or rename it")


def prepare_output(output: Path, languages: Sequence[str]) -> None:
    """The output directory and its language directories exist and take files (created if
    missing), and what a killed render left there is removed; UsageError naming the path."""
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {_show(output)} is a file; expected a directory for the "
                         "reports (it is created if missing)")
    _refuse_files(output, languages)
    dirs = [output, *(output / lang for lang in languages)]
    for directory in dirs:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = Path(tempfile_name(directory))
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"cannot write in {_show(directory)}: {exc.strerror or exc}; make "
                             "it writable or choose another --output; nothing was rendered") \
                from None
    records = output / incremental.RECORDS
    atomic.remove_stale([*dirs, records, *(records / lang for lang in languages)])


def tempfile_name(directory: Path) -> str:
    """A probe file name in `directory` that atomic.remove_stale would also recognise."""
    return str(Path(directory) / f".write-probe.{os.getpid()}.{threading.get_ident()}.tmp")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so the render unwinds like on Ctrl-C."""


def _interrupt(pool: cf.Executor | None) -> None:
    _stop.set()
    for km in list(_kernels):
        _kill(km)
    if isinstance(pool, cf.ThreadPoolExecutor | cf.ProcessPoolExecutor):
        pool.shutdown(wait=False, cancel_futures=True)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated()


def summary(outcomes: Iterable[Outcome], seconds: float) -> tuple[str, list[str]]:
    """A one-line summary and one line per failure."""
    outcomes = list(outcomes)
    skipped = [o for o in outcomes if o.skipped]
    done = [o for o in outcomes if o.ok and not o.skipped]
    failed = [o for o in outcomes if not o.ok]
    if len(skipped) == len(outcomes):
        return f"{incremental.up_to_date_line(len(outcomes))} ({seconds:.1f} s)", []
    sizes = ", ".join(f"{_show(o.job.html)} ({o.size / 1e6:.2f} MB)" for o in done)
    line = f"rendered {len(done)} of {len(outcomes)} reports in {seconds:.1f} s"
    if skipped:
        line += f" ({incremental.up_to_date_line(len(skipped))})"
    if sizes:
        line += f": {sizes}"
    if failed:
        line += "; not written (any previous page kept): " + ", ".join(
            _show(o.job.html) for o in failed)
    return line, [o.error for o in failed]


def main(args: argparse.Namespace) -> int:
    """`lai-chau render [--only NAME] [--lang vi|en] [--jobs N] [--force] [--explain] [--dask
    [ADDRESS]]`: 0 if every report rendered or was up to date."""
    started = time.perf_counter()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C and kill both unwind the render the same way (also when SIGINT was ignored,
        # as for a background job of a non-interactive shell).
        previous = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                    signal.SIGTERM: signal.signal(signal.SIGTERM, _on_sigterm)}
    index_error = ""
    try:
        outcomes = render(
            only=args.only, langs=args.lang, jobs=args.jobs, progress=True,
            matrix=Path(args.matrix) if getattr(args, "matrix", None) else MATRIX,
            output=Path(args.output) if getattr(args, "output", None) else None,
            force=bool(getattr(args, "force", False)),
            dask=getattr(args, "dask", None) or False,
        )
    except OutputError as exc:
        outcomes, index_error = exc.outcomes, str(exc)
    except RenderInterrupted as exc:
        print(f"lai-chau render: {exc}", file=sys.stderr)
        return 128 + exc.signum
    except (KeyboardInterrupt, _Terminated) as exc:  # while unwinding, or before render() began
        _stop.set()
        interrupted = RenderInterrupted(
            signal.SIGINT if isinstance(exc, KeyboardInterrupt) else signal.SIGTERM)
        print(f"lai-chau render: {interrupted}", file=sys.stderr)
        return 128 + interrupted.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    line, failures = summary(outcomes, time.perf_counter() - started)
    print(line, file=sys.stderr)
    if getattr(args, "explain", False):
        for outcome in outcomes:
            what = "up to date" if outcome.skipped else (
                f"rendered: {'; '.join(outcome.reasons)}" if outcome.ok
                else f"failed (rendered because: {'; '.join(outcome.reasons)})")
            print(f"  {outcome.job.lang}/{outcome.job.name}: {what}", file=sys.stderr)
    if index_error:
        failures.append(f"index: {index_error}")
    if failures:
        print(f"lai-chau render: {len(failures)} report(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0
