"""`make bench`: render time against the kernel-start floor and against doing it by hand.

Every number is the wall time of a whole process (or of a sequence of processes), the median of
`--runs` rounds (the by-hand baseline: `--naive-runs`, default 1, as it takes most of the time);
the rounds interleave the measurements so a burst of background load touches all of them alike.
What is measured (see benchmarks/README.md):

- floor: the papermill CLI executing an empty one-cell notebook with the `lai-chau` kernel;
- naive: for every report of the matrix in every language, the papermill CLI then
  `jupyter nbconvert --to html`, one after another;
- ours: `lai-chau render` of the whole matrix into a temporary directory;
- `python -c "import lai_chau"` and `lai-chau figures`;
- scale: `lai-chau render` of a generated matrix repeating the reports 1x and 4x (`--scale`),
  on the local executor and on a two-worker dask LocalCluster (`--dask`);
- no-op: `lai-chau render` again into a directory it has just rendered (nothing changed);
- one changed: `lai-chau render` after one notebook changed (its reports render, once per
  language; the others are up to date);
- for reference (not in the ratios): the floor with papermill's IRI grammar deferred as the
  render defers it, and `lai-chau render` with an empty cache (a fresh clone's first render);
- `--ablation`: `lai-chau render` with each speed-up turned off in turn, then all of them.

Prints a table with the ratios against the targets of issue 6 and writes the whole result as
JSON into benchmarks/results/ (git-ignored). Exit 0 even when a target is missed (the table says
so); exit 1 if a command failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"
MATRIX = ROOT / "notebooks" / "reports.toml"
KERNEL = "lai-chau"
PACKAGES = (
    "altair", "ipykernel", "jsonschema", "jupyter-client", "jupyterlab", "nbclient", "nbconvert",
    "nbformat", "pandas", "pandera", "papermill", "rfc3987-syntax", "vl-convert-python",
)
# Targets of issue 6 (the first four) and of the incremental / distributed render, on a 2-core
# machine; the scale targets are filled in for each --scale factor and executor.
TARGETS = {
    "ours / (reports x floor)": 0.75,
    "ours / naive": 0.35,
    "import lai_chau (s)": 0.2,
    "lai-chau figures (s)": 0.6,
    "no-op / floor": 0.15,
    "one changed / (languages x floor)": 0.6,
}
SCALE_TARGET = 0.2  # a full render of the grown matrix / (reports x floor)
EXECUTORS = {"local": [], "dask": ["--dask"]}  # extra `lai-chau render` arguments
CHANGED = "1.0-overview.ipynb"  # the notebook the one-changed measure edits

# --ablation: Python run before `lai-chau render` in the same process, turning one speed-up off.
# (The validation stamps are turned off through the cache directory, which kernels inherit.)
OFF = {
    "IRI grammar deferral": (
        "import jsonschema\n"  # built here, before the render can defer it
        "from lai_chau.render import kernels as engine\n"
        "engine.WARM_CODE = engine.WARM_CODE.replace("
        "'lai_chau.base.deferred.defer_iri_grammar()', 'import jsonschema')\n"
    ),
    "chart JavaScript cache": (
        "from lai_chau.base import cache\n"
        "_read = cache.read\n"
        "cache.read = lambda kind, key: None if kind == 'vega' else _read(kind, key)\n"
        "_write = cache.write\n"
        "cache.write = lambda kind, key, data: kind != 'vega' and _write(kind, key, data)\n"
    ),
    "one HTML exporter": (
        "from lai_chau.render import run as render\n"
        "_exporter = render._exporter\n"
        "def _fresh():\n"
        "    render._exporters.clear()\n"
        "    return _exporter()\n"
        "render._exporter = _fresh\n"
    ),
    "validation stamps": "",  # see ablation()
    "warm kernels": (
        "from lai_chau.render import run as render\n"
        "_render = render.render\n"
        "render.render = lambda **kw: _render(**{**kw, 'warm': False})\n"
    ),
}


class Failed(Exception):
    """A benchmarked command exited non-zero."""


def run(argv: Sequence[object], cwd: Path, env: dict[str, str]) -> float:
    """Wall time of one process; Failed (with its stderr tail) if it exits non-zero."""
    started = time.perf_counter()
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise Failed(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n{tail}")
    return seconds


def environment() -> dict[str, str]:
    """The project environment for every benchmarked process: its bin first on PATH, no
    overrides of the data, reports, cache or chart mode inherited from the caller."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LAI_CHAU_") and k not in {"PYTHONPATH", "JUPYTER_PATH"}}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- the matrix ---------------------------------------------------------------------------------

