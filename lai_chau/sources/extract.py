"""Every numeric mention in a Vietnamese economic text: value, unit, kind, offsets and qualifier.

Conventions (the `Mention` fields):
- `value` is in base units: đồng, tonnes, arrivals, kWh... The scale word the text used is kept
  in `scale`, so `value / scale` is the number as written: "1.800 tỷ đồng" is value 1.8e12,
  unit "VND", scale 1e9. Percent stay in percent ("9,15%" is 9.15). `value` is the number as
  written, unsigned: "giảm 2,77%" is 2.77 (the verb carries the direction); only a minus sign
  makes it negative. Dates and quarters have no value: see `normalized` ("2022-06-15").
- `start`/`end` are Python str offsets into the text as given and `text == input[start:end]`.
  The span holds the number and the words needed to read it ("tốp 15", "thứ 4/14",
  "gấp 6,8 lần", "6 tháng đầu năm", "tháng 10/2022"), not the qualifier in front of it.
- `qualifier` holds the words in front of a quantity that bound or hedge it, as written
  ("gần", "trên", "hơn", "khoảng", "ước", "ước đạt", "dưới", "tới", ...); QUALIFIERS gives their
  meaning in English. "cao hơn 3,57%" (higher by) is a comparison, not a qualifier.
- Numbers are read in Vietnamese notation first ("1.620" is 1620, "2,324" is 2.324); a form that
  is only valid in English notation ("3.96%", "1,093,500") is read so and says so in `note`.
  A lone ungrouped four-digit number from 1900 to 2100 without a unit is a year.
- The text must be in Unicode NFC (as typed Vietnamese almost always is): offsets then count the
  characters a reader sees. Decomposed text is refused rather than silently normalised.

Why one module of ~700 lines: one scanner's passes (compounds, numbers, ranges) over one text
share its private state (which characters are taken); the cues they read are its tables.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from lai_chau.base.errors import LaiChauError
from lai_chau.sources.numerals import NumberError, parse_decimal

KINDS = (
    "percent",
    "percentage_points",
    "tonnes",
    "MW",
    "VND",
    "USD",
    "quantity",
    "count",
    "rank",
    "rank_change",
    "rank_top",
    "ratio",
    "multiple",
    "score",
    "streak",
    "ordinal",
    "date",
    "time",
    "year",
    "period",
    "name",
    "number",
)
# kinds that measure something (a qualifier may bound them); the others locate or name things
QUANTITY_KINDS = frozenset(KINDS) - {"date", "time", "year", "period", "name", "ordinal"}

# qualifier as written -> meaning
QUALIFIERS: dict[str, str] = {
    "gần": "nearly",
    "gần như": "almost",
    "xấp xỉ": "approximately",
    "khoảng": "about",
    "ước": "estimate",
    "ước đạt": "estimate",
    "ước tính": "estimate",
    "ước khoảng": "estimate, about",
    "trên": "more than",
    "hơn": "more than",
    "dưới": "less than",
    "tới": "up to",
    "lên tới": "up to",
    "lên đến": "up to",
    "chưa đến": "less than",
    "chưa tới": "less than",
    "không quá": "at most",
    "tối đa": "at most",
    "ít nhất": "at least",
    "tối thiểu": "at least",
    "không dưới": "at least",
    "trở lên": "or more",
}

COLUMNS = ("value", "unit", "kind", "start", "end", "text", "qualifier")


class ExtractInputError(LaiChauError):
    """Input the extractor cannot read: names the path and what was expected."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One numeric mention: see the module docstring for units, offsets and qualifiers."""

    value: float | None
    unit: str | None
    kind: str
    start: int
    end: int
    text: str
    qualifier: str | None = None
    scale: float = 1.0
    total: int | None = None  # the N of a rank "of N" ("29/63" -> 63)
    # ISO form of dates and periods: "2022-06-15", "2022-10", "--06-15", "2022-Q1", "H1"
    normalized: str | None = None
    note: str | None = None  # how an unusual notation was read

    @property
    def as_written(self) -> float | None:
        """The number as the text writes it, before its scale word (1800 for "1.800 tỷ đồng")."""
        return None if self.value is None else self.value / self.scale

    @property
    def qualifier_en(self) -> str | None:
        """The qualifier's meaning in English ("gần" -> "nearly")."""
        if self.qualifier is None:
            return None
        words = " ".join(self.qualifier.lower().split())
        meanings = [QUALIFIERS[" ".join(q.split())] for q in _QUAL_ANY.findall(words)]
        return ", ".join(dict.fromkeys(meanings)) or None

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["value"] = _plain(self.value)
        return row


