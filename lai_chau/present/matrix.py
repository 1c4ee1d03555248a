"""The report matrix (notebooks/reports.toml): which reports exist, their notebooks, titles in
each language and parameters."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lai_chau.analysis.vocabulary import PERIOD, period_order
from lai_chau.base import paths
from lai_chau.base.errors import DataError, unknown
from lai_chau.sources.numerals import LANGS

MATRIX = paths.NOTEBOOKS / "reports.toml"
KERNEL = "lai-chau"


@dataclass(frozen=True)
class Report:
    """One report of the matrix: a notebook rendered with these parameters in each language.
    A [[report]] entry with `periods` gives one Report per period: `entry` is the entry's name,
    `period` the period it covers (None: every period, or no period at all)."""

    name: str
    notebook: str
    titles: dict[str, str]
    parameters: dict[str, Any]
    languages: tuple[str, ...]
    period: str | None = None
    entry: str = ""
    check_periods: bool = False


@dataclass(frozen=True)
class Matrix:
    """The report matrix file, parsed."""

    path: Path
    languages: tuple[str, ...]
    kernel: str
    reports: tuple[Report, ...]

    def report(self, name: str, period: str | None = None) -> Report:
        """The report called `name` (or the report of entry `name` for `period`); UsageError
        listing the known names otherwise."""
        for item in self.reports:
            if item.name == name and (period is None or item.period in (None, period)):
                return item
            if period is not None and item.entry == name and item.period == period:
                return item
        raise unknown("report", name, [r.name for r in self.reports])

    def select(self, name: str) -> list[Report]:
        """The reports `name` picks: the report of that name, or a shell-style pattern
        (`vs-national*`: the entry's report for every period)."""
        import fnmatch

        found = [r for r in self.reports if r.name == name] or \
            [r for r in self.reports if fnmatch.fnmatchcase(r.name, name)]
        if not found:
            raise unknown("report", name, [r.name for r in self.reports], _show(self.path))
        return found

    def groups(self) -> list[tuple[str | None, list[Report]]]:
        """The reports grouped by period, as the index lists them: reports of every period
        first (period None), then the article's period, then the others, latest first."""
        periods = {r.period for r in self.reports}
        ordered = [None] if None in periods else []
        article = _article_period()
        if article in periods:
            ordered.append(article)
        ordered += sorted((p for p in periods if p not in (None, article)), key=period_order,
                          reverse=True)
        return [(p, [r for r in self.reports if r.period == p]) for p in ordered]


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
    top_keys = {"languages", "kernel", "report", "min_figures"}
    extra = sorted(set(raw) - top_keys)
    if extra:
        raise DataError(where, f"unknown top-level key {extra[0]!r}; expected: "
                               f"{', '.join(sorted(top_keys))}")
    languages = raw.get("languages", list(LANGS))
    _check_languages(where, "'languages'", languages)
    kernel = raw.get("kernel", KERNEL)
    if not isinstance(kernel, str) or not kernel:
        raise DataError(where, f"'kernel' must name a Jupyter kernel, got {kernel!r}")
    min_figures = raw.get("min_figures", 1)
    if not isinstance(min_figures, int) or isinstance(min_figures, bool) or min_figures < 1:
        raise DataError(where, f"'min_figures' must be a whole number of at least 1 (the Lai "
                               f"Châu figures a period needs to get its reports), got "
                               f"{min_figures!r}")
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
        allowed_keys = {"name", "notebook", "parameters", "languages", "periods", "span",
                        "check_periods"} | {
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
        titles = {k: v for k, v in titles.items() if v}
        span = entry.get("span")
        if span not in (None, "all"):
            raise DataError(where, f"{label}: 'span' can only be \"all\" (a report on every "
                                   f"period), got {span!r}")
        if span and "periods" in entry:
            raise DataError(where, f"{label}: give 'span' or 'periods', not both")
        if "periods" not in entry:  # a report of the article's period, or of every period
            reports.append(Report(name, notebook, titles, dict(parameters), tuple(langs),
                                  None if span else _article_period(), name))
            continue
        if "period" in parameters:
            raise DataError(where, f"{label}: give the periods in 'periods', not as a "
                                   "'period' parameter")
        checked = entry.get("check_periods", False)
        if not isinstance(checked, bool):
            raise DataError(where, f"{label}: 'check_periods' must be true or false (keep a copy "
                                   f"per period in notebooks/periods/ for nbval), got {checked!r}")
        for period in _periods(where, label, entry["periods"], min_figures):
            article = period == _article_period()
            reports.append(Report(
                name if article else f"{name}-{period.lower()}", notebook,
                {lang: _title(title, period, lang) for lang, title in titles.items()},
                {**parameters, "period": period}, tuple(langs), period, name, checked))
    for first, report in enumerate(reports):
        if any(r.name == report.name for r in reports[:first]):
            raise DataError(where, f"report {report.name!r} is listed twice (a report of a "
                                   "period is named <name>-<period>)")
    return Matrix(path, tuple(languages), kernel, tuple(reports))


def _period_facts() -> dict[str, Any]:
    """The article's period and Lai Châu's figures per period (lai_chau.analysis.periods), kept
    in the project cache by the content of the files they come from, so that a render with
    nothing to do reads the matrix without loading pandas."""
    import hashlib
    import json

    from lai_chau.base import cache

    digest = hashlib.sha256()
    sources = [paths.DATA / name for name in ("figures.csv", "panel.csv", "datapackage.json")]
    for source in [*sources, paths.PACKAGE / "analysis" / "periods.py"]:
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"missing")
    key = digest.hexdigest() + ".json"
    cached = cache.read("periods", key)
    if cached:
        return json.loads(cached)
    from lai_chau.analysis.periods import article_period, periods

    table = periods()
    facts = {"article": article_period(),
             "figures": [[str(p), int(n)] for p, n in zip(table["period"], table["figures"],
                                                          strict=True)]}  # in time order
    cache.write("periods", key, json.dumps(facts).encode())
    return facts


def _article_period() -> str:
    return str(_period_facts()["article"])


def _title(title: str, period: str, lang: str) -> str:
    from lai_chau.present.i18n import period_text

    return title.replace("{period}", period_text(period, lang))


def _periods(where: str, label: str, periods: Any, min_figures: int) -> list[str]:
    """The periods of an entry: "all" (every period with at least `min_figures` Lai Châu
    figures, the article's first) or a list of periods that have Lai Châu figures."""
    counts: dict[str, int] = dict(_period_facts()["figures"])  # in time order
    known = list(counts)
    article = _article_period()
    if periods == "all":
        enough = [p for p, n in counts.items() if n >= min_figures]
        return [article, *[p for p in enough if p != article]]
    if not isinstance(periods, list) or not periods or \
            not all(isinstance(p, str) for p in periods):
        raise DataError(where, f"{label}: 'periods' must be \"all\" or a list of periods like "
                               f"[\"2022H1\", \"2025H1\"], got {periods!r}")
    for period in periods:
        if not PERIOD.fullmatch(period) or period not in known:
            raise DataError(where, f"{label}: period {period!r} has no Lai Châu figures; "
                                   f"periods that have them: {', '.join(known)}")
    if len(set(periods)) != len(periods):
        raise DataError(where, f"{label}: 'periods' lists a period twice")
    return list(periods)


def _check_languages(where: str, key: str, languages: Any) -> None:
    """A non-empty list of distinct strings (which languages are allowed is checked by plan())."""
    if not isinstance(languages, list) or not languages or \
            not all(isinstance(lang, str) for lang in languages):
        raise DataError(where, f"{key} must be a non-empty list of language codes, "
                               f"e.g. {list(LANGS)}")
    twice = [lang for number, lang in enumerate(languages) if lang in languages[:number]]
    if twice:
        raise DataError(where, f"{key} lists {twice[0]!r} twice")
