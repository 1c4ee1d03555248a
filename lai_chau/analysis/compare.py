"""Lai Châu against Viet Nam, its plan and past, and its region: gaps, derived numbers, ranks.

Why one module of ~600 lines: the Lookup that every comparison reads, the derived numbers it
computes and the rank bounds depend on each other (a rank bound is a derived number of
data/derived.csv; derived numbers read their inputs through the Lookup); split, they would import
one another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lai_chau.analysis import periods as periods_
from lai_chau.analysis.vocabulary import BASELINES, VINTAGES
from lai_chau.base.errors import DataError, UsageError, unknown
from lai_chau.data import reference, validate
from lai_chau.data.units import Quantity, UnitError, qualifier_symbol

# What compare() returns: numbers, units, ids and reason codes, no words. lai_chau.present.
# comparisons adds the labels and the note in a reader's language.
COLUMNS = [
    "id", "period", "value", "unit", "baseline_id", "baseline_period",
    "baseline_value", "baseline_unit", "baseline_qualifier", "gap", "gap_unit", "gap_qualifier",
    "ratio", "direction", "comparability", "reason_id", "conflict_note", "source_id",
    "baseline_sources", "vintage", "baseline_release", "revised_baseline_id",
    "revised_baseline_value", "revised_gap",
]

# The figure whose rank the peers bound, and the province the article is about.
GRDP_FIGURE = "grdp_growth"
PROVINCE = "Lai Châu"



# ----------------------------------------------------------------------------- lookups
class Lookup:
    """Every figure, reference row, derived number and panel row holding its own number, by id,
    as records and Quantities."""

    def __init__(self) -> None:
        self.figures = validate.load("figures").set_index("id", drop=False)
        self.refs = reference.values().set_index("id", drop=False)
        self._derived: dict[str, Derived] = {d.id: d for d in derived_definitions()}
        self._cache: dict[str, Quantity] = {}
        self._panel: pd.DataFrame | None = None

    @property
    def panel(self) -> pd.DataFrame:
        """data/panel.csv, resolved (lai_chau.analysis.periods.panel), by id; read on first use."""
        if self._panel is None:
            table = periods_.panel()
            self._panel = table.set_axis(table["id"].tolist())
        return self._panel

    def ids(self) -> list[str]:
        own = self.panel[self.panel["refers_to"].isna()].index
        return [*self.figures.index, *self.refs.index, *self._derived, *own]

    def kind(self, any_id: str) -> str:
        if any_id in self.figures.index:
            return "figure"
        if any_id in self.refs.index:
            return "reference"
        if any_id in self._derived:
            return "derived"
        if any_id in self.panel.index and pd.isna(self.panel.loc[any_id, "refers_to"]):
            return "panel"
        raise unknown("id", any_id, sorted(self.ids()))

    def _record(self, any_id: str) -> pd.Series:
        kind = self.kind(any_id)
        table = {"figure": self.figures, "reference": self.refs, "panel": self.panel}[kind]
        return table.loc[any_id]

    def quantity(self, any_id: str) -> Quantity:
        """The value of a figure, reference row or derived number."""
        if any_id not in self._cache:
            kind = self.kind(any_id)
            if kind == "derived":
                self._cache[any_id] = self._derived[any_id].compute(self)
            else:
                rec = self._record(any_id)
                if pd.isna(rec["value"]):
                    raise UsageError(f"{any_id!r} has no value (only a rank)")
                self._cache[any_id] = Quantity(rec["value"], rec["unit"],
                                               qualifier_symbol(rec["qualifier"]))
        return self._cache[any_id]

    def labels(self, any_id: str) -> dict[str, str]:
        """A value's label in every language the data gives one ({'vi': ..., 'en': ...})."""
        kind = self.kind(any_id)
        if kind == "derived":
            return dict(self._derived[any_id].label)
        rec = self._record(any_id)
        if kind == "panel":
            names = reference.indicators().set_index(["indicator", "measure"])
            rec = names.loc[(rec["indicator"], rec["measure"])]
        return {c.removeprefix("label_"): str(rec[c]) for c in rec.index
                if c.startswith("label_") and not pd.isna(rec[c])}

    def period(self, any_id: str) -> str | None:
        kind = self.kind(any_id)
        if kind == "derived":
            return self._derived[any_id].period
        rec = self._record(any_id)
        return None if pd.isna(rec["period"]) else str(rec["period"])

    def sources(self, any_id: str) -> list[str]:
        """Source ids behind a value (for a derived number, the sources of all its inputs)."""
        kind = self.kind(any_id)
        if kind == "figure":
            return [str(self.figures.loc[any_id, "source_id"])]
        if kind in ("reference", "panel"):
            rec = {k: (None if pd.isna(v) else v) for k, v in self._record(any_id).items()}
            return reference.source_ids(rec)
        out: list[str] = []
        for input_id in self._derived[any_id].inputs(self):
            out += [s for s in self.sources(input_id) if s not in out]
        return out

    def inputs(self, any_id: str) -> list[str]:
        """Ids a derived number is computed from (empty for data values)."""
        return self._derived[any_id].inputs(self) if self.kind(any_id) == "derived" else []

    def status(self, any_id: str) -> tuple[str, str]:
        kind = self.kind(any_id)
        if kind not in ("reference", "panel"):
            return "ok", ""
        rec = self._record(any_id)
        note = rec["status_note"] if kind == "reference" else rec["note"]
        return str(rec["status"]), ("" if pd.isna(note) else str(note))


