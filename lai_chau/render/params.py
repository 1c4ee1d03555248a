"""Report parameters checked before anything runs: names and annotated types against the
notebook, values against the allowed lists (ALLOWED), by `lai-chau render` and by the notebook's
own first cell after `parameters` (`checked`), so plain papermill refuses the same values."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lai_chau.base import paths
from lai_chau.base.errors import UsageError
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


def _periods() -> list[str]:
    from lai_chau.analysis.periods import periods

    return list(periods()["period"])


def _panel_indicators() -> list[str]:
    from lai_chau.data import reference

    names = reference.indicators()
    return list(names.loc[names["measure"] == "growth_yoy", "indicator"])


def _vintages() -> list[str]:
    from lai_chau.analysis.vocabulary import VINTAGES

    return list(VINTAGES)


# Allowed values of the parameters notebooks share, by parameter name. A list parameter's items
# must each be allowed. A notebook parameter not named here is checked for its type only.
ALLOWED: dict[str, Callable[[], Sequence[str]]] = {
    "lang": lambda: LANGS,
    "baseline": _baselines,
    "indicators": _indicators,
    "figure_ids": _figure_ids,
    "peer_indicator": _peer_indicators,
    "verdicts": _verdicts,
    "period": _periods,
    "vintage": _vintages,
    "indicator": _panel_indicators,
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


# --- inside a notebook --------------------------------------------------------------------------

class ParameterError(UsageError):
    """Bad notebook parameters: shown in the notebook as the message alone (no traceback)."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"ParameterError: {self}"]


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The `parameters` cell of `notebook` as papermill.inspect_notebook gives it (name ->
    inferred_type_name, default), read with `ast` (no papermill import)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            break
    else:
        return {}
    declared = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = {"inferred_type_name": ast.unparse(node.annotation),
                                        "default": ast.unparse(node.value) if node.value else None}
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = {"inferred_type_name": "None",
                                           "default": ast.unparse(node.value)}
    return declared


def _injected(namespace: dict[str, Any]) -> list[str]:
    """The names papermill injected: the assignments of the last cell IPython ran that starts
    with papermill's `# Parameters` header (none when the notebook runs in JupyterLab)."""
    for source in reversed(list(namespace.get("In") or [])):
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
    return []


def _as_list(value: Any, annotation: str) -> Any:
    """A list parameter given as one string ('a' or 'a,b', as `papermill -p` passes it) becomes
    a list; anything else is left for the type check."""
    if isinstance(value, str) and re.fullmatch(r"(?:list|List|tuple|Tuple)\[.*\]", annotation):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def checked(notebook: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """The parameters of `notebook` (a file of notebooks/) as the kernel holds them, checked as
    `lai-chau render` checks them: ParameterError listing every problem (unknown names, wrong
    types, values not allowed) otherwise. Called by the cell after `parameters`, with
    `globals()`: a name papermill injected (its `# Parameters` cell, in IPython's history
    `In`) that the notebook does not declare is refused.
    Returns the values by name and rebinds them in `namespace`, a list parameter given as a
    string made a list."""
    from lai_chau.present.matrix import load_matrix

    path = paths.NOTEBOOKS / notebook
    declared = declared_parameters(path)
    values = {name: _as_list(namespace.get(name), declared[name]["inferred_type_name"])
              for name in declared if name in namespace}
    unknown = sorted(name for name in _injected(namespace) if name not in declared)
    entries = [r.entry for r in load_matrix().reports if r.notebook == notebook]
    report = entries[0] if entries else path.stem
    lang = values.get("lang", "?")
    problems = check_parameters(report, str(lang), path, {**values, **{
        name: namespace[name] for name in unknown}}, declared)
    if problems:
        raise ParameterError("\n".join(problems))
    namespace.update(values)  # a list given as one string is now the list the notebook uses
    return values
