"""Coverage: every number the extractor finds in the seed is a figure or an explained exclusion."""

from __future__ import annotations

import csv
import math

import pytest

from lai_chau.base import paths
from lai_chau.sources.extract import Mention, extract

# which extractor kinds can carry a figure of a given unit (data/figures.csv `unit`)
KINDS_BY_UNIT = {
    "percent": {"percent"},
    "pp": {"percentage_points"},
    "tonnes": {"tonnes"},
    "MW": {"MW"},
    "projects": {"count"},
    "places": {"rank_change"},
    "rank": {"rank", "rank_top", "ratio"},
    "years": {"streak"},
}


def _read(name: str) -> list[dict[str, str]]:
    with paths.data_file(name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return paths.SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mentions(seed_text: str) -> list[Mention]:
    return extract(seed_text)


@pytest.fixture(scope="module")
def figures() -> list[dict[str, str]]:
    return _read("figures.csv")


@pytest.fixture(scope="module")
def exclusions() -> list[dict[str, str]]:
    return _read("extract_exclusions.csv")


def _carries(figure: dict[str, str], m: Mention) -> bool:
    """The mention lies in the figure's quote, with the figure's value and a compatible unit."""
    return (
        int(figure["start"]) <= m.start
        and m.end <= int(figure["end"])
        and m.value is not None
        and math.isclose(m.value, float(figure["value"]), rel_tol=1e-9)
        and m.unit == figure["unit"]
        and m.kind in KINDS_BY_UNIT[figure["unit"]]
    )


def test_every_figure_unit_is_known(figures: list[dict[str, str]]) -> None:
    unknown = {f["unit"] for f in figures} - set(KINDS_BY_UNIT)
    assert not unknown, f"data/figures.csv uses units the coverage test does not map: {unknown}"


def test_every_mention_is_a_figure_or_excluded(
    mentions: list[Mention], figures: list[dict[str, str]], exclusions: list[dict[str, str]]
) -> None:
    excluded = {(int(r["start"]), int(r["end"])): r for r in exclusions}
    unaccounted = []
    for m in mentions:
        if any(_carries(f, m) for f in figures):
            assert (m.start, m.end) not in excluded, f"{m.text!r} is a figure and also excluded"
            continue
        row = excluded.get((m.start, m.end))
        if row is None or not row["reason"].strip():
            unaccounted.append(f"{m.start}:{m.end} {m.text!r} ({m.kind}, value {m.value})")
    assert not unaccounted, (
        "numbers in the seed that are neither a figure of data/figures.csv nor listed with a "
        "reason in data/extract_exclusions.csv:\n  " + "\n  ".join(unaccounted)
    )


def test_no_stale_exclusions(
    seed_text: str, mentions: list[Mention], exclusions: list[dict[str, str]]
) -> None:
    by_span = {(m.start, m.end): m for m in mentions}
    for row in exclusions:
        start, end = int(row["start"]), int(row["end"])
        where = f"data/extract_exclusions.csv, row {start}:{end}"
        assert seed_text[start:end] == row["text"], f"{where}: text is not at its offsets"
        m = by_span.get((start, end))
        assert m is not None, f"{where}: the extractor finds no mention there any more"
        assert m.kind == row["kind"], f"{where}: kind {row['kind']!r}, extractor says {m.kind!r}"
        assert row["reason"].strip(), f"{where}: empty reason"


def test_every_figure_has_its_mention(
    mentions: list[Mention], figures: list[dict[str, str]]
) -> None:
    missing = [f["id"] for f in figures if not any(_carries(f, m) for m in mentions)]
    assert not missing, f"figures whose value the extractor does not find in their quote: {missing}"


def test_exclusions_and_figures_account_for_every_mention_once(
    mentions: list[Mention], figures: list[dict[str, str]], exclusions: list[dict[str, str]]
) -> None:
    carried = sum(any(_carries(f, m) for f in figures) for m in mentions)
    assert carried + len(exclusions) == len(mentions)
    assert carried >= len(figures)  # each figure has a mention; none is shared
