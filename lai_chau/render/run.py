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
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import dataclasses
import html
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import tomllib
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from lai_chau.base.deferred import defer_iri_grammar

defer_iri_grammar()  # before nbformat imports jsonschema: ~1 s saved, see lai_chau/base/deferred.py

import nbformat  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from lai_chau.base import atomic, paths  # noqa: E402
from lai_chau.base.errors import DataError, LaiChauError, UsageError, unknown  # noqa: E402
from lai_chau.present.i18n import text  # noqa: E402
from lai_chau.sources.numerals import LANGS  # noqa: E402

MATRIX = paths.NOTEBOOKS / "reports.toml"
KERNEL = "lai-chau"
TEMPLATE = "lai-chau"
REMOVE_TAGS = ("parameters", "injected-parameters", "remove-cell")
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"  # the banners papermill adds to a failed run
MAX_BYTES = 1_500_000
CELL_TIMEOUT = 600  # seconds per cell: a cell running longer is treated as a failure
VOLATILE_KEYS = ("papermill", "execution", "ExecuteTime", "widgets")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# A report must load nothing over the network: no remote script, stylesheet, image, frame,
# object, poster or form target; `href` only on links (<a>), which the reader follows or not; no
# remote `url(...)` or `@import` in CSS; no remote `url` in a chart spec (Vega would fetch its
# data). check_page() looks at the markup, CSS and specs only, never at escaped text.
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"url\(\s*[\"']?\s*(?:https?:)?//[^)]*\)?|@import\s+(?:url\()?\s*[\"']?"
                         r"\s*(?:https?:)?//\S*", re.IGNORECASE)
_JS_URL_KEY = re.compile(r"\\?\"url\\?\"\s*:\s*\\?\"(?:https?:)?//[^\"\\]*", re.IGNORECASE)
_FETCHING_ATTRIBUTES = ("src", "srcset", "data", "poster", "action", "formaction", "xlink:href",
                        "background", "manifest", "codebase", "archive", "ping")
_CHART_SPEC = re.compile(r"var spec = (\{.*?\});\n", re.DOTALL)


def _figure_ids() -> list[str]:
    import lai_chau

    return list(lai_chau.figures()["id"])


def _indicators() -> list[str]:
    import lai_chau

    return list(dict.fromkeys(lai_chau.figures()["indicator"]))


def _baselines() -> list[str]:
    from lai_chau.cli import BASELINES

    return list(BASELINES)


def _peer_indicators() -> list[str]:
    from lai_chau.data import reference

    peers = set(reference.provinces()["indicator"])
    return [i for i in _indicators() if i in peers]


def _verdicts() -> list[str]:
    from lai_chau.analysis.claims import VERDICTS

    return list(VERDICTS)


# Allowed values of the parameters notebooks share, by parameter name. A list parameter's items
# must each be allowed. A notebook parameter not named here is checked for its type only.
ALLOWED: dict[str, Callable[[], Sequence[str]]] = {
    "lang": lambda: LANGS,
    "baseline": _baselines,
    "indicators": _indicators,
    "figure_ids": _figure_ids,
    "peer_indicator": _peer_indicators,
    "verdicts": _verdicts,
}


