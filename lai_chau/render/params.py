"""Report parameters checked before anything runs: names and annotated types against the
notebook, values against the allowed lists (ALLOWED)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lai_chau.sources.numerals import LANGS


def _figure_ids() -> list[str]:
    import lai_chau

    return list(lai_chau.figures()["id"])


def _indicators() -> list[str]:
    import lai_chau

    return list(dict.fromkeys(lai_chau.figures()["indicator"]))


def _baselines() -> list[str]:
    from lai_chau.analysis.vocabulary import BASELINES

    return list(BASELINES)


def _peer_indicators() -> list[str]:
    from lai_chau.data import reference

    peers = set(reference.provinces()["indicator"])
    return [i for i in _indicators() if i in peers]


def _verdicts() -> list[str]:
    from lai_chau.analysis.vocabulary import VERDICTS

    return list(VERDICTS)


# Allowed values of the parameters notebooks share, by parameter name. A list parameter's items
# must each be allowed. A notebook parameter not named here is checked for its type only.
ALLOWED: dict[str, Callable[[], Sequence[str]]] = {
    "lang": lambda: LANGS,
    "baseline": _baselines,
    "indicators": _indicators,
    "figure_ids": _figure_ids,
    "peer_indicator": _peer_indicators,
    "verdicts": _verdicts,
}


def _type_problem(value: Any, annotation: str) -> str | None:
    """Why `value` does not fit a parameter annotated `annotation` ('str', 'list[str]'...)."""
    simple: dict[str, tuple[type, ...]] = {
        "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
    }
    shown = f"{type(value).__name__} {value!r}"
    if annotation in simple:
        wanted = simple[annotation]
        if not isinstance(value, wanted) or (annotation != "bool" and isinstance(value, bool)):
            return f"expected {annotation}, got {shown}"
        return None
    match = re.fullmatch(r"(?:list|List|tuple|Tuple)\[(\w+)(?:,\s*\.\.\.)?\]", annotation)
    if match:
        if not isinstance(value, list | tuple):
            return f"expected {annotation}, got {shown}"
        for item in value:
            problem = _type_problem(item, match.group(1))
            if problem:
                return f"expected {annotation}; an item: {problem}"
    return None  # other annotations (unions, Optional...) are left to the notebook


def check_parameters(
    report: str, lang: str, notebook: Path, parameters: dict[str, Any], declared: dict[str, Any]
) -> list[str]:
    """Every problem of running `notebook` with `parameters`, as messages naming the report,
    the parameter and what is allowed. `declared` is papermill.inspect_notebook(notebook)."""
    where = f"report {report!r} ({lang}), {notebook.name}"
    if not declared:
        return [f"{where}: no 'parameters' cell; a report notebook declares its parameters in "
                "one cell tagged 'parameters' (the second cell)"]
    problems = []
    names = sorted(declared)
    for name, value in parameters.items():
        if name not in declared:
            problems.append(f"{where}: unknown parameter {name!r}; the notebook takes: "
                            f"{', '.join(names)}")
            continue
        annotation = declared[name].get("inferred_type_name") or "None"
        if annotation == "None":
            problems.append(f"{where}: parameter {name!r} has no type annotation in the "
                            f"notebook; write e.g. `{name}: str = ...  # what it is`")
            continue
        problem = _type_problem(value, annotation)
        if problem:
            problems.append(f"{where}: parameter {name!r}: {problem}")
            continue
        if name in ALLOWED:
            allowed = list(ALLOWED[name]())
            values = value if isinstance(value, list | tuple) else [value]
            bad = [v for v in values if v not in allowed]
            if bad:
                problems.append(f"{where}: parameter {name!r} = {bad[0]!r} is not allowed; "
                                f"expected one of: {', '.join(map(str, allowed))}")
    return problems