# ----------------------------------------------------------------------------- derived numbers
@dataclass(frozen=True)
class Derived:
    """A number computed from data by a stated formula (never typed), as data/derived.csv
    declares it: the kind of computation, its inputs and parameters."""

    id: str
    label: dict[str, str]
    formula: str
    kind: str
    uses: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    period: str | None = None
    note: str = ""

    def param(self, key: str) -> str:
        value = dict(self.params).get(key)
        if not value:
            raise DataError("data/derived.csv", f"{self.id}: kind {self.kind!r} needs the "
                            f"parameter {key!r}", column="params")
        return value

    def inputs(self, lookup: Lookup) -> list[str]:
        if self.kind in DYNAMIC_INPUTS:
            return DYNAMIC_INPUTS[self.kind](self, lookup)
        return list(self.uses)

    def compute(self, lookup: Lookup) -> Quantity:
        arity = ARITY.get(self.kind)
        if arity is not None and len(self.uses) != arity:
            raise DataError("data/derived.csv", f"{self.id}: kind {self.kind!r} takes {arity} "
                            f"inputs, got {len(self.uses)}", column="inputs")
        return KINDS[self.kind](self, lookup)


def _q(d: Derived, k: Lookup, n: int) -> Quantity:
    return k.quantity(d.uses[n])


def _middle_of_average(d: Derived, k: Lookup) -> Quantity:
    # (1+avg)^3 = (1+g_first)(1+g_middle)(1+g_last): solve for the middle year.
    avg, first, last = (k.quantity(i) for i in d.uses)
    for q in (avg, first, last):
        if q.unit != "percent":
            raise UnitError(f"growth rates must be in percent, not {q.unit}")
    factor = (1 + avg.value / 100) ** 3 / ((1 + first.value / 100) * (1 + last.value / 100))
    return Quantity(round((factor - 1) * 100, 10), "percent", "~")


def _disbursement_rows(k: Lookup, figure: str = "disbursement_rate") -> pd.DataFrame:
    """National MoF disbursement rates of the figure's year, with a cut-off date, not rejected."""
    as_of = pd.Timestamp(k.figures.loc[figure, "as_of"])
    refs = k.refs
    rows = refs[(refs["indicator"] == "public_investment_disbursement")
                & (refs["table"] == "national")
                & (refs["measure"] == "rate_of_plan") & refs["as_of"].notna()
                & (refs["status"] != "rejected")]
    return rows[rows["as_of"].dt.year == as_of.year]


@dataclass(frozen=True)
class BasisBounds:
    """Bounds on the national disbursement rate at the figure's date, on one basis (plan).

    `lower_id`/`upper_id` are the reference rows giving each bound; None when no national rate
    of that basis is dated on that side of the figure's date."""

    base: str
    lower_id: str | None
    upper_id: str | None


def disbursement_bounds(k: Lookup, figure: str = "disbursement_rate") -> list[BasisBounds]:
    """Per basis (denominator), the national rates that bound the rate at the figure's date.

    Cumulative disbursement never falls, so on one basis the rate at the figure's date is at most
    the rate at any later date and at least the rate at any earlier date. A basis without an
    earlier (later) rate has no lower (upper) bound: bounds are never carried across bases.
    """
    as_of = pd.Timestamp(k.figures.loc[figure, "as_of"])
    out = []
    rows = _disbursement_rows(k, figure).reset_index(drop=True)
    for base, group in rows.groupby("base", sort=True):
        later = group[group["as_of"] >= as_of].sort_values(["value", "id"])
        earlier = group[group["as_of"] <= as_of].sort_values(["value", "id"])
        out.append(BasisBounds(str(base),
                               str(earlier["id"].iloc[-1]) if not earlier.empty else None,
                               str(later["id"].iloc[0]) if not later.empty else None))
    return out