class RenderInterrupted(LaiChauError):
    """The render was stopped by SIGINT or SIGTERM; nothing more was written."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}; reports already written "
                         "are complete, the others were left as they were")


# --- the matrix ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """One entry of the matrix: a notebook rendered with these parameters in each language."""

    name: str
    notebook: str
    titles: dict[str, str]
    parameters: dict[str, Any]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Matrix:
    """The report matrix file, parsed."""

    path: Path
    languages: tuple[str, ...]
    kernel: str
    reports: tuple[Report, ...]

    def report(self, name: str) -> Report:
        """The report called `name`; UsageError listing the known names otherwise."""
        for item in self.reports:
            if item.name == name:
                return item
        raise unknown("report", name, [r.name for r in self.reports])


def _show(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def load_matrix(path: Path = MATRIX) -> Matrix:
    """Parse the matrix file; DataError naming the file, the report and the key on a problem."""
    path = Path(path)
    where = _show(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(where, "file not found; it lists the reports to render") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(where, f"not valid UTF-8 TOML ({exc})") from None
    top_keys = {"languages", "kernel", "report"}
    extra = sorted(set(raw) - top_keys)
    if extra:
        raise DataError(where, f"unknown top-level key {extra[0]!r}; expected: "
                               f"{', '.join(sorted(top_keys))}")
    languages = raw.get("languages", list(LANGS))
    _check_languages(where, "'languages'", languages)
    kernel = raw.get("kernel", KERNEL)
    if not isinstance(kernel, str) or not kernel:
        raise DataError(where, f"'kernel' must name a Jupyter kernel, got {kernel!r}")
    entries = raw.get("report")
    if not isinstance(entries, list) or not entries:
        raise DataError(where, "no [[report]] entries; expected at least one")
    reports = []
    for number, entry in enumerate(entries, 1):
        label = f"[[report]] #{number}"
        if not isinstance(entry, dict):
            raise DataError(where, f"{label} is not a table")
        name = entry.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise DataError(where, f"{label}: 'name' must be lower-case letters, digits and "
                                   f"dashes (it names the HTML file), got {name!r}")
        label = f"report {name!r}"
        if any(r.name == name for r in reports):
            raise DataError(where, f"{label} is listed twice")
        allowed_keys = {"name", "notebook", "parameters", "languages"} | {
            f"title_{lang}" for lang in LANGS
        }
        extra = sorted(set(entry) - allowed_keys)
        if extra:
            raise DataError(where, f"{label}: unknown key {extra[0]!r}; expected: "
                                   f"{', '.join(sorted(allowed_keys))}")
        notebook = entry.get("notebook")
        if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
            raise DataError(where, f"{label}: 'notebook' must name an .ipynb file, "
                                   f"got {notebook!r}")
        langs = entry.get("languages", languages)
        _check_languages(where, f"{label}: 'languages'", langs)
        titles = {lang: entry.get(f"title_{lang}") for lang in LANGS}
        missing = [lang for lang in langs if lang in LANGS and not isinstance(titles[lang], str)]
        if missing:
            raise DataError(where, f"{label}: missing 'title_{missing[0]}' (the page title in "
                                   f"that language)")
        parameters = entry.get("parameters", {})
        if not isinstance(parameters, dict):
            raise DataError(where, f"{label}: 'parameters' must be a table")
        reports.append(Report(name, notebook, {k: v for k, v in titles.items() if v},
                              dict(parameters), tuple(langs)))
    return Matrix(path, tuple(languages), kernel, tuple(reports))


def _check_languages(where: str, key: str, languages: Any) -> None:
    """A non-empty list of distinct strings (which languages are allowed is checked by plan())."""
    if not isinstance(languages, list) or not languages or \
            not all(isinstance(lang, str) for lang in languages):
        raise DataError(where, f"{key} must be a non-empty list of language codes, "
                               f"e.g. {list(LANGS)}")
    twice = [lang for number, lang in enumerate(languages) if lang in languages[:number]]
    if twice:
        raise DataError(where, f"{key} lists {twice[0]!r} twice")


# --- parameter checks ---------------------------------------------------------------------------

def _type_problem(value: Any, annotation: str) -> str | None:
    """Why `value` does not fit a parameter annotated `annotation` ('str', 'list[str]'...)."""
    simple: dict[str, tuple[type, ...]] = {
        "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
    }
    shown = f"{type(value).__name__} {value!r}"
    if annotation in simple:
        wanted = simple[annotation]
        if not isinstance(value, wanted) or (annotation != "bool" and isinstance(value, bool)):
            return f"expected {annotation}, got {shown}"
        return None
    match = re.fullmatch(r"(?:list|List|tuple|Tuple)\[(\w+)(?:,\s*\.\.\.)?\]", annotation)
    if match:
        if not isinstance(value, list | tuple):
            return f"expected {annotation}, got {shown}"
        for item in value:
            problem = _type_problem(item, match.group(1))
            if problem:
                return f"expected {annotation}; an item: {problem}"
    return None  # other annotations (unions, Optional...) are left to the notebook


def check_parameters(
    report: str, lang: str, notebook: Path, parameters: dict[str, Any], declared: dict[str, Any]
) -> list[str]:
    """Every problem of running `notebook` with `parameters`, as messages naming the report,
    the parameter and what is allowed. `declared` is papermill.inspect_notebook(notebook)."""
    where = f"report {report!r} ({lang}), {notebook.name}"
    if not declared:
        return [f"{where}: no 'parameters' cell; a report notebook declares its parameters in "
                "one cell tagged 'parameters' (the second cell)"]
    problems = []
    names = sorted(declared)
    for name, value in parameters.items():
        if name not in declared:
            problems.append(f"{where}: unknown parameter {name!r}; the notebook takes: "
                            f"{', '.join(names)}")
            continue
        annotation = declared[name].get("inferred_type_name") or "None"
        if annotation == "None":
            problems.append(f"{where}: parameter {name!r} has no type annotation in the "
                            f"notebook; write e.g. `{name}: str = ...  # what it is`")
            continue
        problem = _type_problem(value, annotation)
        if problem:
            problems.append(f"{where}: parameter {name!r}: {problem}")
            continue
        if name in ALLOWED:
            allowed = list(ALLOWED[name]())
            values = value if isinstance(value, list | tuple) else [value]
            bad = [v for v in values if v not in allowed]
            if bad:
                problems.append(f"{where}: parameter {name!r} = {bad[0]!r} is not allowed; "
                                f"expected one of: {', '.join(map(str, allowed))}")
    return problems


# --- jobs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    """One (report, language) to render: everything a worker needs (picklable)."""

    name: str
    lang: str
    notebook: Path
    title: str
    parameters: dict[str, Any]
    html: Path
    log: Path
    kernel: str
    warm: bool = True  # on a reused, prepared kernel (lai_chau.render.kernels); False: a new one


@dataclass
class Outcome:
    """What became of a job: ok with the HTML's size, or the error to show."""

    job: Job
    ok: bool
    error: str = ""
    seconds: float = 0.0
    size: int = 0


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

    selected = [matrix.report(name) for name in dict.fromkeys(only)] if only else matrix.reports
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


