"""Lai Châu and Vietnam by period (data/panel.csv): each row's number resolved (its own, or the
figure or reference row it refers to), the series of an indicator, and the periods with figures."""

from __future__ import annotations

import pandas as pd

from lai_chau.analysis.vocabulary import PERIOD, VINTAGES
from lai_chau.analysis.vocabulary import period_order as _order
from lai_chau.base.errors import UsageError, unknown
from lai_chau.data import reference, validate

PROVINCE = "Lai Châu"
SERIES_COLUMNS = ["area", "indicator", "measure", "period", "vintage", "value", "unit",
                  "qualifier", "stage", "release_date", "source_id", "id", "refers_to"]
QUALIFIERS = {"at most": "<=", "more than": ">", "about": "~", "estimate": ""}


def panel() -> pd.DataFrame:
    """data/panel.csv with every number resolved: a row that refers to a figure or a reference row
    takes that row's value, qualifier and source."""
    table = validate.load("panel")
    figures = validate.load("figures").set_index("id")
    refs = reference.values().set_index("id")
    values, qualifiers, sources, stages = [], [], [], []
    for _, row in table.iterrows():
        target = row["refers_to"]
        if pd.isna(target):
            values.append(row["value"])
            qualifiers.append("" if pd.isna(row["qualifier"]) else row["qualifier"])
            sources.append(row["source_id"])
            stages.append(row["stage"])
            continue
        held = figures.loc[target] if target in figures.index else refs.loc[target]
        values.append(held["value"])
        qualifier = "" if pd.isna(held["qualifier"]) else str(held["qualifier"])
        qualifiers.append(QUALIFIERS.get(qualifier, qualifier))
        sources.append(held["source_id"])
        # a reference row may be a projection (a November estimate of the whole year): say so
        held_stage = held.get("stage")
        stages.append(held_stage if isinstance(held_stage, str) and held_stage else row["stage"])
    table = table.copy()
    table["value"], table["qualifier"], table["source_id"] = values, qualifiers, sources
    # a whole year's value published before the year ended is an estimate of its last months
    early = [str(per).endswith("FY") and isinstance(date, str) and date[:4] <= str(per)[:4]
             for per, date in zip(table["period"], table["release_date"], strict=True)]
    table["stage"] = [("early_estimate" if e and st == "estimate" else st)
                      for st, e in zip(stages, early, strict=True)]
    return table


# The figure whose period is the article's (every figure of the article is of its period or
# says otherwise in its own row).
ARTICLE_FIGURE = "grdp_growth"


def article_period() -> str:
    """The article's period (that of its GRDP figure in data/figures.csv), e.g. '2022H1'."""
    figures = validate.load("figures").set_index("id")
    return str(figures.loc[ARTICLE_FIGURE, "period"])


def shift(period: str, years: int) -> str:
    """The same part of the year `years` earlier: shift('2025H1', 1) == '2024H1'."""
    return f"{int(period[:4]) - years}{period[4:]}"


def check_period(period: object, parameter: str = "period") -> str:
    """`period` if Lai Châu has figures for it; otherwise a UsageError naming the parameter, the
    expected form (YYYYH1 or YYYYFY) and the periods that have Lai Châu figures."""
    known = list(periods()["period"])
    listed = ", ".join(known)
    if not isinstance(period, str) or not PERIOD.fullmatch(period):
        raise UsageError(f"{parameter} = {period!r} is not a period; expected a half-year or a "
                         f"full year like 2025H1 or 2021FY; periods with Lai Châu figures: "
                         f"{listed}")
    if period not in known:
        raise UsageError(f"{parameter} = {period!r}: the data has no Lai Châu figure for that "
                         f"period; periods with Lai Châu figures: {listed}")
    return period


def series(indicator: str, measure: str = "growth_yoy", vintage: str = "first") -> pd.DataFrame:
    """Lai Châu's and Vietnam's values of one indicator for every period in the data, one row per
    (area, period): the first release (`vintage="first"`, the default: a province's first estimate
    against the country's first estimate) or the latest restatement (`"latest"`). Half-years and
    full years are separate periods; a missing period is simply absent, never interpolated."""
    if vintage not in VINTAGES:
        raise unknown("vintage", vintage, VINTAGES)
    table = panel()
    indicators = sorted(set(table["indicator"]))
    if indicator not in indicators:
        raise unknown("indicator", indicator, indicators)
    measures = sorted(set(table.loc[table["indicator"] == indicator, "measure"]))
    if measure not in measures:
        raise unknown(f"measure of {indicator}", measure, measures)
    rows = table[(table["indicator"] == indicator) & (table["measure"] == measure)
                 & (table["status"] == "ok") & table["value"].notna()]
    rows = rows.assign(_order=rows["period"].map(_order),
                       _first=rows["vintage"] != "first release",
                       _release=rows["release_date"].fillna(""))
    rows = rows.sort_values(["area", "_order", "_first", "_release", "id"])
    pick = rows.groupby(["area", "period"], sort=False)
    chosen = pick.head(1) if vintage == "first" else pick.tail(1)
    chosen = chosen.sort_values(["area", "_order"], key=lambda c: c.map(
        lambda v: (v != PROVINCE) if isinstance(v, str) else v) if c.name == "area" else c)
    return chosen.reindex(columns=SERIES_COLUMNS).reset_index(drop=True)


