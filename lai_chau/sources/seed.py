"""The article in seeds/: its text, its recorded sha256 and its sentence-aligned translation."""

from __future__ import annotations

import bisect
import csv
import functools
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lai_chau.base import paths
from lai_chau.base.errors import DataError, UsageError, unknown

SUMS_NAME = "SHA256SUMS"
COLUMNS = ("sentence_id", "paragraph", "start", "end", "vi", "en")
IMMUTABLE = "the raw source is immutable: restore it from ../shared/seeds/ rather than editing it"
_ID = re.compile(r"p(\d{2})-s(\d{2})")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the seed: `vi == text()[start:end]` (str offsets) and its English `en`."""

    id: str
    paragraph: int
    start: int
    end: int
    vi: str
    en: str


def seeds_dir() -> Path:
    """The seeds directory; LAI_CHAU_SEEDS is read at call time so tests can point elsewhere."""
    env = os.environ.get("LAI_CHAU_SEEDS")
    return Path(env).resolve() if env else paths.SEEDS


def seed_path() -> Path:
    """Path of the article (seeds/lai-chau-h1-2022-conference.vi.txt)."""
    return seeds_dir() / paths.SEED.name


def sentences_path() -> Path:
    """Path of the sentence-aligned translation CSV."""
    return seeds_dir() / paths.SENTENCES.name


def sums_path() -> Path:
    """Path of seeds/SHA256SUMS (`sha256sum -c` format)."""
    return seeds_dir() / SUMS_NAME


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(_show(path), f"file is missing; {IMMUTABLE}") from None


@functools.lru_cache(maxsize=4)
def _text(path: Path) -> str:
    from lai_chau.base.encoding import decode_utf8

    return decode_utf8(_read_bytes(path), _show(path), f"; {IMMUTABLE}")


def text() -> str:
    """The article as a str, decoded strictly as UTF-8 (NFC; offsets everywhere index this)."""
    return _text(seed_path())


@functools.lru_cache(maxsize=4)
def _sha256(path: Path) -> str:
    return hashlib.sha256(_read_bytes(path)).hexdigest()


def sha256() -> str:
    """Hex sha256 of the seed file's bytes as they are on disk now."""
    return _sha256(seed_path())


def expected_sha256() -> str:
    """The seed's hash recorded in seeds/SHA256SUMS."""
    sums = sums_path()
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataError(_show(sums), "file is missing; it records the seed's sha256") from None
    name = seed_path().name
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if match is None:
            raise DataError(
                _show(sums), f"line {number} is not '<64 hex digits>  <file name>': {line!r}"
            )
        if match.group(2) == name:
            return match.group(1).lower()
    raise DataError(_show(sums), f"no line for {name}; expected '<sha256>  {name}'")


def verify() -> None:
    """Raise DataError when the seed's sha256 differs from the one recorded in SHA256SUMS."""
    expected = expected_sha256()
    actual = sha256()
    if actual != expected:
        raise DataError(
            _show(seed_path()),
            f"sha256 is {actual} but {SUMS_NAME} records {expected}; {IMMUTABLE}",
        )


def _int(value: str, where: tuple[str, int, str]) -> int:
    file, row, column = where
    if not re.fullmatch(r"\d+", value or ""):
        raise DataError(file, f"expected a non-negative integer, got {value!r}", row=row,
                        column=column)
    return int(value)


