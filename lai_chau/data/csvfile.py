"""A data file read as text, strictly: UTF-8, one field count per row, the columns its schema
names, and one form for each stored number, integer, date and boolean."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

from lai_chau.base import paths
from lai_chau.base.encoding import decode_utf8
from lai_chau.base.errors import DataError
from lai_chau.data.package import _rel, resource

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# A Vietnamese-formatted number in a numeric column ("9,15", "1.620,5"): worth its own hint.
_VI_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+,\d+$")


def _row_label(raw: pd.DataFrame, index: Any, key: list[str]) -> str:
    label = f"row {int(index) + 1}"
    if key and all(k in raw.columns for k in key):
        values = ", ".join(f"{raw.at[index, k]}" for k in key)
        label += f" ({'/'.join(key)} '{values}')"
    return label


def _read_raw(name: str, data: bytes | None = None) -> tuple[pd.DataFrame, list[DataError]]:
    """The CSV as text columns (from `data`, its bytes, if given) and its structural problems:
    encoding, a row with more or fewer fields than the header, missing or extra columns."""
    import pandas as pd

    res = resource(name)
    path = paths.DATA / res["path"]
    rel = _rel(path)
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return pd.DataFrame(), [
                DataError(rel, "file not found (listed in data/datapackage.json)")]
        except OSError as exc:
            return pd.DataFrame(), [DataError(rel, f"cannot be read ({exc.strerror})")]
    try:
        text = decode_utf8(data, rel)
    except DataError as exc:
        return pd.DataFrame(), [exc]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return pd.DataFrame(), [DataError(rel, f"not a readable CSV ({exc})")]
    if not records:
        return pd.DataFrame(), [DataError(rel, "empty file; expected a header row and data rows")]
    # blank lines are no rows (as for pandas and frictionless); numbering skips them too
    lines = _record_lines(text)
    numbered = [(line, r) for line, r in zip(lines, records, strict=False) if r]
    if not numbered:
        return pd.DataFrame(), [DataError(rel, "empty file; expected a header row and data rows")]
    header = numbered[0][1]
    rows = [r for _, r in numbered[1:]]
    row_lines = [line for line, _ in numbered[1:]]
    fields = [f["name"] for f in res["schema"]["fields"]]
    problems = [
        DataError(rel, f"missing column; expected the columns {', '.join(fields)}", column=col)
        for col in fields
        if col not in header
    ]
    problems += [
        DataError(rel, "unexpected column; describe it in data/datapackage.json first", column=col)
        for col in header
        if col not in fields
    ]
    twice = sorted({c for c in header if header.count(c) > 1})
    problems += [DataError(rel, "column appears twice in the header", column=c) for c in twice]
    for number, (row, line) in enumerate(zip(rows, row_lines, strict=True), 1):
        if len(row) != len(header):
            problems.append(DataError(
                f"{rel}, row {number} (line {line})",
                f"has {len(row)} fields, the header has {len(header)}; an unquoted comma "
                "(write numbers plainly, 9.15, and quote text that holds a comma)"
                if len(row) > len(header) else
                f"has {len(row)} fields, the header has {len(header)}; a field is missing",
            ))
    if problems:
        return pd.DataFrame(), problems
    # the structure is sound: pandas reads the same text into the text columns it types
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if not rows and not res.get("x-may-be-empty", False):
        problems.append(DataError(
            rel, "has a header but no data rows; expected at least one row (an empty table "
            "would publish empty reports); restore the file from git if it was truncated"))
    return raw, problems


def _record_lines(text: str) -> list[int]:
    """The physical line where each CSV record starts (quoted newlines counted)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


# A stored number: optional minus, ASCII digits, optional '.' and ASCII digits. Nothing else
# (Python's float() would also take '9_15', 'inf', '١٢' or ' 9.15 ').
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
PLAIN_INTEGER = re.compile(r"-?[0-9]+")
PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIELD_TYPES = ("string", "number", "integer", "date", "boolean")
_EXPECTED_FORM = {
    "number": "a plain number: optional '-', ASCII digits, optional '.' and digits "
    "(e.g. 9.15, -2.77, 1620)",
    "integer": "a whole number: optional '-' and ASCII digits (e.g. 12)",
    "date": "a date as YYYY-MM-DD (e.g. 2022-06-15)",
    "boolean": "true or false",
}


def _form_problem(kind: str, value: str) -> str | None:
    """Why a stored cell is not of its field type's one strict form, or None."""
    import datetime

    if kind == "number":
        ok = PLAIN_NUMBER.fullmatch(value) is not None
    elif kind == "integer":
        ok = PLAIN_INTEGER.fullmatch(value) is not None
    elif kind == "date":
        ok = PLAIN_DATE.fullmatch(value) is not None
        if ok:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return f"expected a real calendar date as YYYY-MM-DD, got {value!r}"
    elif kind == "boolean":
        ok = value in {"true", "false"}
    else:
        return None
    if ok:
        return None
    message = f"expected {_EXPECTED_FORM[kind]}, got {value!r}"
    if kind in {"number", "integer"} and _VI_NUMBER.match(value):
        message += " (a Vietnamese-formatted number: store it plainly, e.g. 9.15 not 9,15)"
    elif any(c.isdigit() and not c.isascii() for c in value):
        message += " (non-ASCII digits: store the number with the digits 0-9)"
    return message


def _schema_problems(name: str) -> list[DataError]:
    """Problems of a resource's description itself (no schema, unknown field types)."""
    where = _rel(paths.DATAPACKAGE)
    res = resource(name)
    schema = res.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or \
            not schema["fields"]:
        return [DataError(where, f"resource {name!r} has no schema with fields; every data "
                                 "file is described field by field (name, type, description)")]
    problems = []
    for number, field in enumerate(schema["fields"], 1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            problems.append(DataError(where, f"resource {name!r}, field #{number} has no name"))
            continue
        kind = field.get("type", "string")
        if kind not in FIELD_TYPES:
            problems.append(DataError(
                where, f"resource {name!r}, field {field['name']!r}: unknown type {kind!r}; "
                       f"expected one of: {', '.join(FIELD_TYPES)}"))
    if "path" not in res:
        problems.append(DataError(where, f"resource {name!r} has no 'path'"))
    return problems