def periods() -> pd.DataFrame:
    """The periods with Lai Châu figures, oldest first, with how many figures of each indicator
    (every vintage counted once per indicator and measure)."""
    table = panel()
    lai_chau = table[(table["area"] == PROVINCE) & table["value"].notna()]
    counts = (lai_chau.drop_duplicates(["indicator", "measure", "period"])
              .groupby(["period", "indicator"]).size().unstack(fill_value=0))
    counts = counts.loc[sorted(counts.index, key=_order)]
    counts.insert(0, "figures", counts.sum(axis=1))
    return counts.reset_index()


OVER_TIME_COLUMNS = ["period", "kind", "year", "lai_chau", "lai_chau_qualifier", "lai_chau_stage",
                     "lai_chau_source", "lai_chau_id", "vietnam", "vietnam_qualifier",
                     "vietnam_vintage", "vietnam_source", "vietnam_id", "vietnam_revised",
                     "gap", "gap_unit"]


def over_time(indicator: str = "grdp", measure: str = "growth_yoy",
              vintage: str = "first") -> pd.DataFrame:
    """Lai Châu and Vietnam side by side for every half-year and every full year from the first
    to the last year in the data: one row per period (`kind` H1 or FY, never mixed), each value
    with its stage or vintage and source, the gap in percentage points where both exist, and
    Vietnam's latest restatement beside its first release (`vietnam_revised`). A period with no
    value keeps its row with the value missing: nothing is interpolated."""
    first = series(indicator, measure, vintage)
    latest = series(indicator, measure, "latest") if vintage == "first" else first
    if first.empty:
        return pd.DataFrame(columns=OVER_TIME_COLUMNS)
    years = range(min(int(p[:4]) for p in first["period"]),
                  max(int(p[:4]) for p in first["period"]) + 1)
    by_area = {area: group.set_index("period") for area, group in first.groupby("area")}
    revised = latest[latest["area"] != PROVINCE].set_index("period")
    empty = pd.DataFrame(columns=first.columns).set_index(pd.Index([], name="period"))
    province, country = by_area.get(PROVINCE, empty), by_area.get("Việt Nam", empty)
    rows = []
    for kind in ("H1", "FY"):
        for year in years:
            period = f"{year}{kind}"
            lc = province.loc[period] if period in province.index else None
            vn = country.loc[period] if period in country.index else None
            gap = None
            if lc is not None and vn is not None:
                gap = round(float(lc["value"]) - float(vn["value"]), 10)
            later = revised.loc[period] if period in revised.index else None
            rows.append({
                "period": period, "kind": kind, "year": year,
                "lai_chau": None if lc is None else float(lc["value"]),
                "lai_chau_qualifier": None if lc is None else lc["qualifier"],
                "lai_chau_stage": None if lc is None else lc["stage"],
                "lai_chau_source": None if lc is None else lc["source_id"],
                "lai_chau_id": None if lc is None else held_id(lc),
                "vietnam": None if vn is None else float(vn["value"]),
                "vietnam_qualifier": None if vn is None else vn["qualifier"],
                "vietnam_vintage": None if vn is None else vn["vintage"],
                "vietnam_source": None if vn is None else vn["source_id"],
                "vietnam_id": None if vn is None else held_id(vn),
                "vietnam_revised": None if later is None or vn is None
                or float(later["value"]) == float(vn["value"]) else float(later["value"]),
                "gap": gap, "gap_unit": "pp" if gap is not None else None,
            })
    return pd.DataFrame(rows, columns=OVER_TIME_COLUMNS)


def held_id(row: pd.Series) -> str:
    """The id holding a panel row's number: the figure or reference row it refers to, or itself."""
    return str(row["id"] if pd.isna(row["refers_to"]) else row["refers_to"])


def standing(indicator: str = "grdp", measure: str = "growth_yoy",
             period: str | None = None) -> dict[str, object]:
    """Where one period's Lai Châu value stands in Lai Châu's own history of the same kind of
    period (half-years with half-years): its position from the top, out of how many, the periods
    compared, the highest and the lowest. Default period: the article's."""
    period = period or article_period()
    table = over_time(indicator, measure)
    same = table[(table["kind"] == period[4:]) & table["lai_chau"].notna()]
    if period not in set(same["period"]):
        raise UsageError(f"no Lai Châu value of {indicator} ({measure}) for {period}; periods "
                         f"with one: {', '.join(same['period'])}")
    value = float(same.loc[same["period"] == period, "lai_chau"].iloc[0])
    ordered = same.sort_values("lai_chau", ascending=False)
    return {"period": period, "value": value,
            "position": int((same["lai_chau"] > value).sum()) + 1, "of": len(same),
            "periods": list(same["period"]),
            "highest": str(ordered["period"].iloc[0]), "lowest": str(ordered["period"].iloc[-1])}