def _plain(value: float | None) -> float | int | None:
    if value is None:
        return None
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# ---------------------------------------------------------------------------------------------
# lexicon

_W = r"(?!\w)"  # a word ends here (Python's \w knows Vietnamese letters)
_NB = r"(?<!\w)"  # a word starts here

_SCALES = [
    (r"nghìn\s+tỷ|ngàn\s+tỷ|nghìn\s+tỉ|ngàn\s+tỉ", 10**12),
    (r"tỷ(?!\s+(?:lệ|trọng|giá|suất))|tỉ(?!\s+(?:lệ|trọng|giá|suất))", 10**9),
    (r"triệu", 10**6),
    (r"nghìn|ngàn", 10**3),
]
_SCALE = re.compile(
    r"\s+(?:" + "|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(_SCALES)) + r")" + _W,
    re.IGNORECASE,
)

# (pattern, unit, kind, may be glued to the number, takes a scale word)
_UNIT_TABLE: list[tuple[str, str, str, bool, bool]] = [
    (r"điểm\s*%|điểm\s+phần\s+trăm", "pp", "percentage_points", False, False),
    (r"%", "percent", "percent", True, False),
    (r"phần\s+trăm", "percent", "percent", False, False),
    (r"đồng|VNĐ|VND", "VND", "VND", False, True),
    (r"USD|đô\s+la\s+Mỹ|đô\s+la", "USD", "USD", False, True),
    (r"tấn", "tonnes", "tonnes", True, True),
    (r"tạ", "quintals", "quantity", False, True),
    (r"kg", "kg", "quantity", True, True),
    (r"MW", "MW", "MW", True, True),
    (r"kWh|KWh", "kWh", "quantity", True, True),
    (r"MWh", "MWh", "quantity", True, True),
    (r"GWh", "GWh", "quantity", True, True),
    (r"kW|KW", "kW", "quantity", True, True),
    (r"GW", "GW", "quantity", True, True),
    (r"ha|héc\s*ta|hecta", "hectares", "quantity", True, True),
    (r"km2|km²", "square_km", "quantity", True, True),
    (r"km", "km", "quantity", True, True),
    (r"m2|m²", "square_metres", "quantity", True, True),
    (r"m3|m³", "cubic_metres", "quantity", True, True),
    (r"lượt\s+khách|lượt\s+người|lượt", "arrivals", "count", False, True),
    (r"khách", "visitors", "count", False, True),
    (r"dự\s+án", "projects", "count", False, True),
    (r"doanh\s+nghiệp", "enterprises", "count", False, True),
    (r"hợp\s+tác\s+xã", "cooperatives", "count", False, True),
    (r"tỉnh,\s*thành\s+phố|tỉnh,\s*thành|tỉnh", "provinces", "count", False, False),
    (r"thành\s+phố", "cities", "count", False, False),
    (r"huyện", "districts", "count", False, False),
    (r"xã", "communes", "count", False, False),
    (r"thôn|bản", "villages", "count", False, False),
    (r"hộ", "households", "count", False, True),
    (r"người", "people", "count", False, True),
    (r"lao\s+động", "workers", "count", False, True),
    (r"học\s+sinh", "pupils", "count", False, True),
    (r"sản\s+phẩm", "products", "count", False, True),
    (r"tổ\s+máy", "generating_units", "count", False, False),
    (r"nhà\s+máy", "plants", "count", False, False),
    (r"công\s+trình", "works", "count", False, True),
    (r"cơ\s+sở", "establishments", "count", False, True),
    (r"chỉ\s+tiêu", "targets", "count", False, False),
    (r"bậc", "places", "rank_change", False, False),
    (r"điểm", "points", "score", False, False),
    (r"lần", "times", "multiple", False, False),
    (r"năm\s+liên\s+tiếp", "years", "streak", False, False),
    (
        r"tháng\s+(?:đầu|cuối)\s+năm|tháng\s+(?:đầu|cuối|qua)|tháng",
        "months",
        "period",
        False,
        False,
    ),
    (r"năm", "years", "period", False, False),
    (r"quý", "quarters", "period", False, False),
    (r"tuần", "weeks", "period", False, False),
    (r"ngày", "days", "period", False, False),
]
_UNITS = [
    (re.compile((r"\s*" if glued else r"\s+") + f"(?:{p})" + _W, re.I), unit, kind, glued, scaled)
    for p, unit, kind, glued, scaled in _UNIT_TABLE
]
# "tấn/năm", "triệu đồng/người/tháng", "tạ/ha"
_PER = re.compile(r"/\s*(người|năm|tháng|ngày|ha|hộ|km|giờ)" + _W, re.IGNORECASE)
_PER_EN = {
    "người": "person",
    "năm": "year",
    "tháng": "month",
    "ngày": "day",
    "ha": "ha",
    "hộ": "household",
    "km": "km",
    "giờ": "hour",
}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_RATIO = re.compile(r"/(\d+)(?![\w/]|[.,]\d)")  # the "/63" of "29/63"
_FACTOR = re.compile(r"[x×]\s*\d")  # "3x400MW"

