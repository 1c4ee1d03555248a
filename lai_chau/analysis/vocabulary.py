"""The analysis layer's closed vocabularies (baselines, comparability kinds, vintages, verdicts),
with no heavy import, so the command line and the render can check against them cheaply."""

from __future__ import annotations

BASELINES = ("national", "prior", "region")
COMPARABILITY = ("same", "proxy", "implied", "context", "not_comparable")
# Vintages of a reference value: comparisons use the first estimate unless asked for the latest.
VINTAGES = ("first", "latest")
VERDICTS = ("supported", "plausible", "unverified", "contradicted")
