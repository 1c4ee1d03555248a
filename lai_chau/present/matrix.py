"""The report matrix (notebooks/reports.toml): which reports exist, their notebooks, titles in
each language and parameters."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lai_chau.base import paths
from lai_chau.base.errors import DataError, unknown
from lai_chau.sources.numerals import LANGS

MATRIX = paths.NOTEBOOKS / "reports.toml"
KERNEL = "lai-chau"


@dataclass(frozen=True)
class Report:
    """One entry of the matrix: a notebook rendered with these parameters in each language."""

    name: str
    notebook: str
    titles: dict[str, str]
    parameters: dict[str, Any]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Matrix:
    """The report matrix file, parsed."""

    path: Path
    languages: tuple[str, ...]
    kernel: str
    reports: tuple[Report, ...]

    def report(self, name: str) -> Report:
        """The report called `name`; UsageError listing the known names otherwise."""
        for item in self.reports:
            if item.name == name:
                return item
        raise unknown("report", name, [r.name for r in self.reports])


def _show(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def load_matrix(path: Path = MATRIX) -> Matrix:
    """Parse the matrix file; DataError naming the file, the report and the key on a problem."""
    path = Path(path)
    where = _show(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(where, "file not found; it lists the reports to render") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(where, f"not valid UTF-8 TOML ({exc})") from None
    top_keys = {"languages", "kernel", "report"}
    extra = sorted(set(raw) - top_keys)
    if extra:
        raise DataError(where, f"unknown top-level key {extra[0]!r}; expected: "
                               f"{', '.join(sorted(top_keys))}")
    languages = raw.get("languages", list(LANGS))
    _check_languages(where, "'languages'", languages)
    kernel = raw.get("kernel", KERNEL)
    if not isinstance(kernel, str) or not kernel:
        raise DataError(where, f"'kernel' must name a Jupyter kernel, got {kernel!r}")
    entries = raw.get("report")
    if not isinstance(entries, list) or not entries:
        raise DataError(where, "no [[report]] entries; expected at least one")
    reports = []
    for number, entry in enumerate(entries, 1):
        label = f"[[report]] #{number}"
        if not isinstance(entry, dict):
            raise DataError(where, f"{label} is not a table")
        name = entry.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise DataError(where, f"{label}: 'name' must be lower-case letters, digits and "
                                   f"dashes (it names the HTML file), got {name!r}")
        label = f"report {name!r}"
        if any(r.name == name for r in reports):
            raise DataError(where, f"{label} is listed twice")
        allowed_keys = {"name", "notebook", "parameters", "languages"} | {
            f"title_{lang}" for lang in LANGS
        }
        extra = sorted(set(entry) - allowed_keys)
        if extra:
            raise DataError(where, f"{label}: unknown key {extra[0]!r}; expected: "
                                   f"{', '.join(sorted(allowed_keys))}")
        notebook = entry.get("notebook")
        if not isinstance(notebook, str) or not notebook.endswith(".ipynb"):
            raise DataError(where, f"{label}: 'notebook' must name an .ipynb file, "
                                   f"got {notebook!r}")
        langs = entry.get("languages", languages)
        _check_languages(where, f"{label}: 'languages'", langs)
        titles = {lang: entry.get(f"title_{lang}") for lang in LANGS}
        missing = [lang for lang in langs if lang in LANGS and not isinstance(titles[lang], str)]
        if missing:
            raise DataError(where, f"{label}: missing 'title_{missing[0]}' (the page title in "
                                   f"that language)")
        parameters = entry.get("parameters", {})
        if not isinstance(parameters, dict):
            raise DataError(where, f"{label}: 'parameters' must be a table")
        reports.append(Report(name, notebook, {k: v for k, v in titles.items() if v},
                              dict(parameters), tuple(langs)))
    return Matrix(path, tuple(languages), kernel, tuple(reports))


def _check_languages(where: str, key: str, languages: Any) -> None:
    """A non-empty list of distinct strings (which languages are allowed is checked by plan())."""
    if not isinstance(languages, list) or not languages or \
            not all(isinstance(lang, str) for lang in languages):
        raise DataError(where, f"{key} must be a non-empty list of language codes, "
                               f"e.g. {list(LANGS)}")
    twice = [lang for number, lang in enumerate(languages) if lang in languages[:number]]
    if twice:
        raise DataError(where, f"{key} lists {twice[0]!r} twice")