def _disbursement_bound(d: Derived, k: Lookup) -> Quantity:
    # The upper bound holds whatever the article's basis only if every basis has one; the lower
    # bound is over the bases that have an earlier rate only (its label and note say so).
    upper, figure = d.param("side") == "upper", d.param("figure")
    as_of = pd.Timestamp(k.figures.loc[figure, "as_of"])
    ids = [b.upper_id if upper else b.lower_id for b in disbursement_bounds(k, figure)]
    bounds = [k.quantity(i).value for i in ids if i is not None]
    if not bounds or (upper and None in ids):
        raise DataError("data/national.csv", "no national disbursement rate on the "
                        f"{'later' if upper else 'earlier'} side of {as_of.date()}"
                        f"{' on every basis' if upper and bounds else ''}")
    value = max(bounds) if upper else min(bounds)
    return Quantity(value, "percent", "<=" if upper else ">=")


def _disbursement_inputs(d: Derived, k: Lookup) -> list[str]:
    upper, figure = d.param("side") == "upper", d.param("figure")
    ids = [b.upper_id if upper else b.lower_id for b in disbursement_bounds(k, figure)]
    return [*[i for i in ids if i is not None], figure]


def _rank(d: Derived, k: Lookup) -> Quantity:
    return Quantity(getattr(rank_bounds(d.param("scope"), lookup=k), d.param("which")), "rank")


def _rank_inputs(d: Derived, k: Lookup) -> list[str]:
    peers = reference.provinces()
    return [GRDP_FIGURE, *list(peers.loc[peers["indicator"] == "grdp", "id"])]


# The kinds of derived number data/derived.csv can declare, and how many inputs each takes.
KINDS: dict[str, Callable[[Derived, Lookup], Quantity]] = {
    "minus": lambda d, k: _q(d, k, 0) - _q(d, k, 1),
    "ratio": lambda d, k: _q(d, k, 0) / _q(d, k, 1),
    "share": lambda d, k: _q(d, k, 0).share_of(_q(d, k, 1)),
    "as_growth": lambda d, k: _q(d, k, 0).as_growth(),
    "growth_on": lambda d, k: _q(d, k, 0).growth_on(_q(d, k, 1)),
    "before_growth": lambda d, k: _q(d, k, 0).before_growth(_q(d, k, 1)),
    "after_growth": lambda d, k: _q(d, k, 0).after_growth(_q(d, k, 1)),
    "middle_of_average": _middle_of_average,
    "disbursement_bound": _disbursement_bound,
    "rank_bound": _rank,
}
ARITY = {"minus": 2, "ratio": 2, "share": 2, "as_growth": 1, "growth_on": 2, "before_growth": 2,
         "after_growth": 2, "middle_of_average": 3}
DYNAMIC_INPUTS: dict[str, Callable[[Derived, Lookup], list[str]]] = {
    "disbursement_bound": _disbursement_inputs,
    "rank_bound": _rank_inputs,
}


def derived_definitions() -> list[Derived]:
    """Every derived number of data/derived.csv, in file order."""
    table = validate.load("derived")
    out = []
    for _, r in table.iterrows():
        def text(value: Any) -> str:
            return "" if pd.isna(value) else str(value)
        params = tuple(tuple(p.split("=", 1)) for p in text(r["params"]).split(";") if "=" in p)
        out.append(Derived(
            id=str(r["id"]), label={"en": str(r["label_en"]), "vi": str(r["label_vi"])},
            formula=str(r["formula"]), kind=str(r["kind"]),
            uses=tuple(i for i in text(r["inputs"]).split(";") if i),
            params=params, period=text(r["period"]) or None, note=text(r["note"])))
    return out


def __getattr__(name: str) -> Any:
    if name == "DERIVED":  # the definitions, read from data/derived.csv on each access
        return derived_definitions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def derived() -> pd.DataFrame:
    """Every derived number: id, labels, period, value, unit, qualifier, formula, inputs, sources,
    note."""
    k = Lookup()
    rows = []
    for d in derived_definitions():
        q = k.quantity(d.id)
        rows.append({"id": d.id, "label_en": d.label["en"], "label_vi": d.label["vi"],
                     "period": d.period, "value": q.value,
                     "unit": q.unit, "qualifier": q.qualifier, "formula": d.formula,
                     "inputs": ";".join(d.inputs(k)), "sources": ";".join(k.sources(d.id)),
                     "note": d.note})
    return pd.DataFrame(rows)


def derived_value(derived_id: str) -> Quantity:
    """One derived number by id."""
    known = [d.id for d in derived_definitions()]
    if derived_id not in known:
        raise unknown("derived number", derived_id, known)
    return Lookup().quantity(derived_id)