# --- one job ------------------------------------------------------------------------------------

_stop = threading.Event()
_kernels: weakref.WeakSet[AsyncKernelManager] = weakref.WeakSet()


class ReportKernelManager(AsyncKernelManager):
    """A kernel for a report: charts in `report` mode (the page carries the JavaScript), and
    known to the render so an interrupted render can stop it."""

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if kw.get("cwd"):
            # IPC sockets in the job's own temporary directory: no TCP ports to clash over
            # (and no ipykernel warning about unencrypted TCP on every start).
            self.transport = "ipc"
            self.ip = os.path.join(kw["cwd"], "kernel")
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


def _clean(nb: Any, title: str) -> Any:
    """A copy of the executed notebook without what differs between runs (timings, counts,
    stderr noise), titled for the page."""
    nb = copy.deepcopy(nb)
    for key in VOLATILE_KEYS:
        nb.metadata.pop(key, None)
    nb.metadata["title"] = title
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):  # plan() refuses such notebooks; never a random id on the page
            cell["id"] = f"cell-{index}"
        for key in VOLATILE_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = [o for o in cell.outputs
                        if not (o.output_type == "stream" and o.get("name") == "stderr")]
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = None
    return nb


_exporter_lock = threading.Lock()
_exporters: list[Any] = []


