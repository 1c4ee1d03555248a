"""`lai-chau render`: execute the report notebooks with papermill and write offline HTML reports.

The matrix (notebooks/reports.toml) lists each report: a name, a notebook, a title per language
and parameters; every report is rendered in every language of the matrix. For each (report,
language) the render

1. checks the parameters against the notebook (`papermill.inspect_notebook`: names and annotated
   types) and against the allowed values (ALLOWED), for every job before executing any;
2. executes the notebook with papermill's Python API, with the `lai-chau` kernel, in an empty
   temporary directory, several at a time (threads: each waits on its own kernel process); each
   worker reuses one kernel, reset between reports (lai_chau.render.kernels: ~1.3 s of start-up and
   imports paid once per worker instead of once per report);
3. converts the executed notebook to HTML in this process (nbconvert, the lai-chau template: no
   code, no parameter cells, no CDN, the chart JavaScript once per page) and writes
   reports/<lang>/<name>.html atomically; the executed notebook is kept beside it as
   reports/<lang>/<name>.ipynb (the run's log, also when the run failed);
4. writes reports/index.html linking every report in both languages.

A failing report names its cell and error; it writes no HTML (the previous report stays), the
others still render, and the command exits 1 listing the failures. Ctrl-C or SIGTERM stops the
kernels, writes nothing more and exits 130 (SIGINT) or 143 (SIGTERM).

Why one module of ~410 lines: the whole render's control flow, its signal handling and its
summary belong together; the stages it drives are in matrix, params, job and page.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import dataclasses
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lai_chau.base import atomic, paths
from lai_chau.base.errors import DataError, LaiChauError, UsageError
from lai_chau.present.matrix import KERNEL, MATRIX, Matrix, Report, _show, load_matrix
from lai_chau.render.job import (
    CELL_TIMEOUT,
    Job,
    Outcome,
    ReportKernelManager,
    _describe_failure,
    _failed_cell,
    _first_line,
    _kernels,
    _kill,
    _stop,
    render_job,
)
from lai_chau.render.page import (
    MAX_BYTES,
    _clean,
    _exporter,
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
    "_clean",
    "_describe_failure",
    "_exporter",
    "_exporters",
    "_failed_cell",
    "_first_line",
    "check_page",
    "check_parameters",
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
) -> list[Job]:
    """The jobs to run, every parameter checked first; UsageError listing every problem."""
    import papermill
    from jupyter_client.kernelspec import find_kernel_specs

    selected = [r for name in dict.fromkeys(only) for r in matrix.select(name)] \
        if only else matrix.reports
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
            if langs and lang not in langs:
                continue
            params = {"lang": lang, **report.parameters}
            found = check_parameters(report.name, lang, notebook, params, declared)
            problems += found
            if found:
                continue
            jobs.append(Job(
                name=report.name, lang=lang, notebook=notebook, title=report.titles[lang],
                parameters=params, html=Path(output) / lang / f"{report.name}.html",
                log=Path(output) / lang / f"{report.name}.ipynb", kernel=matrix.kernel,
            ))
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
) -> list[Outcome]:
    """Render the matrix's reports (all, or `only` these names, in `langs`); return each outcome.

    `executor` runs the jobs (any concurrent.futures.Executor: a process pool or a distributed
    one works too, since jobs are picklable); by default a thread pool of `jobs` workers (default:
    the number of cores). `notebooks` defaults to the matrix file's directory, `output` to
    reports/ (LAI_CHAU_REPORTS). With `warm` (the default) each worker reuses a prepared kernel
    from one report to the next (lai_chau.render.kernels; a process keeps its own); with the default
    executor they are started while the parameters are checked and stopped at the end.
    `warm=False` starts a new kernel per report. Raises UsageError before executing anything if a
    parameter is wrong, RenderInterrupted on SIGINT/SIGTERM.
    """
    from tqdm import tqdm

    parsed = load_matrix(Path(matrix))
    notebooks = Path(notebooks) if notebooks is not None else Path(matrix).resolve().parent
    output = Path(output) if output is not None else paths.REPORTS
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    own = executor is None
    _stop.clear()
    kernels = None
    pool: cf.Executor | None = None
    outcomes: dict[int, Outcome] = {}
    # From the first check to the index, a signal unwinds the same way: kernels stopped, no
    # traceback, nothing half-written (every write is atomic).
    try:
        preflight()
        todo = plan(parsed, notebooks, output, only, langs)
        prepare_output(output, sorted({job.lang for job in todo}))
        if not warm:
            todo = [dataclasses.replace(job, warm=False) for job in todo]
        workers = min(jobs or os.cpu_count() or 1, max(len(todo), 1))
        if own and warm and todo:
            from lai_chau.render import kernels as engine

            kernels = engine.KernelPool(ReportKernelManager)  # this render's, stopped at its end
            kernels.prestart(parsed.kernel, workers)  # one per worker, warming while we set up
        pool = executor or cf.ThreadPoolExecutor(max_workers=workers,
                                                 thread_name_prefix="lai-chau-render")
        if todo:
            # The bundle is read from the cache, or built (~1.3 s) while the first kernels start.
            threading.Thread(target=_bundle_quietly, name="lai-chau-vega-bundle",
                             daemon=True).start()
        args = (None, kernels) if own else (_bundle(),)
        futures = {pool.submit(render_job, job, *args): number for number, job in enumerate(todo)}
        with tqdm(total=len(todo), desc="render", unit="report", file=sys.stderr,
                  disable=None if progress else True, leave=False) as bar:
            for future in cf.as_completed(futures):
                number = futures[future]
                job = todo[number]
                try:
                    outcomes[number] = future.result()
                except Exception as exc:  # an error in the render itself, not in the notebook
                    outcomes[number] = Outcome(job, False, f"report {job.name!r} ({job.lang}): "
                                                        f"{type(exc).__name__}: "
                                                        f"{_first_line(exc)}")
                bar.set_postfix_str(f"{job.lang}/{job.name}", refresh=False)
                bar.update()
        index = Path(output) / "index.html"
        try:
            atomic.write_text(index, index_page(parsed, output))
        except OSError as exc:
            raise OutputError(f"cannot write {_show(index)}: {exc.strerror or exc}; the previous "
                              "index (if any) is unchanged; free space or make the directory "
                              "writable, or choose another --output",
                              [outcomes[n] for n in sorted(outcomes)]) from None
    except KeyboardInterrupt:
        _interrupt(pool)
        raise RenderInterrupted(signal.SIGINT) from None
    except _Terminated:
        _interrupt(pool)
        raise RenderInterrupted(signal.SIGTERM) from None
    finally:
        if own and pool is not None:
            pool.shutdown(wait=not _stop.is_set(), cancel_futures=True)
        if kernels is not None:  # after an interrupt, workers may still hold their clients
            kernels.shutdown(close_clients=not _stop.is_set())
    return [outcomes[number] for number in range(len(todo))]


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


def prepare_output(output: Path, languages: Sequence[str]) -> None:
    """The output directory and its language directories exist and take files (created if
    missing), and what a killed render left there is removed; UsageError naming the path."""
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {_show(output)} is a file; expected a directory for the "
                         "reports (it is created if missing)")
    dirs = [output, *(output / lang for lang in languages)]
    for directory in dirs:
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"{_show(directory)} is a file; expected a directory for the "
                             f"{directory.name} reports: remove or rename it")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = Path(tempfile_name(directory))
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"cannot write in {_show(directory)}: {exc.strerror or exc}; make "
                             "it writable or choose another --output; nothing was rendered") \
                from None
    atomic.remove_stale(dirs)


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
    done = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    sizes = ", ".join(f"{_show(o.job.html)} ({o.size / 1e6:.2f} MB)" for o in done)
    line = f"rendered {len(done)} of {len(outcomes)} reports in {seconds:.1f} s"
    if sizes:
        line += f": {sizes}"
    if failed:
        line += "; not written (any previous page kept): " + ", ".join(
            _show(o.job.html) for o in failed)
    return line, [o.error for o in failed]


def main(args: argparse.Namespace) -> int:
    """`lai-chau render [--only NAME] [--lang vi|en] [--jobs N]`: 0 if every report rendered."""
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
    if index_error:
        failures.append(f"index: {index_error}")
    if failures:
        print(f"lai-chau render: {len(failures)} report(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0
