"""Propose data rows (indicator, measure, value, quoted span) from a Vietnamese economic report."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any, NamedTuple

from lai_chau.sources.extract import Mention, extract

Row = dict[str, Any]
_I = re.IGNORECASE
INDUSTRIAL_OUTPUT = "industrial_output_value"  # as data/figures.csv names it
SECTORS = frozenset({"gva_agriculture", "gva_industry_construction", "gva_services"})
VALUE_ADDED = SECTORS | {"grdp"}  # their money levels carry a price basis this draft does not read
MEASURES = ("growth_yoy", "rate_of_plan", "change_pp", "change_abs", "level")
MONEY = frozenset({INDUSTRIAL_OUTPUT, "retail_sales", "budget_revenue", "exports",
                   "public_investment_disbursement", "tourism_revenue"})

_AGRI = (r"nông(?:\s+nghiệp)?\s*[,\-–—]?\s*lâm(?:\s+nghiệp)?\s*(?:[,\-–—]|và)?\s*(?:và\s+)?"
         r"(?:th(?:ủy|uỷ)\s+sản|ngư\s+nghiệp)")
_HOA = r"h(?:óa|oá)"
_SUB = r"nông\s+nghiệp|lâm\s+nghiệp|th(?:ủy|uỷ)\s+sản"  # parts of the agriculture sector
_VERB_NEXT = r"(?=\s+(?:(?:ước\s+)?(?:tăng|giảm|đạt)|chiếm))"  # a bare sector name as subject
# (id, pattern). id is an indicator, "this" (an anaphor) or "other": a subject outside the
# vocabulary, which claims the figures of its clause so that they inherit no cue.
PHRASES: tuple[tuple[str, str], ...] = (
    ("grdp", (r"tổng\s+sản\s+phẩm(?:\s+(?:trên|trong)\s+(?:địa\s+bàn|tỉnh|thành\s+phố)"
              r"(?:\s+tỉnh)?)?|GRDP|GDP|(?:tăng\s+trưởng|tốc\s+độ\s+tăng)\s+(?:của\s+)?"
              r"(?:nền\s+)?kinh\s+tế|(?:nền\s+)?kinh\s+tế(?:\s+(?:của\s+)?(?:tỉnh|thành\s+phố))?"
              r"(?:\s+tiếp\s+tục)?\s+tăng\s+trưởng")),
    ("gva_agriculture", (rf"(?:(?:khu\s+vực|ngành|lĩnh\s+vực)\s+)?{_AGRI}|khu\s+vực\s+nông\s+nghiệp"
                         r"|giá\s+trị\s+(?:tăng\s+thêm|gia\s+tăng)\s+(?:của\s+)?(?:ngành|khu\s+vực)"
                         r"\s+nông\s+nghiệp")),
    ("gva_industry_construction",
     r"(?:(?:khu\s+vực|ngành|lĩnh\s+vực)\s+)?công\s+nghiệp\s*(?:[,\-–—]|và)\s*xây\s+dựng"),
    ("gva_services", r"(?:khu\s+vực|ngành|lĩnh\s+vực)\s+dịch\s+vụ|dịch\s+vụ" + _VERB_NEXT),
    (INDUSTRIAL_OUTPUT, r"giá\s+trị\s+sản\s+xuất\s+(?:toàn\s+)?(?:ngành\s+)?công\s+nghiệp"),
    ("iip", r"chỉ\s+số\s+sản\s+xuất\s+(?:toàn\s+)?(?:ngành\s+)?công\s+nghiệp|IIP"),
    ("retail_sales", (rf"(?:tổng\s+mức|doanh\s+thu)\s+bán\s+lẻ(?:\s+hàng\s+{_HOA})?"
                      r"(?:\s*(?:,|và)\s*doanh\s+thu\s+dịch\s+vụ(?:\s+tiêu\s+dùng)?)?")),
    ("budget_revenue", r"(?:tổng\s+)?thu\s+(?:ngân\s+sách(?:\s+nhà\s+nước)?|NSNN)"),
    ("public_investment_disbursement",
     r"(?:tỷ\s+lệ\s+)?giải\s+ngân(?:\s+(?:kế\s+hoạch\s+)?vốn\s+đầu\s+tư(?:\s+công)?)?"),
    ("tourist_arrivals", (r"(?:tổng\s+)?(?:số\s+)?(?:lượt|lượng)\s+khách(?:\s+du\s+lịch)?"
                          r"|khách\s+(?:du\s+lịch|quốc\s+tế)")),
    ("tourism_revenue", r"(?:tổng\s+|doanh\s+)?thu\s+(?:từ\s+)?(?:hoạt\s+động\s+)?du\s+lịch"),
    ("exports", rf"(?:kim\s+ngạch|giá\s+trị)\s+xuất\s+khẩu(?:\s+hàng\s+{_HOA}|\s+{_AGRI})?"),
    ("this", r"(?:khu\s+vực|ngành|lĩnh\s+vực)\s+này"),
    ("other", (r"thuế\s+sản\s+phẩm|ngành\s+\w+|thu\s+(?:nội\s+địa|thuế|từ\s+\w+)|chi\s+ngân\s+sách"
               r"|(?:tổng\s+)?sản\s+lượng|sản\s+phẩm|mặt\s+hàng|doanh\s+thu|(?:xuất\s+)?nhập\s+khẩu"
               r"|vốn\s+đầu\s+tư|chỉ\s+số|CPI|lạm\s+phát|bình\s+quân\s+đầu\s+người|thu\s+nhập"
               r"|tín\s+dụng|dư\s+nợ|vận\s+tải|tỷ\s+lệ(?!\s+tăng)|doanh\s+nghiệp"
               rf"|(?:công\s+nghiệp|xây\s+dựng|{_SUB}|thương\s+mại|du\s+lịch){_VERB_NEXT}"
               r"|giá\s+trị\s+sản\s+xuất(?:\s+(?:của\s+)?(?:ngành|khu\s+vực|lĩnh\s+vực))?"
               rf"(?:\s+(?:{_AGRI}|{_SUB}|xây\s+dựng|dịch\s+vụ))?")),
)
_PHRASE_RX = [(pid, re.compile(rf"(?<!\w)(?:{p})(?!\w)", _I)) for pid, p in PHRASES]
_HINTS = {"gva_agriculture": r"nông|lâm\s+nghiệp|th(?:ủy|uỷ)\s+sản|chăn\s+nuôi|cây\s+trồng|lúa",
          "gva_industry_construction": r"công\s+nghiệp|xây\s+dựng",  # the sector "khu vực này" is
          "gva_services": r"dịch\s+vụ|thương\s+mại|du\s+lịch|vận\s+tải"}
_SKIP = {"time": "time of day", "name": "name or code", "rank_top": "rank", "streak": "streak",
         "period": "period or duration (e.g. '6 tháng đầu năm')", "rank_change": "rank change",
         "ratio": "ratio or position out of N", "multiple": "multiple ('gấp N lần')",
         "number": "number without a unit", **{k: k for k in ("year", "date", "rank", "ordinal")}}
_KEEP = frozenset({"percent", "percentage_points", "VND", "USD", "count"})
_LEAD_REASONS = [(re.compile(p, _I), why) for p, why in (  # words just before the number
    (r"chiếm|tỷ\s+trọng|cơ\s+cấu", "structure share"),
    (r"đóng\s+góp", "contribution to growth (percentage points or share)"),
    (r"(?:cao|thấp|nhiều|ít)\s+hơn|vượt", "comparison with another figure"),
    (r"phấn\s+đấu|dự\s+kiến|kịch\s+bản|mục\s+tiêu|chỉ\s+tiêu|kế\s+hoạch(?!\s+vốn)",
     "target or plan"),
    (r"(?<!với )(?<!so )cùng\s+kỳ(?:\s+năm\s+(?:trước|\d{4}))?\s+(?:\w+\s+){0,2}$",
     "last year's figure (same period a year earlier)"),
)]
_SENT_PUNCT, _NONSPACE = re.compile(r"\n+|[.!?…]+"), re.compile(r"\S")
_CLAUSE_PUNCT = re.compile(r";|(?<!\d):|:(?!\d)")
_JOIN = re.compile(r",[ \t]+|[ \t]+và[ \t]+")  # a clause break when a new subject follows
_MARKER = re.compile(r"(?:trong\s+đó|riêng|cụ\s+thể|quý)(?!\w)", _I)
_CONTINUE = re.compile(r"\s*(?:trong\s+(?:số\s+)?đó|cụ\s+thể|riêng)(?!\w)", _I)
_DIRECTION = re.compile(r"tăng\s+trưởng\s+âm|giảm|tăng", _I)
_GROWTH = re.compile(r"tăng\s+trưởng|tốc\s+độ\s+tăng|mức\s+tăng|(?<!\w)tăng(?!\w)", _I)
_VERB = re.compile(r"(?<!\w)(tăng|giảm|đạt|bằng|là|chiếm)(?!\w)", _I)
_PLAN = re.compile(r"\s*(?:so\s+với\s+)?(kế\s+hoạch|KH|dự\s+toán|mục\s+tiêu|chỉ\s+tiêu)(?!\w)", _I)
_BASE = re.compile(r"so\s+(?:với\s+)?(?:(?P<sp>cùng\s+kỳ)(?:\s+năm\s+(?:trước|(?P<spy>\d{4})))?"
                   r"|(?P<py>năm\s+trước)|(?:năm\s+)?(?P<y>\d{4})(?!\d)|(?P<pm>tháng\s+trước)"
                   r"|(?P<pq>quý\s+trước))", _I)
_SUBPERIOD = re.compile(r"(?<!\w)(?:quý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*/\s*(?P<qy>\d{4}))?"
                        r"|6\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<hy>\d{4}))?"
                        r"|(?P<n>9)\s+tháng(?:\s+đầu\s+năm)?(?:\s+(?P<ny>\d{4}))?)(?!\w)", _I)
_OTHER_YEAR = re.compile(  # "7,56% của 6 tháng đầu năm 2021", "5,71% (2021)"
    r"\s*(?:\(\s*(?=\d{4}\s*\))|của\s+(?:các\s+)?(?:cùng\s+kỳ\s+)?(?:(?:6|9)\s+tháng"
    r"(?:\s+đầu\s+năm)?|quý\s+\w+|năm)?\s*(?:các\s+năm\s+)?)(\d{4})(?!\d)", _I)
_NATIONAL = re.compile(r"cả\s+nước|toàn\s+quốc|Việt\s+Nam|nước\s+ta")
_QUALIFIER_EN = {"nearly": "about", "approximately": "about", "almost": "about"}


class _Phrase(NamedTuple):
    id: str
    start: int
    end: int


class _Segs:
    """Segments of a text between separator spans (sorted, not overlapping)."""

    def __init__(self, seps: list[tuple[int, int]], size: int) -> None:
        self.starts, self.ends, self.size = [s for s, _ in seps], [e for _, e in seps], size

    def seg(self, pos: int) -> tuple[int, int]:
        i, j = bisect_right(self.ends, pos), bisect_left(self.starts, pos)
        return self.ends[i - 1] if i else 0, self.starts[j] if j < len(self.starts) else self.size


def _phrases(text: str) -> list[_Phrase]:
    """Cue phrases, the longest winning where two overlap."""
    found = sorted(((m.end() - m.start(), rank, pid, m.start(), m.end())
                    for rank, (pid, rx) in enumerate(_PHRASE_RX) for m in rx.finditer(text)),
                   key=lambda f: (-f[0], f[1]))
    taken, kept = bytearray(len(text)), []
    for _, _, pid, s, e in found:
        if not any(taken[s:e]):
            taken[s:e] = b"\x01" * (e - s)
            kept.append(_Phrase(pid, s, e))
    return sorted(kept, key=lambda p: p.start)


def _sentence_seps(text: str) -> list[tuple[int, int]]:
    """Sentence ends: a line break, or . ! ? … before a capital, a quote, a bracket or the end."""
    seps = []
    for m in _SENT_PUNCT.finditer(text):
        n = _NONSPACE.search(text, m.end())
        nxt, spaced = (n[0], n.start() > m.end()) if n else ("", False)
        if m[0][0] == "\n" or not nxt or nxt.isupper() or nxt in "\"“‘'([" or (
                spaced and nxt.isdigit()):
            seps.append(m.span())
    return seps


def _paren_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) of every bracket; an unclosed one ends at the line's end."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, c in enumerate(text):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            spans.append((stack.pop(), i))
        elif c == "\n":
            spans, stack = spans + [(o, i) for o in stack], []
    return sorted(spans + [(o, len(text)) for o in stack])


def _bracket_reason(inner: str) -> str | None:
    """Why a figure inside brackets is not the report's own (None if it may be)."""
    if re.search(r"cùng\s+kỳ|năm\s+trước|năm\s+\d{4}", inner, _I):
        return "figure of an earlier period quoted in brackets"
    tail = re.split(r"[;,:]", inner)[-1]
    if re.search(r"cả\s+nước|toàn\s+quốc|bình\s+quân\s+chung", tail, _I):
        return "national figure quoted in brackets for comparison"
    words = re.findall(r"[^\W\d_]+", tail)
    verb = len(words) == 1 and re.fullmatch(r"tăng|giảm|đạt|ước|bằng|chiếm", words[0].lower())
    if words and all(w.istitle() for w in words) and not verb:
        return f"figure of another area ({' '.join(words)}) quoted in brackets for comparison"
    return None


