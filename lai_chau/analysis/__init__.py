"""Numbers, units, ids and reason codes: comparisons, derived values, ranks, claims."""
