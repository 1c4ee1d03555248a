"""The load fast path stays honest: only bytes that passed this schema skip pandera."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lai_chau.base import cache, paths
from lai_chau.base.errors import DataError
from lai_chau.data import validate


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory for the test (no stamp from earlier runs)."""
    target = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(target))
    validate.clear_cache()
    return target


class Spy:
    """Counts full (pandera) validations."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        original = validate._validate

        def counting(name: str, data: bytes | None = None):
            self.names.append(name)
            return original(name, data)

        monkeypatch.setattr(validate, "_validate", counting)


def _stamps(directory: Path, name: str | None = None) -> set[str]:
    """Stamp files in the cache; only those of resource `name` if given (loading figures also
    loads, and stamps, the sources its foreign key points to)."""
    folder = directory / "validated"
    found = folder.iterdir() if folder.is_dir() else []
    return {p.name for p in found
            if name is None or cache.read("validated", p.name) == f"{name}\n".encode()}


def test_typing_without_pandera_equals_pandera_on_every_resource(
    private_cache: Path,
) -> None:
    for name in validate.resource_names():
        typed, problems = validate._validate(name)
        assert problems == [], name
        raw, _ = validate._read_raw(name)
        fast = validate._typed(raw, validate.resource(name))
        pd.testing.assert_frame_equal(fast, typed, check_exact=True, obj=name)


def test_a_stamped_file_skips_pandera_and_gives_the_same_table(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = validate.load("figures")  # full validation, leaves a stamp
    assert len(_stamps(private_cache, "figures")) == 1
    spy = Spy(monkeypatch)
    validate.clear_cache()
    again = validate.load("figures")
    assert spy.names == []  # the stamp was used
    pd.testing.assert_frame_equal(again, first, check_exact=True)


def test_a_changed_file_is_validated_fully_and_a_bad_value_is_caught(
    data_copy: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate.load("figures")
    stamped = _stamps(private_cache)
    spy = Spy(monkeypatch)
    figures = data_copy / "figures.csv"
    raw = pd.read_csv(figures, dtype=str, keep_default_na=False)
    value = raw.loc[0, "value"]
    assert "." in value, value  # a decimal figure: written Vietnamese-style below
    text = figures.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[1] = lines[1].replace(f",{value},", f",\"{value.replace('.', ',')}\",", 1)
    figures.write_text("".join(lines), encoding="utf-8")
    validate.clear_cache()
    with pytest.raises(DataError) as caught:
        validate.load("figures")
    assert spy.names == ["figures"]
    message = str(caught.value)
    assert "figures.csv" in message and "row 1" in message and "value" in message
    assert "Vietnamese-formatted number" in message
    assert _stamps(private_cache) == stamped  # a failure leaves no stamp


def test_a_valid_change_is_validated_once_then_stamped(
    data_copy: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate.load("figures")
    spy = Spy(monkeypatch)
    figures = data_copy / "figures.csv"
    label = validate.load("figures")["label_en"].iloc[0]
    text = figures.read_text(encoding="utf-8")
    assert text.count(f",{label},") == 1, label
    figures.write_text(text.replace(f",{label},", f",{label} (edited),"), encoding="utf-8")
    validate.clear_cache()
    assert validate.load("figures")["label_en"].iloc[0] == f"{label} (edited)"
    validate.clear_cache()
    validate.load("figures")
    assert spy.names == ["figures"]  # validated the first time only
    assert len(_stamps(private_cache, "figures")) == 2  # the old bytes' stamp and the new one


def test_a_changed_schema_is_validated_fully(
    data_copy: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate.load("figures")
    spy = Spy(monkeypatch)
    package = data_copy / "datapackage.json"
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "figures")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "value")
    field.setdefault("constraints", {})["maximum"] = 0  # every growth figure breaks it now
    package.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    validate.clear_cache()
    with pytest.raises(DataError, match="expected a value <= 0"):
        validate.load("figures")
    assert spy.names == ["figures"]


def test_a_stamped_load_does_not_import_pandera(private_cache: Path) -> None:
    code = ("import sys, lai_chau; lai_chau.figures(); "
            "print('pandera' in sys.modules)")
    env = {**os.environ, cache.ENV: str(private_cache)}
    env.pop("LAI_CHAU_DATA", None)
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True, cwd=paths.ROOT).stdout.strip()
            for _ in range(2)]
    assert runs == ["True", "False"]  # validated (pandera) once, then from the stamp


def test_foreign_keys_are_checked_on_every_load_not_stamped(
    data_copy: Path, private_cache: Path
) -> None:
    """A stamp covers one file's bytes; a foreign key depends on the other file as well."""
    figures = validate.load("figures")  # stamps figures and sources
    stamped = _stamps(private_cache)
    source_id = figures["source_id"].iloc[0]
    sources = data_copy / "sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{source_id},")]
    assert len(kept) == len(lines) - 1
    sources.write_text("".join(kept), encoding="utf-8")
    # no clear_cache(): a changed sources.csv alone must make the unchanged figures fail
    with pytest.raises(DataError, match=f"{source_id!r} is not an id of sources"):
        validate.load("figures")
    assert _stamps(private_cache) >= stamped
    sources.write_text("".join(lines), encoding="utf-8")
    pd.testing.assert_frame_equal(validate.load("figures"), figures)
