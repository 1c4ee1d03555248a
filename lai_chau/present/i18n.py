"""Interface text of reports and charts in Vietnamese and English: headings, axis words, units."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from lai_chau.base.errors import DataError, unknown
from lai_chau.sources.numerals import LANGS, check_lang

# Words around the data, keyed by purpose. Figures, quotes and labels come from data/, never here.
LOCALES = Path(__file__).resolve().parent / "locales"


@functools.cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """Every interface text of `lang`, by section and key, from present/locales/<lang>.toml."""
    check_lang(lang)
    path = LOCALES / f"{lang}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(str(path), f"the interface text of {lang!r} cannot be read ({exc}); "
                        "restore the file from git") from None


def _section(name: str) -> dict[str, dict[str, str]]:
    """One catalogue section as {key: {lang: text}}, every language of LANGS."""
    keys = catalogue(LANGS[0]).get(name, {})
    out: dict[str, dict[str, str]] = {}
    for key in keys:
        out[key] = {}
        for lang in LANGS:
            try:
                out[key][lang] = catalogue(lang)[name][key]
            except KeyError:
                raise DataError(str(LOCALES / f"{lang}.toml"), f"[{name}] has no {key!r}; every "
                                f"language file has the keys of {LANGS[0]}.toml") from None
    return out


TEXT: dict[str, dict[str, str]] = _section("text")

# What a figure's `measure` means, as an axis or column heading.
MEASURES: dict[str, dict[str, str]] = _section("measures")

# A unit's name in an axis title, e.g. "Tăng so với cùng kỳ (%)".
UNITS: dict[str, dict[str, str]] = _section("units")


# The article states its bases and qualifiers in English in data/figures.csv; the Vietnamese
# report shows them in Vietnamese. An unknown one is shown as written in the data.
BASES: dict[str, dict[str, str]] = _section("bases")
QUALIFIERS: dict[str, dict[str, str]] = _section("qualifiers")



def text(key: str, lang: str, **values: object) -> str:
    """Interface text `key` in `lang`, with `{name}` placeholders filled from `values`."""
    check_lang(lang)
    try:
        entry = TEXT[key]
    except KeyError:
        raise unknown("text key", key, sorted(TEXT)) from None
    return entry[lang].format(**values) if values else entry[lang]


def rank_label(bound: str, rank: int, worst: Any, lang: str) -> str:
    """A position as charts and tables write it: 'tốp 15' (at most), '8–21' (range), '61'."""
    if bound == "at_most":
        return text("rank_at_most", lang, n=rank)
    if bound == "range":
        return text("rank_range", lang, best=rank, worst=int(worst))
    return str(rank)


def measure_name(measure: str, lang: str) -> str:
    """What a figure's measure means, in `lang` ('growth_yoy' -> 'Tăng so với cùng kỳ')."""
    check_lang(lang)
    if measure not in MEASURES:
        raise unknown("measure", measure, sorted(MEASURES))
    return MEASURES[measure][lang]


def unit_name(unit: str, lang: str) -> str:
    """A unit as written in an axis title ('tonnes' -> 'tấn' in vi)."""
    check_lang(lang)
    if unit not in UNITS:
        raise unknown("unit", unit, sorted(UNITS))
    return UNITS[unit][lang]


def axis_title(measure: str, unit: str, lang: str) -> str:
    """'Tăng so với cùng kỳ (%)': a measure with its unit, for an axis."""
    return f"{measure_name(measure, lang)} ({unit_name(unit, lang)})"


def _missing(value: Any) -> bool:
    """None, '', NaN, NaT or pandas.NA: an empty cell of a data file."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return str(value) in {"nan", "NaT", "<NA>"}


def base_text(base: Any, lang: str) -> str:
    """A figure's base ('H1 2021') in `lang`; '' when it has none."""
    if _missing(base):
        return ""
    return BASES.get(str(base), {}).get(check_lang(lang), str(base))


def qualifier_text(qualifier: Any, lang: str) -> str:
    """A figure's qualifier ('estimate') in `lang`; '' when it has none."""
    if _missing(qualifier):
        return ""
    return QUALIFIERS.get(str(qualifier), {}).get(check_lang(lang), str(qualifier))


def period_text(period: str, lang: str) -> str:
    """'2022H1' -> '6 tháng đầu năm 2022' / 'first half of 2022'; '2021' -> 'năm 2021' / '2021'."""
    check_lang(lang)
    match = re.fullmatch(r"(\d{4})H([12])", str(period))
    if match:
        year, half = match.groups()
        if lang == "vi":
            return f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}"
        return f"{'first' if half == '1' else 'second'} half of {year}"
    if re.fullmatch(r"\d{4}", str(period)):
        return f"năm {period}" if lang == "vi" else str(period)
    return _other_period(str(period), lang)


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
ROMAN = ("I", "II", "III", "IV")


def _other_period(period: str, lang: str) -> str:
    """Quarters, months, month ranges, year ranges and crop seasons of the reference data
    ('2022Q1', '2022M07', '2023M01-M05', '2021-2023', '2022WS'); anything else as written."""
    if match := re.fullmatch(r"(\d{4})Q([1-4])", period):
        year, quarter = match.group(1), int(match.group(2))
        return f"quý {ROMAN[quarter - 1]}/{year}" if lang == "vi" else f"Q{quarter} {year}"
    if match := re.fullmatch(r"(\d{4})M(\d{2})", period):
        year, month = match.group(1), int(match.group(2))
        return f"tháng {month}/{year}" if lang == "vi" else f"{MONTHS_EN[month - 1]} {year}"
    if match := re.fullmatch(r"(\d{4})M(\d{2})-M(\d{2})", period):
        year, first, last = match.group(1), int(match.group(2)), int(match.group(3))
        if lang == "vi":
            if first == 1:
                return f"{last} tháng đầu năm {year}"
            return f"tháng {first}–{last}/{year}"
        return f"{MONTHS_EN[first - 1]}–{MONTHS_EN[last - 1]} {year}"
    if match := re.fullmatch(r"(\d{4})-(\d{4})", period):
        first, last = match.groups()
        return f"giai đoạn {first}–{last}" if lang == "vi" else f"{first}–{last}"
    if match := re.fullmatch(r"(\d{4})WS", period):
        year = match.group(1)
        return f"vụ đông xuân {year}" if lang == "vi" else f"winter-spring crop {year}"
    return period


def date_text(value: Any, lang: str) -> str:
    """A date as the report writes it: vi '15/6/2022', en '15 June 2022'; '' for a missing one."""
    if _missing(value):
        return ""
    day = value
    if check_lang(lang) == "vi":
        return f"{day.day}/{day.month}/{day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def source_title(source_id: str, lang: str) -> str:
    """A source's title for a reader of `lang`: the English title in `en` where we have one."""
    from lai_chau.data.reference import source

    record = source(source_id)
    return (record.get("title_en") if check_lang(lang) == "en" else None) or record["title"]