def _base(g: re.Match[str]) -> str:
    if g["sp"]:
        return f"same period of {g['spy']}" if g["spy"] else "same period a year earlier"
    return "previous year" if g["py"] else g["y"] or f"previous {'month' if g['pm'] else 'quarter'}"


def _prefer_sector(phrases: list[_Phrase]) -> _Phrase:
    """The nearest phrase, but a sector phrase over a GRDP one."""
    sectors = [p for p in phrases if p.id in SECTORS]
    return sectors[-1] if phrases[-1].id == "grdp" and sectors else phrases[-1]


def _qualifier(m: Mention, words: str) -> str:
    parts = [_QUALIFIER_EN.get(p, p) for p in (m.qualifier_en or "").split(", ") if p]
    if "estimate" not in parts and re.search(r"(?<!\w)ước(?!\w)", words, _I):
        parts.insert(0, "estimate")  # "(GRDP) ước năm 2021 ... đạt ..., tăng 6,01%"
    return ", ".join(dict.fromkeys(parts))


class _Doc:
    def __init__(self, text: str, period: str, area: str | None) -> None:
        self.text, self.period, self.area = text, period or "", area or ""
        self.mentions: list[Mention] = extract(text)
        self.figures = [m.start for m in self.mentions if m.kind in _KEEP]
        self.phrases = _phrases(text)
        self.phrase_starts = [p.start for p in self.phrases]
        starts, sent = set(self.phrase_starts), _sentence_seps(text)
        joins = [m.span() for m in _JOIN.finditer(text)
                 if m.end() in starts or _MARKER.match(text, m.end())]
        clause = sorted(sent + [m.span() for m in _CLAUSE_PUNCT.finditer(text)] + joins)
        self.sent, self.clause = _Segs(sent, len(text)), _Segs(clause, len(text))
        self.parens = _paren_spans(text)
        self.year = self.period[:4] if self.period[:4].isdigit() else ""

    def figure_between(self, lo: int, hi: int) -> bool:
        return bisect_left(self.figures, hi) > bisect_left(self.figures, lo)

    def phrases_in(self, lo: int, hi: int) -> list[_Phrase]:
        a, b = bisect_left(self.phrase_starts, lo), bisect_left(self.phrase_starts, hi)
        return [p for p in self.phrases[a:b] if p.end <= hi]

    def cue(self, m: Mention, cs: int, ss: int, se: int) -> _Phrase | str:
        """The indicator phrase a figure belongs to, or why there is none."""
        t = self.text
        before = self.phrases_in(ss, m.start)
        inside = [p for p in before if p.start >= cs]
        outer = [p for p in before if p.id != "other"]  # other subjects rule their clause only
        if inside or outer:
            found = _prefer_sector(inside or outer)
            colons = [c.start() for c in _CLAUSE_PUNCT.finditer(t, found.end, cs) if c[0] == ":"]
            if not inside and colons and self.figure_between(found.end, colons[-1]) and (
                    not _SUBPERIOD.search(t, cs, m.start)):
                return "item of a breakdown after ':' with no indicator phrase of its own"
        elif ss and _CONTINUE.match(t, ss) and (
                earlier := self.phrases_in(self.sent.seg(ss - 1)[0], ss)):
            found = _prefer_sector(earlier)  # "...tăng 6,59%. Trong đó: quý I tăng 6,32%"
        else:
            return "no indicator phrase in its clause or sentence"
        if found.id == "this":
            scores = {k: len(re.findall(h, t[ss:se], _I)) for k, h in _HINTS.items()}
            best = max(scores.values())
            if not best or list(scores.values()).count(best) > 1:
                return f"anaphor {t[found.start : found.end]!r} not resolved"
            return _Phrase(max(scores, key=scores.__getitem__), found.start, found.end)
        if found.id == "other":
            return f"subject outside the vocabulary ({t[found.start : found.end]!r})"
        return found

    def classify(self, i: int) -> Row | str:
        """A proposed row for mention i, or the reason it is listed apart."""
        t, m = self.text, self.mentions[i]
        if m.kind not in _KEEP or m.value is None:
            return _SKIP.get(m.kind, f"{m.kind} ({m.unit}): no indicator of the vocabulary")
        (cs, ce), (ss, se) = self.clause.seg(m.start), self.sent.seg(m.start)
        paren = next((p for p in reversed(self.parens) if p[0] < m.start < p[1]), None)
        prev_end = self.mentions[i - 1].end if i else 0
        lead = t[max(cs, prev_end, paren[0] + 1 if paren else 0) : m.start]
        if why := (paren and _bracket_reason(t[paren[0] + 1 : m.start])) or next(
                (w for rx, w in _LEAD_REASONS if rx.search(lead)), None):
            return why
        if m.kind == "count" and (m.unit not in ("arrivals", "visitors")
                                  or not re.search(r"khách|du\s+lịch", t[cs:ce], _I)):
            return f"count of {m.unit}"
        tourists = _Phrase("tourist_arrivals", m.start, m.start)  # "đón 10 triệu lượt khách"
        if isinstance(cue := tourists if m.kind == "count" else self.cue(m, cs, ss, se), str):
            return cue
        ind, nxt = cue.id, bisect_right(self.figures, m.start)
        after = t[m.end : min(ce, self.figures[nxt] if nxt < len(self.figures) else ce)]
        if (other := _OTHER_YEAR.match(after)) and other[1] != self.year:
            return f"figure of another period ({other[1]})"
        dirs = [d.lower() for d in _DIRECTION.findall(lead)]
        sign = -1.0 if dirs and (dirs[-1] == "giảm" or dirs[-1].endswith("âm")) else 1.0
        right, plan = _BASE.search(after), _PLAN.match(after) if m.kind == "percent" else None
        if m.kind == "percent":
            if plan or (not dirs and ind == "public_investment_disbursement"
                        and not _GROWTH.search(t, cs, m.start)):  # "tỷ lệ giải ngân đạt 45,2%"
                measure, sign = "rate_of_plan", 1.0
            elif dirs or _GROWTH.search(t, cs, m.start):
                measure = "growth_yoy"
            else:
                return "percent with no growth or plan cue"
        elif m.kind == "percentage_points":
            if not dirs:
                return "percentage points with no change verb"
            measure = "change_pp"
        elif ind in VALUE_ADDED:
            return "value-added level in money: price basis (current/constant) not read"
        elif (m.kind == "count") != (ind == "tourist_arrivals") or (
                m.kind != "count" and ind not in MONEY):
            return f"unit {m.unit} does not fit {ind}"
        else:
            verbs = [v.lower() for v in _VERB.findall(lead)]
            change = bool(verbs) and verbs[-1] in ("tăng", "giảm")
            measure = "change_abs" if change else "level"
            sign = -1.0 if change and verbs[-1] == "giảm" else 1.0
        base = ""
        if plan:
            base = "budget estimate" if plan[1].lower().startswith("dự") else "plan"
        elif measure != "rate_of_plan":
            stated = right or _BASE.search(lead)
            base = _base(stated) if stated else ""
            if base in ("previous month", "previous quarter"):
                return f"growth on the {base[9:]} before: not year-on-year"
            if not stated:  # a base stated once for a list, earlier in the sentence
                listed = [_base(b) for b in _BASE.finditer(t, ss, cs)]
                base = next((b for b in reversed(listed) if "month" not in b
                             and "quarter" not in b), "")
        hit = plan or right
        end = m.end + hit.end() if hit else m.end
        start = cs
        if cue.start >= cs and (self.figure_between(cs, cue.start) or cue.start - cs > 100):
            start = cue.start  # the clause opens with another figure or is long: from the cue
        while start < m.start and t[start] in " \t\n,;:–—-•(":
            start += 1
        region = t[max(ss, cue.start) : m.start]
        national = t[cue.start : cue.end] == "GDP" or _NATIONAL.search(region)
        return {"indicator": ind, "measure": measure, "value": sign * m.value, "unit": m.unit,
                "base": base, "qualifier": _qualifier(m, t[max(cs, cue.start) : m.start]),
                "quote": t[start:end], "start": start, "end": end, "period": self.period,
                "period_note": self.period_note(region),
                "area": "Việt Nam" if national else self.area,
                "mention_start": m.start, "mention_end": m.end}

    def period_note(self, region: str) -> str:
        """The sub-period a figure is given for ('2023Q1'), when not the requested period."""
        hits = [h for h in _SUBPERIOD.finditer(region)
                if not re.search(r"(?:so(?:\s+với)?|cùng\s+kỳ)\s+$", region[: h.start()], _I)]
        if not hits:
            return ""
        h = hits[-1]
        if h["q"]:
            q = h["q"] if h["q"].isdigit() else ("I", "II", "III", "IV").index(h["q"].upper()) + 1
            note = f"{h['qy'] or self.year}Q{q}"
        elif h["h"]:
            note = f"{h['hy'] or self.year}H{1 if h['h'].lower() == 'đầu' else 2}"
        else:
            note = f"{h['ny'] or self.year}Q1-Q3"
        return "" if note.upper() == self.period.upper().replace("-", "") else note


