"""`lai-chau render`: answered from the build records when nothing changed, else rendered.

Imports only the light part of the render (lai_chau.render.incremental) until there is work to
do: "10 reports up to date" costs no pandas, papermill, nbconvert or kernel.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from lai_chau.base import paths
from lai_chau.base.errors import UsageError
from lai_chau.present.matrix import MATRIX, load_matrix
from lai_chau.render.incremental import (
    DASK_MISSING,
    decide,
    explain,
    index_current,
    jobs,
    up_to_date_line,
)


def main(args: argparse.Namespace) -> int:
    """`lai-chau render`: answer here when nothing changed (or for --dry-run), else render."""
    started = time.perf_counter()
    matrix_path = Path(args.matrix) if getattr(args, "matrix", None) else MATRIX
    output = Path(args.output) if getattr(args, "output", None) else paths.REPORTS
    force = bool(getattr(args, "force", False))
    dry_run = bool(getattr(args, "dry_run", False))
    if getattr(args, "dask", None) and importlib.util.find_spec("distributed") is None:
        raise UsageError(DASK_MISSING)
    if (dry_run or not force) and not (output.exists() and not output.is_dir()):
        matrix = load_matrix(matrix_path)
        todo = jobs(matrix, matrix_path.resolve().parent, output, args.only, args.lang)
        decisions = decide(todo, output, force)
        stale = [d for d in decisions if d.stale]
        if dry_run:
            index = "" if index_current(matrix, output) else "; index.html would be rewritten"
            print(f"{len(stale)} of {len(decisions)} reports would render{index}"
                  f" (dry run: nothing executed or written)", file=sys.stderr)
            for line in explain(decisions, rendering=False):
                print(line, file=sys.stderr)
            return 0
        if not stale and index_current(matrix, output):
            print(f"lai-chau render: {up_to_date_line(len(decisions))} "
                  f"({time.perf_counter() - started:.2f} s; --force renders them anyway)",
                  file=sys.stderr)
            if getattr(args, "explain", False):
                for line in explain(decisions):
                    print(line, file=sys.stderr)
            return 0
    from lai_chau.render import run  # the heavy part: papermill, nbconvert, kernels

    return run.main(args)
