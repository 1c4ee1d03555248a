"""Building blocks of report notebooks: headings, figure lists and tables in the report language.

Every block is an object with `_repr_html_` (HTML, with all text from data escaped) and a plain
`__repr__`, so a notebook shows it with `display(...)` in JupyterLab and in the rendered report.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lai_chau.base.errors import unknown
from lai_chau.present.blocks import Blocks, show
from lai_chau.present.i18n import (
    TEXT,
    base_text,
    check_lang,
    data_label,
    date_text,
    measure_name,
    period_text,
    qualifier_text,
    source_title,
    text,
    year_month_text,
)
from lai_chau.sources.numerals import format_number


def value_text(row: Any, lang: str) -> str:
    """A figure's value with its unit in `lang` ('9,15%', '1,620 t'; a rank bound 'tốp 15')."""
    number = float(row["value"])
    if row.get("measure") == "rank_bound":
        return text("rank_at_most", lang, n=format_number(number, lang))
    return format_number(number, check_lang(lang), unit=str(row["unit"]))


def label(row: Any, lang: str) -> str:
    """A figure's label in `lang`."""
    return data_label(row, lang)


# --- blocks -------------------------------------------------------------------------------------

PLAIN_PREVIEW = 100  # characters of a block's plain text a notebook output keeps


@dataclass(frozen=True)
class Block:
    """A piece of report: HTML for the page, plain text for consoles and nbval."""

    html: str
    plain: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        # a notebook stores the HTML and only the first line of the plain text: the whole text
        # again would double what a saved notebook weighs (print(block) still gives all of it)
        lines = self.plain.splitlines() or [""]
        first = lines[0] if len(lines[0]) <= PLAIN_PREVIEW else lines[0][:PLAIN_PREVIEW - 1]
        more = len(lines) > 1 or len(lines[0]) > PLAIN_PREVIEW
        return {"text/html": self.html, "text/plain": first + (" …" if more else "")}

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


def heading(title: str, level: int = 2) -> Block:
    """A heading (h1..h4) with `title` escaped."""
    if level not in (1, 2, 3, 4):
        raise ValueError(f"heading level must be 1 to 4, got {level}")
    return Block(f"<h{level}>{html.escape(title)}</h{level}>", title)


def paragraph(body: str) -> Block:
    """A paragraph of plain text (escaped)."""
    return Block(f"<p>{html.escape(body)}</p>", body)


def _translation(start: int, end: int) -> str:
    from lai_chau.sources import seed

    return seed.translate_span(int(start), int(end))


def figure_item(row: Any, lang: str) -> Block:
    """One figure: its label, value with unit, base, date and qualifier, the verbatim quote, and
    in English reports the English translation of the quote's sentence."""
    lang = check_lang(lang)
    details = [f"{value_text(row, lang)}"]
    base = base_text(row.get("base"), lang)
    bound = row.get("measure") == "rank_bound"
    if base:
        details.append(text("of_total", lang, n=base) if bound
                       else f"{text('compared_with', lang).lower()} {base}")
    as_of = date_text(row.get("as_of"), lang)
    if as_of:
        details.append(f"{text('as_of', lang)} {as_of}")
    qualifier = "" if bound else qualifier_text(row.get("qualifier"), lang)  # 'top' says it
    if qualifier:
        details.append(f"({qualifier})")
    summary = " ".join(details)
    parts = [
        f'<div class="lc-figure" id="figure-{html.escape(str(row["id"]))}">',
        f"<h4>{html.escape(label(row, lang))}</h4>",
        f'<p class="lc-value"><strong>{html.escape(summary)}</strong> · '
        f"{html.escape(period_text(row['period'], lang))}</p>",
        f'<blockquote lang="vi"><span class="lc-caption">{html.escape(text("quote", lang))}:'
        f"</span> “{html.escape(str(row['quote']))}”</blockquote>",
    ]
    plain = [f"{label(row, lang)}: {summary}", f"  “{row['quote']}”"]
    if lang != "vi":  # the seed's translation is English: every other reader gets it
        english = _translation(row["start"], row["end"])
        parts.append(f'<p class="lc-translation"><span class="lc-caption">'
                     f"{html.escape(text('translation', lang))}:</span> {html.escape(english)}</p>")
        plain.append(f"  {english}")
    parts.append("</div>")
    return Block("\n".join(parts), "\n".join(plain))


