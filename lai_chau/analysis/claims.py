"""The article's claims checked against the data: a verdict by rule, its evidence and sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.analysis.vocabulary import VERDICTS
from lai_chau.base.errors import DataError
from lai_chau.data import validate
from lai_chau.data.units import Quantity
from lai_chau.present import comparisons
from lai_chau.present.i18n import _section, check_lang, date_text

COLUMNS = ["id", "kind", "topic", "claim", "verdict", "evidence", "sources", "figure_ids"]
TABLE_COLUMNS = ["id", "claim", "verdict", "evidence"]

# Evidence sentences; {placeholders} are filled with numbers formatted from the data.
TEMPLATES: dict[str, dict[str, str]] = _section("claims")  # present/locales/*.toml, [claims]


@dataclass
class Verdict:
    """A verdict, the template and values of its evidence, and the ids of the values behind it."""

    verdict: str
    template: str
    values: dict[str, Callable[[str], object]]
    ids: list[str]

    def evidence(self, lang: str) -> str:
        return TEMPLATES[self.template][lang].format(**{k: f(lang) for k, f in self.values.items()})


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

    def __init__(self, lang: str = "en") -> None:
        self.k = cmp.Lookup()
        self.national = comparisons.compare("national", lang, lookup=self.k)
        self.lang = lang
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

    def who(self, ids: list[str]) -> Callable[[str], str]:
        """'label (publisher, kind)' for reference rows, in a language; 'none' when empty."""
        def words(lang: str) -> str:
            out = []
            for i in ids:
                source = str(self.k.refs.loc[i, "source_id"])
                rec = self.publishers.loc[source]
                kind = TEMPLATES[f"kind_{rec['publisher_kind']}"][lang]
                out.append(f"{self.k.label(i, lang)} ({rec['publisher']}: {kind})")
            return ", ".join(out) or TEMPLATES["none"][lang]
        return words

    def q(self, any_id: str) -> Quantity:
        return self.k.quantity(any_id)

    def fmt(self, any_id: str, bare: bool = False) -> Callable[[str], str]:
        """A formatter of the value of `any_id` for a language (bare: without its qualifier)."""
        q = self.q(any_id)
        q = Quantity(q.value, q.unit) if bare else q
        return q.format

    def label(self, any_id: str) -> Callable[[str], str]:
        return lambda lang: self.k.label(any_id, lang)

    def labels(self, ids: list[str]) -> Callable[[str], str]:
        return lambda lang: ", ".join(self.k.label(i, lang) for i in ids) or TEMPLATES["none"][lang]


def _const(value: object) -> Callable[[str], object]:
    return lambda lang: value


def _word(prefix: str, direction: str) -> Callable[[str], str]:
    """TEMPLATES[prefix + direction] for a language: words chosen from a computed direction."""
    return lambda lang: TEMPLATES[prefix + direction][lang]


def _signed(q: Quantity, lang: str) -> str:
    """'+4.6 pp', '-3 places': a change with its sign."""
    return ("+" if q.value > 0 else "") + q.format(lang)


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

    def listed(lang: str) -> str:
        return "; ".join(f"{c.k.label(i, lang)} {c.q(i).format(lang)}" for i in growth)

    def lower(lang: str) -> str:
        proxy = TEMPLATES["omitted_proxy"][lang]
        return ", ".join(c.k.label(r["id"], lang) + (proxy if r["comparability"] == "proxy"
                                                      else "")
                         for _, r in below.iterrows()) or TEMPLATES["none"][lang]

    return Verdict(verdict, "many_above",
                   {"n": _const(n), "m": _const(m), "listed": listed, "lower": lower,
                    "repeated": c.who(repeated), "independent": c.who(independent)},
                   [*growth, *repeated, *below["baseline_id"]])


def _positive_results(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    figs = c.k.figures
    moves = list(figs.loc[figs["measure"].isin(p.items_of("measures")), "id"])
    n = sum(1 for i in moves if c.q(i).value > 0)
    verdict = "plausible" if n * 2 > len(moves) else "unverified"
    return Verdict(verdict, "positive", {"n": _const(n), "m": _const(len(moves))}, moves)


def _recovery(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    g, fy21, nat, later = (p.need("figure"), p.need("full_year_before"), p.need("national"),
                           p.need("later"))
    fig, refs = c.k.figures.loc[g], c.k.refs
    year_before = f"{int(str(fig['period'])[:4]) - 1}{str(fig['period'])[4:]}"
    h1 = refs[(refs["area"] == cmp.PROVINCE) & (refs["indicator"] == fig["indicator"])
              & (refs["period"] == year_before) & (refs["measure"] == fig["measure"])
              & (refs["status"] == "ok")]
    earlier = fy21 if h1.empty else str(h1["id"].iloc[0])

    def h1_text(lang: str) -> str:
        if h1.empty:
            return TEMPLATES["recovery_no_h1"][lang]
        vs_h21 = _word("vs_", c.q(g).direction(c.q(earlier)))(lang)
        return TEMPLATES["recovery_h1"][lang].format(h21=c.q(earlier).format(lang), vs_h21=vs_h21)

    # A rebound is measured against the same period a year earlier: without it (a full year is
    # another period) the claim has no base and stays unverified, whatever the full year shows.
    faster = not h1.empty and c.q(g).direction(c.q(earlier)) == "above" and c.q(g).value > 0
    return Verdict("plausible" if faster else "unverified", "recovery",
                   {"g": c.fmt(g), "fy21": c.fmt(fy21), "nat": c.fmt(nat), "later": c.fmt(later),
                    "vs_fy21": _word("vs_", c.q(g).direction(c.q(fy21))),
                    "vs_nat": _word("vs_", c.q(g).direction(c.q(nat))), "h1_2021": h1_text},
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
    values = {"g": c.fmt(p.need("figure")), "claimed": claimed, "nb": nb.best, "nw": nb.worst,
              "nn": nb.of, "above": len(nb.above), "below": len(nb.below), "rb": rb.best,
              "rw": rb.worst, "rn": rb.of, "n_unknown": len(rb.unknown),
              "unknown": ", ".join(rb.unknown)}
    return Verdict(verdict, "top15",
                   {k: (v if callable(v) else _const(v)) for k, v in values.items()},
                   [p.need("figure"), p.need("claimed"), "grdp_rank_national_best",
                    "grdp_rank_national_worst", "grdp_rank_regional_best",
                    "grdp_rank_regional_worst"])


def _industry_high(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    f, nat, july, also = p.need("figure"), p.need("national"), p.need("later"), p.need("also")
    projects, capacity = p.need("projects"), p.need("capacity")
    high = (c.q(f).direction(c.q(nat)) == "above" and c.q(f).direction(c.q(also)) == "above")
    return Verdict("plausible" if high else "unverified", "industry",
                   {"f": c.fmt(f), "nat": c.fmt(nat), "projects": c.fmt(projects),
                    "mw": c.fmt(capacity), "july": c.fmt(july)},
                   [f, nat, also, projects, capacity, july])


def _as_of(c: Context, any_id: str) -> pd.Timestamp:
    """The cut-off date of a figure or reference row (for a derived number, its latest input's)."""
    kind = c.k.kind(any_id)
    if kind == "derived":
        return max(_as_of(c, i) for i in c.k.inputs(any_id))
    table = c.k.figures if kind == "figure" else c.k.refs
    return pd.Timestamp(table.loc[any_id, "as_of"])


def _basis_name(base: str, lang: str) -> str:
    for key, word in (("basis_pm", "Prime Minister"), ("basis_total", "total")):
        if word in base:
            return TEMPLATES[key][lang]
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

    def bounds(lang: str) -> str:
        parts = []
        for b in bases:
            values = {"basis": _basis_name(b.base, lang)}
            for side, i in (("lo", b.lower_id), ("hi", b.upper_id)):
                if i:
                    values[side] = Quantity(c.q(i).value, c.q(i).unit).format(lang)
                    values[f"{side}_date"] = date_text(_as_of(c, i), lang)
            key = ("basis_between" if b.lower_id and b.upper_id
                   else "basis_upper" if b.upper_id else "basis_lower")
            parts.append(TEMPLATES[key][lang].format(**values))
        return "; ".join(parts) or TEMPLATES["none"][lang]

    bound_ids = [i for b in bases for i in (b.lower_id, b.upper_id) if i]
    return Verdict(verdict, "disbursement",
                   {"f": c.fmt(f), "date": lambda lang: date_text(_as_of(c, f), lang),
                    "bounds": bounds,
                    "order": lambda lang: TEMPLATES[order][lang].format(margin=margin.format(lang)),
                    "margin": lambda lang: margin.format(lang),
                    "change": lambda lang: _signed(c.q(change), lang),
                    "nat_change": lambda lang: _signed(c.q(nat_change), lang),
                    "nat_date": lambda lang: date_text(_as_of(c, nat_change), lang)},
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

    def moves(lang: str) -> str:
        listed = ", ".join(f"{c.k.label(i, lang)} {_signed(c.q(i), lang)}" for i in ranks)
        key = "admin_gains" if gains else "admin_not_gains"
        return TEMPLATES[key][lang].format(k=len(ranks), moves=listed)

    # the smallest gain, if it is a single place, is not a 'marked' improvement
    smallest = min((i for i in ranks if c.q(i).value > 0), key=lambda i: c.q(i).value,
                   default=None)

    def small(lang: str) -> str:
        if smallest is None or c.q(smallest).value > p.number("marked_places"):
            return ""
        return TEMPLATES["admin_small"][lang].format(move=_signed(c.q(smallest), lang),
                                                     label=c.k.label(smallest, lang))

    coverage = p.need("coverage")
    total = _leading_int(c.k.refs.loc[coverage, "base"])
    ranked = c.q(coverage)
    return Verdict(verdict, "admin",
                   {"moves_text": moves, "confirmed": c.who(confirmed), "own": c.who(own),
                    "missing": c.labels(missing), "coverage": c.fmt(coverage),
                    "year": _const(c.k.period(coverage)),
                    "total": _const(total if total is not None else "?"),
                    "left": _const(int(total - ranked.value) if total is not None else "?"),
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

    def found_text(lang: str) -> str:
        return ", ".join(found) or TEMPLATES["none"][lang]

    of = {str(y): _leading_int(b) for y, b in zip(pci["period"], pci["base"], strict=True)}

    def later_text(lang: str) -> str:
        def one(year: str, v: float) -> str:
            rank = Quantity(v, "rank").format(lang)
            return f"{year}: " + (TEMPLATES["of"][lang].format(rank=rank, n=of[year])
                                  if of.get(year) else rank)
        return "; ".join(one(y, v) for y, v in sorted(later.items())) or TEMPLATES["none"][lang]

    return Verdict(verdict, "pci", {"found": found_text, "later": later_text},
                   [*figure_ids, *pci["id"]])


def _tourism(c: Context, figure_ids: list[str], p: Params) -> Verdict:
    a, r = p.need("arrivals"), p.need("revenue")
    nat, fy = p.need("national"), p.need("full_year")
    grew = c.q(a).value > 0 and c.q(r).value > 0
    repeated, _ = _repeats(c, [a, r])
    return Verdict("plausible" if grew else "unverified", "tourism",
                   {"a": lambda lang: _signed(c.q(a), lang),
                    "r": lambda lang: _signed(c.q(r), lang), "nat": c.fmt(nat, bare=True),
                    "fy": c.fmt(fy), "repeated": c.who(repeated),
                    "recovery": (lambda lang: TEMPLATES["tourism_recovery"][lang]) if grew
                    else _const(""),
                    "vs_nat": _word("tourism_vs_", c.q(a).direction(c.q(nat)))},
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


def _omitted(c: Context, lang: str) -> list[dict[str, object]]:
    """Indicators where Lai Châu is below the national figure: what the article leaves out."""
    table = c.national
    rows = []
    for _, r in table[table["direction"] == "below"].iterrows():
        fid, bid = r["id"], r["baseline_id"]
        proxy = r["comparability"] == "proxy"
        claim = TEMPLATES["omitted_claim"][lang].format(
            label=r["label"], value=c.q(fid).format(lang), base_label=r["baseline_label"],
            base=c.q(bid).format(lang), proxy=TEMPLATES["omitted_proxy"][lang] if proxy else "")
        gap = Quantity(r["gap"], r["gap_unit"], r["gap_qualifier"] or "").format(lang)
        rows.append({"id": f"omitted_{fid}", "kind": "omitted", "topic": "omission",
                     "claim": claim, "verdict": "plausible" if proxy else "supported",
                     "evidence": TEMPLATES["omitted_evidence"][lang].format(gap=gap,
                                                                            note=r["note"]),
                     "sources": _sources(c, [fid, bid]), "figure_ids": fid})
    return rows


def claims(lang: str = "en") -> pd.DataFrame:
    """Every claim of data/claims.csv with a verdict, evidence and sources, then the omissions.

    In `vi` the claim is the article's own words; in `en` its English label.
    """
    check_lang(lang)
    c = Context(lang)
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
                     "claim": claim["label_en"] if lang == "en" else claim["quote"],
                     "verdict": v.verdict, "evidence": v.evidence(lang),
                     "sources": _sources(c, [*figure_ids, *v.ids]) or str(claim["source_id"]),
                     "figure_ids": ";".join(figure_ids)})
    rows += _omitted(c, lang)
    return pd.DataFrame(rows, columns=COLUMNS)


def verdict(claim_id: str, lang: str = "en") -> dict[str, object]:
    """One claim's row (verdict, evidence, sources) by id."""
    table = claims(lang)
    match = table[table["id"] == claim_id]
    if match.empty:
        from lai_chau.base.errors import unknown

        raise unknown("claim id", claim_id, list(table["id"]))
    return match.iloc[0].to_dict()
