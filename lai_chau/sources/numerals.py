"""Numbers as Vietnamese texts write them: parse `9,15`, `1.620`, `04`; format for vi/en display."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from lai_chau.base import paths
from lai_chau.base.errors import LaiChauError, unknown

# The languages of every display and report: the one definition (cli, i18n, render import it).
# The report languages: one interface-text file each in paths.LOCALES (the article's language,
# Vietnamese, first).
LANGS = tuple(sorted((p.stem for p in paths.LOCALES.glob("*.toml")),
                     key=lambda lang: (lang != "vi", lang))) or ("vi", "en")


class NumberError(LaiChauError, ValueError):
    """A text that is not a number in the notation of the language asked for (also a ValueError)."""


@dataclass(frozen=True)
class UnitLabel:
    """How a unit is written after (or around) a number: `{n}` is the formatted number."""

    vi: str
    en: str
    en_one: str | None = None  # English label when the number is exactly 1 ("1 project")

    def template(self, lang: str, number_text: str) -> str:
        if lang == "en" and self.en_one is not None and number_text == "1":
            return self.en_one
        return self.vi if lang == "vi" else self.en


# The one unit vocabulary of the project: the `unit` column of every data file and the
# extractor's units (lai_chau.data.units.UNITS gives each its dimension and scale; a test keeps the
# two tables' keys equal). Vietnamese labels follow the article ("9,15%", "1.620 tấn",
# "4,6 điểm %", "25 bậc"); English ones are the usual short forms ("pp" = percentage points,
# "t" = tonnes). Scaled units carry the scale in the label: 1800 "billion VND" is
# "1.800 tỷ đồng", formatted as written, not in đồng.
UNITS: dict[str, UnitLabel] = {
    "percent": UnitLabel("{n}%", "{n}%"),
    "pp": UnitLabel("{n} điểm %", "{n} pp"),
    "times": UnitLabel("{n} lần", "{n}×"),
    "points": UnitLabel("{n} điểm", "{n} points", "{n} point"),
    "tonnes": UnitLabel("{n} tấn", "{n} t"),
    "thousand tonnes": UnitLabel("{n} nghìn tấn", "{n} thousand t"),
    "million tonnes": UnitLabel("{n} triệu tấn", "{n} million t"),
    "MW": UnitLabel("{n} MW", "{n} MW"),
    "kWh": UnitLabel("{n} kWh", "{n} kWh"),
    "hectares": UnitLabel("{n} ha", "{n} ha"),
    "thousand ha": UnitLabel("{n} nghìn ha", "{n} thousand ha"),
    "quintals/ha": UnitLabel("{n} tạ/ha", "{n} quintals/ha"),
    "projects": UnitLabel("{n} dự án", "{n} projects", "{n} project"),
    "places": UnitLabel("{n} bậc", "{n} places", "{n} place"),
    "rank": UnitLabel("thứ {n}", "{n}{ordinal}"),
    "years": UnitLabel("{n} năm", "{n} years", "{n} year"),
    "months": UnitLabel("{n} tháng", "{n} months", "{n} month"),
    "VND": UnitLabel("{n} đồng", "{n} VND"),
    "million VND": UnitLabel("{n} triệu đồng", "{n} million VND"),
    "billion VND": UnitLabel("{n} tỷ đồng", "{n} billion VND"),
    "trillion VND": UnitLabel("{n} nghìn tỷ đồng", "{n} trillion VND"),
    "million VND/person": UnitLabel("{n} triệu đồng/người", "{n} million VND/person"),
    "million VND/person/month": UnitLabel(
        "{n} triệu đồng/người/tháng", "{n} million VND/person/month"
    ),
    "USD": UnitLabel("{n} USD", "{n} USD"),
    "arrivals": UnitLabel("{n} lượt khách", "{n} arrivals", "{n} arrival"),
    "thousand arrivals": UnitLabel("{n} nghìn lượt", "{n} thousand arrivals"),
    "million arrivals": UnitLabel("{n} triệu lượt", "{n} million arrivals"),
    "provinces": UnitLabel("{n} tỉnh", "{n} provinces", "{n} province"),
    "enterprises": UnitLabel("{n} doanh nghiệp", "{n} enterprises", "{n} enterprise"),
    "people": UnitLabel("{n} người", "{n} people", "{n} person"),
}


def check_lang(lang: object) -> str:
    """Return `lang` if it is a report language, else raise UsageError naming the allowed ones."""
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    return str(lang)


_check_lang = check_lang


@cache
def symbols(lang: str) -> tuple[str, str]:
    """(decimal, grouping) symbols of `lang` from CLDR via Babel: vi (',', '.'), en ('.', ',')."""
    _check_lang(lang)
    from babel import (
        numbers as bn,  # loaded on first use: keeps `import lai_chau.sources.extract` light
    )

    return bn.get_decimal_symbol(lang), bn.get_group_symbol(lang)


@cache
def _pattern(lang: str) -> re.Pattern[str]:
    decimal, group = map(re.escape, symbols(lang))
    # a grouped integer has groups of exactly three digits; an ungrouped one may carry
    # leading zeros, as Vietnamese reports write counts ("04 dự án", "07 bậc")
    return re.compile(
        rf"(?P<sign>[-−+])?(?P<int>[1-9]\d{{0,2}}(?:{group}\d{{3}})+|\d+)(?:{decimal}(?P<frac>\d+))?"
    )


_DATE_LIKE = re.compile(r"\d{1,4}\s*[/]\s*\d{1,4}(?:\s*/\s*\d{1,4})?")


def parse_decimal(text: str, lang: str = "vi") -> Decimal:
    """Read one bare number written in `lang`'s notation, exactly, as a Decimal.

    vi: comma decimal, dot thousands ("9,15", "1.620", "2.000" is two thousand, "04" is 4);
    en: dot decimal, comma thousands. Raises NumberError (a ValueError) saying what was expected.
    """
    _check_lang(lang)
    if not isinstance(text, str):
        raise NumberError(f"expected a string holding a number, got {type(text).__name__}")
    s = text.strip()
    decimal, group = symbols(lang)
    example = "9,15 or 1.620" if lang == "vi" else "9.15 or 1,620"
    if not s:
        raise NumberError(f"empty text; expected a number such as {example} ({lang})")
    m = _pattern(lang).fullmatch(s)
    if m:
        digits = m["int"].replace(group, "")
        frac = m["frac"]
        value = Decimal(f"{digits}.{frac}" if frac else digits)
        return -value if m["sign"] in ("-", "−") else value
    if _DATE_LIKE.fullmatch(s):
        raise NumberError(
            f"{text!r} is a date or a rank (N/M), not a number; "
            "lai_chau.sources.extract.parse_quantity() tells which"
        )
    if re.search(r"[^\d\s.,+\-−]", s):
        raise NumberError(
            f"{text!r} holds words or a unit; expected a bare number such as {example} "
            "(lai_chau.sources.extract.parse_quantity() reads a number with its unit)"
        )
    other = "en" if lang == "vi" else "vi"
    if _pattern(other).fullmatch(s):
        d2, g2 = symbols(other)
        raise NumberError(
            f"{text!r} is not a number in {lang} notation: {lang} writes {decimal!r} for decimals "
            f"and {group!r} between groups of three digits (e.g. {example}); "
            f"{text!r} reads as {other} notation ({d2!r} decimal, {g2!r} thousands)"
        )
    raise NumberError(
        f"{text!r} is not a number in {lang} notation; expected e.g. {example} "
        f"({decimal!r} for decimals, {group!r} between groups of three digits)"
    )


def parse_number(text: str, lang: str = "vi") -> float:
    """One bare number in `lang`'s notation as a float ("9,15" -> 9.15, "1.620" -> 1620.0 in vi)."""
    return float(parse_decimal(text, lang))