def _exporter() -> Any:
    """The process's HTML exporter: compiling its template chain (lab + lai-chau) takes ~0.25 s,
    so it is built once. Not thread-safe (it registers per-notebook filters): use it under
    _exporter_lock."""
    if not _exporters:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        _exporters.append(HTMLExporter(config=config, template_name=TEMPLATE,
                                       extra_template_basedirs=[str(paths.TEMPLATES)]))
    return _exporters[0]


def to_html(nb: Any, lang: str, title: str, bundle: str) -> str:
    """The page of an executed notebook: outputs only, in `lang`, chart JavaScript once."""
    clean = _clean(nb, title)
    has_charts = any('class="lc-chart"' in str(o.get("data", {}).get("text/html", ""))
                     for c in clean.cells if c.cell_type == "code" for o in c.outputs)
    resources = {"lai_chau_vega_js": bundle if has_charts else ""}
    with _exporter_lock:
        exporter = _exporter()
        exporter.language_code = lang
        body, _ = exporter.from_notebook_node(clean, resources=resources)
    return body


def check_page(page: str, bundle: str | None = None) -> str | None:
    """Why a page cannot be published (too big, loads from the network), or None. `bundle` is the
    chart library's own script (vl-convert's), which is not searched."""
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        return f"the page is {size / 1e6:.2f} MB, over the {MAX_BYTES / 1e6:.1f} MB budget"
    finder = _RemoteFinder(bundle)
    finder.feed(page)
    finder.close()
    if finder.found:
        return f"the page loads from the network: {finder.found[0]}"
    return None