def figure_list(figures: pd.DataFrame, lang: str) -> Block:
    """Every figure of `figures` as a figure_item, in order."""
    items = [figure_item(row, lang) for _, row in figures.iterrows()]
    return Block("\n".join(b.html for b in items), "\n\n".join(b.plain for b in items))


TABLE_COLUMNS = ("id", "indicator", "value", "compared_with", "period")


def table_rows(figures: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """One row per figure with localized headers: id, label, value with unit, base, period."""
    lang = check_lang(lang)
    return [
        {
            text("id", lang): str(row["id"]),
            text("indicator", lang): label(row, lang),
            text("value", lang): value_text(row, lang),
            text("compared_with", lang): base_text(row.get("base"), lang),
            text("period", lang): period_text(row["period"], lang),
        }
        for _, row in figures.iterrows()
    ]


def figure_table(figures: pd.DataFrame, lang: str) -> Block:
    """The figures as an HTML table (pandas, text escaped) with the same numbers as the charts."""
    rows = table_rows(figures, lang)
    frame = pd.DataFrame(rows)
    markup = frame.to_html(index=False, escape=True, border=0, classes="lc-table")
    return Block(markup, plain_table(figures, lang))


def plain_table(figures: pd.DataFrame, lang: str) -> str:
    """The figures as a plain-text table (what nbval compares in the headline cell), at most
    tables.WIDTH (100) characters wide: long labels wrap inside their column."""
    from lai_chau.present.tables import WIDTH, render

    rows = table_rows(figures, lang)
    columns = list(rows[0]) if rows else [text(k, lang) for k in TABLE_COLUMNS]
    return render(rows, columns, "table", width=WIDTH)


def data_table(rows: Sequence[dict[str, str]], columns: Sequence[str] | None = None,
               nowrap: Iterable[str] = ()) -> Block:
    """Rows of text (already formatted for the reader) as an HTML table and a plain-text table.

    `columns` are the headers in order (default: the first row's keys); every cell is escaped.
    Cells of the `nowrap` columns (values with their units: '+2,73 điểm %') do not break
    across lines. The plain text is at most tables.WIDTH (100) characters wide where text can
    wrap inside its column.
    """
    from lai_chau.present.tables import WIDTH, render

    columns = list(columns if columns is not None else (rows[0] if rows else []))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    whole, keep = set(nowrap), ' class="lc-nowrap"'
    body = []
    for row in rows:
        cells = "".join(f"<td{keep if c in whole else ''}>{html.escape(str(row.get(c, '')))}</td>"
                        for c in columns)
        body.append(f"<tr>{cells}</tr>")
    markup = (f'<table class="lc-table"><thead><tr>{head}</tr></thead>'
              f"<tbody>{''.join(body)}</tbody></table>")
    return Block(markup, render(rows, columns, "table", width=WIDTH) if columns else "")


def bullets(items: Iterable[str], title: str = "", kind: str = "") -> Block:
    """A list of plain-text items (escaped), optionally in a titled box: kind 'note' or 'alert'."""
    items = list(items)
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    inner = (f'<p class="lc-box-title">{html.escape(title)}</p>' if title else "") + \
        f"<ul>{lis}</ul>"
    plain = "\n".join(([title] if title else []) + [f"- {i}" for i in items])
    if kind:
        if kind not in ("note", "alert"):
            raise ValueError(f"box kind must be 'note' or 'alert', got {kind!r}")
        return Block(f'<div class="lc-box lc-box-{kind}">{inner}</div>', plain)
    return Block(inner, plain)


def published_text(value: Any, lang: str) -> str:
    """A publication date as precise as the source gives it (data/sources.csv: YYYY, YYYY-MM or
    YYYY-MM-DD): vi '2022', 'tháng 6/2022', '15/6/2022'; en '2022', 'June 2022', '15 June 2022'."""
    import datetime as dt

    lang = check_lang(lang)
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    if isinstance(value, dt.date):
        return date_text(value, lang)
    parts = str(value).split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 3:
            return date_text(dt.date(*numbers), lang)
        if len(numbers) == 2:
            year, month = numbers
            return year_month_text(year, dt.date(year, month, 1).month, lang)
        if len(numbers) == 1:
            return str(numbers[0])
    except ValueError:
        pass
    raise ValueError(f"date_published must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")


def source_list(source_ids: Iterable[str], lang: str) -> Block:
    """The sources behind a page, in order of first use: '[id] title, publisher, date, URL'.

    The ids are those the charts' source lines and the tables cite; titles in the reader's
    language where data/sources.csv has one (lai_chau.present.i18n.source_title)."""
    from lai_chau.data import reference

    lang = check_lang(lang)
    items, plain = [], []
    for source_id in dict.fromkeys(source_ids):
        record = reference.source(source_id)
        title = source_title(source_id, lang)
        published = published_text(record.get("date_published"), lang)
        accessed = date_text(record.get("date_accessed"), lang)
        details = [str(record["publisher"])]
        if published:
            details.append(f"{text('published', lang)} {published}")
        if accessed:
            details.append(f"{text('accessed', lang)} {accessed}")
        url = str(record.get("url") or "")
        link = (f' <a href="{html.escape(url, quote=True)}" rel="noreferrer">{html.escape(url)}</a>'
                if url.startswith(("https://", "http://")) else "")
        items.append(
            f'<li id="source-{html.escape(source_id)}"><span class="lc-source-id">'
            f"[{html.escape(source_id)}]</span> <strong>{html.escape(title)}</strong>. "
            f"{html.escape(', '.join(details))}.{link}</li>"
        )
        plain.append(f"[{source_id}] {title}. {', '.join(details)}. {url}".rstrip())
    return Block(f'<ul class="lc-sources">{"".join(items)}</ul>', "\n".join(plain))


# --- the overview's sections ----------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """A group of figures in a report, with an optional bar chart of one measure."""

    key: str
    title: dict[str, str]
    accepts: Callable[[pd.Series], bool]
    chart: tuple[str, str] | None = None  # (measure, unit) drawn as bars when >= 2 figures
    chart_title: dict[str, str] = field(default_factory=dict)


OVERVIEW_SECTIONS: tuple[Section, ...] = (
    Section("growth", TEXT["section_growth"], lambda r: r["measure"] == "growth_yoy",
            chart=("growth_yoy", "percent"), chart_title=TEXT["section_growth_chart"]),
    Section("output", TEXT["section_output"],
            lambda r: r["measure"] == "change_abs" and r["unit"] == "tonnes",
            chart=("change_abs", "tonnes"), chart_title=TEXT["section_output_chart"]),
    Section("investment", TEXT["section_investment"],
            lambda r: r["measure"] in {"count", "level", "change_abs", "rate_of_plan",
                                       "change_pp"}),
    Section("rankings", TEXT["section_rankings"],
            lambda r: r["measure"] in {"rank_bound", "rank_change", "streak"},
            chart=("rank_change", "places"), chart_title=TEXT["section_rankings_chart"]),
)


def sections(figures: pd.DataFrame, defined: Sequence[Section] = OVERVIEW_SECTIONS
             ) -> list[tuple[Section, pd.DataFrame]]:
    """Split figures into sections (each figure in the first that accepts it), in article order;
    figures no section accepts go to a last 'other' section, so no figure is ever left out."""
    taken: set[Any] = set()
    out: list[tuple[Section, pd.DataFrame]] = []
    for section in defined:
        mask = figures.apply(lambda r, s=section: s.accepts(r) and r.name not in taken, axis=1)
        chosen = figures[mask] if len(figures) else figures
        taken.update(chosen.index)
        if len(chosen):
            out.append((section, chosen))
    rest = figures[~figures.index.isin(taken)]
    if len(rest):
        other = {lang: text("other", lang) for lang in ("vi", "en")}
        out.append((Section("other", other, lambda r: True), rest))
    return out


def section_chart(section: Section, figures: pd.DataFrame, lang: str) -> Any | None:
    """The section's bar chart (lai_chau.present.charts.figure_bars), or None if it has none."""
    if section.chart is None:
        return None
    measure, unit = section.chart
    rows = figures[(figures["measure"] == measure) & (figures["unit"] == unit)]
    if len(rows) < 2:
        return None
    from lai_chau.present import charts

    title = section.chart_title.get(lang) or measure_name(measure, lang)
    return charts.figure_bars(rows, lang=lang, title=title)


def overview(figures: pd.DataFrame, lang: str) -> Iterable[Any]:
    """Everything the overview shows after its title, in order: per section a heading, the
    chart, the table and the figures with their quotes."""
    for section, rows in sections(figures):
        yield heading(section.title[check_lang(lang)], 2)
        chart = section_chart(section, rows, lang)
        if chart is not None:
            yield chart
        yield figure_table(rows, lang)
        yield figure_list(rows, lang)


def title_block(name: str, lang: str, period: str | None = None) -> Block:
    """A report's h1 (its title in notebooks/reports.toml, for `period` when the report has one
    per period) and intro (i18n text `<name>_intro`, `{period}` in the reader's words)."""
    from lai_chau.analysis.periods import article_period
    from lai_chau.present.i18n import period_text
    from lai_chau.present.matrix import load_matrix

    titles = load_matrix().report(name, period).titles
    title = titles.get(check_lang(lang)) or titles["en"]  # English until the matrix has one
    key = f"{name}_intro"
    if period and period != article_period() and f"{name}_period_intro" in TEXT:
        key = f"{name}_period_intro"
    intro = text(key, lang, period=period_text(period or article_period(), lang))
    return Block(heading(title, 1).html + "\n" + paragraph(intro).html, title)


def sources_section(source_ids: Iterable[str], lang: str) -> Blocks:
    """A page's last section: the heading and the list of the sources it cites, in order."""
    ids = list(dict.fromkeys(source_ids))
    return Blocks([heading(text("sources_heading", lang), 2), source_list(ids, lang)], ids)


def sources_block(steps: Iterable[Blocks], lang: str) -> Blocks:
    """The sources section of every source the steps cite, in order of first use."""
    return sources_section((s for step in steps for s in step.sources), lang)


def section(name: str, figures: pd.DataFrame, lang: str) -> Blocks:
    """One section of the overview (growth, output, investment, rankings, other): its heading,
    chart, table and the figures with their quotes; empty if no figure falls in it."""
    for found, rows in sections(figures):
        if found.key == name:
            chart = section_chart(found, rows, lang)
            return Blocks([heading(found.title[check_lang(lang)], 2),
                           *([chart] if chart is not None else []),
                           figure_table(rows, lang), figure_list(rows, lang)],
                          list(rows["source_id"]))
    known = [s.key for s in OVERVIEW_SECTIONS] + ["other"]
    if name not in known:
        raise unknown("overview section", name, known)
    return Blocks()


__all__ = [
    "OVERVIEW_SECTIONS",
    "Block",
    "Blocks",
    "Section",
    "bullets",
    "data_table",
    "figure_item",
    "figure_list",
    "figure_table",
    "heading",
    "overview",
    "paragraph",
    "plain_table",
    "section",
    "sections",
    "show",
    "source_list",
    "sources_block",
    "text",
    "title_block",
]