_DMY = re.compile(r"(?<![\w/.,])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\w/]|[.,-]\d)")
_MONTH_YEAR = re.compile(
    r"(?:(?<!\w)(tháng)\s+)?(?<![\w/.,])(\d{1,2})/(\d{4})(?![\w/]|[.,]\d)", re.IGNORECASE
)
_QUARTER = re.compile(
    r"(?<!\w)quý\s+(IV|III|II|I|[1-4])(?!\w)(?:\s*/\s*(\d{4})(?![\w/]))?", re.IGNORECASE
)
_DAY_MONTH = re.compile(
    r"(?:(?<!\w)(ngày)\s+)?(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)", re.IGNORECASE
)
_MONTH = re.compile(r"(?<!\w)tháng\s+(\d{1,2})(?![\w/]|[.,]\d)", re.IGNORECASE)
_DOC_NUMBER = re.compile(r"(?<![\w/])\d+(?:/\d{2,4})?/(?=[^\W\d_])\w+(?:-\w+)*")
_TIME = re.compile(r"(?<![\w.,])(\d{1,2})h(\d{2})?(?!\w)")
_YEAR_ORDINAL = re.compile(
    r"(?<!\w)năm\s+thứ\s+(\d+)(?![\w/.,])(\s+liên\s+tiếp(?!\w))?", re.IGNORECASE
)

_DATE_CUE = re.compile(r"(?<!\w)(?:từ|đến|tới|hết|trước|sau|vào|ngày)\s+$", re.IGNORECASE)
_THU = re.compile(r"(?<!\w)(thứ|hạng)\s+$", re.IGNORECASE)
_THU_ORDINAL = re.compile(
    r"(?<!\w)(?:lần|kỳ\s+họp|kỳ|khóa|khoá|đợt|phiên|hội\s+nghị|lớp)\s+$", re.IGNORECASE
)
_VI_TRI = re.compile(r"(?<!\w)vị\s+trí\s+$", re.IGNORECASE)
_TOP = re.compile(r"(?<!\w)(tốp|top)\s+$", re.IGNORECASE)
_GAP = re.compile(r"(?<!\w)gấp\s+$", re.IGNORECASE)
_NAM = re.compile(r"(?<!\w)năm\s+$", re.IGNORECASE)
_NAME_PREFIX = re.compile(
    r"(?<!\w)(?:quốc\s+lộ|tỉnh\s+lộ|đường\s+tỉnh|ql\.?|đt\.?|"
    r"(?:nghị\s+quyết|quyết\s+định|thông\s+tư|nghị\s+định|công\s+văn|chỉ\s+thị|kết\s+luận|"
    r"kế\s+hoạch|luật|đề\s+án|tờ\s+trình|báo\s+cáo)\s+số|số\s+hiệu)\s*$",
    re.IGNORECASE,
)
_RANK_CUE = re.compile(r"(?<!\w)(?:xếp|đứng|hạng|thứ|vị\s+trí)(?!\w)", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?\n]")