class _RemoteFinder(HTMLParser):
    """Collects what in a page's markup, CSS or chart specs would be fetched from the network."""

    def __init__(self, bundle: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.bundle = bundle.strip() if bundle else None
        self.found: list[str] = []
        self._raw_tag: str | None = None
        self._raw: list[str] = []
        self._raw_line = 0

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            fetching = name in _FETCHING_ATTRIBUTES or (name == "href" and tag != "a")
            if fetching and (_REMOTE.match(value) or (name == "srcset" and "//" in value and
                                                      any(_REMOTE.match(part) for part in
                                                          value.split(",")))):
                self.found.append(f"<{tag} {name}={value[:80]!r}> ({self._where()})")
            elif name == "style" and _CSS_REMOTE.search(value):
                self.found.append(f"<{tag} style> {_CSS_REMOTE.search(value).group(0)[:80]!r} "
                                  f"({self._where()})")
        if tag in ("script", "style"):
            self._raw_tag, self._raw, self._raw_line = tag, [], self.getpos()[0]

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._raw_tag:
            self._raw.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._raw_tag:
            return
        content, self._raw_tag = "".join(self._raw), None
        where = f"line {self._raw_line}"
        if tag == "style":
            match = _CSS_REMOTE.search(content)
            if match:
                self.found.append(f"<style> {match.group(0)[:80]!r} ({where})")
            return
        if self.bundle and content.strip() == self.bundle:
            return
        spec = _CHART_SPEC.search(content)
        if spec:
            try:
                parsed = json.loads(spec.group(1))
            except ValueError:
                parsed = None
            if parsed is not None:
                for path, url in _spec_urls(parsed):
                    self.found.append(f"a chart spec's {path} = {url[:80]!r} ({where})")
                return
        match = _JS_URL_KEY.search(content)
        if match:
            self.found.append(f"<script> {match.group(0)[:80]!r} ({where})")


def _spec_urls(node: Any, path: str = "spec") -> list[tuple[str, str]]:
    """(path, value) of every remote `url` in a Vega(-Lite) spec, at any depth."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key == "url" and isinstance(value, str) and _REMOTE.match(value):
                found.append((here, value))
            else:
                found += _spec_urls(value, here)
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += _spec_urls(value, f"{path}[{number}]")
    return found


def render_job(job: Job, bundle: str | None = None, kernels: Any = None) -> Outcome:
    """Execute one job's notebook, keep its log, and write its HTML if everything succeeded.

    A warm job runs on a kernel of `kernels` (a lai_chau.render.kernels.KernelPool), by default this
    process's pool."""
    import papermill

    from lai_chau.render import kernels as engine

    started = time.perf_counter()
    warm = ({"engine_name": engine.ENGINE, "kernel_pool": kernels} if job.warm
            else {"engine_name": engine.COLD_ENGINE})
    if _stop.is_set():
        return Outcome(job, False, "not started: the render was interrupted")
    executed = None
    error: BaseException | None = None
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
            return Outcome(job, False, "interrupted", time.perf_counter() - started)
        try:
            _write_log(job, partial, executed)
        except OSError as exc:
            return Outcome(job, False, _write_failure(job, job.log, exc),
                           time.perf_counter() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if error is not None:
        return Outcome(job, False, _describe_failure(job, executed, error),
                       time.perf_counter() - started)
    bundle = bundle if bundle is not None else _bundle()
    page = to_html(executed, job.lang, job.title, bundle)
    problem = check_page(page, bundle)
    if problem:
        return Outcome(job, False, f"report {job.name!r} ({job.lang}): {problem}",
                       time.perf_counter() - started)
    if _stop.is_set():
        return Outcome(job, False, "interrupted", time.perf_counter() - started)
    data = page.encode("utf-8")
    try:
        atomic.write_bytes(job.html, data)
    except OSError as exc:
        return Outcome(job, False, _write_failure(job, job.html, exc),
                       time.perf_counter() - started)
    return Outcome(job, True, "", time.perf_counter() - started, len(data))


def _write_failure(job: Job, path: Path, exc: OSError) -> str:
    return (f"report {job.name!r} ({job.lang}): cannot write {_show(path)}: "
            f"{exc.strerror or exc}; the previous file (if any) is unchanged; free space or "
            "make the directory writable, or choose another --output")


def _write_log(job: Job, partial: Path, executed: Any) -> None:
    """Keep this run's executed notebook as the job's log: what papermill saved, else the notebook
    as far as it ran (a dead kernel), else none: an older run's log never stands for this one."""
    if partial.exists():
        atomic.write_bytes(job.log, partial.read_bytes())
    elif executed is not None:
        atomic.write_text(job.log, nbformat.writes(executed))
    else:
        job.log.unlink(missing_ok=True)


def _bundle() -> str:
    from lai_chau.present.vega import javascript_bundle

    return javascript_bundle()


def _bundle_quietly() -> None:
    """_bundle() in the background: an error here is reported by the render's own call."""
    try:
        _bundle()
    except Exception:  # the foreground call raises it again, with the render's report
        pass


# --- the index ----------------------------------------------------------------------------------

INDEX_CSS = """
body { font-family: "Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1f2a28;
  max-width: 760px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
a { color: #1b6e5a; } .missing { color: #5b6664; }
"""


def index_page(matrix: Matrix, output: Path) -> str:
    """reports/index.html: every report of the matrix in each language (deterministic)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(matrix.languages[0], quote=True)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(text('index_title', 'vi'))} · "
        f"{html.escape(text('index_title', 'en'))}</title>",
        f"<style>{INDEX_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    for lang in matrix.languages:
        parts.append(f'<section lang="{lang}">')
        level = 1 if lang == matrix.languages[0] else 2
        parts.append(f"<h{level}>{html.escape(text('index_title', lang))}</h{level}>")
        parts.append("<ul>")
        for report in matrix.reports:
            if lang not in report.languages:
                continue
            title = html.escape(report.titles[lang])
            href = f"{lang}/{report.name}.html"
            if (Path(output) / href).is_file():
                parts.append(f'<li><a href="{href}">{title}</a></li>')
            else:
                missing = html.escape(text("not_rendered", lang))
                parts.append(f'<li class="missing">{title} ({missing})</li>')
        parts.append("</ul>")
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


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
