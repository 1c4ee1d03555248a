"""The analysis layer's closed vocabularies (baselines, comparability kinds, vintages, verdicts),
with no heavy import, so the command line and the render can check against them cheaply."""

from __future__ import annotations

import re

BASELINES = ("national", "prior", "region")
COMPARABILITY = ("same", "proxy", "implied", "context", "not_comparable")
# Vintages of a reference value: comparisons use the first estimate unless asked for the latest.
VINTAGES = ("first", "latest")
VERDICTS = ("supported", "plausible", "unverified", "contradicted")

# The periods of the panel and the reports: a first half (2025H1) or a whole year (2024FY).
PERIOD = re.compile(r"[0-9]{4}(H1|FY)")


def period_order(period: str) -> tuple[int, int]:
    """A period's place in time: a year's first half before the whole year."""
    return int(period[:4]), 0 if period.endswith("H1") else 1