@functools.lru_cache(maxsize=4)
def _load(csv_path: Path, seed: Path) -> tuple[Sentence, ...]:
    source = _text(seed)
    file = _show(csv_path)
    try:
        data = csv_path.read_bytes()
    except FileNotFoundError:
        raise DataError(file, "file is missing; it holds the seed's sentences") from None
    from lai_chau.base.encoding import decode_utf8

    out: list[Sentence] = []
    row = 1
    reader = csv.DictReader(io.StringIO(decode_utf8(data, file), newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise DataError(file, f"expected columns {','.join(COLUMNS)}, got "
                              f"{','.join(reader.fieldnames or ())}", row=1)
    seen: set[str] = set()
    for record in reader:
        row = reader.line_num  # line in the file; the header is line 1
        out.append(_check(record, file, row, source, out[-1] if out else None, seen))
    if not out:
        raise DataError(file, "no sentences; expected one row per sentence of the seed")
    tail = source[out[-1].end:]
    if tail.strip():
        raise DataError(file, f"the seed's text after the last sentence is not covered: "
                              f"{tail.strip()[:40]!r}", row=row, column="end")
    return tuple(out)


def _check(record: dict[str, str], file: str, row: int, source: str, prev: Sentence | None,
           seen: set[str]) -> Sentence:
    if None in record or any(record[c] is None for c in COLUMNS):
        raise DataError(file, f"expected {len(COLUMNS)} fields", row=row)
    sid = record["sentence_id"]
    paragraph = _int(record["paragraph"], (file, row, "paragraph"))
    start = _int(record["start"], (file, row, "start"))
    end = _int(record["end"], (file, row, "end"))
    vi, en = record["vi"], record["en"]
    match = _ID.fullmatch(sid)
    if match is None or int(match.group(1)) != paragraph:
        raise DataError(file, f"expected an id 'pNN-sNN' whose NN is paragraph {paragraph}, "
                              f"got {sid!r}", row=row, column="sentence_id")
    if sid in seen:
        raise DataError(file, f"duplicate id {sid!r}", row=row, column="sentence_id")
    seen.add(sid)
    if not start < end <= len(source):
        raise DataError(file, f"expected start < end <= {len(source)} (the seed's length), "
                              f"got {start}..{end}", row=row, column="end")
    before = prev.end if prev else 0
    if start < before:
        raise DataError(file, f"starts at {start}, inside the previous sentence (ends at "
                              f"{before}); sentences must be ordered and not overlap",
                        row=row, column="start")
    if source[before:start].strip():
        raise DataError(file, f"leaves seed text {source[before:start].strip()[:40]!r} before "
                              f"offset {start} uncovered", row=row, column="start")
    actual_paragraph = source.count("\n", 0, start) + 1
    if paragraph != actual_paragraph or "\n" in source[start:end]:
        raise DataError(file, f"offset {start} is in paragraph {actual_paragraph}, and a "
                              f"sentence may not cross a newline", row=row, column="paragraph")
    if vi != source[start:end]:
        raise DataError(file, f"expected the seed's text at {start}..{end}, "
                              f"{source[start:end][:60]!r}, got {vi[:60]!r}", row=row,
                        column="vi")
    if not en.strip():
        raise DataError(file, "expected an English translation, got an empty cell", row=row,
                        column="en")
    return Sentence(sid, paragraph, start, end, vi, en)


def sentences() -> list[Sentence]:
    """The seed's sentences in order, validated against the seed (offsets, coverage, ids)."""
    return list(_load(sentences_path(), seed_path()))


def sentence(sentence_id: str) -> Sentence:
    """One sentence by id ('p02-s02')."""
    for item in _load(sentences_path(), seed_path()):
        if item.id == sentence_id:
            return item
    raise unknown("sentence", sentence_id, [s.id for s in sentences()])


def sentence_at(offset: int) -> Sentence:
    """The sentence whose text contains seed offset `offset`; UsageError between sentences."""
    items = _load(sentences_path(), seed_path())
    index = bisect.bisect_right([s.start for s in items], offset) - 1
    if index < 0 or offset >= items[index].end:
        raise UsageError(f"offset {offset} is not inside a sentence of the seed "
                         f"(length {len(text())}); it falls on whitespace or outside the text")
    return items[index]


def sentence_for_span(start: int, end: int) -> Sentence:
    """The one sentence containing seed[start:end] (a figure's or claim's quote)."""
    if not 0 <= start < end:
        raise UsageError(f"expected 0 <= start < end, got span {start}..{end}")
    first = sentence_at(start)
    if end > first.end:
        try:
            other = sentence_at(end - 1).id
        except UsageError:
            other = "whitespace" if end <= len(text()) else "beyond the end of the seed"
        raise UsageError(f"span {start}..{end} crosses sentences: it starts in {first.id} "
                         f"({first.start}..{first.end}) and ends in {other}; a quote must lie "
                         f"within one sentence")
    return first


def translate_span(start: int, end: int) -> str:
    """English translation of the sentence that contains seed[start:end]."""
    return sentence_for_span(start, end).en


def clear_cache() -> None:
    """Forget cached reads (after changing LAI_CHAU_SEEDS or the files)."""
    _text.cache_clear()
    _sha256.cache_clear()
    _load.cache_clear()
