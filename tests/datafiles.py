"""Edit a copy of a data file in a test (with the data_copy fixture of conftest.py), and read a
number back from its snippet."""

from __future__ import annotations

import csv
import math
import unicodedata
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


def reads(snippet: str, value: float) -> bool:
    """Whether the project's extractor reads `value` (its size; a decrease is written 'giảm') in
    `snippet`, as written or after its scale word."""
    from lai_chau.sources.extract import extract

    mentions = extract(unicodedata.normalize("NFC", snippet))
    return any(m.value is not None and (math.isclose(abs(m.as_written), abs(value), rel_tol=1e-9)
                                        or math.isclose(abs(m.value), abs(value), rel_tol=1e-9))
               for m in mentions)
