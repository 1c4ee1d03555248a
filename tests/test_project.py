"""The project's own plumbing: environment files agree, docs name only files that exist."""

from __future__ import annotations

import re
import subprocess
import tomllib

from lai_chau.base import paths

ROOT = paths.ROOT


def _name(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name(r) for r in project["dependencies"])
    wanted.update(_name(r) for r in project["optional-dependencies"]["dev"])
    wanted.update(_name(r) for r in project["optional-dependencies"]["dask"])
    conda: dict[str, str] = {}
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^  - ([A-Za-z][A-Za-z0-9_.-]*)(.*)$", line)
        if match and match.group(1) not in {"python", "pip", "conda-forge"}:
            conda[match.group(1).lower()] = match.group(2).strip().replace(" ", "")
    assert conda == wanted


def test_constraints_pin_every_dependency() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    names = [_name(r)[0] for r in project["dependencies"] + extras["dev"] + extras["dask"]]
    assert [n for n in names if n not in pins] == []


def test_make_help_lists_every_target() -> None:
    out = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for target in ["install", "test", "reports", "notebooks", "lab", "bench", "clean"]:
        assert re.search(rf"make {target}\s+\S", out), out


def test_readme_and_makefile_name_only_existing_paths() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "Makefile").read_text(
        encoding="utf-8"
    )
    candidates = set(
        re.findall(
            r"(?<![\w/.-])((?:lai_chau|data|notebooks|seeds|tests|benchmarks|reports|\.ci)/[\w./-]*\w)",
            text,
        )
    )
    generated = ("reports/vi/", "reports/en/", "reports/index.html")
    missing = [
        p
        for p in sorted(candidates)
        if not p.startswith(generated) and "*" not in p and not (ROOT / p).exists()
    ]
    assert missing == []
