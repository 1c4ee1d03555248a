"""Incremental renders: what each report was built from, recorded beside it, and why it runs again.

A job (a report in a language with its parameters, and the HTML it writes) is *up to date* when
its build record says it was rendered successfully from exactly the inputs it has now and its
HTML is still the bytes that render wrote. The inputs, each by content (sha256), never by date:

- the notebook, the parameters (`lang` included) and the page title;
- every file of the data directory (data/, LAI_CHAU_DATA) and of the seed texts (seeds/);
- every file of the `lai_chau` package (its source), the nbconvert template
  (lai_chau/templates/lai-chau) and the interface-text catalogues (LAI_CHAU_LOCALES);
- the installed versions of the packages that shape a page (PACKAGES) and Python's version;
- the kernel: its name and the sha256 of its kernel.json.

The record of `<output>/<lang>/<name>.html` is `<output>/.build/<lang>/<name>.html.json`:
sorted JSON, no timestamps, the same bytes for the same build (git-ignored, as the run's logs).
A failed render is recorded as failed (never up to date); an interrupted one records nothing.

This module is the render's light part: it imports neither pandas, papermill, nbconvert nor
altair, so `lai-chau render` with nothing to do answers in a few tens of milliseconds
(lai_chau.render.command), and only a render with work to do pays for lai_chau.render.run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lai_chau.base import atomic, paths
from lai_chau.present.matrix import Matrix, _show

FORMAT = 1  # of the build records; a record of another format is not trusted
RECORDS = ".build"  # the directory of the build records, in the output directory
# Distributions whose version can change a page's bytes: the render (papermill, nbclient,
# nbconvert and its filters), the kernel (ipykernel, IPython) and what the notebooks compute and
# draw with. A change of any is "package versions changed"; other packages (test tools) are not.
PACKAGES = (
    "altair", "babel", "beautifulsoup4", "bleach", "defusedxml", "ipykernel", "ipython",
    "jinja2", "jsonschema", "jupyter-client", "jupyter-core", "jupyterlab-pygments",
    "markupsafe", "mistune", "narwhals", "nbclient", "nbconvert", "nbformat", "numpy", "pandas",
    "pandera", "pandocfilters", "papermill", "pygments", "python-dateutil", "pyzmq", "tinycss2",
    "traitlets", "tzdata", "vl-convert-python",
)
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}
SHOWN_FILES = 3  # changed files named in a reason, then "and N more"
DASK_MISSING = ("--dask needs dask.distributed, which is not installed; install the optional "
                "extra with `pip install -e '.[dask]'` (in this project: `.venv/bin/python -m "
                "pip install -c constraints.txt -e '.[dask]'`, which `make install` does)")


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


def job_for(matrix: Matrix, name: str, lang: str, notebook: Path, title: str,
            parameters: dict[str, Any], output: Path) -> Job:
    """The job of report `name` in `lang`: its HTML and log under `output`/<lang>/."""
    return Job(name=name, lang=lang, notebook=notebook, title=title,
               parameters={"lang": lang, **parameters},
               html=Path(output) / lang / f"{name}.html",
               log=Path(output) / lang / f"{name}.ipynb", kernel=matrix.kernel)


def jobs(matrix: Matrix, notebooks: Path, output: Path, only: Sequence[str] | None = None,
         langs: Sequence[str] | None = None) -> list[Job]:
    """The selected jobs of the matrix, unchecked (lai_chau.render.run.plan checks them)."""
    selected = [r for name in dict.fromkeys(only) for r in matrix.select(name)] \
        if only else matrix.reports
    return [job_for(matrix, report.name, lang, Path(notebooks) / report.notebook,
                    report.titles.get(lang, ""), report.parameters, output)
            for report in selected for lang in report.languages
            if not langs or lang in langs]


# --- fingerprints -------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _tree(directory: Path, skip: Sequence[Path] = ()) -> dict[str, str]:
    """sha256 of every file under `directory` (names relative to it, '/'-separated), without
    caches, hidden files and the directories `skip`."""
    directory = Path(directory)
    skipped = {Path(s).resolve() for s in skip}
    found: dict[str, str] = {}
    for root, dirs, files in os.walk(directory):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and (here / d).resolve() not in skipped)
        for name in sorted(files):
            if name.startswith(".") or name.endswith((".pyc", ".tmp")):
                continue
            path = here / name
            found[path.relative_to(directory).as_posix()] = _sha256(path)
    return found


_DIST = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+)\.dist-info$")


def package_versions() -> dict[str, str]:
    """Installed version of each of PACKAGES (read from the dist-info directory names on
    sys.path: no metadata parsing, a few milliseconds), and Python's as `python`."""
    wanted = set(PACKAGES)
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            match = _DIST.match(name)
            if not match:
                continue
            key = re.sub(r"[-_.]+", "-", match["name"]).lower()
            if key in wanted and key not in versions:
                versions[key] = match["version"]
    versions["python"] = "{}.{}.{}".format(*sys.version_info[:3])
    return dict(sorted(versions.items()))


