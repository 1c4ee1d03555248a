"""The seed: identical to the shared original, hash-checked, split into translated sentences."""

from __future__ import annotations

import calendar
import csv
import hashlib
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from lai_chau.base import paths
from lai_chau.base.errors import DataError, UsageError
from lai_chau.sources import seed

SHARED_SEED = paths.ROOT.parent / "shared" / "seeds" / "000_2ca180b2b93b7a78.txt"
IMMUTABLE = "the raw source is immutable: restore it from ../shared/seeds/ rather than editing it"

# Sentence id -> reason, for a number that legitimately reads differently in the English text.
# There are none: dates are written out ("15/6/2022" -> "15 June 2022") and checked separately.
NUMBER_EXCEPTIONS: dict[str, str] = {}

VI_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# Vietnamese: thousands dot, decimal comma (1.620 tấn, 9,15%); English: the reverse.
VI_NUMBER = re.compile(r"\d+(?:\.\d{3})*(?:,\d+)?")
EN_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def vi_numbers(text: str) -> set[Decimal]:
    """Numbers in Vietnamese text (dates removed), as values: '04' -> 4, '1.620' -> 1620."""
    text = VI_DATE.sub(" ", text)
    return {Decimal(m.replace(".", "").replace(",", ".")) for m in VI_NUMBER.findall(text)}


def en_numbers(text: str) -> set[Decimal]:
    """Numbers in English text, as values: '1,620' -> 1620, '2nd' -> 2."""
    return {Decimal(m.replace(",", "")) for m in EN_NUMBER.findall(text)}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    seed.clear_cache()
    yield
    seed.clear_cache()


