"""The article's claims checked against the data: a verdict by rule, its evidence and sources.

Why one module of ~440 lines: the rule kinds (RULES) and the evidence helpers they share
(repeats, confirmations, cut-off dates); a new kind is a function here and a row of data/claims.csv.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.analysis.evidence import Date, Join, Label, Note, Num, Seq, Text, Who, Word, labels
from lai_chau.analysis.vocabulary import VERDICTS
from lai_chau.base.errors import DataError
from lai_chau.data import validate
from lai_chau.data.units import Quantity

# What claims() returns: verdicts, evidence as data (lai_chau.analysis.evidence), the claim's own
# words (quote) and English label; lai_chau.present.verdicts writes it for a reader.
COLUMNS = ["id", "kind", "topic", "quote", "label_en", "verdict", "evidence", "sources",
           "figure_ids"]


@dataclass
class Verdict:
    """A verdict, its evidence (a template of the claims catalogue and its values) and the ids of
    the values behind it."""

    verdict: str
    template: str
    values: dict[str, object]
    ids: list[str]

    @property
    def evidence(self) -> Text:
        return Text(self.template, self.values)


class Params(dict):
    """A claim's rule parameters from data/claims.csv (`key=value;key=value`)."""

    def __init__(self, text: object, claim_id: str = "") -> None:
        super().__init__()
        self.claim_id = claim_id
        if not isinstance(text, str) or not text.strip():
            return
        for part in text.split(";"):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise DataError("data/claims.csv", f"claim {claim_id!r}: params item {part!r} is "
                                "not key=value", column="params")
            self[key.strip()] = value.strip()

    def need(self, key: str) -> str:
        if key not in self or not self[key]:
            raise DataError("data/claims.csv", f"claim {self.claim_id!r}: its rule needs the "
                            f"parameter {key!r} (params: key=value;...)", column="params")
        return self[key]

    def items_of(self, key: str) -> list[str]:
        return [v.strip() for v in self.need(key).split(",") if v.strip()]

    def number(self, key: str) -> float:
        value = self.need(key)
        try:
            return float(value)
        except ValueError:
            raise DataError("data/claims.csv", f"claim {self.claim_id!r}: parameter {key!r} = "
                            f"{value!r} is not a number", column="params") from None


class Context:
    """What the rules read: every value by id and the national comparison, built once."""

    def __init__(self) -> None:
        self.k = cmp.Lookup()
        self.national = cmp.compare("national", lookup=self.k)
        self.publishers = validate.load("sources").set_index("id")[
            ["publisher", "publisher_kind", "publisher_area"]]

    def independent(self, source_id: str) -> bool:
        """Whether a source is independent of the province: national statistics or ministries,
        or another province's own bodies; never the province's own bodies, the press repeating
        them, or aggregators."""
        if source_id not in self.publishers.index:
            return False
        rec = self.publishers.loc[source_id]
        if rec["publisher_kind"] == "national_official":
            return True
        return rec["publisher_kind"] == "province" and rec["publisher_area"] != cmp.PROVINCE

    def q(self, any_id: str) -> Quantity:
        return self.k.quantity(any_id)


def _leading_int(text: object) -> int | None:
    """63 from a base like '63 provinces'; None when the text does not start with a number."""
    head = str(text).split(" ", 1)[0]
    return int(head) if head.isdigit() else None


def _repeats(c: Context, figure_ids: list[str]) -> tuple[list[str], list[str]]:
    """Reference rows of Lai Châu that give a figure's indicator, period, measure and value from
    another source: all of them, and those from an official release (independent corroboration;
    a press report of the same conference is not)."""
    refs = c.k.refs
    repeated, independent = [], []
    for fid in figure_ids:
        fig = c.k.figures.loc[fid]
        same = refs[(refs["area"] == cmp.PROVINCE) & (refs["indicator"] == fig["indicator"])
                    & (refs["period"] == fig["period"]) & (refs["measure"] == fig["measure"])
                    & (refs["value"] == fig["value"]) & (refs["status"] == "ok")
                    & (refs["source_id"] != fig["source_id"])]
        repeated += list(same["id"])
        # a statistic is confirmed independently only by national statistics or ministries
        independent += [i for i, src in zip(same["id"], same["source_id"], strict=True)
                        if c.publishers.loc[src, "publisher_kind"] == "national_official"]
    return repeated, independent


