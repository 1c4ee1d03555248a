"""`lai-chau check`: every problem of the data package, then what the analysis makes of the data,
so that check finds everything a render would fail on."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from lai_chau.base.errors import DataError
from lai_chau.data import validate
from lai_chau.data.validate import resource_names, resource_path


def problems() -> list[DataError]:
    """The data package's problems (lai_chau.data.validate.problems) or, when there are none, the
    analysis's."""
    found = validate.problems()
    return found or analysis_problems()


def analysis_problems() -> list[DataError]:
    """What the reports' analysis makes of the data (every comparison and the claims, in every
    language): a problem there would otherwise only surface in a render."""
    from lai_chau.base.errors import LaiChauError

    found: list[DataError] = []
    steps: list[tuple[str, Any]] = []
    try:
        from lai_chau.analysis.vocabulary import BASELINES
        from lai_chau.present import comparisons, verdicts
        from lai_chau.sources.numerals import LANGS

        for lang in LANGS:
            for baseline in BASELINES:
                steps.append((f"compare {baseline} ({lang})",
                              lambda b=baseline, lg=lang: comparisons.compare(b, lg)))
            steps.append((f"claims ({lang})", lambda lg=lang: verdicts.claims(lg)))
    except LaiChauError as exc:
        return [DataError("data/", f"the analysis cannot start: {exc}")]
    for what, step in steps:
        try:
            step()
        except DataError as exc:
            found.append(exc)
        except LaiChauError as exc:
            found.append(DataError("data/", f"{what} fails on this data: {exc}"))
        except Exception as exc:  # a bug or an unforeseen data shape: say where, not a traceback
            found.append(DataError("data/", f"{what} fails on this data: "
                                            f"{type(exc).__name__}: {exc}"))
    return found



def main(args: argparse.Namespace) -> int:
    """`lai-chau check [--update-hashes]`: list every problem; exit 1 if there is any."""
    validate.clear_cache()
    found = problems()
    if args.update_hashes:
        blocking = [p for p in found if "content changed" not in p.message]
        if blocking:
            found = blocking
        else:
            changed = validate.update_hashes()
            print(f"updated hashes: {', '.join(changed) if changed else 'none changed'}")
            found = problems()
    if found:
        for problem in found:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(found)} problem(s) in the data package", file=sys.stderr)
        return 1
    n_rows = 0
    for name in resource_names():
        with open(resource_path(name), encoding="utf-8", newline="") as fh:
            n_rows += sum(1 for _ in csv.reader(fh)) - 1
    print(
        f"ok: {len(resource_names())} resources, {n_rows} rows, seed hash and every quote checked"
    )
    return 0
