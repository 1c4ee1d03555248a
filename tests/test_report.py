"""Report blocks: every figure in one section, text from data escaped, numbers localized."""

from __future__ import annotations

import lai_chau
from lai_chau.present import i18n, report
from lai_chau.sources.numerals import format_number


def test_every_figure_is_in_exactly_one_overview_section() -> None:
    figures = lai_chau.figures()
    placed = [fid for _, rows in report.sections(figures) for fid in rows["id"]]
    assert sorted(placed) == sorted(figures["id"])
    assert len(placed) == len(set(placed))


def test_a_figure_the_sections_do_not_know_goes_to_other() -> None:
    figures = lai_chau.figures().head(2).assign(measure="something_new")
    (section, rows), = report.sections(figures)
    assert section.key == "other" and list(rows["id"]) == list(figures["id"])


def test_figure_items_escape_text_from_data() -> None:
    row = lai_chau.figures().iloc[0].copy()
    row["label_en"] = "<script>alert(1)</script>"
    block = report.figure_item(row, "en")
    assert "<script>" not in block.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block.html
    assert row["quote"] in block.plain  # the verbatim quote, untouched in plain text


def test_english_items_carry_the_translated_sentence() -> None:
    from lai_chau.sources import seed

    row = lai_chau.figures().iloc[0]
    english = seed.translate_span(int(row["start"]), int(row["end"]))
    assert english in report.figure_item(row, "en").plain
    assert english not in report.figure_item(row, "vi").plain


def test_tables_use_the_language_of_the_report() -> None:
    figures = lai_chau.figures()
    first = figures.iloc[0]
    for lang, header in (("vi", "Chỉ tiêu"), ("en", "Indicator")):
        table = report.plain_table(figures, lang)
        assert table.splitlines()[0].split()[1] == header.split()[0]
        assert format_number(float(first["value"]), lang, unit=first["unit"]) in table
        html = report.figure_table(figures, lang).html
        assert f"<th>{header}</th>" in html


# --- blocks of the comparison reports ------------------------------------------------------------

def test_data_tables_escape_cells_and_keep_values_whole() -> None:
    rows = [{"Chỉ tiêu": "<script>alert(1)</script>", "Giá trị": "+2,73 điểm %"}]
    block = report.data_table(rows, nowrap=["Giá trị"])
    assert "<script>" not in block.html and "&lt;script&gt;" in block.html
    assert '<td class="lc-nowrap">+2,73 điểm %</td>' in block.html
    assert block.plain.splitlines()[0].split() == ["Chỉ", "tiêu", "Giá", "trị"]
    assert "<script>alert(1)</script>" in block.plain  # plain text is not HTML


def test_bullets_and_source_lists_escape_text_from_data() -> None:
    block = report.bullets(["a <b>", "c"], title="<i>t</i>", kind="alert")
    assert "&lt;b&gt;" in block.html and "&lt;i&gt;t&lt;/i&gt;" in block.html
    assert 'class="lc-box lc-box-alert"' in block.html
    from lai_chau.data import reference

    source = reference.source("article")
    listed = report.source_list(["article", "article"], "vi")
    assert listed.html.count("<li") == 1  # each source once
    assert 'id="source-article"' in listed.html and source["url"] in listed.html
    assert i18n.source_title("article", "en") in report.source_list(["article"], "en").plain


def test_periods_of_the_reference_data_read_naturally() -> None:
    from lai_chau.present.i18n import period_text

    cases = {
        "2022Q1": ("quý I/2022", "Q1 2022"),
        "2022M07": ("tháng 7/2022", "July 2022"),
        "2023M01-M05": ("5 tháng đầu năm 2023", "January–May 2023"),
        "2021-2023": ("giai đoạn 2021–2023", "2021–2023"),
        "2024H1": ("6 tháng đầu năm 2024", "first half of 2024"),
    }
    for period, (vi, en) in cases.items():
        assert (period_text(period, "vi"), period_text(period, "en")) == (vi, en)
    assert period_text("someday", "en") == "someday"  # unknown notations shown as written


def test_publication_dates_are_formatted_as_precisely_as_given() -> None:
    # the literals are the input: the three precisions data/sources.csv allows
    cases = {
        "2022": ("2022", "2022"),
        "2022-06": ("tháng 6/2022", "June 2022"),
        "2022-06-29": ("29/6/2022", "29 June 2022"),
    }
    for value, (vi, en) in cases.items():
        assert (report.published_text(value, "vi"), report.published_text(value, "en")) == (vi, en)
    assert report.published_text(None, "en") == ""


def test_source_lists_format_both_dates() -> None:
    from lai_chau.data import reference
    from lai_chau.present.i18n import date_text

    record = reference.source("article")
    for lang in ("vi", "en"):
        plain = report.source_list(["article"], lang).plain
        assert report.published_text(record["date_published"], lang) in plain
        assert date_text(record["date_accessed"], lang) in plain
        assert f" {record['date_published']}," not in plain  # not the raw ISO string
