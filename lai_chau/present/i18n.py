"""Interface text of reports and charts in Vietnamese and English: headings, axis words, units."""

from __future__ import annotations

import functools
import re
import tomllib
from typing import Any

from lai_chau.base import paths
from lai_chau.base.errors import DataError, unknown
from lai_chau.sources.numerals import LANGS, check_lang

# Words around the data, keyed by purpose. Figures, quotes and labels come from data/, never here.
LOCALES = paths.LOCALES


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
    """'2022H1' -> '6 tháng đầu năm 2022' / 'first half of 2022'; '2021' -> 'năm 2021' / '2021';
    quarters, months, month ranges, year ranges and crop seasons of the reference data ('2022Q1',
    '2022M07', '2023M01-M05', '2021-2023', '2022WS'); anything else as written. The wording is
    the catalogue's [periods] section."""
    check_lang(lang)
    period = str(period)
    if match := re.fullmatch(r"(\d{4})H([12])", period):
        return _period(f"h{match.group(2)}", lang, year=match.group(1))
    if re.fullmatch(r"\d{4}", period):
        return _period("year", lang, year=period)
    if match := re.fullmatch(r"(\d{4})FY", period):
        return _period("year", lang, year=match.group(1))
    if match := re.fullmatch(r"(\d{4})Q([1-4])", period):
        return _period("quarter", lang, year=match.group(1), quarter=int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})M(\d{2})", period):
        return _period("month", lang, year=match.group(1), month=int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})M(\d{2})-M(\d{2})", period):
        first, last = int(match.group(2)), int(match.group(3))
        return _period("months_from_january" if first == 1 else "months", lang,
                       year=match.group(1), first=first, last=last)
    if match := re.fullmatch(r"(\d{4})-(\d{4})", period):
        return _period("years", lang, first=int(match.group(1)), last=int(match.group(2)))
    if match := re.fullmatch(r"(\d{4})WS", period):
        return _period("winter_spring", lang, year=match.group(1))
    return period


ROMAN = ("I", "II", "III", "IV")
# What a [periods] template may use; each language takes the ones its grammar needs.
PERIOD_PLACEHOLDERS = {"year", "quarter", "roman", "month", "month_name", "first", "last",
                       "first_name", "last_name", "day"}


def month_name(month: int, lang: str) -> str:
    """A month's name in `lang` (the catalogue's [months] section, m1..m12)."""
    return catalogue(check_lang(lang))["months"][f"m{month}"]


def _period(key: str, lang: str, **values: Any) -> str:
    if "quarter" in values:
        values["roman"] = ROMAN[values["quarter"] - 1]
    if "month" in values:
        values["month_name"] = month_name(values["month"], lang)
    for side in ("first", "last"):
        if side in values and "year" in values:
            values[f"{side}_name"] = month_name(values[side], lang)
    return catalogue(lang)["periods"][key].format_map(_Blank(values))


class _Blank(dict):
    """format_map values: a placeholder this kind of period does not give reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def date_text(value: Any, lang: str) -> str:
    """A date as the report writes it: vi '15/6/2022', en '15 June 2022'; '' for a missing one."""
    if _missing(value):
        return ""
    return _period("date", check_lang(lang), year=value.year, month=value.month, day=value.day)


def year_month_text(year: int, month: int, lang: str) -> str:
    """A month of a year: vi 'tháng 6/2022', en 'June 2022'."""
    return _period("year_month", check_lang(lang), year=year, month=month)


def in_language(labels: dict[str, str], lang: str) -> str:
    """A label in `lang` from {lang: label}, English where the data has none in `lang`."""
    return labels.get(check_lang(lang)) or labels["en"]


def capital(label: str) -> str:
    """A label as the start of a line: its first letter upper case ('năm 2023' -> 'Năm 2023')."""
    return label[:1].upper() + label[1:]


def data_label(row: Any, lang: str, field: str = "label") -> str:
    """A data row's `<field>_<lang>` (label_vi, reason_en...; the row a dict, Series or
    namedtuple), else its English one: the data's words exist in Vietnamese and English."""
    get = row.get if hasattr(row, "get") else (lambda key, default=None: getattr(row, key,
                                                                                 default))
    value = get(f"{field}_{check_lang(lang)}", None)
    return str(value) if isinstance(value, str) and value else str(get(f"{field}_en"))


def source_title(source_id: str, lang: str) -> str:
    """A source's title for a reader of `lang`: the English title in `en` where we have one."""
    from lai_chau.data.reference import source

    record = source(source_id)
    # a reader of Vietnamese sees the title as published; any other reader the English one, if any
    return (record.get("title_en") if check_lang(lang) != "vi" else None) or record["title"]
