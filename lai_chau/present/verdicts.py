"""The claims' verdicts in a reader's language: the claim in the article's words (vi) or its
English label (en), and the evidence written from its data (lai_chau.analysis.evidence)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lai_chau.analysis import claims as analysis
from lai_chau.analysis import compare as cmp
from lai_chau.analysis.evidence import Date, Join, Label, Note, Num, Seq, Text, Who, Word
from lai_chau.base.errors import unknown
from lai_chau.data import reference
from lai_chau.data.units import Quantity
from lai_chau.present import comparisons
from lai_chau.present.i18n import _section, check_lang, date_text, in_language

COLUMNS = ["id", "kind", "topic", "claim", "verdict", "evidence", "sources", "figure_ids"]
TABLE_COLUMNS = ["id", "claim", "verdict", "evidence"]

# Evidence sentences; {placeholders} are filled with numbers formatted from the data.
TEMPLATES: dict[str, dict[str, str]] = _section("claims")  # present/locales/*.toml, [claims]


class Writer:
    """Writes evidence specs in one language, with the values and labels of one Lookup."""

    def __init__(self, lang: str, k: cmp.Lookup) -> None:
        self.lang = check_lang(lang)
        self.k = k
        self.publishers = reference.sources().set_index("id")
        self.reasons = reference.comparability().set_index("id")

    def __call__(self, spec: Any) -> str:
        lang, k = self.lang, self.k
        if isinstance(spec, str):
            return spec
        if isinstance(spec, bool) or not isinstance(spec, object):  # pragma: no cover
            return str(spec)
        if isinstance(spec, int | float):
            return str(spec)
        if isinstance(spec, Num):
            q = spec.value if isinstance(spec.value, Quantity) else k.quantity(spec.value)
            if spec.bare:
                q = Quantity(q.value, q.unit)
            return ("+" if spec.signed and q.value > 0 else "") + q.format(lang)
        if isinstance(spec, Label):
            return in_language(k.labels(spec.id), lang)
        if isinstance(spec, Word):
            return TEMPLATES[spec.key][lang]
        if isinstance(spec, Date):
            return date_text(spec.value, lang)
        if isinstance(spec, Text):
            return TEMPLATES[spec.key][lang].format(
                **{name: self(value) for name, value in spec.values.items()})
        if isinstance(spec, Join):
            return spec.sep.join(self(i) for i in spec.items) or self(spec.empty)
        if isinstance(spec, Seq):
            return "".join(self(p) for p in spec.parts)
        if isinstance(spec, Who):
            out = []
            for i in spec.ids:
                rec = self.publishers.loc[str(k.refs.loc[i, "source_id"])]
                kind = TEMPLATES[f"kind_{rec['publisher_kind']}"][lang]
                out.append(f"{in_language(k.labels(i), lang)} ({rec['publisher']}: {kind})")
            return ", ".join(out) or TEMPLATES["none"][lang]
        if isinstance(spec, Note):
            return comparisons.note(dict(spec.row), lang, self.reasons)
        raise TypeError(f"not an evidence spec: {spec!r}")  # pragma: no cover - a rule bug


def claims(lang: str = "en") -> pd.DataFrame:
    """Every claim of data/claims.csv with its verdict, evidence and sources, then the omissions,
    in `lang`: the claim is the article's own words in `vi` and its English label in `en`."""
    check_lang(lang)
    table = analysis.claims()
    write = Writer(lang, cmp.Lookup())
    out = table.copy()
    claim = table["quote"] if lang == "vi" else table["label_en"]  # the article's words, or English
    out["claim"] = [write(c) for c in claim]
    out["evidence"] = [write(e) for e in table["evidence"]]
    return out.reindex(columns=COLUMNS)


def verdict(claim_id: str, lang: str = "en") -> dict[str, object]:
    """One claim's row (verdict, evidence, sources) by id, in `lang`."""
    table = claims(lang)
    match = table[table["id"] == claim_id]
    if match.empty:
        raise unknown("claim id", claim_id, list(table["id"]))
    return match.iloc[0].to_dict()
