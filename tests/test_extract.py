"""The extractor: every numeric mention of a Vietnamese text, in the seed and other reports; CLI."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from lai_chau.base import paths
from lai_chau.cli import main
from lai_chau.sources.extract import COLUMNS, KINDS, ExtractInputError, Mention, extract, read_text

# Sentences from other Vietnamese economic reports (the research dossier's snippets and
# statistics-office releases), each with the mentions expected in order:
# (text, value, unit, kind, qualifier). Values are in base units (đồng, tonnes, arrivals).
OTHER_REPORTS: list[tuple[str, list[tuple[str, float | None, str | None, str, str | None]]]] = [
    (
        "Tổng thu ngân sách nhà nước trên địa bàn đến hết tháng 10/2022 đạt hơn 1.800 tỷ đồng",
        [
            ("tháng 10/2022", None, "month", "date", None),
            ("1.800 tỷ đồng", 1.8e12, "VND", "VND", "hơn"),
        ],
    ),
    (
        "tốc độ tăng trưởng kinh tế (GRDP) bình quân của tỉnh năm 2022 đạt 9,02%, cao hơn 3,57% "
        "so với năm 2021, xếp thứ 4/14 tỉnh trong vùng và 26/63 tỉnh, thành phố",
        [
            ("2022", 2022, "year", "year", None),
            ("9,02%", 9.02, "percent", "percent", None),
            ("3,57%", 3.57, "percent", "percent", None),  # "cao hơn" compares: no qualifier
            ("2021", 2021, "year", "year", None),
            ("thứ 4/14", 4, "rank", "rank", None),
            ("26/63", 26, "rank", "ratio", None),
        ],
    ),
    (
        "Tính chung 6 tháng đầu năm 2022, con số này đạt 602 nghìn lượt người, gấp 6,8 lần so với "
        "cùng kỳ năm trước nhưng vẫn giảm 92,9% so với cùng kỳ năm 2019",
        [
            ("6 tháng đầu năm", 6, "months", "period", None),
            ("2022", 2022, "year", "year", None),
            ("602 nghìn lượt người", 602_000, "arrivals", "count", None),
            ("gấp 6,8 lần", 6.8, "times", "multiple", None),
            ("92,9%", 92.9, "percent", "percent", None),
            ("2019", 2019, "year", "year", None),
        ],
    ),
    (
        "Tính chung 6 tháng năm 2022, tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng "
        "ước đạt 2.717 nghìn tỷ đồng",
        [
            ("6 tháng", 6, "months", "period", None),
            ("2022", 2022, "year", "year", None),
            ("2.717 nghìn tỷ đồng", 2.717e15, "VND", "VND", "ước đạt"),
        ],
    ),
    (
        "Năm 2023, Lai Châu là một trong những địa phương nằm trong nhóm tăng trưởng GRDP thấp "
        "nhất cả nước, với GRDP giảm 2,77%. Đứng thứ 61/63.",
        [
            ("2023", 2023, "year", "year", None),
            ("2,77%", 2.77, "percent", "percent", None),  # unsigned: the verb says "giảm"
            ("thứ 61/63", 61, "rank", "rank", None),
        ],
    ),
    (
        "Tổng số khách du lịch nội địa 6 tháng đầu năm 2022 đạt 60,8 triệu lượt khách (tăng 1,9 "
        "lần so với cùng kỳ năm 2021",
        [
            ("6 tháng đầu năm", 6, "months", "period", None),
            ("2022", 2022, "year", "year", None),
            ("60,8 triệu lượt khách", 60.8e6, "arrivals", "count", None),
            ("1,9 lần", 1.9, "times", "multiple", None),
            ("2021", 2021, "year", "year", None),
        ],
    ),
    (
        "giá trị sản xuất công nghiệp ước đạt trên 6.300 tỷ đồng; tổng mức bán lẻ ước đạt gần "
        "6.800 tỷ đồng; GRDP bình quân đầu người khoảng 47,9 triệu đồng, dưới 2.000 USD",
        [
            ("6.300 tỷ đồng", 6.3e12, "VND", "VND", "ước đạt trên"),
            ("6.800 tỷ đồng", 6.8e12, "VND", "VND", "ước đạt gần"),
            ("47,9 triệu đồng", 47.9e6, "VND", "VND", "khoảng"),
            ("2.000 USD", 2000, "USD", "USD", "dưới"),
        ],
    ),
    (
        "Sản lượng điện đạt 3,2 tỷ kWh, sản lượng lúa ước đạt 20,2 triệu tấn, tăng 231,9 nghìn "
        "tấn; chè khô đạt khoảng 10.000 tấn/năm; năng suất 66,7 tạ/ha",
        [
            ("3,2 tỷ kWh", 3.2e9, "kWh", "quantity", None),
            ("20,2 triệu tấn", 20.2e6, "tonnes", "tonnes", "ước đạt"),
            ("231,9 nghìn tấn", 231_900, "tonnes", "tonnes", None),
            ("10.000 tấn/năm", 10_000, "tonnes_per_year", "tonnes", "khoảng"),
            ("66,7 tạ/ha", 66.7, "quintals_per_ha", "quantity", None),
        ],
    ),
    (
        "GDP quý I/2022 tăng 5,03%; ước tính từ 1/1/2022 đến 31/5/2022, tỷ lệ giải ngân đạt "
        "22,37%; doanh thu tăng tới 30% và lượt khách tăng trên 103%, đạt 1.200 doanh nghiệp",
        [
            ("quý I/2022", None, "quarter", "period", None),
            ("5,03%", 5.03, "percent", "percent", None),
            ("1/1/2022", None, "date", "date", None),
            ("31/5/2022", None, "date", "date", None),
            ("22,37%", 22.37, "percent", "percent", None),
            ("30%", 30, "percent", "percent", "tới"),
            ("103%", 103, "percent", "percent", "trên"),
            ("1.200 doanh nghiệp", 1200, "enterprises", "count", None),
        ],
    ),
    (
        "Chỉ số PAPI tăng 25 bậc, PCI giảm 3 bậc; Lai Châu (hạng 57/63 với 62,05 điểm), "
        "vươn lên vị trí thứ 51; Thanh Hóa đứng thứ 3 cả nước; kế hoạch tăng từ 13% trở lên",
        [
            ("25 bậc", 25, "places", "rank_change", None),
            ("3 bậc", 3, "places", "rank_change", None),
            ("hạng 57/63", 57, "rank", "rank", None),
            ("62,05 điểm", 62.05, "points", "score", None),
            ("thứ 51", 51, "rank", "rank", None),
            ("thứ 3", 3, "rank", "rank", None),
            ("13%", 13, "percent", "percent", "trở lên"),
        ],
    ),
    (
        "Dịch vụ tăng 3.96%, đóng góp 32.78%; mục tiêu tăng 7 - 7,5%; Nhà máy có 3 tổ máy, "
        "tổng công suất 1200MW (3x400MW)",
        [
            ("3.96%", 3.96, "percent", "percent", None),  # English notation, with a note
            ("32.78%", 32.78, "percent", "percent", None),
            ("7", 7, "percent", "percent", None),  # low end of a range takes its unit
            ("7,5%", 7.5, "percent", "percent", None),
            ("3 tổ máy", 3, "generating_units", "count", None),
            ("1200MW", 1200, "MW", "MW", None),
            ("3", 3, None, "number", None),
            ("400MW", 400, "MW", "MW", None),
        ],
    ),
    (
        "Đến ngày 30/6/2022, dư nợ tín dụng đạt 12.850 tỷ đồng; kim ngạch đạt 25,6 triệu USD; "
        "có 1.245 doanh nghiệp và 106 xã; trên 10.000 ha chè; giai đoạn 2011 -2021; "
        "thu nhập khoảng 3 - 5 triệu đồng, tăng từ 6,5 đến 7%",
        [
            ("30/6/2022", None, "date", "date", None),
            ("12.850 tỷ đồng", 12.85e12, "VND", "VND", None),
            ("25,6 triệu USD", 25.6e6, "USD", "USD", None),
            ("1.245 doanh nghiệp", 1245, "enterprises", "count", None),
            ("106 xã", 106, "communes", "count", None),
            ("10.000 ha", 10_000, "hectares", "quantity", "trên"),
            ("2011", 2011, "year", "year", None),
            ("2021", 2021, "year", "year", None),  # a range dash, not a minus sign
            ("3", 3e6, "VND", "VND", "khoảng"),  # the low end takes the scale and unit too
            ("5 triệu đồng", 5e6, "VND", "VND", None),
            ("6,5", 6.5, "percent", "percent", None),
            ("7%", 7, "percent", "percent", None),
        ],
    ),
    (
        "Theo Nghị quyết số 128/NQ-CP, Quốc lộ 4D nối SARS-CoV-2 và Kỳ họp thứ 5 lúc 8h30 "
        "ngày 15/7; Tuần văn hóa năm 2022.",
        [
            ("128/NQ-CP", None, None, "name", None),
            ("Quốc lộ 4D", None, None, "name", None),
            ("SARS-CoV-2", None, None, "name", None),
            ("thứ 5", 5, None, "ordinal", None),
            ("8h30", None, None, "time", None),
            ("ngày 15/7", None, "date", "date", None),
            ("2022", 2022, "year", "year", None),
        ],
    ),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return paths.SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "expected"), OTHER_REPORTS, ids=lambda v: str(v)[:30])
def test_other_reports(text: str, expected: list[tuple]) -> None:
    found = extract(text)
    got = [(m.text, m.value, m.unit, m.kind, m.qualifier) for m in found]
    want = [
        (t, None if v is None else pytest.approx(v, rel=1e-12), u, k, q)
        for t, v, u, k, q in expected
    ]
    assert got == want
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.kind in KINDS


def test_mention_fields() -> None:
    text = "thu ngân sách đạt hơn 1.800 tỷ đồng"
    (m,) = extract(text)
    assert m == Mention(
        value=1.8e12,
        unit="VND",
        kind="VND",
        start=22,
        end=len(text),
        text="1.800 tỷ đồng",
        qualifier="hơn",
        scale=1e9,
    )
    assert m.as_written == 1800 and m.qualifier_en == "more than"
    with pytest.raises(AttributeError):
        m.value = 1.0  # type: ignore[misc]  # frozen


@pytest.mark.parametrize(
    ("text", "qualifier", "meaning"),
    [
        ("ước đạt trên 6.300 tỷ đồng", "ước đạt trên", "estimate, more than"),
        ("ước tăng 6,88%", "ước", "estimate"),
        ("tăng khoảng 132%", "khoảng", "about"),
        ("gần 153.000 lượt", "gần", "nearly"),
        ("kế hoạch tăng từ 13% trở lên", "trở lên", "or more"),
        ("dưới 5%", "dưới", "less than"),
        ("lên tới 500 tỷ đồng", "lên tới", "up to"),
        ("cao hơn 3,57%", None, None),
        ("tăng 22%", None, None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None, meaning: str | None) -> None:
    (m,) = extract(text)
    assert (m.qualifier, m.qualifier_en) == (qualifier, meaning)


def test_notes_say_how_unusual_notation_was_read() -> None:
    english, vietnamese = extract("tăng 3.96%, tăng 3,96%")
    assert "English notation" in english.note and vietnamese.note is None
    assert english.value == vietnamese.value
    (day,) = extract("ngày 15/6/2022")
    assert (day.text, day.normalized, day.value) == ("15/6/2022", "2022-06-15", None)


def test_negative_sign_and_range() -> None:
    (m,) = extract("GRDP là -2,77% so với năm trước")
    assert (m.value, m.text) == (-2.77, "-2,77%")
    low, high = extract("tăng 3-4%")
    assert (low.unit, high.unit) == ("percent", "percent") and "range" in low.note


def test_ty_le_is_not_a_scale() -> None:
    # "tỷ lệ" (rate) and "tỷ trọng" (share) follow numbers without making them billions
    found = extract("Năm 2022 tỷ lệ hộ nghèo giảm, nhóm 2 tỷ trọng")
    assert [(m.text, m.kind, m.scale) for m in found] == [("2022", "year", 1), ("2", "number", 1)]


# -- the seed --------------------------------------------------------------------------------


def test_seed_offsets_reproduce_the_text(seed_text: str) -> None:
    found = extract(seed_text)
    assert found == sorted(found, key=lambda m: m.start)
    for m in found:
        assert seed_text[m.start : m.end] == m.text
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start  # no two mentions overlap


def test_seed_stray_digit_is_reported_as_a_number(seed_text: str) -> None:
    # "các đỉnh núi cao 3 nhất": a stray "3" that is not a figure; it must be seen, then excluded
    at = seed_text.index("cao 3 nhất") + len("cao ")
    (m,) = [m for m in extract(seed_text) if m.start == at]
    assert (m.text, m.kind, m.unit) == ("3", "number", None)


def test_seed_figure_qualifiers_are_recorded(seed_text: str) -> None:
    with paths.data_file("figures.csv").open(encoding="utf-8", newline="") as f:
        figures = [row for row in csv.DictReader(f) if row["qualifier"] == "estimate"]
    assert figures
    mentions = extract(seed_text)
    for fig in figures:
        inside = [
            m
            for m in mentions
            if int(fig["start"]) <= m.start
            and m.end <= int(fig["end"])
            and m.value == float(fig["value"])
        ]
        assert [m.qualifier_en for m in inside] == ["estimate"], fig["id"]


def test_seed_names_and_dates_are_not_figures(seed_text: str) -> None:
    kinds = {m.text: m.kind for m in extract(seed_text)}
    assert kinds["Covid-19"] == "name"
    assert kinds["15/6/2022"] == "date"
    assert kinds["2022"] == "year"
    assert kinds["6 tháng đầu năm"] == "period" and kinds["6 tháng cuối năm"] == "period"


def test_decomposed_text_is_refused() -> None:
    nfd = unicodedata.normalize("NFD", "sản lượng tăng 1.620 tấn")
    with pytest.raises(ExtractInputError, match=r"not in Unicode NFC.*offset 2"):
        extract(nfd)


def test_empty_text_has_no_mentions() -> None:
    assert extract("") == []
    assert extract("không có con số nào") == []


# -- the command line ------------------------------------------------------------------------


def test_cli_csv(capsys: pytest.CaptureFixture[str], seed_text: str) -> None:
    assert main(["extract", str(paths.SEED), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == len(extract(seed_text))
    for row in rows:
        assert seed_text[int(row["start"]) : int(row["end"])] == row["text"]
    tonnes = [r for r in rows if r["unit"] == "tonnes"]
    assert tonnes and all("." not in r["value"] for r in tonnes)  # plain numbers: 1620, not 1.620


def test_cli_json_and_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_text("Tổng thu đạt hơn 1.800 tỷ đồng, tăng 22%.", encoding="utf-8")
    assert main(["extract", str(source), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0] == {
        "value": 1800000000000,
        "unit": "VND",
        "kind": "VND",
        "start": 17,
        "end": 30,
        "text": "1.800 tỷ đồng",
        "qualifier": "hơn",
    }
    assert main(["extract", str(source)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == list(COLUMNS)
    assert "1.800 tỷ đồng" in table[2] and "22%" in table[3]


def test_cli_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO("tăng 4,6 điểm %".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["extract", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == '4.6,pp,percentage_points,5,15,"4,6 điểm %",'


BAD_INPUTS = {
    "empty": (b"", "is empty; expected a UTF-8 text"),
    "blank": (b" \n\t\n", "holds only whitespace"),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "NUL byte at byte offset 8, so it looks binary",
    ),
    "latin": ("tăng 9,15%".encode("cp1258"), "is not valid UTF-8 (byte"),
    "utf16": ("tăng 9,15%".encode("utf-16"), "UTF-16 byte-order mark; expected UTF-8"),
    "nfd": (unicodedata.normalize("NFD", "tăng 9,15%").encode(), "not in Unicode NFC"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_cli_bad_input(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, message = BAD_INPUTS[case]
    bad = tmp_path / f"{case}.txt"
    bad.write_bytes(data)
    assert main(["extract", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lai-chau extract: error: {bad}: ")
    assert message in err and "Traceback" not in err


def test_cli_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.txt"
    assert main(["extract", str(missing)]) == 2
    assert f"{missing}: no such file; expected a UTF-8 text file" in capsys.readouterr().err
    assert main(["extract", str(tmp_path)]) == 2
    assert f"{tmp_path}: is a directory; expected a UTF-8 text file" in capsys.readouterr().err


def test_read_text_names_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(ExtractInputError, match=r"^<stdin>: is empty"):
        read_text("-")


def test_console_script_exit_codes(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("lai-chau")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Lai Châu tăng 9,15%".encode("cp1258"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02")
    for path, message in [
        (latin, "is not valid UTF-8"),
        (empty, "is empty"),
        (binary, "NUL byte at byte offset 0"),
        (tmp_path / "missing.txt", "no such file"),
    ]:
        run = subprocess.run(
            [str(script), "extract", str(path)], capture_output=True, text=True, check=False
        )
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith(f"lai-chau extract: error: {path}: ")
        assert message in run.stderr and "Traceback" not in run.stderr
        assert run.stdout == ""
    ok = subprocess.run(
        [str(script), "extract", "-", "--format", "csv"],
        input="tăng 22%",
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and ok.stdout.splitlines()[1] == "22,percent,percent,5,8,22%,"
