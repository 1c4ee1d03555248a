"""Refresh the notebooks' stored outputs deterministically, and check committed notebooks are clean.

`python -m lai_chau.render.notebooks refresh [NAMES...]` (`make notebooks`) re-executes notebooks in
place with the `lai-chau` kernel, their default parameters and cwd = the notebook's directory
(notebooks/, as nbval does), then keeps only what nbval compares: the outputs of cells tagged
`nbval-check-output` (headline figures printed as plain text). Every other output (charts, HTML,
stderr) is dropped: an output nothing compares would go stale without anyone noticing. Execution
counts are renumbered 1..n, timing/papermill/widget metadata removed, kernelspec and language_info
set to fixed values (no Python patch version), so refreshing twice gives identical bytes.

`python -m lai_chau.render.notebooks check` lists every problem of the committed notebooks (invalid
nbformat, wrong kernel, stray outputs or execution noise, error outputs, absolute local paths,
misplaced `parameters` cell, check cells that nbval cannot compare), one line each:
`notebooks/<name>.ipynb, cell <index> [id <cell id>]: <what>`. Cell indexes count every cell from
0; nbval's "Cell N" counts code cells only.

Why one module of ~480 lines: `refresh` and `check` read and write the same notebook hygiene
rules (kernelspec, stored outputs, execution noise); splitting them would split the rules.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from lai_chau.base import paths
from lai_chau.base.errors import LaiChauError, unknown

KERNEL_NAME = "lai-chau"
KERNELSPEC = {"display_name": "Python 3 (lai-chau)", "language": "python", "name": KERNEL_NAME}
# What ipykernel reports, minus `version`: the Python patch level differs between machines and
# would make every refresh on another machine a diff.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
CHECK_TAG = "nbval-check-output"
PARAMETERS_TAG = "parameters"
# cookiecutter-data-science numbering: 0.x notebooks are for exploration and are not rendered;
# every other notebook is a publication notebook with one `parameters` cell, second.
EXPLORATION_PREFIX = "0."
NOISE_KEYS = ("execution", "papermill", "widgets", "ExecuteTime")
PLAIN_MIME = {"text/plain"}
CELL_TIMEOUT = 300  # seconds, per cell
LOCAL_PATH = re.compile(r"(?<![\w.~-])(?:/(?:work|tmp|root|home|Users|private/var)/|[A-Za-z]:\\\\)")
MEMORY_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]{6,}")


class NotebookError(LaiChauError):
    """One or more notebooks failed to execute; the message names notebook, cell and error."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a committed notebook."""

    notebook: str
    cell: int | None
    cell_id: str | None
    what: str

    def __str__(self) -> str:
        where = self.notebook
        if self.cell is not None:
            where += f", cell {self.cell}"
            if self.cell_id:
                where += f" [id {self.cell_id}]"
        return f"{where}: {self.what}"


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def notebook_paths(names: Sequence[str] | None = None, directory: Path | None = None) -> list[Path]:
    """Notebooks of `directory` (default notebooks/), sorted; `names` selects by stem or file."""
    directory = paths.NOTEBOOKS if directory is None else Path(directory)
    found = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        return found
    by_name = {p.stem: p for p in found} | {p.name: p for p in found}
    selected = []
    for name in names:
        if name not in by_name:
            raise unknown("notebook", name, [p.stem for p in found])
        if by_name[name] not in selected:
            selected.append(by_name[name])
    return selected


def is_publication(path: Path) -> bool:
    """True for notebooks rendered as reports (every name not starting with `0.`)."""
    return not Path(path).name.startswith(EXPLORATION_PREFIX)


def _tags(cell: Any) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return tags if isinstance(tags, list) else []