@pytest.fixture
def seeds_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of seeds/ that LAI_CHAU_SEEDS points at, free to break."""
    target = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, target)
    monkeypatch.setenv("LAI_CHAU_SEEDS", str(target))
    seed.clear_cache()
    return target


def _rewrite_sentences(folder: Path, change: Callable[[list[list[str]]], None]) -> None:
    path = folder / paths.SENTENCES.name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _data_rows(name: str) -> list[dict[str, str]]:
    with paths.data_file(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the raw source and its hash ---------------------------------------------------------------

def test_seed_is_a_byte_for_byte_copy_of_the_shared_original() -> None:
    if not SHARED_SEED.exists():
        pytest.skip(f"shared original not present at {SHARED_SEED} (outside the project clone)")
    assert paths.SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_hash_matches_sha256sums() -> None:
    actual = hashlib.sha256(paths.SEED.read_bytes()).hexdigest()
    lines = (paths.SEEDS / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert f"{actual}  {paths.SEED.name}" in lines
    assert seed.sha256() == actual == seed.expected_sha256()
    seed.verify()


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils sha256sum not installed")
def test_sha256sums_is_in_sha256sum_check_format() -> None:
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=paths.SEEDS,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{paths.SEED.name}: OK" in done.stdout


def test_seed_is_strict_utf8_in_nfc() -> None:
    text = seed.text()
    assert text == paths.SEED.read_bytes().decode("utf-8", errors="strict")
    assert unicodedata.is_normalized("NFC", text)


def test_verify_names_file_and_both_hashes_when_the_seed_changed(seeds_copy: Path) -> None:
    expected = seed.expected_sha256()
    copy = seeds_copy / paths.SEED.name
    copy.write_bytes(copy.read_bytes().replace(b"9,15%", b"9,16%"))
    actual = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert actual != expected
    with pytest.raises(DataError) as caught:
        seed.verify()
    message = str(caught.value)
    assert caught.value.file.endswith(paths.SEED.name)
    for part in (paths.SEED.name, expected, actual, IMMUTABLE):
        assert part in message


def test_text_of_non_utf8_seed_names_the_file(seeds_copy: Path) -> None:
    (seeds_copy / paths.SEED.name).write_bytes(b"T\xe1ng 9,15%")
    expected = rf"{re.escape(paths.SEED.name)}: not valid UTF-8 at line 1, column 2 \(byte 1\)"
    with pytest.raises(DataError, match=expected):
        seed.text()


def test_missing_sha256sums_entry_is_a_data_error(seeds_copy: Path) -> None:
    (seeds_copy / "SHA256SUMS").write_text("0" * 64 + "  other.txt\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"SHA256SUMS: no line for {re.escape(paths.SEED.name)}"):
        seed.verify()


def test_lai_chau_seeds_is_honoured(seeds_copy: Path) -> None:
    assert seed.seed_path() == seeds_copy / paths.SEED.name
    assert seed.sentences_path() == seeds_copy / paths.SENTENCES.name


def test_importing_seed_does_not_import_pandas() -> None:
    code = "import sys, lai_chau.sources.seed; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


# --- the sentences and their translation -------------------------------------------------------

def test_sentences_cover_the_seed_exactly_once_in_order() -> None:
    text = seed.text()
    items = seed.sentences()
    assert items, "no sentences"
    position = 0
    counts: dict[int, int] = {}
    for item in items:
        gap = text[position:item.start]
        assert gap in ("", " ", "\n") if position else gap == "", (item.id, gap)
        assert item.vi == text[item.start:item.end]
        assert item.vi == item.vi.strip() and "\n" not in item.vi
        counts[item.paragraph] = counts.get(item.paragraph, 0) + 1
        assert item.id == f"p{item.paragraph:02d}-s{counts[item.paragraph]:02d}"
        assert item.paragraph == text.count("\n", 0, item.start) + 1
        position = item.end
    assert position == len(text)
    assert len(counts) == text.count("\n") + 1  # every paragraph has its sentences


def test_photo_captions_are_sentences_of_their_own() -> None:
    captions = [s for s in seed.sentences() if s.vi.endswith(" |")]
    assert captions
    for item in captions:
        assert item.en.endswith(" |")
        assert len([s for s in seed.sentences() if s.paragraph == item.paragraph]) == 1


def test_every_sentence_has_an_english_translation() -> None:
    for item in seed.sentences():
        assert item.en.strip(), item.id
        assert item.en != item.vi, item.id


def test_number_normalisers() -> None:
    assert vi_numbers("ước đạt 9,15%, tăng 1.620 tấn, có 04 dự án, 60,9MW") == {
        Decimal("9.15"), Decimal(1620), Decimal(4), Decimal("60.9")}
    assert vi_numbers("đến thời điểm 15/6/2022 đạt") == set()
    assert en_numbers("rose 9.15%, by 1,620 tonnes, 60.9 MW, the 2nd year.") == {
        Decimal("9.15"), Decimal(1620), Decimal("60.9"), Decimal(2)}


def test_numbers_agree_between_vi_and_en() -> None:
    problems = []
    for item in seed.sentences():
        if item.id in NUMBER_EXCEPTIONS:
            continue
        english = item.en
        for day, month, year in VI_DATE.findall(item.vi):
            written = f"{int(day)} {calendar.month_name[int(month)]} {year}"
            if written not in english:
                problems.append(f"{item.id}: date {day}/{month}/{year} not written {written!r}")
            english = english.replace(written, " ")
        vi, en = vi_numbers(item.vi), en_numbers(english)
        if vi != en:
            problems.append(f"{item.id}: only in vi {sorted(vi - en)}, in en {sorted(en - vi)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["figures.csv", "claims.csv"])
def test_every_figure_and_claim_lies_within_one_sentence(name: str) -> None:
    rows = _data_rows(name)
    assert rows, f"{name} is empty"
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        item = seed.sentence_for_span(start, end)
        assert item.start <= start < end <= item.end, row["id"]
        assert item.vi[start - item.start:end - item.start] == row["quote"], row["id"]


def test_each_figure_value_is_in_the_english_of_its_sentence() -> None:
    for row in _data_rows("figures.csv"):
        english = seed.translate_span(int(row["start"]), int(row["end"]))
        assert Decimal(row["value"]) in en_numbers(english), (row["id"], english)


def test_sentence_lookup_by_offset_and_span() -> None:
    items = seed.sentences()
    second = items[1]
    assert seed.sentence_at(second.start) == second
    assert seed.sentence_at(second.end - 1) == second
    assert seed.sentence_for_span(second.start, second.end) == second
    assert seed.translate_span(second.start, second.end) == second.en
    assert seed.sentence(second.id) == second


def test_offsets_between_or_beyond_sentences_are_usage_errors() -> None:
    items = seed.sentences()
    first, second = items[0], items[1]
    with pytest.raises(UsageError, match=rf"offset {first.end} is not inside a sentence"):
        seed.sentence_at(first.end)  # the newline between them
    with pytest.raises(UsageError, match="not inside a sentence"):
        seed.sentence_at(len(seed.text()))
    with pytest.raises(UsageError, match=rf"starts in {first.id} .* ends in {second.id}"):
        seed.sentence_for_span(first.end - 3, second.start + 3)
    with pytest.raises(UsageError, match="expected 0 <= start < end"):
        seed.sentence_for_span(10, 10)


# --- bad sentence files: one DataError naming file, row and column ---------------------------

def _set(row: int, column: str, value: Callable[[str], str]) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        rows[row - 1][index] = value(rows[row - 1][index])
    return change


BAD_CASES = {
    # name: (change, row (line in the file, header = 1), column, words of the message)
    "vi not at its offsets": (_set(3, "vi", lambda v: "X" + v[1:]), 3, "vi",
                              "expected the seed's text at"),
    "start not a number": (_set(4, "start", lambda v: "abc"), 4, "start",
                           "expected a non-negative integer, got 'abc'"),
    "overlap": (_set(3, "start", lambda v: "0"), 3, "start", "inside the previous sentence"),
    "gap left uncovered": (_set(2, "start", lambda v: str(int(v) + 5)), 2, "start",
                           "uncovered"),
    "empty english": (_set(5, "en", lambda v: " "), 5, "en", "expected an English translation"),
    "id of another paragraph": (_set(2, "sentence_id", lambda v: "p09-s01"), 2, "sentence_id",
                                "whose NN is paragraph"),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_sentence_rows_name_file_row_and_column(seeds_copy: Path, case: str) -> None:
    change, row, column, words = BAD_CASES[case]
    _rewrite_sentences(seeds_copy, change)
    with pytest.raises(DataError) as caught:
        seed.sentences()
    error = caught.value
    assert error.file.endswith(paths.SENTENCES.name)
    assert (error.row, error.column) == (row, column)
    assert f"{paths.SENTENCES.name}, row {row}, column '{column}'" in str(error)
    assert words in str(error)


def test_missing_column_is_named(seeds_copy: Path) -> None:
    _rewrite_sentences(seeds_copy, lambda rows: [r.pop() for r in rows])
    with pytest.raises(DataError, match=r"row 1: expected columns sentence_id,.*,en, got"):
        seed.sentences()


def test_edited_seed_breaks_sentence_offsets(seeds_copy: Path) -> None:
    copy = seeds_copy / paths.SEED.name
    copy.write_text(" " + copy.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        seed.sentences()
    assert (caught.value.row, caught.value.column) == (2, "vi")
    with pytest.raises(DataError, match=re.escape(IMMUTABLE)):
        seed.verify()
