"""Typed quantities (value, unit, qualifier): percent, points, tonnes and ranks never mix."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lai_chau.base.errors import LaiChauError


class UnitError(LaiChauError):
    """An operation on quantities whose units do not allow it (a percent minus a count, ...)."""


# unit -> (dimension, factor to the dimension's base unit). Only units of one dimension convert;
# percent, pp and times are each their own dimension: a rate, a difference of rates, a multiple.
UNITS: dict[str, tuple[str, float]] = {
    "percent": ("percent", 1.0),
    "pp": ("percentage points", 1.0),
    "times": ("multiple", 1.0),
    "points": ("index points", 1.0),
    "tonnes": ("mass", 1.0),
    "thousand tonnes": ("mass", 1e3),
    "million tonnes": ("mass", 1e6),
    "MW": ("power", 1.0),
    "billion VND": ("money", 1e9),
    "trillion VND": ("money", 1e12),
    "million VND/person": ("money per person", 1e6),
    "million VND/person/month": ("money per person per month", 1e6),
    "thousand ha": ("area", 1e3),
    "quintals/ha": ("yield", 1.0),
    "arrivals": ("visitor arrivals", 1.0),
    "thousand arrivals": ("visitor arrivals", 1e3),
    "million arrivals": ("visitor arrivals", 1e6),
    "projects": ("projects", 1.0),
    "places": ("rank places", 1.0),
    "rank": ("rank", 1.0),
    "years": ("years", 1.0),
    "provinces": ("provinces", 1.0),
    "kWh": ("energy", 1.0),
    "hectares": ("area", 1.0),
    "months": ("months", 1.0),
    "VND": ("money", 1.0),
    "million VND": ("money", 1e6),
    "USD": ("money (USD)", 1.0),
    "enterprises": ("enterprises", 1.0),
    "people": ("people", 1.0),
}


# '>' more than, '<' less than, '>=' at least, '<=' at most (top N), '~' about; '' exact.
QUALIFIERS = ("", ">", "<", ">=", "<=", "~")
# figures.csv words for the same hedges; 'estimate' is a stage, not a bound.
QUALIFIER_WORDS = {"estimate": "", "at most": "<=", "about": "~", "more than": ">", "": ""}
DIRECTIONS = ("above", "below", "equal", "undetermined")
_ALLOWED_QUALIFIERS = ", ".join(map(repr, QUALIFIERS))


def qualifier_symbol(word: object) -> str:
    """A data file's qualifier (a symbol or a figures.csv word; NA is exact) as a symbol."""
    if word is None or str(word) in ("<NA>", "nan", ""):
        return ""
    word = str(word)
    if word in QUALIFIERS:
        return word
    if word in QUALIFIER_WORDS:
        return QUALIFIER_WORDS[word]
    raise UnitError(f"unknown qualifier {word!r}; expected one of: {_ALLOWED_QUALIFIERS}")