# ----------------------------------------------------------------------------- rank bounds
@dataclass(frozen=True)
class RankBounds:
    """Best and worst rank of a value among `of` provinces that the sourced peers allow.

    `above` and `below` are the provinces known to be faster or slower, by value or by a stated
    rank (see rank_bounds); `above_ids`/`below_ids` the peer rows that place them; `unknown` the
    provinces of the scope that neither side holds (for the region: those with no figure)."""

    scope: str
    best: int
    worst: int
    of: int
    above: tuple[str, ...]
    below: tuple[str, ...]
    unknown: tuple[str, ...]
    above_ids: tuple[str, ...] = ()
    below_ids: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = (
        "All values and ranks come from the same round of GSO estimates.",
        "Lai Châu's figure is the one ranked, and no province ties with it.",
        "A province ranked above one known to be faster is faster, and one ranked below one "
        "known to be slower is slower (stated ranks only).",
        "A province known only to be in a 'top N' counts as faster only when a province known to "
        "be faster is ranked N or lower.",
    )


def rank_bounds(scope: str = "national", value: Quantity | None = None,
                lookup: Lookup | None = None) -> RankBounds:
    """Bounds on Lai Châu's GRDP-growth rank, nationally or in its region, from provinces_h1_2022.

    A peer is known faster when its value (with its qualifier) is above Lai Châu's, or when its
    stated rank is at or above the rank of a province known faster (transitively: a province
    ranked above one known to be faster is faster), or when it is stated to be in a top N whose N
    is at or above such a rank; known slower the same way from below. Lai Châu's rank is then
    above every faster one and every stated rank of one, below every slower one, and not a rank
    another province states. Rows with status `conflict` or `rejected` are not used.
    """
    if scope not in ("national", "regional"):
        raise unknown("rank scope", scope, ["national", "regional"])
    k = lookup or Lookup()
    if value is None:
        value = k.quantity(GRDP_FIGURE)
    peers = reference.provinces()
    peers = peers[(peers["indicator"] == "grdp") & (peers["province"] != PROVINCE)
                  & (peers["status"] == "ok")]
    members = reference.region_members()
    region = members.loc[members["province"] == PROVINCE, "region"]
    if region.empty:
        raise DataError("data/region_members.csv", f"{PROVINCE} is not listed in any region")
    region_name = region.iloc[0]
    if scope == "regional":
        peers = peers[peers["region"] == region_name]
        rank_col, of_col, at_most_col = "rank_regional", "rank_regional_of", None
    else:
        rank_col, of_col, at_most_col = "rank_national", "rank_national_of", \
            "rank_national_at_most"
    sizes = set(peers[of_col].dropna().astype(int))
    if scope == "regional":
        sizes.add(int((members["region"] == region_name).sum()))
    if len(sizes) != 1:
        raise DataError("data/provinces_h1_2022.csv",
                        f"{of_col} disagrees between rows: {sorted(sizes)}", column=of_col)
    n = sizes.pop()

    ranks: dict[str, int] = {}
    at_most: dict[str, int] = {}
    side: dict[str, str] = {}
    row_of: dict[str, str] = {}
    for _, p in peers.iterrows():
        name = p["province"]
        row_of.setdefault(name, str(p["id"]))
        if pd.notna(p[rank_col]):
            ranks[name] = int(p[rank_col])
        if at_most_col and pd.notna(p[at_most_col]):
            at_most[name] = int(p[at_most_col])
        if pd.notna(p["value"]):
            where = Quantity(p["value"], p["unit"], qualifier_symbol(p["qualifier"])) \
                .direction(value)
            if where in ("above", "below"):
                side[name] = where
    changed = True
    while changed:  # the transitive closure over stated ranks
        changed = False
        top = max((ranks[p] for p, s in side.items() if s == "above" and p in ranks), default=0)
        bottom = min((ranks[p] for p, s in side.items() if s == "below" and p in ranks),
                     default=n + 1)
        for name in set(ranks) | set(at_most):
            if name in side:
                continue
            if (name in ranks and ranks[name] <= top) or at_most.get(name, n + 1) <= top:
                side[name], changed = "above", True
            elif name in ranks and ranks[name] >= bottom:
                side[name], changed = "below", True
    above = [p for p in dict.fromkeys(peers["province"]) if side.get(p) == "above"]
    below = [p for p in dict.fromkeys(peers["province"]) if side.get(p) == "below"]
    top = max((ranks[p] for p in above if p in ranks), default=0)
    bottom = min((ranks[p] for p in below if p in ranks), default=n + 1)
    if top >= bottom or any(ranks[p] < top for p in below if p in ranks):
        raise DataError("data/provinces_h1_2022.csv",
                        f"{scope} ranks contradict the values: a faster province is ranked {top}, "
                        f"a slower one {bottom}", column=rank_col)
    taken = set(ranks.values())
    best = max(top, len(above)) + 1
    worst = min(bottom - 1, n - len(below))
    while best in taken:
        best += 1
    while worst in taken:
        worst -= 1
    if best > worst:
        raise DataError("data/provinces_h1_2022.csv", f"no {scope} rank is left for {PROVINCE}")
    if scope == "regional":
        known = set(peers.loc[peers["value"].notna(), "province"]) | {PROVINCE}
        in_region = members.loc[members["region"] == region_name, "province"]
        missing = tuple(p for p in in_region if p not in known)
    else:
        missing = ()
    return RankBounds(scope, best, worst, n, tuple(above), tuple(below), missing,
                      tuple(row_of[p] for p in above), tuple(row_of[p] for p in below))


