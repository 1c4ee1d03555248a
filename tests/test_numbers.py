"""Vietnamese numerals: parsing the article's notation and formatting numbers back for display."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lai_chau.base.errors import UsageError
from lai_chau.sources.extract import parse_quantity
from lai_chau.sources.numerals import (
    UNITS,
    NumberError,
    format_number,
    format_percent,
    parse_decimal,
    parse_number,
    symbols,
)

LANGS = ("vi", "en")


def test_symbols_come_from_cldr() -> None:
    from babel import numbers as bn

    for lang in LANGS:
        assert symbols(lang) == (bn.get_decimal_symbol(lang), bn.get_group_symbol(lang))
    assert symbols("vi") == (",", ".")
    assert symbols("en") == (".", ",")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("9,15", "vi", 9.15),
        ("1.620", "vi", 1620),
        ("2.000", "vi", 2000),  # a lone "2.000" is two thousand, not two
        ("04", "vi", 4),
        ("07", "vi", 7),
        ("60,9", "vi", 60.9),
        ("1.093.500", "vi", 1093500),
        ("5.857,7", "vi", 5857.7),
        ("2,324", "vi", 2.324),  # one comma: always a decimal in Vietnamese
        ("-2,77", "vi", -2.77),
        ("−2,77", "vi", -2.77),
        (" 2022 ", "vi", 2022),
        ("9.15", "en", 9.15),
        ("1,620", "en", 1620),
        ("1,093,500.25", "en", 1093500.25),
    ],
)
def test_parse_number(text: str, lang: str, expected: float) -> None:
    assert parse_number(text, lang) == expected


def test_parse_decimal_is_exact() -> None:
    assert parse_decimal("5.857,7") == Decimal("5857.7")
    assert parse_decimal("0,1") + parse_decimal("0,2") == Decimal("0.3")


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        ("9.15", "vi", "',' for decimals"),  # English notation in a Vietnamese text
        ("9,15", "en", "'.' for decimals"),
        ("1.5.3", "vi", "not a number in vi notation"),
        ("0.500", "vi", "not a number in vi notation"),
        ("15/6/2022", "vi", "is a date or a rank"),
        ("29/63", "vi", "is a date or a rank"),
        ("9,15%", "vi", "holds words or a unit"),
        ("tốp 15", "vi", "holds words or a unit"),
        ("", "vi", "empty text"),
        ("   ", "en", "empty text"),
    ],
)
def test_parse_number_rejects_with_a_clear_message(text: str, lang: str, message: str) -> None:
    with pytest.raises(NumberError, match=message) as info:
        parse_number(text, lang)
    assert isinstance(info.value, ValueError)


def test_parse_number_unknown_language() -> None:
    with pytest.raises(UsageError, match="unknown language 'fr'; expected one of: vi, en"):
        parse_number("9,15", "fr")


def test_parse_number_rejects_a_non_string() -> None:
    with pytest.raises(NumberError, match="expected a string"):
        parse_number(9.15)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "vi", "en"),
    [
        (9.15, "percent", "9,15%", "9.15%"),
        (1620, "tonnes", "1.620 tấn", "1,620 t"),
        (4.6, "pp", "4,6 điểm %", "4.6 pp"),
        (60.9, "MW", "60,9 MW", "60.9 MW"),
        (4, "projects", "4 dự án", "4 projects"),
        (1, "projects", "1 dự án", "1 project"),
        (25, "places", "25 bậc", "25 places"),
        (1, "places", "1 bậc", "1 place"),
        (15, "rank", "thứ 15", "15th"),
        (1, "rank", "thứ 1", "1st"),
        (22, "rank", "thứ 22", "22nd"),
        (63, "rank", "thứ 63", "63rd"),
        (12, "rank", "thứ 12", "12th"),
        (2, "years", "2 năm", "2 years"),
        (1800, "billion VND", "1.800 tỷ đồng", "1,800 billion VND"),
        (47.9, "million VND", "47,9 triệu đồng", "47.9 million VND"),
        (2717, "trillion VND", "2.717 nghìn tỷ đồng", "2,717 trillion VND"),
        (490000, "arrivals", "490.000 lượt khách", "490,000 arrivals"),
        (62.05, "points", "62,05 điểm", "62.05 points"),
        (6.8, "times", "6,8 lần", "6.8×"),
        (1093500, None, "1.093.500", "1,093,500"),
        (-2.77, "percent", "-2,77%", "-2.77%"),
    ],
)
def test_format_number(value: float, unit: str | None, vi: str, en: str) -> None:
    assert format_number(value, "vi", unit) == vi
    assert format_number(value, "en", unit) == en


def test_format_number_decimals() -> None:
    assert format_number(45.2, "vi", "percent", decimals=2) == "45,20%"
    assert format_number(9.146, "en", "percent", decimals=1) == "9.1%"
    assert format_number(1620, "vi", decimals=0) == "1.620"
    assert format_number(1234.5678, "vi", decimals=2) == "1.234,57"
    assert format_number(-0.001, "vi", decimals=2) == "0,00"  # no "-0,00"
    assert format_number(1620.0, "vi") == "1.620"  # a float that is whole shows no decimals


def test_format_percent() -> None:
    assert format_percent(9.15) == "9,15%"
    assert format_percent(9.15, "en") == "9.15%"
    assert format_percent(45.2, "vi", decimals=2) == "45,20%"


def test_every_unit_has_both_labels() -> None:
    for unit, label in UNITS.items():
        assert "{n}" in label.vi and "{n}" in label.en, unit
        assert format_number(3, "vi", unit) and format_number(3, "en", unit)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"unit": "furlongs"}, UsageError, "unknown unit 'furlongs'; expected one of: MW, USD"),
        ({"lang": "fr"}, UsageError, "unknown language 'fr'"),
        ({"decimals": -1}, NumberError, "decimals=-1; expected None or an integer from 0 to 12"),
        ({"decimals": 1.5}, NumberError, "decimals=1.5"),
        ({"value": float("nan")}, NumberError, "cannot format nan; expected a finite number"),
        ({"value": float("inf")}, NumberError, "cannot format inf"),
        ({"value": "9,15"}, NumberError, "expected a number to format, got str"),
        ({"value": True}, NumberError, "expected a number to format, got bool"),
    ],
)
def test_format_number_rejects(kwargs: dict, error: type, message: str) -> None:
    args = {"value": 9.15, "lang": "vi"} | kwargs
    with pytest.raises(error, match=message):
        format_number(**args)


# -- quantities: every form the article (and others like it) writes --------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind"),
    [
        ("9,15%", 9.15, "percent", "percent"),
        ("1.620 tấn", 1620, "tonnes", "tonnes"),
        ("2.000 tấn", 2000, "tonnes", "tonnes"),
        ("04 dự án", 4, "projects", "count"),
        ("07 bậc", 7, "places", "rank_change"),
        ("25 bậc", 25, "places", "rank_change"),
        ("60,9MW", 60.9, "MW", "MW"),
        ("1200MW", 1200, "MW", "MW"),
        ("4,6 điểm %", 4.6, "pp", "percentage_points"),
        ("4,6 điểm phần trăm", 4.6, "pp", "percentage_points"),
        ("tốp 15", 15, "rank", "rank_top"),
        ("top 10", 10, "rank", "rank_top"),
        ("thứ 3", 3, "rank", "rank"),
        ("gấp 6,8 lần", 6.8, "times", "multiple"),
        ("62,05 điểm", 62.05, "points", "score"),
        ("năm thứ 2 liên tiếp", 2, "years", "streak"),
        ("1.800 tỷ đồng", 1.8e12, "VND", "VND"),
        ("2.717 nghìn tỷ đồng", 2.717e15, "VND", "VND"),
        ("44 triệu đồng", 44e6, "VND", "VND"),
        ("45 nghìn tấn", 45e3, "tonnes", "tonnes"),
        ("20,2 triệu tấn", 20.2e6, "tonnes", "tonnes"),
        ("3,2 tỷ kWh", 3.2e9, "kWh", "quantity"),
        ("60,8 triệu lượt khách", 60.8e6, "arrivals", "count"),
        ("602 nghìn lượt người", 602e3, "arrivals", "count"),
        ("213.042 lượt", 213042, "arrivals", "count"),
    ],
)
def test_parse_quantity_figures(text: str, value: float, unit: str, kind: str) -> None:
    q = parse_quantity(text)
    assert (q.value, q.unit, q.kind) == (pytest.approx(value, rel=1e-15), unit, kind)
    assert q.text == text


def test_parse_quantity_scale_is_kept() -> None:
    q = parse_quantity("1.800 tỷ đồng")
    assert q.scale == 1e9 and q.as_written == 1800


@pytest.mark.parametrize(
    ("text", "total", "kind"),
    [("29/63", 63, "ratio"), ("thứ 29/63", 63, "rank"), ("hạng 57/63", 63, "rank")],
)
def test_parse_quantity_rank_of_n(text: str, total: int, kind: str) -> None:
    q = parse_quantity(text)
    assert (q.kind, q.total) == (kind, total)
    assert q.value == parse_number(text.split()[-1].split("/")[0])


@pytest.mark.parametrize(
    ("text", "kind", "normalized"),
    [
        ("15/6/2022", "date", "2022-06-15"),
        ("30/03/2022", "date", "2022-03-30"),
        ("tháng 10/2022", "date", "2022-10"),
        ("ngày 15/6", "date", "--06-15"),
        ("quý I/2022", "period", "2022-Q1"),
        ("6 tháng đầu năm", "period", "H1"),
        ("6 tháng cuối năm", "period", "H2"),
        ("2022", "year", None),
        ("Covid-19", "name", None),
        ("COVID-19", "name", None),
        ("128/NQ-CP", "name", None),
    ],
)
def test_dates_years_periods_and_names_are_not_figures(
    text: str, kind: str, normalized: str | None
) -> None:
    q = parse_quantity(text)
    assert (q.kind, q.normalized) == (kind, normalized)
    assert q.kind not in {"percent", "tonnes", "count", "number"}


def test_parse_quantity_keeps_the_qualifier() -> None:
    q = parse_quantity("gần 6.800 tỷ đồng")
    assert (q.qualifier, q.qualifier_en, q.as_written) == ("gần", "nearly", 6800)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "9,15% và 4,43%",
            "is not one quantity; read '9,15%' \\(percent\\), '4,43%' \\(percent\\)",
        ),
        ("không có số", "holds no number"),
        ("tăng 9,15%", "is not one quantity"),
    ],
)
def test_parse_quantity_rejects(text: str, message: str) -> None:
    with pytest.raises(NumberError, match=message):
        parse_quantity(text)


# -- properties: format, then parse, gives the value back ------------------------------------

BOUND = 10**15  # below 2**53: every integer is a float exactly


@given(st.integers(min_value=-BOUND, max_value=BOUND), st.sampled_from(LANGS))
def test_integers_round_trip(n: int, lang: str) -> None:
    assert parse_number(format_number(n, lang), lang) == n


@given(
    st.integers(min_value=-(10**14), max_value=10**14),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(LANGS),
)
def test_decimals_round_trip(digits: int, decimals: int, lang: str) -> None:
    # at most 15 significant digits: the decimal survives the trip through a float
    exact = Decimal(digits).scaleb(-decimals)
    text = format_number(float(exact), lang, decimals=decimals)
    assert parse_decimal(text, lang) == exact


@given(
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
    st.sampled_from(LANGS),
)
def test_floats_round_trip_at_full_precision(x: float, lang: str) -> None:
    assert parse_number(format_number(x, lang), lang) == x


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["percent", "tonnes", "pp", "MW", "places"]),
)
def test_vietnamese_quantities_round_trip_through_the_extractor(value: Decimal, unit: str) -> None:
    text = format_number(value, "vi", unit, decimals=2)
    q = parse_quantity(text)
    assert q.unit == unit
    assert Decimal(repr(q.value)) == value


def test_one_unit_vocabulary_for_labels_and_dimensions() -> None:
    """Every unit has a display label (numbers.UNITS) and a dimension (units.UNITS), and
    every unit used by a data file has both."""
    from lai_chau.data import units, validate

    assert set(UNITS) == set(units.UNITS)
    for name in validate.resource_names():
        table = validate.load(name)
        if "unit" in table.columns:
            assert set(table["unit"].dropna()) <= set(UNITS), name
