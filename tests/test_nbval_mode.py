"""`pytest --nbval` (strict) stops at once with the reason the project runs nbval lax (lax mode
itself runs in every `make test`: pyproject's testpaths include notebooks/)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lai_chau.base import paths


@pytest.mark.parametrize("extra", [[], ["-o", "addopts="]], ids=["with-addopts", "without"])
def test_strict_nbval_is_refused_with_the_reason(extra: list[str]) -> None:
    notebook = str(paths.NOTEBOOKS / "1.0-overview.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *extra, "--nbval", notebook, "-p", "no:cacheprovider"],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "runs nbval in lax mode" in result.stderr
    assert "nbval-check-output" in result.stderr and "make notebooks" in result.stderr
    assert "collected" not in result.stdout  # stopped before executing any notebook