_QUAL_PHRASES = sorted((q for q in QUALIFIERS if q != "trở lên"), key=len, reverse=True)
_QUAL_END = re.compile(
    r"(?<!\w)(" + "|".join(p.replace(" ", r"\s+") for p in _QUAL_PHRASES) + r")\s+$", re.IGNORECASE
)
_BRIDGE_END = re.compile(r"(?<!\w)(?:đạt|tăng|giảm)\s+$", re.IGNORECASE)
_COMPARATIVE_END = re.compile(
    r"(?<!\w)(?:cao|thấp|nhiều|ít|lớn|nhỏ|sớm|muộn|chậm|nhanh|tốt|kém|rộng|hẹp|mạnh|yếu)\s+$",
    re.IGNORECASE,
)
_QUAL_ANY = re.compile(
    "|".join(p.replace(" ", r"\s+") for p in sorted(QUALIFIERS, key=len, reverse=True))
)
_SUFFIX_QUAL = re.compile(r"\s+trở\s+lên" + _W, re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|đến|tới)\s*$", re.IGNORECASE)

_LOOKBACK = 60  # characters of left context the cues look at


def _read(raw: str) -> tuple[Decimal | None, str | None]:
    """A number token read in Vietnamese notation, else English notation (with a note)."""
    try:
        return parse_decimal(raw, "vi"), None
    except NumberError:
        pass
    try:
        value = parse_decimal(raw, "en")
    except NumberError:
        return None, f"{raw!r} is not a well-formed number in Vietnamese or English notation"
    return value, f"read in English notation ({raw!r} = {value}): not the Vietnamese style"


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.mentions: list[Mention] = []
        self.taken = bytearray(len(text))

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def add(
        self,
        start: int,
        end: int,
        kind: str,
        value: Decimal | float | None = None,
        unit: str | None = None,
        **extra: Any,
    ) -> None:
        self.taken[start:end] = b"\x01" * (end - start)
        self.mentions.append(
            Mention(
                value=None if value is None else float(value),
                unit=unit,
                kind=kind,
                start=start,
                end=end,
                text=self.text[start:end],
                **extra,
            )
        )

    def left(self, pos: int) -> str:
        return self.text[max(0, pos - _LOOKBACK) : pos]

    # compound forms first: they claim their digits so the number scan skips them
    def compounds(self) -> None:
        t = self.text
        for m in _DOC_NUMBER.finditer(t):
            if m.group()[m.group().rfind("/") + 1].isupper():
                self.add(m.start(), m.end(), "name", None, note="document number")
        for m in _DMY.finditer(t):
            d, mo, y = int(m[1]), int(m[3]), int(m[4])
            if self.free(*m.span()) and _valid_date(y, mo, d):
                self.add(
                    m.start(), m.end(), "date", unit="date", normalized=f"{y:04d}-{mo:02d}-{d:02d}"
                )
        for m in _QUARTER.finditer(t):
            q = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(m[1].upper()) or int(m[1])
            if (m[1].isdigit() or m[2]) and self.free(*m.span()):
                iso = f"{m[2]}-Q{q}" if m[2] else f"Q{q}"
                self.add(m.start(), m.end(), "period", unit="quarter", normalized=iso)
        for m in _MONTH_YEAR.finditer(t):
            mo, y = int(m[2]), int(m[3])
            if 1 <= mo <= 12 and 1900 <= y <= 2100 and self.free(*m.span()):
                self.add(m.start(), m.end(), "date", unit="month", normalized=f"{y:04d}-{mo:02d}")
        for m in _DAY_MONTH.finditer(t):
            d, mo = int(m[2]), int(m[3])
            cue = m[1] or _DATE_CUE.search(self.left(m.start())) or d > mo
            if cue and _valid_date(2000, mo, d) and self.free(*m.span()):
                self.add(m.start(), m.end(), "date", unit="date", normalized=f"--{mo:02d}-{d:02d}")
        for m in _MONTH.finditer(t):
            mo = int(m[1])
            if 1 <= mo <= 12 and self.free(*m.span()):
                self.add(m.start(), m.end(), "date", unit="month", normalized=f"--{mo:02d}")
        for m in _TIME.finditer(t):
            h, mi = int(m[1]), int(m[2] or 0)
            if h < 24 and mi < 60 and self.free(*m.span()):
                self.add(m.start(), m.end(), "time", normalized=f"{h:02d}:{mi:02d}")
        for m in _YEAR_ORDINAL.finditer(t):
            if self.free(*m.span()):
                if m[2]:
                    self.add(m.start(), m.end(), "streak", Decimal(m[1]), "years")
                else:
                    self.add(m.start(), m.end(), "ordinal", Decimal(m[1]), "years")

    def numbers(self) -> None:
        t = self.text
        for m in _NUMBER.finditer(t):
            if self.free(*m.span()):
                self.number(m.start(), m.end())

    def name(self, start: int, end: int, prefix_start: int | None = None) -> None:
        t = self.text

        def part_of_name(i: int) -> bool:
            return (t[i].isalnum() or t[i] in "-_") and not self.taken[i]

        while start > 0 and part_of_name(start - 1):
            start -= 1
        while end < len(t) and part_of_name(end):
            end += 1
        while t[start] in "-_":
            start += 1
        # a name is not a quantity: "Covid-19" has no value (its text says what it is)
        self.add(start if prefix_start is None else prefix_start, end, "name", None)

    def number(self, s: int, e: int) -> None:
        t = self.text
        raw = t[s:e]
        left = self.left(s)
        # glued to letters: a name ("Covid-19", "G7", "4D"), unless a unit or a factor follows
        before = t[s - 1] if s else " "
        glued_left = before.isalpha() or (before in "-_" and s > 1 and t[s - 2].isalpha())
        if glued_left and not (before in "x×" and s > 1 and t[s - 2].isdigit()):
            self.name(s, e)
            return
        prefix = _NAME_PREFIX.search(left)
        if prefix:  # "Quốc lộ 32", "Nghị quyết số 12": the words make the number a name
            self.name(s, e, s - len(left) + prefix.start())
            return
        if e < len(t) and _FACTOR.match(t, e):
            value, note = _read(raw)
            self.add(s, e, "number", value, note=note or "factor of a product such as 3x400MW")
            return
        if (
            e < len(t)
            and t[e].isalpha()
            and not any(glued and rx.match(t, e) for rx, _unit, _kind, glued, _scaled in _UNITS)
        ):
            self.name(s, e)
            return

        value, note = _read(raw)
        start, end = s, e
        # "29/63", "thứ 4/14", "hạng 57/63": a position out of N
        total = None
        ratio = _RATIO.match(t, e)
        if ratio and raw.isdigit():
            total, end = int(ratio[1]), ratio.end()
        thu = _THU.search(left)
        if thu:
            start = s - len(left) + thu.start()
            head = self.left(start)
            if thu[1].lower() == "thứ" and total is None and _THU_ORDINAL.search(head):
                self.add(start, end, "ordinal", value)
            else:
                self.add(start, end, "rank", value, "rank", total=total)
            return
        vitri = _VI_TRI.search(left)
        if vitri and total is None:
            self.add(s - len(left) + vitri.start(), end, "rank", value, "rank")
            return
        if total is not None:
            clause = _CLAUSE_END.split(left)[-1]
            unit = "rank" if _RANK_CUE.search(clause) and int(raw) <= total else None
            self.add(
                start,
                end,
                "ratio",
                value,
                unit,
                total=total,
                normalized=f"{int(raw)}/{total}",
                qualifier=self.qualifier(start),
            )
            return
        top = _TOP.search(left)
        if top:
            self.add(s - len(left) + top.start(), end, "rank_top", value, "rank")
            return

        # a minus sign, not the dash of a range ("2011 -2021", "7 -7,5%")
        negative = (
            value is not None
            and s >= 1
            and t[s - 1] in "-−"
            and (s == 1 or t[s - 2] in " \t\n(")
            and not re.search(r"[\d%]\s*$", t[max(0, s - 20) : s - 1])
        )
        if negative:
            start = s - 1
            value = -value
        scale = 1
        unit = kind = None
        after = e
        sm = _SCALE.match(t, e)
        if sm:
            i = next(int(k[1:]) for k, v in sm.groupdict().items() if v)
            scale, after = _SCALES[i][1], sm.end()
        for rx, u, k, _, scaled in _UNITS:
            um = rx.match(t, after)
            if um and (scaled or scale == 1):
                unit, kind, end = u, k, um.end()
                break
        if unit is None and scale != 1:
            end = after
        if kind in {"VND", "USD", "tonnes", "quantity"}:
            while pm := _PER.match(t, end):
                unit += "_per_" + _PER_EN[pm[1].lower()]
                end = pm.end()
        gap = _GAP.search(left)
        if gap and kind in (None, "multiple"):
            start = s - len(left) + gap.start()
            kind, unit = "multiple", "times"
        if kind is None and scale == 1 and value is not None:
            if raw.isdigit() and len(raw) == 4 and (_NAM.search(left) or 1900 <= int(raw) <= 2100):
                self.add(start, end, "year", value, "year")
                return
        extra: dict[str, Any] = {}
        if kind == "period" and unit == "months":
            words = " ".join(t[e:end].lower().split())
            if raw in ("6", "06") and words.endswith("đầu năm"):
                extra["normalized"] = "H1"
            elif raw in ("6", "06") and words.endswith("cuối năm"):
                extra["normalized"] = "H2"
        scaled_value = None if value is None else value * scale
        kind = kind or "number"
        qualifier = None
        if kind in QUANTITY_KINDS:
            qualifier = self.qualifier(start)
            suffix = _SUFFIX_QUAL.match(t, end)
            if suffix:
                qualifier = f"{qualifier} … trở lên" if qualifier else "trở lên"  # "từ 13% trở lên"
        self.add(
            start,
            end,
            kind,
            scaled_value,
            unit,
            qualifier=qualifier,
            scale=float(scale),
            note=note,
            **extra,
        )

    def qualifier(self, start: int) -> str | None:
        t = self.text
        lo = max(0, start - _LOOKBACK)
        pos, first, last, bridged = start, None, None, False
        while True:
            m = _QUAL_END.search(t, lo, pos)
            if m:
                if m[1].lower() == "hơn" and _COMPARATIVE_END.search(t, lo, m.start()):
                    break
                last = last if last is not None else m.end(1)
                first, pos = m.start(1), m.start()
                continue
            b = _BRIDGE_END.search(t, lo, pos)
            if b and not bridged and _QUAL_END.search(t, lo, b.start()):
                bridged, pos = True, b.start()
                continue
            break
        return None if first is None else t[first:last]

    def ranges(self) -> None:
        """A bare number before a range dash takes the unit of the range's end ("7 - 7,5%")."""
        ms = sorted(self.mentions, key=lambda m: m.start)
        for a, b in itertools.pairwise(ms):
            if (
                a.kind == "number"
                and a.unit is None
                and a.value is not None
                and a.note is None
                and b.unit is not None
                and b.kind in QUANTITY_KINDS
                and _RANGE_SEP.fullmatch(self.text, a.end, b.start)
            ):
                i = self.mentions.index(a)
                self.mentions[i] = Mention(
                    value=a.value * b.scale,
                    unit=b.unit,
                    kind=b.kind,
                    start=a.start,
                    end=a.end,
                    text=a.text,
                    qualifier=a.qualifier,
                    scale=b.scale,
                    note=f"low end of the range {self.text[a.start : b.end]!r}: "
                    "unit from its high end",
                )