def _source(cell: Any) -> str:
    """A cell's source as one string (stored notebooks split it into a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _runs(cell: Any) -> bool:
    """Whether nbclient executes the cell (it skips empty code cells and `skip-execution`)."""
    return (
        cell.get("cell_type") == "code"
        and bool(_source(cell).strip())
        and "skip-execution" not in _tags(cell)
    )


def _stable_id(index: int, cell: Any) -> str:
    digest = hashlib.sha1(f"{index}\0{_source(cell)}".encode()).hexdigest()
    return digest[:8]


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only compared outputs and strip execution noise (in place; returns the notebook)."""
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
    for key in NOISE_KEYS:
        nb.metadata.pop(key, None)
    nb.metadata.kernelspec = nbformat.from_dict(dict(KERNELSPEC))
    nb.metadata.language_info = nbformat.from_dict(copy.deepcopy(LANGUAGE_INFO))
    seen: set[str] = set()
    count = 0
    for index, cell in enumerate(nb.cells):
        if not cell.get("id") or cell.id in seen:
            cell.id = _stable_id(index, cell)
        seen.add(cell.id)
        for key in NOISE_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if not _runs(cell):
            cell.execution_count, cell.outputs = None, []
            continue
        count += 1
        cell.execution_count = count
        if CHECK_TAG not in _tags(cell):
            cell.outputs = []
        cell.outputs = _coalesce(cell.outputs)
        for output in cell.outputs:
            output.pop("transient", None)
            if output.output_type == "execute_result":
                output.execution_count = count
    return nb


def _coalesce(outputs: list[Any]) -> list[Any]:
    """Merge consecutive stream outputs of one stream: how prints are chunked is timing."""
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text = "".join(previous.text) + "".join(output.text)
        else:
            merged.append(output)
    return merged