def _ordinal(number_text: str) -> str:
    if not number_text.isdigit():
        return ""
    n = int(number_text)
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def format_number(
    value: float | int | Decimal,
    lang: str = "vi",
    unit: str | None = None,
    decimals: int | None = None,
) -> str:
    """A number for display in `lang`, with the unit label of UNITS.

    `decimals=None` shows the digits the value has ("9,15", "1.620"); an int rounds (half to even)
    to that many decimals. Values are in the unit given: percent 9.15 is "9,15%", not 0.0915.
    """
    _check_lang(lang)
    if unit is not None and unit not in UNITS:
        raise unknown("unit", unit, sorted(UNITS))
    if decimals is not None and (
        isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12
    ):
        raise NumberError(f"decimals={decimals!r}; expected None or an integer from 0 to 12")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise NumberError(f"expected a number to format, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise NumberError(f"cannot format {value!r}; expected a finite number")
    from babel import numbers as bn

    if decimals is None:
        text = bn.format_decimal(value, format="#,##0.###", locale=lang, decimal_quantization=False)
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text = bn.format_decimal(value, format=pattern, locale=lang)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # "-0" or "-0,00" after rounding a tiny negative
    if unit is None:
        return text
    template = UNITS[unit].template(lang, text)
    return template.format(n=text, ordinal=_ordinal(text))


def format_percent(
    value: float | int | Decimal, lang: str = "vi", decimals: int | None = None
) -> str:
    """A percentage already in percent (9.15 -> vi "9,15%", en "9.15%")."""
    return format_number(value, lang, "percent", decimals)