# Longer runs of digits are no quantity a report states (and would overflow decimal arithmetic).
MAX_DIGITS = 30
_LONG_DIGITS = re.compile(r"\d{" + str(MAX_DIGITS + 1) + ",}")


def _check_text(text: str, where: str) -> None:
    if not isinstance(text, str):
        raise ExtractInputError(f"{where}: expected text (str), got {type(text).__name__}")
    long = _LONG_DIGITS.search(text)
    if long:
        line = text.count("\n", 0, long.start()) + 1
        column = long.start() - (text.rfind("\n", 0, long.start()) + 1) + 1
        raise ExtractInputError(
            f"{where}: a run of {long.end() - long.start():,} digits at line {line}, column "
            f"{column} (offset {long.start()}) is longer than any number a report states "
            f"(at most {MAX_DIGITS} digits); expected prose with numbers, e.g. a "
            "socio-economic report"
        )
    if not unicodedata.is_normalized("NFC", text):
        offset = next(
            (
                i
                for i, c in enumerate(text)
                if unicodedata.combining(c) or unicodedata.normalize("NFC", c) != c
            ),
            0,
        )
        raise ExtractInputError(
            f"{where}: text is not in Unicode NFC form (decomposed characters near offset "
            f"{offset}); expected NFC so that offsets count the characters as written; "
            "convert it first, e.g. unicodedata.normalize('NFC', text) or `uconv -x any-nfc`"
        )


