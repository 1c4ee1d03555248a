"""Interface text of reports and charts in Vietnamese and English: headings, axis words, units."""

from __future__ import annotations

import re
from typing import Any

from lai_chau.errors import unknown

LANGS = ("vi", "en")

# Words around the data, keyed by purpose. Figures, quotes and labels come from data/, never here.
TEXT: dict[str, dict[str, str]] = {
    "source": {"vi": "Nguồn", "en": "Source"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "compared_with": {"vi": "So với", "en": "Compared with"},
    "series": {"vi": "Số liệu", "en": "Series"},
    "comparison": {"vi": "Loại so sánh", "en": "Comparison"},
    "same": {"vi": "Cùng chỉ tiêu", "en": "Like for like"},
    "proxy": {"vi": "Chỉ tiêu gần đúng (proxy)", "en": "Proxy (a related indicator)"},
    "rank": {"vi": "Thứ hạng (1 = cao nhất)", "en": "Rank (1 = highest)"},
    "rank_from": {"vi": "Hạng trước", "en": "Previous rank"},
    "rank_to": {"vi": "Hạng", "en": "Rank"},
    "rank_within": {"vi": "Trong nhóm", "en": "Within"},
    "rank_at_most": {"vi": "tốp {n}", "en": "top {n}"},
    "of_total": {"vi": "trên {n}", "en": "of {n}"},
    "chart_bars": {"vi": "Biểu đồ cột", "en": "Bar chart"},
    "chart_dots": {"vi": "Biểu đồ điểm so sánh", "en": "Dot chart comparing"},
    "chart_ranks": {"vi": "Biểu đồ thứ hạng", "en": "Rank chart"},
    "not_rendered": {"vi": "chưa dựng", "en": "not rendered yet"},
    "id": {"vi": "Mã", "en": "Id"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "as_of": {"vi": "tính đến", "en": "as of"},
    "quote": {"vi": "Nguyên văn", "en": "Quote (Vietnamese original)"},
    "translation": {"vi": "Bản dịch", "en": "English translation of the sentence"},
    "other": {"vi": "Số liệu khác", "en": "Other figures"},
    "headline": {"vi": "Bảng số liệu chính", "en": "Table of headline figures"},
    "overview_intro": {
        "vi": ("Mỗi số liệu dưới đây lấy từ bài viết về hội nghị trực tuyến đánh giá tình hình "
               "kinh tế - xã hội 6 tháng đầu năm 2022 của UBND tỉnh Lai Châu, kèm nguyên văn câu "
               "trích dẫn. Số liệu chưa được đối chiếu với nguồn khác trong báo cáo này."),
        "en": ("Every figure below comes from the article on Lai Châu's online conference "
               "reviewing the socio-economic situation in the first half of 2022, with its "
               "verbatim quote (in Vietnamese) and an English translation of the sentence. "
               "This report does not yet compare the figures with other sources."),
    },
    "index_title": {
        "vi": "Lai Châu 6 tháng đầu năm 2022: các báo cáo",
        "en": "Lai Châu, first half of 2022: the reports",
    },
}

# What a figure's `measure` means, as an axis or column heading.
MEASURES: dict[str, dict[str, str]] = {
    "growth_yoy": {"vi": "Tăng so với cùng kỳ", "en": "Growth on the same period"},
    "change_abs": {"vi": "Tăng thêm so với cùng kỳ", "en": "Increase on the same period"},
    "level": {"vi": "Mức", "en": "Level"},
    "count": {"vi": "Số lượng", "en": "Count"},
    "rate_of_plan": {"vi": "Tỷ lệ so với kế hoạch", "en": "Share of the plan"},
    "change_pp": {"vi": "Thay đổi", "en": "Change"},
    "rank_change": {"vi": "Số bậc tăng", "en": "Places gained"},
    "rank_bound": {"vi": "Giới hạn thứ hạng", "en": "Rank bound"},
    "streak": {"vi": "Số năm liên tiếp", "en": "Consecutive years"},
}

# A unit's name in an axis title, e.g. "Tăng so với cùng kỳ (%)".
UNITS: dict[str, dict[str, str]] = {
    "percent": {"vi": "%", "en": "%"},
    "pp": {"vi": "điểm %", "en": "percentage points"},
    "tonnes": {"vi": "tấn", "en": "tonnes"},
    "MW": {"vi": "MW", "en": "MW"},
    "projects": {"vi": "dự án", "en": "projects"},
    "places": {"vi": "bậc", "en": "places"},
    "rank": {"vi": "hạng", "en": "rank"},
    "years": {"vi": "năm", "en": "years"},
}


# The article states its bases and qualifiers in English in data/figures.csv; the Vietnamese
# report shows them in Vietnamese. An unknown one is shown as written in the data.
BASES: dict[str, dict[str, str]] = {
    "H1 2021": {"vi": "6 tháng đầu năm 2021", "en": "H1 2021"},
    "2022 plan": {"vi": "kế hoạch năm 2022", "en": "the 2022 plan"},
    "same date 2021": {"vi": "cùng thời điểm năm 2021", "en": "the same date in 2021"},
    "2020": {"vi": "năm 2020", "en": "2020"},
    "63 provinces": {"vi": "63 tỉnh, thành phố", "en": "63 provinces"},
}
QUALIFIERS: dict[str, dict[str, str]] = {
    "estimate": {"vi": "ước tính", "en": "estimate"},
    "at most": {"vi": "tối đa (tốp)", "en": "at most (top)"},
}



def check_lang(lang: object) -> str:
    """Return `lang` if it is a report language, else raise UsageError naming the allowed ones."""
    if lang not in LANGS:
        raise unknown("language", lang, LANGS)
    return str(lang)


def text(key: str, lang: str, **values: object) -> str:
    """Interface text `key` in `lang`, with `{name}` placeholders filled from `values`."""
    check_lang(lang)
    try:
        entry = TEXT[key]
    except KeyError:
        raise unknown("text key", key, sorted(TEXT)) from None
    return entry[lang].format(**values) if values else entry[lang]


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
    return str(period)


def date_text(value: Any, lang: str) -> str:
    """A date as the report writes it: vi '15/6/2022', en '15 June 2022'; '' for a missing one."""
    if _missing(value):
        return ""
    day = value
    if check_lang(lang) == "vi":
        return f"{day.day}/{day.month}/{day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"
