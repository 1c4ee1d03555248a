"""DataFrames shown for people (lai_chau.present.tables.show); plain-text tables fitted to width."""

from __future__ import annotations

import pandas as pd
import pytest

import lai_chau
from lai_chau.present import tables
from lai_chau.sources.extract import extract

OTHER = ("Tổng sản phẩm trên địa bàn 6 tháng đầu năm 2025 ước tăng 6,88%; thu ngân sách đạt "
         "hơn 1.800 tỷ đồng, xếp thứ 29/63 tỉnh, thành phố.")


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (6.0, "en", "6"), (9.15, "en", "9.15"), (9.15, "vi", "9,15"), (6.4166, "en", "6.42"),
    (15.0, "en", "15"), (2025.0, "vi", "2025"), (1620, "en", "1620"), (15000.0, "en", "15,000"),
    (1.8e12, "vi", "1.800.000.000.000"), (-0.99, "en", "-0.99"), (float("nan"), "en", ""),
    (None, "en", ""), ("top 15", "en", "top 15"),
])
def test_number_text_reads_like_a_person_writes(value: object, lang: str, shown: str) -> None:
    assert tables.number_text(value, lang) == shown


def test_show_formats_a_mixed_float_column_without_scientific_notation() -> None:
    frame = pd.DataFrame([m.as_row() for m in extract(OTHER)])[["text", "kind", "value", "unit"]]
    assert "e+" in frame.to_string()  # what pandas prints by itself: 6.000000e+00
    table = tables.show(frame, "en")
    text = repr(table)
    assert "e+" not in text and "6.000000" not in text
    header, _, *rows = text.splitlines()
    end = header.index("value") + len("value")  # numbers right-aligned under their header
    shown = [row[:end].split()[-1] for row in rows]
    assert shown == [tables.number_text(v, "en") for v in frame["value"]]
    assert shown == ["6", "2025", "6.88", "1,800,000,000,000", "29"]
    assert '<td style="text-align: right">6.88</td>' in table._repr_html_()
    assert "<th>value</th>" in table._repr_html_()


def test_show_prints_ranks_as_integers_and_escapes_html() -> None:
    figures = lai_chau.figures()
    rank = figures[figures["unit"] == "rank"].head(1)
    table = tables.show(rank[["id", "value", "unit"]].assign(id="<b>x</b>"), "en")
    assert f" {int(rank['value'].iloc[0])}  rank" in repr(table)
    assert ".00" not in repr(table)
    assert "<b>x</b>" not in table.html and "&lt;b&gt;x&lt;/b&gt;" in table.html


def test_show_keeps_the_headline_figures_within_the_width() -> None:
    figures = lai_chau.figures()[["id", "label_en", "value", "unit", "base", "period"]]
    text = repr(tables.show(figures, "en"))
    assert max(len(line) for line in text.splitlines()) <= tables.WIDTH
    for label in figures["label_en"]:  # wrapped inside its column, never cut
        assert all(word in text for word in label.split())


def test_a_fitted_table_wraps_long_text_and_never_breaks_a_word() -> None:
    rows = [{"id": "a", "text": "word " * 40, "n": 1}]
    fitted = tables.render(rows, ["id", "text", "n"], "table", width=40)
    assert max(len(line) for line in fitted.splitlines()) <= 40
    assert fitted.count("word") == 40
    wide = tables.render(rows, ["id", "text", "n"], "table")  # the CLI: never wrapped
    assert len(wide.splitlines()) == 3
    unbreakable = [{"id": "x" * 60, "n": 1}]
    assert tables.render(unbreakable, ["id", "n"], "table", width=40).splitlines()[2] == \
        "x" * 60 + "  1"


def test_show_refuses_an_unknown_language() -> None:
    from lai_chau.base.errors import UsageError

    with pytest.raises(UsageError, match="vi"):
        tables.show(pd.DataFrame({"a": [1.5]}), "fr-XX")