RANKS_COLUMNS = ["scope", "figure_id", "best", "worst", "of", "known_above", "known_below",
                 "unknown", "above_ids", "below_ids"]


def ranks(lookup: Lookup | None = None) -> pd.DataFrame:
    """`lai-chau ranks`: one row per scope (national, region) with the rank bounds of the GRDP
    figure, how many provinces are known faster and slower, how many are neither, and the peer
    rows each side rests on."""
    k = lookup or Lookup()
    rows = []
    for scope, label in (("national", "national"), ("regional", "region")):
        b = rank_bounds(scope, lookup=k)
        rows.append({"scope": label, "figure_id": GRDP_FIGURE, "best": b.best, "worst": b.worst,
                     "of": b.of, "known_above": len(b.above), "known_below": len(b.below),
                     "unknown": b.of - 1 - len(b.above) - len(b.below),
                     "above_ids": ";".join(b.above_ids), "below_ids": ";".join(b.below_ids)})
    return pd.DataFrame(rows, columns=RANKS_COLUMNS)


# ----------------------------------------------------------------------------- comparisons
def _pairs(baseline: str, k: Lookup) -> list[dict[str, Any]]:
    """(figure, baseline id, comparability, reason) for one baseline, in figure order."""
    if baseline in ("national", "prior"):
        table = reference.comparability()
        table = table[(table["baseline"] == baseline) & table["baseline_id"].notna()
                      & (table["comparability"] != "not_comparable")]
        return [{"figure_id": r["figure_id"], "baseline_id": r["baseline_id"],
                 "comparability": r["comparability"], "reason_id": f"comparability:{r['id']}",
                 "row": int(index) + 1, "id": r["id"], "other_period": bool(r["other_period"])}
                for index, r in table.iterrows()]
    peers = reference.provinces()
    members = reference.region_members()
    region = members.loc[members["province"] == PROVINCE, "region"].iloc[0]
    peers = peers[(peers["region"] == region) & (peers["province"] != PROVINCE)
                  & peers["value"].notna() & (peers["status"] == "ok")]
    pairs = []
    for _, fig in k.figures.iterrows():
        if fig["period"] != "2022H1":
            continue
        same = peers[peers["indicator"] == fig["indicator"]].sort_values("value", ascending=False)
        key = "region_same" if fig["indicator"] == "grdp" else "region_sector"
        for _, p in same.iterrows():
            pairs.append({"figure_id": fig["id"], "baseline_id": p["id"], "comparability": "same",
                          "reason_id": key, "other_period": False,
                          "id": f"{fig['id']}.region.{p['id']}"})
    return pairs


def _article_only(k: Lookup, any_id: str) -> bool:
    """Whether a derived number is arithmetic on the article's own figures alone."""
    inputs = k.inputs(any_id)
    return bool(inputs) and all(k.kind(i) == "figure" or
                                (k.kind(i) == "derived" and _article_only(k, i))
                                for i in inputs)


def revisions(k: Lookup, any_id: str) -> pd.DataFrame:
    """Later vintages of a reference value: rows of the same table, indicator, measure and period
    marked `restated`, released after it, not rejected; oldest first."""
    if k.kind(any_id) != "reference":
        return k.refs.iloc[0:0]
    rec = k.refs.loc[any_id]
    refs = k.refs
    same = refs[(refs["table"] == rec["table"]) & (refs["indicator"] == rec["indicator"])
                & (refs["measure"] == rec["measure"]) & (refs["period"] == rec["period"])
                & (refs["id"] != any_id) & (refs["status"] != "rejected")]
    if "vintage" not in same.columns or "release_date" not in same.columns:
        return same.iloc[0:0]
    same = same[(same["vintage"] == "restated") & same["release_date"].notna()]
    if pd.notna(rec.get("release_date")):
        same = same[same["release_date"].astype(str) > str(rec["release_date"])]
    return same.reset_index(drop=True).sort_values(["release_date", "id"])