# ----------------------------------------------------------------------------- rules
def _many_above(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    figs = c.k.figures
    growth = [i for i in figure_ids if i in figs.index and figs.loc[i, "measure"] == "growth_yoy"]
    zero = Quantity(0, "percent")
    positive = [i for i in growth if c.q(i).direction(zero) == "above"]
    nat = c.national
    below = nat[(nat["direction"] == "below") & nat["id"].isin(growth)]
    repeated, independent = _repeats(c, growth)
    confirmed = {str(c.k.refs.loc[i, "indicator"]) for i in independent}
    n, m = len(positive), len(growth)
    if m and n == m:
        # the article's own rates cannot support it: only independent confirmation of every one
        every = all(figs.loc[i, "indicator"] in confirmed for i in growth)
        verdict = "supported" if every else "plausible"
    elif n * 2 > m:
        verdict = "plausible"
    else:
        verdict = "contradicted" if m else "unverified"

    listed = Join("; ", tuple(Seq((Label(i), " ", Num(i))) for i in growth))
    lower = Join(", ", tuple(Seq((Label(r["id"]), Word("omitted_proxy")
                                  if r["comparability"] == "proxy" else ""))
                             for _, r in below.iterrows()))
    return Verdict(verdict, "many_above",
                   {"n": n, "m": m, "listed": listed, "lower": lower,
                    "repeated": Who(tuple(repeated)), "independent": Who(tuple(independent))},
                   [*growth, *repeated, *below["baseline_id"]])


def _positive_results(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    figs = c.k.figures
    moves = list(figs.loc[figs["measure"].isin(p.items_of("measures")), "id"])
    n = sum(1 for i in moves if c.q(i).value > 0)
    verdict = "plausible" if n * 2 > len(moves) else "unverified"
    return Verdict(verdict, "positive", {"n": n, "m": len(moves)}, moves)


def _recovery(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    g, fy21, nat, later = (p.need("figure"), p.need("full_year_before"), p.need("national"),
                           p.need("later"))
    fig, refs = c.k.figures.loc[g], c.k.refs
    year_before = f"{int(str(fig['period'])[:4]) - 1}{str(fig['period'])[4:]}"
    h1 = refs[(refs["area"] == cmp.PROVINCE) & (refs["indicator"] == fig["indicator"])
              & (refs["period"] == year_before) & (refs["measure"] == fig["measure"])
              & (refs["status"] == "ok")]
    earlier = fy21 if h1.empty else str(h1["id"].iloc[0])

    h1_text = Text("recovery_no_h1") if h1.empty else Text(
        "recovery_h1", {"h21": Num(earlier),
                        "vs_h21": Word("vs_" + c.q(g).direction(c.q(earlier)))})

    # A rebound is measured against the same period a year earlier: without it (a full year is
    # another period) the claim has no base and stays unverified, whatever the full year shows.
    faster = not h1.empty and c.q(g).direction(c.q(earlier)) == "above" and c.q(g).value > 0
    return Verdict("plausible" if faster else "unverified", "recovery",
                   {"g": Num(g), "fy21": Num(fy21), "nat": Num(nat), "later": Num(later),
                    "vs_fy21": Word("vs_" + c.q(g).direction(c.q(fy21))),
                    "vs_nat": Word("vs_" + c.q(g).direction(c.q(nat))), "h1_2021": h1_text},
                   [g, fy21, nat, later, *([] if h1.empty else [earlier])])


def _top15(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    nb = cmp.rank_bounds("national", lookup=c.k)
    rb = cmp.rank_bounds("regional", lookup=c.k)
    claimed = int(c.q(p.need("claimed")).value)
    if nb.worst <= claimed:
        verdict = "supported"
    elif nb.best > claimed:
        verdict = "contradicted"
    else:
        verdict = "plausible"
    values = {"g": Num(p.need("figure")), "claimed": claimed, "nb": nb.best, "nw": nb.worst,
              "nn": nb.of, "above": len(nb.above), "below": len(nb.below), "rb": rb.best,
              "rw": rb.worst, "rn": rb.of, "n_unknown": len(rb.unknown),
              "unknown": ", ".join(rb.unknown)}
    return Verdict(verdict, "top15", values,
                   [p.need("figure"), p.need("claimed"), "grdp_rank_national_best",
                    "grdp_rank_national_worst", "grdp_rank_regional_best",
                    "grdp_rank_regional_worst"])


def _industry_high(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    f, nat, july, also = p.need("figure"), p.need("national"), p.need("later"), p.need("also")
    projects, capacity = p.need("projects"), p.need("capacity")
    high = (c.q(f).direction(c.q(nat)) == "above" and c.q(f).direction(c.q(also)) == "above")
    return Verdict("plausible" if high else "unverified", "industry",
                   {"f": Num(f), "nat": Num(nat), "projects": Num(projects),
                    "mw": Num(capacity), "july": Num(july)},
                   [f, nat, also, projects, capacity, july])


def _as_of(c: Context, any_id: str) -> pd.Timestamp:
    """The cut-off date of a figure or reference row (for a derived number, its latest input's)."""
    kind = c.k.kind(any_id)
    if kind == "derived":
        return max(_as_of(c, i) for i in c.k.inputs(any_id))
    table = c.k.figures if kind == "figure" else c.k.refs
    return pd.Timestamp(table.loc[any_id, "as_of"])


def _basis_name(base: str) -> Word | str:
    for key, word in (("basis_pm", "Prime Minister"), ("basis_total", "total")):
        if word in base:
            return Word(key)
    return base


def _disbursement(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    f, change, nat_change = p.need("figure"), p.need("change"), p.need("national_change")
    margin = Quantity(p.number("margin_pp"), "pp")
    bases = cmp.disbursement_bounds(c.k)
    rate = c.q(f)

    def clear(bound_id: str | None, above: bool) -> bool:
        if not bound_id:
            return False
        gap = (rate - c.q(bound_id)) if above else (c.q(bound_id) - rate)
        return gap.direction(margin) in ("above", "equal")

    # Bounds hold per basis only. Above every basis's upper bound by the margin, the order is
    # settled whichever plan the province's rate is measured against: the bound decides it, the
    # one assumption being that cumulative disbursement never falls.
    if bases and all(clear(b.upper_id, above=True) for b in bases):
        verdict, order = "supported", "order_above"
    elif bases and all(clear(b.lower_id, above=False) for b in bases):
        verdict, order = "contradicted", "order_below"
    elif bases and all(b.upper_id and rate.direction(c.q(b.upper_id)) == "above" for b in bases):
        verdict, order = "plausible", "order_above_close"
    else:
        verdict, order = "unverified", "order_open"

    parts = []
    for b in bases:
        values: dict[str, object] = {"basis": _basis_name(b.base)}
        for side, i in (("lo", b.lower_id), ("hi", b.upper_id)):
            if i:
                values[side] = Num(i, bare=True)
                values[f"{side}_date"] = Date(_as_of(c, i))
        key = ("basis_between" if b.lower_id and b.upper_id
               else "basis_upper" if b.upper_id else "basis_lower")
        parts.append(Text(key, values))
    bounds = Join("; ", tuple(parts))

    bound_ids = [i for b in bases for i in (b.lower_id, b.upper_id) if i]
    return Verdict(verdict, "disbursement",
                   {"f": Num(f), "date": Date(_as_of(c, f)), "bounds": bounds,
                    "order": Text(order, {"margin": Num(margin)}), "margin": Num(margin),
                    "change": Num(change, signed=True),
                    "nat_change": Num(nat_change, signed=True),
                    "nat_date": Date(_as_of(c, nat_change))},
                   [f, change, *bound_ids, nat_change])


def _confirmations(c: Context, figure_ids: list[str]
                   ) -> tuple[list[str], list[str], list[str], list[str]]:
    """Reference rows with a rank-change figure's indicator, period and measure."""
    refs = c.k.refs
    confirmed, own, contradicted, missing = [], [], [], []
    for fid in figure_ids:
        fig = c.k.figures.loc[fid]
        same = refs[(refs["indicator"] == fig["indicator"]) & (refs["period"] == fig["period"])
                    & (refs["measure"] == fig["measure"]) & (refs["status"] == "ok")]
        if same.empty:
            missing.append(fid)
        elif (same["value"] == fig["value"]).all():
            # only a publication independent of the province confirms; its own portal repeats
            free = [i for i, src in zip(same["id"], same["source_id"], strict=True)
                    if c.independent(src)]
            (confirmed if free else own).append(str((free or list(same["id"]))[0]))
        else:
            contradicted.append(str(same["id"].iloc[0]))
    return confirmed, own, contradicted, missing


def _admin_indices(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    ranks = [i for i in figure_ids if c.k.figures.loc[i, "measure"] == "rank_change"]
    confirmed, own, contradicted, missing = _confirmations(c, ranks)
    gains = all(c.q(i).value > 0 for i in ranks)
    if contradicted or not gains:
        verdict = "contradicted"
    elif confirmed and not missing:
        verdict = "supported"
    elif confirmed:
        verdict = "plausible"
    else:
        verdict = "unverified"

    moves = Text("admin_gains" if gains else "admin_not_gains",
                 {"k": len(ranks), "moves": Join(", ", tuple(
                     Seq((Label(i), " ", Num(i, signed=True))) for i in ranks), empty="")})

    # the smallest gain, if it is a single place, is not a 'marked' improvement
    smallest = min((i for i in ranks if c.q(i).value > 0), key=lambda i: c.q(i).value,
                   default=None)

    small = "" if smallest is None or c.q(smallest).value > p.number("marked_places") else \
        Text("admin_small", {"move": Num(smallest, signed=True), "label": Label(smallest)})

    coverage = p.need("coverage")
    total = _leading_int(c.k.refs.loc[coverage, "base"])
    ranked = c.q(coverage)
    return Verdict(verdict, "admin",
                   {"moves_text": moves, "confirmed": Who(tuple(confirmed)), "own": Who(tuple(own)),
                    "missing": labels(missing), "coverage": Num(coverage),
                    "year": c.k.period(coverage),
                    "total": total if total is not None else "?",
                    "left": int(total - ranked.value) if total is not None else "?",
                    "small": small},
                   [*ranks, *confirmed, *own, coverage])


def _pci_second(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    refs = c.k.refs
    pci = refs[(refs["indicator"] == p.need("indicator")) & (refs["area"] == cmp.PROVINCE)
               & (refs["status"] == "ok")]
    years = {str(y): float(v) for y, v in zip(pci["period"], pci["value"], strict=True)}
    needed = tuple(p.items_of("years"))
    if all(y in years for y in needed):
        rising = years["2020"] < years["2019"] and years["2021"] < years["2020"]
        verdict = "supported" if rising else "contradicted"
    else:
        verdict = "unverified"
    found = [y for y in needed if y in years]
    later = {y: v for y, v in years.items() if y > needed[-1]}

    of = {str(y): _leading_int(b) for y, b in zip(pci["period"], pci["base"], strict=True)}
    later_text = Join("; ", tuple(
        Seq((f"{y}: ", Text("of", {"rank": Num(Quantity(v, "rank")), "n": of[y]}) if of.get(y)
             else Num(Quantity(v, "rank")))) for y, v in sorted(later.items())))
    return Verdict(verdict, "pci", {"found": Join(", ", tuple(found)), "later": later_text},
                   [*figure_ids, *pci["id"]])


def _tourism(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    a, r = p.need("arrivals"), p.need("revenue")
    nat, fy = p.need("national"), p.need("full_year")
    grew = c.q(a).value > 0 and c.q(r).value > 0
    repeated, _ = _repeats(c, [a, r])
    return Verdict("plausible" if grew else "unverified", "tourism",
                   {"a": Num(a, signed=True), "r": Num(r, signed=True),
                    "nat": Num(nat, bare=True), "fy": Num(fy), "repeated": Who(tuple(repeated)),
                    "recovery": Word("tourism_recovery") if grew else "",
                    "vs_nat": Word("tourism_vs_" + c.q(a).direction(c.q(nat)))},
                   [a, r, *repeated, nat, fy])


def _no_data(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    return Verdict("unverified", "no_data", {}, [])


# The rule kinds a claim of data/claims.csv can name (column `rule`, parameters in `params`).
RULES: dict[str, Callable[[Context, list[str], Params], Verdict]] = {
    "share_positive": _positive_results,  # most of the article's changes are positive
    "all_positive": _many_above,  # every cited growth rate is positive, confirmed independently
    "recovery": _recovery,  # growth above the same period a year earlier
    "rank_within": _top15,  # a rank within N, from the peers' rank bounds
    "above_baselines": _industry_high,  # above a national figure and another figure
    "above_every_bound": _disbursement,  # above every basis's upper bound by a margin
    "ranks_improved": _admin_indices,  # every index rank rose, confirmed independently
    "rank_streak": _pci_second,  # rank rose in each of the listed years
    "growth_on_base": _tourism,  # growth on a year earlier, against a national proxy
    "needs_data": _no_data,  # nothing in the data bears on it
}


def _sources(c: Context, ids: list[str]) -> str:
    out: list[str] = []
    for i in ids:
        out += [s for s in c.k.sources(i) if s not in out]
    return ";".join(out)


def _omitted(c: Context) -> list[dict[str, object]]:
    """Indicators where Lai Châu is below the national figure: what the article leaves out."""
    table = c.national
    rows = []
    for _, r in table[table["direction"] == "below"].iterrows():
        fid, bid = r["id"], r["baseline_id"]
        proxy = r["comparability"] == "proxy"
        claim = Text("omitted_claim", {"label": Label(fid), "value": Num(fid),
                                       "base_label": Label(bid), "base": Num(bid),
                                       "proxy": Word("omitted_proxy") if proxy else ""})
        gap = Num(Quantity(r["gap"], r["gap_unit"], r["gap_qualifier"] or ""))
        rows.append({"id": f"omitted_{fid}", "kind": "omitted", "topic": "omission",
                     "quote": claim, "label_en": claim,
                     "verdict": "plausible" if proxy else "supported",
                     "evidence": Text("omitted_evidence",
                                      {"gap": gap, "note": Note(tuple(r.to_dict().items()))}),
                     "sources": _sources(c, [fid, bid]), "figure_ids": fid})
    return rows


def claims(*old_lang: str) -> pd.DataFrame:
    """Every claim of data/claims.csv with a verdict, evidence (as data) and sources, then the
    omissions: the indicators where Lai Châu is below the national figure."""
    if old_lang:  # the old claims(lang): the words moved to the present
        from lai_chau.base.errors import UsageError

        raise UsageError(f"claims() takes no language (got {old_lang[0]!r}) since the analysis "
                         "returns verdicts and evidence as data: for the text in a language use "
                         "lai_chau.present.verdicts.claims(lang)")
    c = Context()
    table = validate.load("claims")
    rows = []
    for _, claim in table.iterrows():
        ids = claim["figure_ids"]
        figure_ids = [] if pd.isna(ids) else [i for i in str(ids).split(";") if i]
        rule = RULES.get(str(claim["rule"]))
        if rule is None:
            raise DataError("data/claims.csv", f"claim {claim['id']!r}: unknown rule "
                            f"{claim['rule']!r}; expected one of: {', '.join(RULES)}",
                            column="rule")
        v = rule(c, figure_ids, Params(claim["params"], str(claim["id"])))
        if v.verdict not in VERDICTS:  # pragma: no cover - a rule bug
            raise ValueError(f"rule for {claim['id']} returned {v.verdict!r}")
        rows.append({"id": claim["id"], "kind": "claim", "topic": claim["topic"],
                     "quote": claim["quote"], "label_en": claim["label_en"],
                     "verdict": v.verdict, "evidence": v.evidence,
                     "sources": _sources(c, [*figure_ids, *v.ids]) or str(claim["source_id"]),
                     "figure_ids": ";".join(figure_ids)})
    rows += _omitted(c)
    return pd.DataFrame(rows, columns=COLUMNS)