def _dumps(nb: nbformat.NotebookNode) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _error_line(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip().splitlines()[-1] if text.strip() else ""


async def _execute(path: Path, timeout: int) -> tuple[nbformat.NotebookNode | None, str]:
    """Execute one notebook; returns (notebook, "") or (None, why it failed)."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    failed: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="lai-chau-kernel-") as sockets:
        # IPC sockets instead of TCP: no "running over TCP without encryption" warning per kernel,
        # and no port to clash when notebooks run side by side.
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(sockets, "kernel")
        )
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            startup_timeout=120,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_error=lambda cell, cell_index, execute_reply: failed.setdefault(
                "cell", cell_index
            ),
        )
        try:
            await client.async_execute(cleanup_kc=True)
        except CellExecutionError as exc:
            cell = failed.get("cell")
            where = f"cell {cell}" if cell is not None else "a cell"
            what = (
                f"{exc.ename}: {exc.evalue}" if getattr(exc, "ename", "") else _error_line(str(exc))
            )
            return None, f"{_rel(path)}, {where}: {what}"
        except Exception as exc:  # kernel died, timed out, could not start
            return None, f"{_rel(path)}: {type(exc).__name__}: {_error_line(str(exc)) or exc!r}"
    return nb, ""


async def _refresh_all(notebooks: list[Path], jobs: int, timeout: int, quiet: bool) -> list[str]:
    gate = asyncio.Semaphore(jobs)
    failures: list[str] = []

    async def one(path: Path) -> None:
        async with gate:
            started = time.perf_counter()
            nb, why = await _execute(path, timeout)
            if nb is None:
                failures.append(why)
                if not quiet:
                    print(f"FAILED   {why}", file=sys.stderr)
                return
            text = _dumps(normalise(nb))
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if text != old:
                from lai_chau.base.atomic import write_text

                write_text(path, text)
            if not quiet:
                state = "updated " if text != old else "unchanged"
                print(f"{state} {_rel(path)} ({time.perf_counter() - started:.1f} s)")

    await asyncio.gather(*(one(p) for p in notebooks))
    return failures


def refresh(
    names: Sequence[str] | None = None,
    *,
    notebooks: Sequence[Path] | None = None,
    jobs: int | None = None,
    timeout: int = CELL_TIMEOUT,
    quiet: bool = False,
) -> list[Path]:
    """Re-execute notebooks in place and store normalised outputs; returns the paths refreshed.

    `names` picks notebooks of notebooks/ by stem; `notebooks` gives explicit paths instead.
    A notebook that fails is left as it was; NotebookError then names each failed notebook,
    cell and error after the others are written.
    """
    targets = [Path(p) for p in notebooks] if notebooks is not None else notebook_paths(names)
    if not targets:
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(targets)))
    failures = asyncio.run(_refresh_all(targets, jobs, timeout, quiet))
    if failures:
        raise NotebookError(
            f"{len(failures)} notebook(s) failed and were left unchanged:\n  "
            + "\n  ".join(sorted(failures))
        )
    return targets


def _output_text(output: Any) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else str(text)
    return json.dumps(output.get("data", {}), ensure_ascii=False) + json.dumps(
        output.get("evalue", "")
    )


def _diff(got: Any, expected: dict[str, Any]) -> str:
    """Short description of how a metadata dict differs from the expected one."""
    if not isinstance(got, dict):
        return f"missing (expected {expected!r})"
    parts = [
        f"{k!r} is {got.get(k)!r}, expected {v!r}" for k, v in expected.items() if got.get(k) != v
    ]
    parts += [f"unexpected {k!r}: {got[k]!r}" for k in got if k not in expected]
    return "; ".join(parts)


def _notebook_level(path: Path, nb: Any) -> list[str]:
    found = []
    if nb.get("nbformat_minor", 0) < 5:
        found.append(f"nbformat 4.{nb.get('nbformat_minor')}; expected 4.5 (cell ids)")
    meta = nb.get("metadata", {})
    if meta.get("kernelspec") != KERNELSPEC:
        found.append(f"kernelspec: {_diff(meta.get('kernelspec'), KERNELSPEC)}")
    if meta.get("language_info") != LANGUAGE_INFO:
        found.append(f"language_info: {_diff(meta.get('language_info'), LANGUAGE_INFO)}")
    found += [
        f"notebook metadata has {key!r} (execution noise)"
        for key in ("kernel_info", *NOISE_KEYS)
        if key in meta
    ]
    if LOCAL_PATH.search(json.dumps(meta, ensure_ascii=False)):
        found.append("notebook metadata holds an absolute local path")
    cells = nb.get("cells", [])
    params = [i for i, c in enumerate(cells) if PARAMETERS_TAG in _tags(c)]
    if is_publication(path) and len(params) != 1:
        found.append(f"{len(params)} cells tagged 'parameters'; a publication notebook has one")
    elif len(params) > 1:
        found.append(f"{len(params)} cells tagged 'parameters'; expected at most one")
    counts = _expected_counts(cells)
    wrong = [i for i, c in enumerate(cells) if c.get("execution_count") != counts[i]]
    if wrong:
        found.append(
            f"execution counts are not 1..n top to bottom (cells {', '.join(map(str, wrong))}); "
            "run `make notebooks`"
        )
    return found


def _expected_counts(cells: list[Any]) -> list[int | None]:
    counts: list[int | None] = []
    count = 0
    for cell in cells:
        if _runs(cell):
            count += 1
            counts.append(count)
        else:
            counts.append(None)
    return counts


def _cell_level(index: int, cell: Any, count: int | None) -> list[str]:
    found = []
    if PARAMETERS_TAG in _tags(cell):
        if index != 1:
            found.append("the 'parameters' cell must be the second cell")
        if cell.get("cell_type") != "code":
            found.append("the 'parameters' cell is not a code cell")
    found += [
        f"cell metadata has {key!r} (execution noise)"
        for key in NOISE_KEYS
        if key in cell.get("metadata", {})
    ]
    if LOCAL_PATH.search(_source(cell)):
        found.append("source holds an absolute local path; build paths with lai_chau.base.paths")
    if cell.get("cell_type") != "code":
        return found
    outputs = cell.get("outputs", [])
    checked = CHECK_TAG in _tags(cell)
    if outputs and not checked:
        found.append(
            f"stray output: only cells tagged {CHECK_TAG!r} keep one; run `make notebooks`"
        )
    if checked and _runs(cell) and not outputs:
        found.append(f"tagged {CHECK_TAG!r} but has no stored output; run `make notebooks`")
    if checked and _source(cell).rstrip().endswith(";"):
        found.append("last line ends with ';', which nbval does not honour; write `_ = expr`")
    for output in outputs:
        kind = output.get("output_type")
        body = _output_text(output)
        if kind == "error":
            found.append(f"error output: {output.get('ename')}: {output.get('evalue')}")
        if LOCAL_PATH.search(body):
            found.append("output holds an absolute local path")
        if MEMORY_ADDRESS.search(body):
            found.append("output holds a memory address (`at 0x...`): print values, not objects")
        if not checked:
            continue
        if kind == "stream" and output.get("name") != "stdout":
            found.append(
                f"{output.get('name')} output (fix the warning at its source): {body[:80]!r}"
            )
        if kind in ("execute_result", "display_data"):
            extra = sorted(set(output.get("data", {})) - PLAIN_MIME)
            if extra:
                found.append(f"output is not plain text ({', '.join(extra)}); print a text table")
            if output.get("metadata"):
                found.append("output metadata is not empty")
        if kind == "execute_result" and output.get("execution_count") != count:
            found.append("an execute_result's execution_count differs from its cell's")
    return found


def notebook_problems(path: Path) -> list[Problem]:
    """Everything that keeps one notebook from being committed as is."""
    name = _rel(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Problem(name, None, None, f"not valid UTF-8 JSON ({exc})")]
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        return [Problem(name, None, None, "not an nbformat 4 notebook")]
    nb = nbformat.from_dict(raw)
    found = []
    try:
        with warnings.catch_warnings():  # duplicate ids: nbformat warns, we report them below
            warnings.simplefilter("ignore")
            nbformat.validate(copy.deepcopy(nb))
    except nbformat.ValidationError as exc:
        found.append(Problem(name, None, None, f"not a valid notebook: {exc.message}"))
    found += [Problem(name, None, None, what) for what in _notebook_level(path, nb)]
    cells = nb.get("cells", [])
    ids: set[str] = set()
    for index, (cell, count) in enumerate(zip(cells, _expected_counts(cells), strict=True)):
        cell_id = cell.get("id")
        whats = _cell_level(index, cell, count)
        if not cell_id:
            whats.insert(0, "cell has no id")
        elif cell_id in ids:
            whats.insert(0, f"duplicate cell id {cell_id!r}")
        ids.add(cell_id)
        found += [Problem(name, index, cell_id, what) for what in whats]
    return found


def problems(notebooks: Sequence[Path] | None = None) -> list[Problem]:
    """Problems of every notebook in notebooks/ and notebooks/periods/ (or of the given paths),
    and of the period copies against the matrix (lai_chau.render.copies)."""
    from lai_chau.render import copies

    targets = all_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    found = [p for path in targets for p in notebook_problems(path)]
    if notebooks is None or any(Path(p).parent == copies.directory() for p in targets):
        found += [Problem(what.split(":")[0], None, None, what.split(": ", 1)[1])
                  for what in copies.stale()]
    return found


def all_notebooks() -> list[Path]:
    """notebooks/*.ipynb and the period copies in notebooks/periods/."""
    from lai_chau.render import copies

    return notebook_paths() + notebook_paths(directory=copies.directory()) \
        if copies.directory().is_dir() else notebook_paths()


def build_parser() -> argparse.ArgumentParser:
    """Arguments of `python -m lai_chau.render.notebooks`."""
    parser = argparse.ArgumentParser(
        prog="python -m lai_chau.render.notebooks",
        description="Refresh the notebooks' stored outputs, or check committed notebooks.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("refresh", help="re-execute notebooks in place (default: all)")
    p.add_argument("names", nargs="*", metavar="NAME", help="notebook name, e.g. 1.0-overview")
    p.add_argument("--jobs", type=int, default=None, help="notebooks executed at once")
    p = sub.add_parser("check", help="list every problem of the committed notebooks")
    p.add_argument("names", nargs="*", metavar="NAME", help="notebook name (default: all)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 if all is well, 1 if problems were found, 2 on bad usage or a failed run."""
    args = build_parser().parse_args(argv)
    prog = f"lai_chau.render.notebooks {args.command}"
    try:
        if args.command == "refresh" and not args.names:
            from lai_chau.render import copies

            copies.sync()
        targets = notebook_paths(args.names) if args.names else all_notebooks()
        if args.command == "refresh":
            refresh(notebooks=targets, jobs=args.jobs)
        found = problems(None if not args.names else targets)
    except LaiChauError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    for item in found:
        print(item, file=sys.stderr)
    if found:
        print(f"{prog}: {len(found)} problem(s) in {len(targets)} notebook(s)", file=sys.stderr)
        return 1
    if args.command == "check":
        print(f"ok: {len(targets)} notebook(s) clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