def compare(baseline: str = "national", ids: Sequence[str] | None = None,
            lookup: Lookup | None = None, vintage: str = "first",
            period: str | None = None) -> pd.DataFrame:
    """Lai Châu's figures against a baseline: one row per comparable pair, with gap and direction.

    baseline: national (Viet Nam, H1 2022), prior (the 2022 plan, other periods, values implied by
    the article) or region (peers in the same region). Gaps of percent against percent are in
    percentage points; a proxy says so in `comparability`, and `reason_id` names why (a row of
    data/comparability.csv, `comparability:<id>`, or a region reason). `ratio` is given only
    for like-for-like levels and counts (a ratio of two growth rates measures nothing).

    Periods: a gap is computed only between the same periods, unless the comparability row sets
    `other_period` (a plan, an earlier period) and says why; a `context` row (another period or
    date, e.g. January-July beside January-June) and an `implied` row (arithmetic on the article's
    own figures, e.g. last year's rate as the rate less its change) have no gap. Vintages: the
    baseline is the value as first published (`vintage="first"`, the like of the province's own
    first estimate); `revised_*` give the latest restatement beside it, and `vintage="latest"`
    compares with that instead.

    period: the article's period (the default, e.g. 2022H1) compares the article's figures as
    data/comparability.csv pairs them; any other period with Lai Châu figures compares Lai Châu's
    rows of data/panel.csv as data/panel_pairs.csv pairs them (national: Vietnam in the same
    period; prior: Lai Châu a year earlier). What has no counterpart is in `not_compared`.
    """
    if baseline not in BASELINES:
        raise unknown("baseline", baseline, BASELINES)
    if isinstance(ids, str):  # the old compare(baseline, lang): the words moved to the present
        raise UsageError(f"compare() takes no language (got {ids!r}) since the analysis returns "
                         "numbers and reason ids: for labels and notes in a language use "
                         "lai_chau.present.comparisons.compare(baseline, lang)")
    if vintage not in VINTAGES:
        raise unknown("vintage", vintage, VINTAGES)
    k = lookup or Lookup()
    if period is not None and period != periods_.article_period():
        periods_.check_period(period)
        if ids:
            raise UsageError(f"figure ids name the article's figures, of "
                             f"{periods_.article_period()}; for period {period} compare every "
                             "figure (give no ids)")
        return _panel_compare(baseline, period, k, vintage)
    known = set(k.ids())
    if ids is not None:
        bad = [i for i in ids if i not in k.figures.index]
        if bad:
            raise unknown("figure id", bad[0], list(k.figures.index))
    rows = []
    for pair in _pairs(baseline, k):
        fid, bid = pair["figure_id"], pair["baseline_id"]
        if ids is not None and fid not in ids:
            continue
        fig = k.figures.loc[fid]
        if bid not in known:
            raise DataError("data/comparability.csv",
                            f"baseline_id {bid!r} of {fid} is not a figure, reference row or "
                            "derived number", row=pair.get("row"), column="baseline_id")
        kind = pair["comparability"]
        where = f"data/comparability.csv, row {pair.get('row')} (id '{pair.get('id')}')"
        if k.kind(bid) == "derived" and _article_only(k, bid) and kind != "implied":
            raise DataError(where, f"{bid} is arithmetic on the article's own figures; expected "
                            "comparability 'implied' (not a comparison with a baseline)",
                            column="comparability")
        if kind == "implied" and not (k.kind(bid) == "derived" and _article_only(k, bid)):
            raise DataError(where, f"{bid} is not derived from the article's figures alone; "
                            "'implied' is only for such values", column="comparability")
        later = revisions(k, bid)
        revised_id = str(later["id"].iloc[-1]) if len(later) else None
        first_id = bid
        if vintage == "latest" and revised_id:
            bid, revised_id = revised_id, None
        periods_differ = str(fig["period"]) != str(k.period(bid))
        if periods_differ and kind not in ("context", "implied") and not pair["other_period"]:
            raise DataError(where, f"{fid} ({fig['period']}) and {bid} ({k.period(bid)}) cover "
                            "different periods; a gap needs the same period: give a same-period "
                            "baseline, or mark the row other_period=true and say why in its "
                            "reason, or make it 'context'", column="baseline_id")
        value, base = k.quantity(fid), k.quantity(bid)
        try:
            gap = value - base
            direction = value.direction(base)
        except UnitError as exc:
            raise DataError("data/comparability.csv", f"{fid} cannot be compared with {bid}: {exc}",
                            column="baseline_id") from None
        revised_gap = None
        if revised_id and kind in ("same", "proxy"):
            revised_gap = (value - k.quantity(revised_id)).value
        if kind in ("context", "implied"):
            gap_value: float | None = None
            gap_unit = gap_qualifier = None
            direction = None if kind == "context" else direction
        else:
            gap_value, gap_unit, gap_qualifier = gap.value, gap.unit, gap.qualifier
        ratio = None
        if kind == "same" and fig["measure"] in ("level", "count") \
                and value.dimension == base.dimension and value.value > 0 and base.value > 0 \
                and not value.qualifier and not base.qualifier:
            ratio = round((value / base).value, 4)
        status, status_note = k.status(bid)
        rows.append({
            "id": fid, "period": fig["period"], "value": value.value,
            "unit": value.unit, "baseline_id": bid,
            "baseline_period": k.period(bid), "baseline_value": base.value,
            "baseline_unit": base.unit,
            "baseline_qualifier": base.qualifier, "gap": gap_value, "gap_unit": gap_unit,
            "gap_qualifier": gap_qualifier, "ratio": ratio, "direction": direction,
            "comparability": kind, "reason_id": pair["reason_id"],
            "conflict_note": status_note if status == "conflict" else None,
            "source_id": fig["source_id"],
            "baseline_sources": ";".join(k.sources(bid)),
            "vintage": vintage_of(k, bid), "baseline_release": release_of(k, bid),
            "revised_baseline_id": revised_id,
            "revised_baseline_value": k.quantity(revised_id).value if revised_id else None,
            "revised_gap": revised_gap,
        })
        del first_id
    return pd.DataFrame(rows, columns=COLUMNS)


