"""The comparisons of lai_chau.analysis.compare in a reader's language: labels and the note that
says why a pair is like for like, a proxy, context or implied."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lai_chau.analysis import compare as cmp
from lai_chau.base.errors import LaiChauError
from lai_chau.data import reference
from lai_chau.present.i18n import _section, check_lang, data_label, in_language, period_text

TEXT = _section("compare")  # present/locales/*.toml, [compare]

# The analysis columns with words: each figure's and baseline's label and the note.
COLUMNS = [
    "id", "label", "period", "value", "unit", "baseline_id", "baseline_label", "baseline_period",
    "baseline_value", "baseline_unit", "baseline_qualifier", "gap", "gap_unit", "gap_qualifier",
    "ratio", "direction", "comparability", "note", "source_id", "baseline_sources",
    "vintage", "baseline_release", "revised_baseline_id", "revised_baseline_value",
    "revised_gap",
]
TABLE_COLUMNS = ["id", "value", "unit", "baseline_id", "baseline_value", "gap", "gap_unit",
                 "direction", "comparability", "note"]


def compare(baseline: str = "national", lang: str = "en", ids: Sequence[str] | None = None,
            lookup: cmp.Lookup | None = None, vintage: str = "first",
            period: str | None = None) -> pd.DataFrame:
    """lai_chau.analysis.compare.compare with the words of `lang` (label, baseline_label, note)."""
    check_lang(lang)
    k = lookup or cmp.Lookup()
    return with_words(cmp.compare(baseline, ids=ids, lookup=k, vintage=vintage, period=period),
                      lang, k)


NOT_COMPARED_COLUMNS = ["id", "area", "label", "period", "value", "unit", "qualifier",
                        "reason_id", "reason"]


def not_compared(baseline: str = "national", lang: str = "en", period: str | None = None,
                 lookup: cmp.Lookup | None = None) -> pd.DataFrame:
    """lai_chau.analysis.compare.not_compared with each value, its label and the reason in
    `lang`."""
    check_lang(lang)
    k = lookup or cmp.Lookup()
    table = cmp.not_compared(baseline, period, lookup=k)
    reasons = reference.comparability().set_index("id")
    rows = []
    for r in table.to_dict("records"):
        reason_id = str(r["reason_id"])
        if reason_id.startswith("comparability:"):
            why = data_label(reasons.loc[reason_id.removeprefix("comparability:")], lang,
                             "reason")
        else:
            shown = r.get("baseline_period")
            why = TEXT[reason_id][lang].format(period=period_text(
                str(shown if isinstance(shown, str) else r["period"]), lang))
        try:
            q = k.quantity(r["id"])
            value, unit, qualifier = q.value, q.unit, q.qualifier
        except LaiChauError:  # a rank-only figure has no value
            value, unit, qualifier = None, None, None
        rows.append({"id": r["id"], "area": r["area"], "reason_id": reason_id,
                     "label": in_language(k.labels(r["id"]), lang),
                     "period": r["period"], "value": value, "unit": unit,
                     "qualifier": qualifier, "reason": why})
    return pd.DataFrame(rows, columns=NOT_COMPARED_COLUMNS)


def with_words(table: pd.DataFrame, lang: str, k: cmp.Lookup) -> pd.DataFrame:
    """An analysis table of comparisons with its labels and notes in `lang`."""
    check_lang(lang)
    reasons = reference.comparability().set_index("id")
    bounds = ""
    if (table["reason_id"].astype(str).str.startswith("region_")).any():
        nb, rb = cmp.rank_bounds("national", lookup=k), cmp.rank_bounds("regional", lookup=k)
        bounds = TEXT["rank_bounds"][lang].format(rb=rb.best, rw=rb.worst, rn=rb.of,
                                                  nb=nb.best, nw=nb.worst, nn=nb.of)
    out = table.copy()
    out["label"] = [in_language(k.labels(i), lang) for i in table["id"]]
    out["baseline_label"] = [in_language(k.labels(i), lang) for i in table["baseline_id"]]
    out["note"] = [note(r, lang, reasons, bounds) for r in table.to_dict("records")]
    return out.reindex(columns=COLUMNS)


def note(row: dict, lang: str, reasons: pd.DataFrame, bounds: str = "") -> str:
    """Why a pair compares as it does, in `lang`: the reason (data/comparability.csv or a region
    reason), 'Proxy, ...' first for a proxy, the sources' disagreement, the rank bounds."""
    reason_id = str(row["reason_id"])
    if reason_id.startswith("comparability:"):
        text = data_label(reasons.loc[reason_id.removeprefix("comparability:")], lang, "reason")
    elif reason_id.startswith("panel_pairs:"):
        rules = reference.panel_pairs().set_index("id")
        rule = reason_id.removeprefix("panel_pairs:").removesuffix(cmp.PROJECTION)
        text = data_label(rules.loc[rule], lang, "reason")
        if reason_id.endswith(cmp.PROJECTION):
            text = TEXT["projection"][lang] + text
    else:
        text = TEXT[reason_id][lang]
    if row["comparability"] == "proxy":
        text = TEXT["proxy"][lang] + text
    if isinstance(row.get("conflict_note"), str):
        text += TEXT["conflict"][lang].format(note=row["conflict_note"])
    if row["id"] == cmp.GRDP_FIGURE and reason_id.startswith("region_"):
        text += bounds
    return text
