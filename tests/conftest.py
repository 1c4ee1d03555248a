"""Shared fixtures: a private copy of data/, and every report rendered once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lai_chau.base import paths
from lai_chau.data import validate


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
    """Where the session's reports went."""

    output: Path

    def html(self, lang: str, name: str = "overview") -> Path:
        return self.output / lang / f"{name}.html"


@pytest.fixture(scope="session")
def rendered_reports(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Every report of the matrix rendered in vi and en (two at a time), as `lai-chau render`
    would: once per test session, shared by the render and browser tests."""
    from lai_chau.render import run as render

    output = tmp_path_factory.mktemp("reports")
    outcomes = render.render(output=output, jobs=2, progress=False)
    failed = [o.error for o in outcomes if not o.ok]
    assert not failed, failed
    expected = [(r.name, lang) for r in render.load_matrix().reports for lang in r.languages]
    assert sorted((o.job.name, o.job.lang) for o in outcomes) == sorted(expected)
    return Rendered(output)