# ----------------------------------------------------------------------------- other periods
def _panel_rows(k: Lookup, area: str, indicator: str, measure: str, period: str) -> pd.DataFrame:
    """The usable panel rows of one (area, indicator, measure, period), first releases first."""
    p = k.panel
    rows = p[(p["area"] == area) & (p["indicator"] == indicator) & (p["measure"] == measure)
             & (p["period"] == period) & (p["status"] != "rejected") & p["value"].notna()]
    rows = rows.assign(_base=rows["base"].fillna(""),
                       _restated=rows["vintage"] != "first release",
                       _release=rows["release_date"].fillna(""))
    return rows.sort_values(["_base", "_restated", "_release", "id"])


# Appended to a reason id when Lai Châu's value is a projection (present words: [compare]).
PROJECTION = "+projection"


def _panel_pairs(baseline: str, period: str, k: Lookup
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(pairs, unpaired) of a period comparison: each Lai Châu row of `period` with the baseline
    rows its rule in data/panel_pairs.csv names (one pair per base), and the rows left alone."""
    if baseline == "region":
        raise UsageError(f"region comparisons exist only for the article's period "
                         f"{periods_.article_period()} (the peers' figures are of that period); "
                         f"for {period} use baseline national or prior")
    rules = reference.panel_pairs()
    rules = rules[rules["baseline"] == baseline]
    p = k.panel
    province = p[(p["area"] == PROVINCE) & (p["period"] == period) & p["value"].notna()
                 & (p["status"] != "rejected") & (p["vintage"] == "first release")]
    pairs, unpaired = [], []
    for _, row in province.sort_values(["indicator", "measure", "id"]).iterrows():
        rule = rules[(rules["indicator"] == row["indicator"])
                     & (rules["measure"] == row["measure"])]
        if rule.empty:
            unpaired.append({"id": periods_.held_id(row), "area": PROVINCE, "period": period,
                             "reason_id": "no_rule",
                             "indicator": row["indicator"], "measure": row["measure"]})
            continue
        r = rule.iloc[0]
        target = periods_.shift(period, int(r["years_back"]))
        found = _panel_rows(k, r["baseline_area"], r["baseline_indicator"],
                            r["baseline_measure"], target)
        if found.empty:
            unpaired.append({"id": periods_.held_id(row), "area": PROVINCE, "period": period,
                             "reason_id": "no_baseline",
                             "indicator": row["indicator"], "measure": row["measure"],
                             "baseline_period": target})
            continue
        for _, group in found.groupby("_base", sort=True):
            first = group[~group["_restated"]]
            first_row = (first if len(first) else group).iloc[0]
            later = group[group["_restated"] & (group["_release"] > str(first_row["_release"]))]
            # a projection, or a whole year estimated before it ended, is never like for like
            # with the country's estimate made after the year ended
            projected = row["stage"] in ("projection", "early_estimate")
            pairs.append({"figure_id": periods_.held_id(row),
                          "baseline_id": periods_.held_id(first_row),
                          "baseline_period": target,
                          "revised_id": periods_.held_id(later.iloc[-1]) if len(later) else None,
                          "comparability": "proxy" if projected else str(r["comparability"]),
                          "reason_id": f"panel_pairs:{r['id']}"
                                       + (PROJECTION if projected else "")})
    if baseline == "national":  # what the country publishes for the period and Lai Châu does not
        had = set(zip(province["indicator"], province["measure"], strict=True))
        paired_to = set(zip(rules["baseline_indicator"], rules["baseline_measure"], strict=True))
        covered = {(b_i, b_m) for (i, m, b_i, b_m) in zip(
            rules["indicator"], rules["measure"], rules["baseline_indicator"],
            rules["baseline_measure"], strict=True) if (i, m) in had}
        country = p[(p["area"] == "Việt Nam") & (p["period"] == period) & p["value"].notna()
                    & (p["status"] != "rejected") & (p["vintage"] == "first release")]
        for _, row in country.sort_values(["indicator", "measure", "id"]).iterrows():
            key = (row["indicator"], row["measure"])
            if key in covered or (key not in paired_to and key in had):
                continue
            unpaired.append({"id": periods_.held_id(row), "area": row["area"], "period": period,
                             "reason_id": "no_province",
                             "indicator": row["indicator"], "measure": row["measure"]})
    return pairs, unpaired


def _panel_compare(baseline: str, period: str, k: Lookup, vintage: str) -> pd.DataFrame:
    pairs, _ = _panel_pairs(baseline, period, k)
    rows = []
    for pair in pairs:
        fid, bid, revised_id = pair["figure_id"], pair["baseline_id"], pair["revised_id"]
        if vintage == "latest" and revised_id:
            bid, revised_id = revised_id, None
        value, base = k.quantity(fid), k.quantity(bid)
        gap = value - base
        revised_gap = (value - k.quantity(revised_id)).value if revised_id else None
        status, status_note = k.status(bid)
        rows.append({
            "id": fid, "period": period, "value": value.value, "unit": value.unit,
            "baseline_id": bid, "baseline_period": pair["baseline_period"],
            "baseline_value": base.value,
            "baseline_unit": base.unit, "baseline_qualifier": base.qualifier,
            "gap": gap.value, "gap_unit": gap.unit, "gap_qualifier": gap.qualifier,
            "ratio": None, "direction": value.direction(base),
            "comparability": pair["comparability"], "reason_id": pair["reason_id"],
            "conflict_note": status_note if status == "conflict" else None,
            "source_id": k.sources(fid)[0], "baseline_sources": ";".join(k.sources(bid)),
            "vintage": vintage_of(k, bid), "baseline_release": release_of(k, bid),
            "revised_baseline_id": revised_id,
            "revised_baseline_value": k.quantity(revised_id).value if revised_id else None,
            "revised_gap": revised_gap,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def vintage_of(k: Lookup, any_id: str) -> str | None:
    """A reference or panel value's vintage ('first release', 'restated'), if the data says."""
    return _field(k, any_id, "vintage")


def release_of(k: Lookup, any_id: str) -> str | None:
    """A reference or panel value's release date (YYYY, YYYY-MM or YYYY-MM-DD), if given."""
    value = _field(k, any_id, "release_date")
    return None if value is None else value[:10]


def _field(k: Lookup, any_id: str, column: str) -> str | None:
    if k.kind(any_id) not in ("reference", "panel"):
        return None
    rec = k._record(any_id)
    value = rec.get(column)
    return None if value is None or pd.isna(value) else str(value)


def short_id(k: Lookup, any_id: str) -> str:
    """A short name for tables: a figure's id, else its indicator (and measure unless growth)."""
    kind = k.kind(any_id)
    if kind in ("figure", "derived"):
        return any_id
    rec = k._record(any_id)
    measure = str(rec["measure"])
    return str(rec["indicator"]) + ("" if measure == "growth_yoy" else f" ({measure})")


NOT_COMPARED_COLUMNS = ["id", "area", "period", "indicator", "measure", "reason_id",
                        "baseline_period"]


def not_compared(baseline: str = "national", period: str | None = None,
                 lookup: Lookup | None = None) -> pd.DataFrame:
    """What a comparison leaves out, one row per value with `reason_id`: for the article's period,
    the figures data/comparability.csv marks not_comparable (`comparability:<id>`); for another
    period, Lai Châu's rows with no pairing rule (`no_rule`) or no baseline value in the data
    (`no_baseline`), and, against Vietnam, what the country publishes and the data has no Lai Châu
    figure for (`no_province`)."""
    if baseline not in BASELINES:
        raise unknown("baseline", baseline, BASELINES)
    k = lookup or Lookup()
    if period is None or period == periods_.article_period():
        table = reference.comparability()
        table = table[(table["baseline"] == baseline)
                      & (table["comparability"] == "not_comparable")]
        rows = [{"id": r["figure_id"], "area": PROVINCE, "period": k.period(r["figure_id"]),
                 "indicator": k.figures.loc[r["figure_id"], "indicator"],
                 "measure": k.figures.loc[r["figure_id"], "measure"],
                 "reason_id": f"comparability:{r['id']}"} for _, r in table.iterrows()]
    else:
        periods_.check_period(period)
        rows = _panel_pairs(baseline, period, k)[1]
    return pd.DataFrame(rows, columns=NOT_COMPARED_COLUMNS)