def _flip(q: str) -> str:
    return {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(q, q)


def _combine(a: str, b: str) -> str:
    """Qualifier of a result whose error grows with both inputs' (same sense)."""
    if "~" in (a, b):
        return "~"
    if not a or a == b:
        return b
    if not b:
        return a
    if a[0] == b[0]:  # '>' with '>=' -> '>'
        return a[0]
    return "~"  # opposite senses: only approximately known


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and the source's qualifier; arithmetic checks the units."""

    value: float
    unit: str
    qualifier: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise UnitError(f"unknown unit {self.unit!r}; expected one of: {', '.join(UNITS)}")
        if self.qualifier not in QUALIFIERS:
            raise UnitError(
                f"unknown qualifier {self.qualifier!r}; expected one of: {_ALLOWED_QUALIFIERS}"
            )
        object.__setattr__(self, "value", float(self.value))

    @property
    def dimension(self) -> str:
        """What kind of quantity the unit measures (mass, money, percent, ...)."""
        return UNITS[self.unit][0]

    def to(self, unit: str) -> Quantity:
        """The same quantity in another unit of its dimension (thousand tonnes -> tonnes)."""
        other = Quantity(0, unit)
        if other.dimension != self.dimension:
            raise UnitError(f"cannot convert {self.unit} to {unit}: "
                            f"{self.dimension} is not {other.dimension}")
        factor = UNITS[self.unit][1] / UNITS[unit][1]
        return Quantity(_clean(self.value * factor), unit, self.qualifier)

    def _same(self, other: object, verb: str) -> Quantity:
        if not isinstance(other, Quantity):
            raise UnitError(f"cannot {verb} {self.unit} and a bare number {other!r}; "
                            "give it a unit")
        if other.dimension != self.dimension:
            raise UnitError(
                f"cannot {verb} {self.unit} and {other.unit}: "
                f"{self.dimension} and {other.dimension} are different measures"
            )
        return other.to(self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            raise UnitError(f"cannot subtract a bare number {other!r} from {self.unit}; "
                            "give it a unit")
        q = _combine(self.qualifier, _flip(other.qualifier))
        if self.unit == "percent" and other.unit == "pp":  # a rate less a change in points: a rate
            return Quantity(_clean(self.value - other.value), "percent", q)
        if self.unit == "percent" and other.unit == "percent":  # difference of two rates: points
            return Quantity(_clean(self.value - other.value), "pp", q)
        if self.unit == "rank" and other.unit == "rank":
            return Quantity(_clean(self.value - other.value), "places", q)
        if self.unit == "pp" and other.unit == "percent":
            raise UnitError("cannot subtract a percentage from percentage points")
        other = self._same(other, "subtract")
        return Quantity(_clean(self.value - other.value), self.unit, q)

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            raise UnitError(f"cannot add a bare number {other!r} to {self.unit}; give it a unit")
        q = _combine(self.qualifier, other.qualifier)
        if {self.unit, other.unit} == {"percent", "pp"}:
            return Quantity(_clean(self.value + other.value), "percent", q)
        if self.unit == other.unit == "percent":
            raise UnitError("cannot add two percentages; subtract them to get percentage points")
        if self.unit == "rank" or other.unit == "rank":
            raise UnitError("cannot add ranks")
        other = self._same(other, "add")
        return Quantity(_clean(self.value + other.value), self.unit, q)

    def __mul__(self, factor: float) -> Quantity:
        if isinstance(factor, Quantity) or not isinstance(factor, (int, float)):
            raise UnitError(f"can only scale {self.unit} by a plain number")
        q = self.qualifier if factor > 0 else _flip(self.qualifier)
        return Quantity(_clean(self.value * factor), self.unit, q)

    __rmul__ = __mul__

    def __truediv__(self, other: Quantity | float) -> Quantity:
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            if other == 0:
                raise UnitError(f"cannot divide {self.unit} by zero")
            return self * (1.0 / other)
        other = self._same(other, "divide")
        if other.value == 0:
            raise UnitError(f"cannot divide by zero {other.unit}")
        q = _combine(self.qualifier, _flip(other.qualifier))
        return Quantity(_clean(self.value / other.value), "times", q)

    def share_of(self, whole: Quantity) -> Quantity:
        """This quantity as a percentage of `whole` (same dimension): 1800 of 2250 -> 80 percent."""
        ratio = self / whole
        return Quantity(_clean(ratio.value * 100), "percent", ratio.qualifier)

    def growth_on(self, earlier: Quantity) -> Quantity:
        """Percent growth of this level on an earlier level of the same dimension."""
        ratio = self / earlier
        return Quantity(_clean((ratio.value - 1) * 100), "percent", ratio.qualifier)

    def as_growth(self) -> Quantity:
        """A multiple of the earlier value ('gấp 1,9 lần') as percent growth (+90%)."""
        if self.unit != "times":
            raise UnitError(f"only a multiple (times) converts to growth, not {self.unit}")
        return Quantity(_clean((self.value - 1) * 100), "percent", self.qualifier)

    def before_growth(self, growth: Quantity) -> Quantity:
        """The earlier level implied by this level and its percent growth: level / (1 + g/100)."""
        if growth.unit != "percent":
            raise UnitError(f"growth must be in percent, not {growth.unit}")
        if self.unit in ("percent", "pp", "times", "rank", "places"):
            raise UnitError(f"an earlier level needs a level, not {self.unit}")
        q = _combine(self.qualifier, _flip(growth.qualifier))
        return Quantity(_clean(self.value / (1 + growth.value / 100)), self.unit, q)

    def after_growth(self, growth: Quantity) -> Quantity:
        """The later level implied by this level and a percent growth: level * (1 + g/100)."""
        if growth.unit != "percent":
            raise UnitError(f"growth must be in percent, not {growth.unit}")
        if self.unit in ("percent", "pp", "times", "rank", "places"):
            raise UnitError(f"a later level needs a level, not {self.unit}")
        q = _combine(self.qualifier, growth.qualifier)
        return Quantity(_clean(self.value * (1 + growth.value / 100)), self.unit, q)

    def _interval(self) -> tuple[float, bool, float, bool]:
        """(low, low_open, high, high_open) the qualifier allows ('~' counts as exact)."""
        v, q = self.value, self.qualifier
        inf = math.inf
        return {
            ">": (v, True, inf, True),
            ">=": (v, False, inf, True),
            "<": (-inf, True, v, True),
            "<=": (-inf, True, v, False),
        }.get(q, (v, False, v, False))

    def direction(self, other: Quantity) -> str:
        """'above', 'below', 'equal' or 'undetermined' (when qualifiers overlap) against `other`."""
        other = self._same(other, "compare")
        lo, lo_open, hi, hi_open = self._interval()
        olo, olo_open, ohi, ohi_open = other._interval()
        if lo > ohi or (lo == ohi and (lo_open or ohi_open)):
            return "above"
        if hi < olo or (hi == olo and (hi_open or olo_open)):
            return "below"
        if lo == hi == olo == ohi and not (lo_open or hi_open or olo_open or ohi_open):
            return "equal"
        return "undetermined"

    def __lt__(self, other: Quantity) -> bool:
        return self.direction(other) == "below"

    def __gt__(self, other: Quantity) -> bool:
        return self.direction(other) == "above"

    def __le__(self, other: Quantity) -> bool:
        return self.direction(other) in ("below", "equal")

    def __ge__(self, other: Quantity) -> bool:
        return self.direction(other) in ("above", "equal")

    def format(self, lang: str, digits: int = 2) -> str:
        """The quantity for a reader: '9,15%' (vi) or '9.15%' (en), '> 24%' with its qualifier."""
        from lai_chau.sources.numerals import check_lang, format_number

        check_lang(lang)
        prefix = {"": "", "~": "~"}.get(self.qualifier, self.qualifier + " ")
        return prefix + format_number(round(self.value, digits), lang, self.unit)


def _clean(x: float) -> float:
    """Drop binary noise (2.7300000000000004 -> 2.73) without rounding away real digits."""
    return round(x, 10)