def kernel_spec(name: str) -> str | None:
    """sha256 of the kernel.json of the Jupyter kernel `name` (None when not installed)."""
    from jupyter_core.paths import jupyter_path

    for directory in jupyter_path("kernels"):
        spec = Path(directory) / name / "kernel.json"
        if spec.is_file():
            return _sha256(spec)
    return None


@dataclass
class Fingerprints:
    """The inputs a render shares between its jobs, computed once; notebooks by path."""

    data: dict[str, str]
    seeds: dict[str, str]
    source: dict[str, str]
    template: dict[str, str]
    locales: dict[str, str]
    packages: dict[str, str]
    kernels: dict[str, str | None] = field(default_factory=dict)
    notebooks: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def now(cls) -> Fingerprints:
        """The shared inputs as they are on disk now."""
        template = paths.TEMPLATES
        return cls(data=_tree(paths.DATA), seeds=_tree(paths.SEEDS),
                   source=_tree(paths.PACKAGE, skip=[template, paths.LOCALES]),
                   template=_tree(template), locales=_tree(paths.LOCALES),
                   packages=package_versions())

    def inputs(self, job: Job) -> dict[str, Any]:
        """Everything `job`'s page is built from, as it is now."""
        if job.notebook not in self.notebooks:
            self.notebooks[job.notebook] = (_sha256(job.notebook) if job.notebook.is_file()
                                            else "")
        if job.kernel not in self.kernels:
            self.kernels[job.kernel] = kernel_spec(job.kernel)
        return {
            "notebook": {"path": job.notebook.name, "sha256": self.notebooks[job.notebook]},
            "parameters": dict(sorted(job.parameters.items())),
            "title": job.title,
            "data": self.data,
            "seeds": self.seeds,
            "source": self.source,
            "template": self.template,
            "locales": self.locales,
            "packages": self.packages,
            "kernel": {"name": job.kernel, "sha256": self.kernels[job.kernel]},
        }


# --- build records ------------------------------------------------------------------------------

def record_path(job: Job, output: Path) -> Path:
    """Where the build record of `job`'s HTML is: <output>/.build/<path of the HTML>.json."""
    html = Path(job.html)
    try:
        relative = html.relative_to(Path(output))
    except ValueError:  # an HTML outside the output directory: its record beside it
        return html.parent / RECORDS / f"{html.name}.json"
    return Path(output) / RECORDS / relative.parent / f"{html.name}.json"