def extract(text: str) -> list[Mention]:
    """Every numeric mention in `text` (Vietnamese, NFC), in text order; see the module doc."""
    _check_text(text, "<text>")
    scanner = _Scanner(text)
    scanner.compounds()
    scanner.numbers()
    scanner.ranges()
    return sorted(scanner.mentions, key=lambda m: (m.start, m.end))


def read_text(path: str) -> str:
    """The UTF-8 text of `path` ('-' is stdin), decoded strictly; ExtractInputError if not.

    Nothing is translated: offsets count "\r\n" as two characters and a BOM as U+FEFF.
    """
    from pathlib import Path

    expected = "expected a UTF-8 text file ('-' reads standard input)"
    if path == "-":
        where = "<stdin>"
        data = sys.stdin.buffer.read()
    else:
        where = path
        p = Path(path)
        if p.is_dir():
            raise ExtractInputError(f"{where}: is a directory; {expected}")
        if not p.exists():
            raise ExtractInputError(f"{where}: no such file; {expected}")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise ExtractInputError(
                f"{where}: cannot be read ({exc.strerror}); {expected}"
            ) from None
    if not data.strip():
        what = "is empty" if not data else "holds only whitespace"
        raise ExtractInputError(f"{where}: {what}; expected a UTF-8 text with numbers to extract")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ExtractInputError(
            f"{where}: starts with a UTF-16 byte-order mark; expected UTF-8 text"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ExtractInputError(
            f"{where}: holds a NUL byte at byte offset {nul}, so it looks binary; "
            "expected UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        from lai_chau.base.encoding import decode_position

        bad = data[exc.start : exc.end].hex(" ")
        raise ExtractInputError(
            f"{where}: is not valid UTF-8 (byte {bad} at {decode_position(data, exc.start)}: "
            f"{exc.reason}); "
            "expected UTF-8 text: convert it first, e.g. `iconv -f WINDOWS-1258 -t UTF-8`"
        ) from None
    _check_text(text, where)
    return text


def parse_quantity(text: str) -> Mention:
    """Read one Vietnamese quantity ("9,15%", "1.620 tấn", "tốp 15", "29/63", "15/6/2022").

    The whole text (after an optional qualifier such as "gần") must be one mention of
    lai_chau.sources.extract: its kind tells a figure (percent, tonnes, rank...) from a date, a
    year,
    a period or a name. Raises NumberError otherwise.
    """
    if not isinstance(text, str):
        raise NumberError(f"expected a string holding a quantity, got {type(text).__name__}")
    s = text.strip()
    found = extract(s)
    if len(found) == 1:
        m = found[0]
        before, after = s[: m.start].strip(), s[m.end :].strip()
        if not after and (not before or before == m.qualifier):
            return m
    if not found:
        raise NumberError(f"{text!r} holds no number; expected a quantity such as '9,15%'")
    seen = ", ".join(f"{m.text!r} ({m.kind})" for m in found)
    raise NumberError(f"{text!r} is not one quantity; read {seen}")