def read_matrix(path: Path) -> tuple[list[str], list[dict]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return list(raw.get("languages", ["vi", "en"])), list(raw["report"])


def jobs_of(path: Path) -> list[tuple[Path, str, dict]]:
    """(notebook, language, parameters) of every report of the matrix, as `lai-chau render`
    runs them."""
    from lai_chau.present.matrix import load_matrix

    out = []
    for report in load_matrix(path).reports:  # a report per period, as the render expands them
        for lang in report.languages:
            out.append((path.parent / report.notebook, lang, {"lang": lang, **report.parameters}))
    return out


def _toml(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def scaled_matrix(source: Path, directory: Path, times: int) -> Path:
    """A copy of the matrix in `directory` listing every report `times` times under other
    names (overview, overview-x2, ...), with the notebooks copied beside it."""
    languages, reports = read_matrix(source)
    directory.mkdir(parents=True, exist_ok=True)
    top = tomllib.loads(source.read_text(encoding="utf-8"))
    lines = [f"languages = {_toml(languages)}", f"kernel = {_toml(KERNEL)}",
             *([f"min_figures = {_toml(top['min_figures'])}"] if "min_figures" in top else []),
             ""]
    for copy in range(1, times + 1):
        for report in reports:
            entry = dict(report)
            if copy > 1:
                entry["name"] = f"{report['name']}-x{copy}"
            lines.append("[[report]]")
            lines += [f"{key} = {_toml(value)}" for key, value in entry.items()]
            lines.append("")
    for report in reports:
        shutil.copy(source.parent / report["notebook"], directory / report["notebook"])
    path = directory / "reports.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- the measurements ---------------------------------------------------------------------------

def empty_notebook(work: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = work / "empty.ipynb"
    if not notebook.exists():
        nb = new_notebook(metadata={"kernelspec": {"name": KERNEL, "language": "python",
                                                   "display_name": KERNEL}})
        nb.cells = [new_code_cell("")]
        nbformat.write(nb, notebook)
    return notebook


def floor(work: Path, env: dict[str, str]) -> float:
    """The papermill CLI executing an empty one-cell notebook with the project kernel."""
    return run([BIN / "papermill", empty_notebook(work), work / "empty.out.ipynb", "-k", KERNEL,
                "--no-progress-bar"], work, env)


def floor_deferred(work: Path, env: dict[str, str]) -> float:
    """The same, with the IRI grammar deferred in papermill's process (lai_chau.base.deferred)."""
    code = ("from lai_chau.base.deferred import defer_iri_grammar; defer_iri_grammar()\n"
            "from papermill.__main__ import papermill; papermill()")
    return run([sys.executable, "-c", code, empty_notebook(work), work / "empty.out.ipynb",
                "-k", KERNEL, "--no-progress-bar"], work, env)


def naive(matrix: Path, work: Path, env: dict[str, str]) -> float:
    """By hand: for every report, the papermill CLI, then the nbconvert CLI, one after another."""
    total = 0.0
    for number, (notebook, lang, params) in enumerate(jobs_of(matrix)):
        executed = work / f"{number:03d}-{notebook.stem}.{lang}.ipynb"
        # -y (YAML; JSON is YAML) keeps the parameters' types, as the matrix has them
        total += run([BIN / "papermill", notebook, executed, "-k", KERNEL, "--no-progress-bar",
                      "-y", json.dumps(params, ensure_ascii=False)], work, env)
        total += run([BIN / "jupyter", "nbconvert", "--to", "html", executed], work, env)
    return total


def ours(matrix: Path, output: Path, env: dict[str, str], jobs: int | None,
         before: str = "", extra: Sequence[str] = (), fresh: bool = True) -> float:
    """`lai-chau render` of a whole matrix into a fresh directory (`before`: Python run first
    in the same process; `extra`: more arguments; not `fresh`: into what is there)."""
    if fresh:
        shutil.rmtree(output, ignore_errors=True)
    args = ["render", "--matrix", str(matrix), "--output", str(output), *extra]
    if jobs:
        args += ["--jobs", str(jobs)]
    if before:
        code = f"{before}\nimport sys\nfrom lai_chau.cli import main\nsys.exit(main({args!r}))"
        return run([sys.executable, "-c", code], output.parent, env)
    return run([BIN / "lai-chau", *args], output.parent, env)


def touch_notebook(notebook: Path, round_: int) -> None:
    """Change a notebook the way an author would: its first markdown cell gets a new line."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source.split("\n<!-- bench")[0] + f"\n<!-- bench round {round_} -->"
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def languages_of(matrix: Path, notebook: str) -> int:
    """How many jobs of the matrix run `notebook` (one per language of each report using it)."""
    return sum(1 for path, _, _ in jobs_of(matrix) if path.name == notebook)


def empty_cache(work: Path, name: str, bundle: bool = False, stamps: bool = True) -> Path:
    """A new cache directory: with the chart JavaScript copied in if `bundle`; without
    `stamps`, its `validated` entry is a file, so no validation stamp can be read or written."""
    directory = work / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    if bundle:
        shutil.copytree(ROOT / ".cache" / "vega", directory / "vega")
    if not stamps:
        (directory / "validated").write_text("stamps turned off\n")
    return directory


def import_time(work: Path, env: dict[str, str]) -> float:
    return run([sys.executable, "-c", "import lai_chau"], work, env)


def figures_time(work: Path, env: dict[str, str]) -> float:
    return run([BIN / "lai-chau", "figures"], work, env)


def ablation(matrix: Path, work: Path, env: dict[str, str], jobs: int | None,
             runs: int) -> dict[str, list[float]]:
    """`lai-chau render` with each speed-up off in turn, then all of them off."""
    out: dict[str, list[float]] = {}
    variants = [(name, [name]) for name in OFF] + [("all of them", list(OFF))]
    for label, names in variants:
        before = "".join(OFF[n] for n in names)
        local = dict(env)
        if "validation stamps" in names:
            local["LAI_CHAU_CACHE"] = str(empty_cache(
                work, "cache-off", bundle="chart JavaScript cache" not in names, stamps=False))
        out[label] = []
        for _ in range(runs):
            seconds = ours(matrix, work / "ablation", local, jobs, before)
            out[label].append(seconds)
            print(f"  without {label}: {seconds:7.2f} s", file=sys.stderr)
    return out


# --- report -------------------------------------------------------------------------------------

def machine() -> dict[str, object]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "commit": commit,
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}".rstrip() for a, b, c in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds; each number is the median over them (default 3)")
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 4], metavar="N",
                        help="render a matrix repeating the reports N times (default: 1 4; "
                             "give none to skip)")
    parser.add_argument("--scale-runs", type=int, default=1,
                        help="rounds of the scale measurement (default 1)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="passed to lai-chau render --jobs (default: its own default)")
    parser.add_argument("--naive-runs", type=int, default=1,
                        help="rounds that include the by-hand baseline, ~8 s per report and "
                             "most of the bench's time (default 1; 0 skips it)")
    parser.add_argument("--ablation", action="store_true",
                        help="also render with each speed-up turned off in turn (slow)")
    parser.add_argument("--matrix", type=Path, default=MATRIX, help="the report matrix")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the JSON result goes (default benchmarks/results/)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.scale_runs < 1 or args.naive_runs < 0:
        parser.error("--runs and --scale-runs must be at least 1, --naive-runs at least 0")

    env = environment()
    matrix = args.matrix.resolve()
    n_reports = len(jobs_of(matrix))
    info = machine()
    print(f"lai-chau bench: {n_reports} reports ({shown(matrix)}), {args.runs} round(s), "
          f"{info['cores']} cores, Python {info['python']}", file=sys.stderr)
    samples: dict[str, list[float]] = {
        "floor": [], "floor_deferred": [], "naive": [], "ours": [], "import": [], "figures": [],
        "noop": [], "one_changed": [],
    }
    loads: list[float] = []
    steps: list[tuple[str, Callable[[Path], float]]] = [
        ("floor", lambda w: floor(w, env)),
        ("floor_deferred", lambda w: floor_deferred(w, env)),
        ("import", lambda w: import_time(w, env)),
        ("figures", lambda w: figures_time(w, env)),
        ("ours", lambda w: ours(matrix, w / "ours", env, args.jobs)),
    ]
    steps.append(("naive", lambda w: naive(matrix, w, env)))
    # no-op and one changed: into a copy of the matrix rendered once before the rounds
    steps.append(("noop", lambda w: ours(w / "copy" / "reports.toml", w / "copy" / "out", env,
                                         args.jobs, fresh=False)))

    def one_changed(w: Path) -> float:
        touch_notebook(w / "copy" / CHANGED, len(samples["one_changed"]))
        return ours(w / "copy" / "reports.toml", w / "copy" / "out", env, args.jobs,
                    fresh=False)

    steps.append(("one_changed", one_changed))
    changed_jobs = languages_of(matrix, CHANGED)
    scale: dict[tuple[str, int], list[float]] = {
        (executor, n): [] for executor in EXECUTORS for n in args.scale}
    first_render = float("nan")
    ablated: dict[str, list[float]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lai-chau-bench-") as tmp:
            work = Path(tmp)
            # A fresh clone's first render: empty cache (chart JavaScript, validation stamps).
            first_render = ours(matrix, work / "first", {
                **env, "LAI_CHAU_CACHE": str(empty_cache(work, "cache-empty"))}, args.jobs)
            print(f"  empty cache: ours {first_render:7.2f} s", file=sys.stderr)
            ours(matrix, work / "ours", env, args.jobs)  # fills the project cache if need be
            ours(scaled_matrix(matrix, work / "copy", 1), work / "copy" / "out", env, args.jobs)
            for number in range(max(args.runs, args.naive_runs)):
                loads.append(os.getloadavg()[0])
                for name, step in steps:
                    if number >= (args.naive_runs if name == "naive" else args.runs):
                        continue
                    seconds = step(work)
                    samples[name].append(seconds)
                    print(f"  round {number + 1}: {name:14s} {seconds:7.2f} s", file=sys.stderr)
            for _ in range(args.scale_runs):
                for times in args.scale:
                    scaled = scaled_matrix(matrix, work / f"scale-{times}", times)
                    for executor, extra in EXECUTORS.items():
                        seconds = ours(scaled, work / f"scale-{times}" / "out", env, args.jobs,
                                       extra=extra)
                        scale[(executor, times)].append(seconds)
                        print(f"  scale {times}x, {executor}: {n_reports * times} reports "
                              f"{seconds:7.2f} s", file=sys.stderr)
            if args.ablation:
                ablated = ablation(matrix, work, env, args.jobs, args.runs)
    except Failed as exc:
        print(f"lai-chau bench: a command failed: {exc}", file=sys.stderr)
        return 1

    m = {name: median(values) for name, values in samples.items()}
    values = {
        "ours / (reports x floor)": m["ours"] / (n_reports * m["floor"]),
        "ours / naive": m["ours"] / m["naive"] if samples["naive"] else float("nan"),
        "import lai_chau (s)": m["import"],
        "lai-chau figures (s)": m["figures"],
        "no-op / floor": m["noop"] / m["floor"],
        "one changed / (languages x floor)": m["one_changed"] / (changed_jobs * m["floor"]),
    }
    targets = dict(TARGETS)
    for (executor, times), values_ in scale.items():
        name = f"grown {times}x, {executor} / (reports x floor)"
        values[name] = median(values_) / (n_reports * times * m["floor"])
        targets[name] = SCALE_TARGET
    for executor in EXECUTORS:
        if 1 in args.scale and max(args.scale) > 1:
            top = max(args.scale)
            name = f"per report {top}x / per report 1x, {executor}"
            values[name] = (median(scale[(executor, top)]) / top) / median(scale[(executor, 1)])
            targets[name] = 1.0
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "matrix": str(matrix),
        "reports": n_reports,
        "runs": args.runs,
        "jobs": args.jobs,
        "load_average_1min": loads,
        "samples_s": samples,
        "median_s": m,
        "per_report_s": {"floor": m["floor"], "naive": m["naive"] / n_reports,
                         "ours": m["ours"] / n_reports},
        "targets": {name: {"value": values[name], "limit": limit,
                           "met": values[name] <= limit}
                    for name, limit in targets.items()},
        "reference": {
            "ours / (reports x floor with the IRI grammar deferred)":
                m["ours"] / (n_reports * m["floor_deferred"]),
            "ours with an empty cache (s)": first_render,
        },
        "scale": {f"{executor} {times}x": {
            "reports": n_reports * times, "samples_s": values_, "median_s": median(values_),
            "per_report_s": median(values_) / (n_reports * times)}
            for (executor, times), values_ in scale.items()},
        "one_changed_jobs": changed_jobs,
        "ablation_s": {name: {"samples_s": v, "median_s": median(v)}
                       for name, v in ablated.items()},
    }
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.results / f"bench-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    rows = [("measure", "value", "")]
    rows.append(("floor: papermill CLI, empty notebook", f"{m['floor']:.2f} s", ""))
    if samples["naive"]:
        rows.append((f"naive: papermill + nbconvert CLI x {n_reports}", f"{m['naive']:.2f} s",
                     f"{m['naive'] / n_reports:.2f} s per report"))
    rows.append((f"ours: lai-chau render, {n_reports} reports", f"{m['ours']:.2f} s",
                 f"{m['ours'] / n_reports:.2f} s per report"))
    rows.append(("no-op: lai-chau render, nothing changed", f"{m['noop']:.2f} s", ""))
    rows.append((f"one changed: {CHANGED} ({changed_jobs} reports)", f"{m['one_changed']:.2f} s",
                 ""))
    for name, limit in targets.items():
        value = values[name]
        verdict = "n/a" if value != value else ("met" if value <= limit else "NOT met")
        shown_value = f"{value:.3f} s" if "(s)" in name else f"{value:.3f}"
        rows.append((name, shown_value, f"target <= {limit}: {verdict}"))
    for (executor, times), values_ in scale.items():
        med = median(values_)
        rows.append((f"scale {times}x, {executor}: {n_reports * times} reports", f"{med:.2f} s",
                     f"{med / (n_reports * times):.2f} s per report"))
    strict = m["ours"] / (n_reports * m["floor_deferred"])
    rows.append(("reference: floor, IRI grammar deferred", f"{m['floor_deferred']:.2f} s",
                 f"ours / (reports x this) = {strict:.3f}"))
    rows.append(("reference: ours, empty cache (first render)", f"{first_render:.2f} s", ""))
    for name, entry in result["ablation_s"].items():
        rows.append((f"ablation: ours without {name}", f"{entry['median_s']:.2f} s",
                     f"+{entry['median_s'] - m['ours']:.2f} s"))
    print(table(rows))
    versions = ", ".join(f"{k} {v}" for k, v in info["packages"].items() if v)
    print(f"\nmachine: {info['cores']} cores ({info['cpu']}), Python {info['python']}, "
          f"{info['platform']}\npackages: {versions}\n1-min load average at each round: "
          f"{', '.join(f'{x:.2f}' for x in loads)}\nresult: {shown(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
