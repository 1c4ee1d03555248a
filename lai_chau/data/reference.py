"""Reference data (national, Lai Châu's other periods, peers, sources): validated, by id."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lai_chau.base.errors import unknown
from lai_chau.data import validate

# Tables whose rows are numbers with a source; their ids are unique across all of them.
VALUE_TABLES = validate.VALUE_TABLES


def national() -> pd.DataFrame:
    """Viet Nam's figures (data/national.csv): one number per row, with status and source."""
    return validate.load("national")


def prior() -> pd.DataFrame:
    """Lai Châu's other periods, plans and rankings, and a few peers' (data/lai_chau_prior.csv)."""
    return validate.load("lai_chau_prior")


def provinces() -> pd.DataFrame:
    """Other provinces' H1-2022 growth and ranks (data/provinces_h1_2022.csv)."""
    return validate.load("provinces_h1_2022")


def region_members() -> pd.DataFrame:
    """The provinces of Lai Châu's region (data/region_members.csv)."""
    return validate.load("region_members")


def sources() -> pd.DataFrame:
    """Every source (data/sources.csv)."""
    return validate.load("sources")


def comparability() -> pd.DataFrame:
    """Each figure's baselines: same, proxy or not_comparable, and why (data/comparability.csv)."""
    return validate.load("comparability")


def indicators() -> pd.DataFrame:
    """The panel's vocabulary: each (indicator, measure) with its unit and names
    (data/indicators.csv)."""
    return validate.load("indicators")


def panel_pairs() -> pd.DataFrame:
    """How a period comparison pairs Lai Châu's panel rows with a baseline's, and why
    (data/panel_pairs.csv)."""
    return validate.load("panel_pairs")


def _plain(value: Any) -> Any:
    return None if value is pd.NA or (isinstance(value, float) and value != value) else value


def source(source_id: str) -> dict[str, Any]:
    """One source record by id (title, publisher, url, dates, kind, language, notes)."""
    table = sources()
    match = table[table["id"] == source_id]
    if match.empty:
        raise unknown("source id", source_id, sorted(table["id"]),
                      validate.rel_path("sources"))
    return {k: _plain(v) for k, v in match.iloc[0].to_dict().items()}


def values() -> pd.DataFrame:
    """Every reference value row, with a `table` column naming the file it comes from."""
    frames = []
    for name, frame in (("national", national()), ("lai_chau_prior", prior()),
                        ("provinces_h1_2022", provinces())):
        frame = frame.copy()
        frame.insert(0, "table", name)
        if "area" not in frame:
            frame["area"] = frame["province"] if "province" in frame else "Việt Nam"
        if "label_en" not in frame:  # provinces: "Hà Giang: GRDP growth", the figures' label
            growth = validate.load("figures").query("measure == 'growth_yoy'")
            labels = growth.drop_duplicates("indicator").set_index("indicator")
            for lang in ("en", "vi"):
                indicator = frame["indicator"].map(labels[f"label_{lang}"])
                frame[f"label_{lang}"] = frame["province"] + ": " + indicator.fillna(
                    frame["indicator"])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def row(ref_id: str) -> dict[str, Any]:
    """One reference row by id, from whichever value table holds it."""
    table = values()
    match = table[table["id"] == ref_id]
    if match.empty:
        raise unknown("reference id", ref_id, sorted(table["id"]),
                      ", ".join(map(validate.rel_path, VALUE_TABLES)))
    return {k: _plain(v) for k, v in match.iloc[0].to_dict().items()}


def source_ids(record: dict[str, Any]) -> list[str]:
    """A row's source and its corroborating sources, in that order."""
    ids = [record["source_id"]]
    extra = record.get("corroborated_by")
    if extra:
        ids += [s for s in str(extra).split(";") if s]
    return ids
