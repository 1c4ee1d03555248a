"""Edit a copy of a data file in a test (with the data_copy fixture of conftest.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from lai_chau.data import validate


def edit_row(path: Path, row_id: str, **changes: str) -> None:
    """Set cells of the row whose `id` is row_id in a CSV, then forget cached tables."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["id"] == row_id)
    row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    validate.clear_cache()
