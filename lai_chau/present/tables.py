"""Tables for people: rows as text, CSV or JSON (the CLI's formats), DataFrames shown readably.

`show(frame, lang)` is how a notebook cell displays a DataFrame: numbers in the reader's language
with at most two decimals and no trailing zeros (6, 9.15, 6.42; 9,15 in Vietnamese; ranks and
counts stored as floats print as integers, never 6.000000e+00 or 15.00), missing values blank,
text left and numbers right, and the plain-text form at most 100 characters wide (long text
wrapped inside its column). `render(..., width=...)` fits a plain-text table the same way.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMATS = ("table", "csv", "json")
WIDTH = 100  # characters: the widest plain-text table a notebook or report prints
DECIMALS = 2
MIN_COLUMN = 20  # only text columns wider than this wrap, never narrower (nor than a word)


def _plain(value: Any) -> Any:
    """JSON/CSV-friendly scalar: NaN and None become None, numpy scalars become Python ones."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # 15.0 -> 15: figures are stored as written
    if hasattr(value, "isoformat"):
        return (
            value.isoformat()[:10]
            if hasattr(value, "hour") and not value.hour
            else value.isoformat()
        )
    return value


def render(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str,
           width: int | None = None) -> str:
    """Return rows (mappings) restricted to `columns` as `table`, `csv` or `json` text.

    With `width`, a `table` is fitted to that many characters where it can be: the widest text
    columns are wrapped at spaces inside their cells (a row then takes several lines); a column
    never gets narrower than MIN_COLUMN or its header. Without it (the CLI), nothing is wrapped.
    """
    if fmt not in FORMATS:
        from lai_chau.base.errors import unknown

        raise unknown("format", fmt, FORMATS)
    records = [{c: _plain(r.get(c)) for c in columns} for r in rows]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in records)
        return buf.getvalue()
    cells = [[("" if r[c] is None else str(r[c])) for c in columns] for r in records]
    return _plain_table(list(columns), cells, width)


def _plain_table(columns: list[str], cells: list[list[str]], width: int | None,
                 right: Sequence[bool] = ()) -> str:
    """Columns and cells as aligned text, two spaces apart, fitted to `width` (see render);
    `right[i]` right-aligns column i (numbers)."""
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    if width is not None:
        widths = _fit(columns, cells, widths, width)
    align = [bool(right[i]) if i < len(right) else False for i in range(len(columns))]

    def line(values: Sequence[str]) -> list[str]:
        wrapped = [textwrap.wrap(v, w, break_long_words=False, break_on_hyphens=False) or [""]
                   if len(v) > w else [v] for v, w in zip(values, widths, strict=True)]
        return ["  ".join((part[n] if n < len(part) else "").rjust(w) if r else
                          (part[n] if n < len(part) else "").ljust(w)
                          for part, w, r in zip(wrapped, widths, align, strict=True)).rstrip()
                for n in range(max(len(part) for part in wrapped))]

    lines = line(columns)
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines += line(row)
    return "\n".join(lines) + "\n"


def _fit(columns: Sequence[str], cells: Sequence[Sequence[str]], widths: list[int],
         width: int) -> list[int]:
    """Column widths narrowed, widest first, until the table fits `width` or cannot narrow."""
    widths = list(widths)
    floor = [max(MIN_COLUMN, len(c), *(len(word) for row in cells for word in row[i].split()))
             for i, c in enumerate(columns)]
    while sum(widths) + 2 * (len(widths) - 1) > width:
        narrowable = [i for i, w in enumerate(widths) if w > floor[i]]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


# --- DataFrames in notebooks ---------------------------------------------------------------------

def number_text(value: Any, lang: str = "en", decimals: int = DECIMALS) -> str:
    """One cell of a table for a reader: a number rounded to at most `decimals` decimals, no
    trailing zeros, thousands grouped from 10,000 in `lang`'s notation (9.15, 1620, 15,000;
    9,15 in vi); NaN and None blank; anything else as str()."""
    from lai_chau.sources.numerals import format_number

    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    rounded = round(value, decimals)
    if isinstance(rounded, float) and rounded.is_integer():
        rounded = int(rounded)
    text = format_number(rounded, lang)
    if abs(rounded) < 10_000:  # a year or a count of four digits reads better ungrouped
        text = text.replace("." if lang == "vi" else ",", "") if isinstance(rounded, int) \
            else text
    return text


@dataclass(frozen=True)
class Table:
    """A DataFrame formatted for a reader: `html` for JupyterLab and reports, `plain` for text."""

    html: str
    plain: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


def show(frame: Any, lang: str = "en", *, decimals: int = DECIMALS, width: int = WIDTH,
         index: bool = False) -> Table:
    """A DataFrame as a readable table: make it the last line of a notebook cell (or
    `display(show(df, lang))`).

    Numbers: at most `decimals` decimals, trailing zeros dropped, in `lang`'s notation (see
    number_text); a rank or count stored as a float shows as an integer. Missing values are
    blank. The HTML is a plain `lc-table` (the report's table style; numbers right-aligned); the
    plain text (what `print(show(...))` and nbval see) is at most `width` characters wide where
    the text can wrap. `index=True` keeps the index as the first column. The frame is not
    changed.
    """
    import pandas as pd

    from lai_chau.present.i18n import check_lang

    lang = check_lang(lang)
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    if index:
        frame = frame.reset_index()
    columns = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    cells = [[number_text(v, lang, decimals) if numeric[i] else ("" if _plain(v) is None
                                                                  else str(_plain(v)))
              for i, v in enumerate(row)] for row in frame.itertuples(index=False, name=None)]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align: right">{html.escape(v)}</td>' if numeric[i]
                         else f"<td>{html.escape(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in cells)
    markup = (f'<table class="lc-table"><thead><tr>{head}</tr></thead>'
              f"<tbody>{body}</tbody></table>")
    return Table(markup, _plain_table(columns, cells, width, numeric))
