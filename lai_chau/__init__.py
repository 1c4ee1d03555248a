"""Lai Châu H1-2022: the article's figures with provenance, reference data and comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lai_chau.article import Figure

__all__ = ["__version__", "figure", "figures"]


def figures() -> pd.DataFrame:
    """Every numeric figure of the article (data/figures.csv), validated, one row per figure."""
    from lai_chau.article import figures as _figures

    return _figures()


def figure(figure_id: str) -> Figure:
    """One figure by id: value, unit, quote, span and labels."""
    from lai_chau.article import figure as _figure

    return _figure(figure_id)


def __getattr__(name: str) -> Any:
    # Submodules load on first use so `import lai_chau` stays cheap (no pandas, no altair).
    import importlib

    if name in {
        "article",
        "numbers",
        "extract",
        "seed",
        "reference",
        "compare",
        "claims",
        "charts",
        "render",
        "validate",
        "paths",
        "tables",
        "errors",
    }:
        return importlib.import_module(f"lai_chau.{name}")
    raise AttributeError(f"module 'lai_chau' has no attribute {name!r}")
