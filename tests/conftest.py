"""Shared fixtures: a private copy of data/, and reports rendered once per test session."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lai_chau import paths, validate


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of data/, used by the package for the test's duration."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    monkeypatch.setattr(paths, "DATA", target)
    monkeypatch.setattr(paths, "DATAPACKAGE", target / "datapackage.json")
    validate.clear_cache()
    yield target
    validate.clear_cache()


@dataclass(frozen=True)
class Rendered:
    """Where the session's reports went, and how long rendering them took."""

    output: Path
    seconds: float

    def html(self, lang: str, name: str = "overview") -> Path:
        return self.output / lang / f"{name}.html"


@pytest.fixture(scope="session")
def rendered_overview(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The overview rendered in vi and en (two at a time), as `lai-chau render` would."""
    from lai_chau import render

    output = tmp_path_factory.mktemp("reports")
    started = time.perf_counter()
    outcomes = render.render(only=["overview"], output=output, jobs=2, progress=False)
    seconds = time.perf_counter() - started
    failed = [o.error for o in outcomes if not o.ok]
    assert not failed, failed
    assert sorted(o.job.lang for o in outcomes) == ["en", "vi"]
    return Rendered(output, seconds)