def record(job: Job, output: Path, inputs: dict[str, Any], html: bytes | None,
           error: str = "") -> None:
    """Record what `job` was built from: its page's sha256 when it succeeded (`html`), else the
    error (a failed report is never up to date). Best effort: a record that cannot be written
    only costs a render next time (a stale one no longer matches the page)."""
    entry: dict[str, Any] = {"format": FORMAT, "report": job.name, "lang": job.lang,
                             "status": "ok" if html is not None else "failed"}
    if html is not None:
        entry["html"] = {"path": _relative(job.html, output), "bytes": len(html),
                         "sha256": hashlib.sha256(html).hexdigest()}
    else:
        entry["error"] = error
    entry["inputs"] = inputs
    text = json.dumps(entry, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path = record_path(job, output)
    try:
        atomic.write_text(path, text)
    except OSError:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _relative(path: Path, output: Path) -> str:
    try:
        return Path(path).relative_to(Path(output)).as_posix()
    except ValueError:
        return str(path)


def read_record(job: Job, output: Path) -> dict[str, Any] | None:
    """The build record of `job`, or None when there is none (or it cannot be read)."""
    try:
        entry = json.loads(record_path(job, output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) else None


# --- decisions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """Whether a job runs, and why (no reasons: up to date)."""

    job: Job
    reasons: tuple[str, ...]
    inputs: dict[str, Any]

    @property
    def stale(self) -> bool:
        return bool(self.reasons)

    def why(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "up to date"


def _files(label: str, directory: Path, old: Any, new: dict[str, str]) -> str | None:
    """'<label>: data/figures.csv, ...' naming the changed, added and removed files."""
    old = old if isinstance(old, dict) else {}
    if old == new:
        return None
    changed = sorted(set(old) ^ set(new) | {k for k in set(old) & set(new) if old[k] != new[k]})
    names = [_show(Path(directory) / name) for name in changed]
    more = f" and {len(names) - SHOWN_FILES} more" if len(names) > SHOWN_FILES else ""
    return f"{label}: {', '.join(names[:SHOWN_FILES])}{more}"


def reasons(job: Job, output: Path, inputs: dict[str, Any], force: bool = False) -> list[str]:
    """Why `job` must be rendered again (empty: up to date), most telling first."""
    if force:
        return ["forced (--force)"]
    if not Path(job.html).is_file():
        return ["HTML missing"]
    entry = read_record(job, output)
    if entry is None or entry.get("format") != FORMAT or \
            not isinstance(entry.get("inputs"), dict):
        return ["no build record (first incremental render here)"]
    if entry.get("status") != "ok":
        return [f"the last render failed ({entry.get('error') or 'no message'})"]
    page = entry.get("html") or {}
    try:
        data = Path(job.html).read_bytes()
    except OSError:
        return ["HTML missing"]
    if len(data) != page.get("bytes") or hashlib.sha256(data).hexdigest() != page.get("sha256"):
        return ["HTML edited by hand (not the bytes its build record names)"]
    old = entry["inputs"]
    found: list[str] = []
    if old.get("notebook") != inputs["notebook"]:
        found.append(f"notebook changed: {_show(job.notebook)}")
    if old.get("parameters") != inputs["parameters"]:
        before = old.get("parameters") if isinstance(old.get("parameters"), dict) else {}
        keys = sorted(k for k in set(before) | set(inputs["parameters"])
                      if before.get(k) != inputs["parameters"].get(k))
        found.append(f"parameters changed: {', '.join(keys)}")
    if old.get("title") != inputs["title"]:
        found.append("title changed")
    for key, label, directory in (
        ("data", "data changed", paths.DATA),
        ("seeds", "seed texts changed", paths.SEEDS),
        ("source", "lai_chau source changed", paths.PACKAGE),
        ("template", "template changed", paths.TEMPLATES),
        ("locales", "interface texts changed", paths.LOCALES),
    ):
        reason = _files(label, directory, old.get(key), inputs[key])
        if reason:
            found.append(reason)
    if old.get("packages") != inputs["packages"]:
        before = old.get("packages") if isinstance(old.get("packages"), dict) else {}
        now = inputs["packages"]
        moved = [f"{k} {before.get(k, '-')} -> {now.get(k, '-')}"
                 for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
        more = f" and {len(moved) - SHOWN_FILES} more" if len(moved) > SHOWN_FILES else ""
        found.append(f"package versions changed: {', '.join(moved[:SHOWN_FILES])}{more}")
    if old.get("kernel") != inputs["kernel"]:
        found.append(f"kernel changed: {job.kernel}")
    return found


def decide(todo: Sequence[Job], output: Path, force: bool = False,
           fingerprints: Fingerprints | None = None) -> list[Decision]:
    """One decision per job, in order."""
    prints = fingerprints or Fingerprints.now()
    out = []
    for job in todo:
        inputs = prints.inputs(job)
        out.append(Decision(job, tuple(reasons(job, output, inputs, force)), inputs))
    return out


SHARED = ("data", "seeds", "source", "template", "locales", "packages")


CHECKED = "checked"  # the cache kind of the stamps "the checks passed on these inputs"


def checks_key(inputs: dict[str, Any]) -> str:
    """The checks' inputs (data, seed texts, source, template, texts, versions) as one sha256."""
    shared = json.dumps({k: inputs[k] for k in SHARED}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(shared.encode("utf-8")).hexdigest()


def passed_checks(inputs: dict[str, Any]) -> None:
    """Leave a stamp in the project cache: the checks passed on these inputs."""
    from lai_chau.base import cache

    cache.write(CHECKED, checks_key(inputs), b"passed\n")


def checked_before(decisions: Sequence[Decision], output: Path) -> bool:
    """Whether the checks (data package, seed; lai_chau.render.run.preflight) already passed on
    the inputs these decisions have now: a stamp in the project cache (lai_chau.base.cache), or a
    build record in `output` that is `ok` with the same data, seed texts, source and package
    versions. Their answer depends on nothing else, so a render need not pay for them again
    (nor import pandas)."""
    from lai_chau.base import cache

    if decisions and cache.read(CHECKED, checks_key(decisions[0].inputs)) is not None:
        return True
    for decision in decisions:
        entry = read_record(decision.job, output)
        if entry is None or entry.get("format") != FORMAT or entry.get("status") != "ok":
            continue
        old = entry.get("inputs")
        if isinstance(old, dict) and all(old.get(k) == decision.inputs[k] for k in SHARED):
            return True
    return False


def index_current(matrix: Matrix, output: Path) -> bool:
    """Whether <output>/index.html already has the bytes a render would write."""
    from lai_chau.render.page import index_page

    index = Path(output) / "index.html"
    try:
        return index.read_bytes() == index_page(matrix, output).encode("utf-8")
    except OSError:
        return False


def up_to_date_line(count: int) -> str:
    return f"{count} report{'s' if count != 1 else ''} up to date"


def explain(decisions: Sequence[Decision], rendering: bool = True) -> list[str]:
    """One line per job: 'vi/overview: renders: notebook changed' or '... up to date'."""
    verb = "renders" if rendering else "would render"
    return [f"  {d.job.lang}/{d.job.name}: {verb}: {d.why()}" if d.stale
            else f"  {d.job.lang}/{d.job.name}: up to date" for d in decisions]
