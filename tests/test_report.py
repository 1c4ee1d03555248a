"""Report blocks: every figure in one section, text from data escaped, numbers localized."""

from __future__ import annotations

import lai_chau
from lai_chau import report
from lai_chau.numbers import format_number


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
    from lai_chau import seed

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
