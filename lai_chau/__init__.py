"""Lai Châu H1-2022: the article's figures with provenance, reference data and comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lai_chau.data.article import Figure

__all__ = ["__version__", "figure", "figures"]


def figures() -> pd.DataFrame:
    """Every numeric figure of the article (data/figures.csv), validated, one row per figure."""
    from lai_chau.data.article import figures as _figures

    return _figures()


def figure(figure_id: str) -> Figure:
    """One figure by id: value, unit, quote, span and labels."""
    from lai_chau.data.article import figure as _figure

    return _figure(figure_id)


# The package's modules by their short names: `lai_chau.compare` is lai_chau.analysis.compare.
# Kept for the public API (`from lai_chau import compare, claims`); new code imports the stage's
# module (lai_chau.analysis.compare, lai_chau.present.charts, ...).
ALIASES = {
    "article": "lai_chau.data.article",
    "numerals": "lai_chau.sources.numerals",
    "extract": "lai_chau.sources.extract",
    "seed": "lai_chau.sources.seed",
    "reference": "lai_chau.data.reference",
    "validate": "lai_chau.data.validate",
    "compare": "lai_chau.analysis.compare",
    "claims": "lai_chau.analysis.claims",
    "charts": "lai_chau.present.charts",
    "paths": "lai_chau.base.paths",
    "errors": "lai_chau.base.errors",
}


def __getattr__(name: str) -> Any:
    # Modules load on first use so `import lai_chau` stays cheap (no pandas, no altair).
    import importlib

    if name in ALIASES:
        return importlib.import_module(ALIASES[name])
    raise AttributeError(f"module 'lai_chau' has no attribute {name!r}")