def draft(text: str, period: str, area: str | None = None) -> tuple[list[Row], list[Row]]:
    """Proposed rows for the figures `text` states, and the numeric mentions it cannot classify.

    Every mention of the extractor lands in exactly one list. A figure for a sub-period of
    `period` (a quarter of a half-year) is proposed with `period_note` ("2023Q1"); a figure of
    an earlier period (a bracketed "(cùng kỳ tăng 5,44%)") is listed apart, and so are repeats of
    a row (the first that states a base is kept). Raises the extractor's ExtractInputError for
    text that is not NFC, like `extract`.
    """
    doc = _Doc(text, period, area)
    got = [doc.classify(i) for i in range(len(doc.mentions))]
    found = {i: g for i, g in enumerate(got) if isinstance(g, dict)}
    keys = {i: tuple(g[c] for c in ("indicator", "measure", "value", "period_note", "area"))
            for i, g in found.items()}
    keep: dict[tuple[Any, ...], int] = {}  # of repeats, the first one that states a base
    for i, k in keys.items():
        if k not in keep or (found[i]["base"] and not found[keep[k]]["base"]):
            keep[k] = i
    chosen = set(keep.values())
    apart: list[Row] = []
    for i, m in enumerate(doc.mentions):
        if i not in chosen:
            kept = found[keep[keys[i]]] if i in found else None
            why = f"repeats the row quoted at offset {kept['start']}" if kept else got[i]
            apart.append({"text": m.text, "start": m.start, "end": m.end, "value": m.value,
                          "unit": m.unit, "kind": m.kind, "reason": why})
    return [found[i] for i in sorted(chosen)], apart
