"""The package is laid out as its pipeline: imports run one way, down the stages, with no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from lai_chau.base import paths

# The stages, first to last; a module may import only from its own stage or earlier ones.
STAGES = ("base", "sources", "data", "analysis", "present", "render")
TOP = {"lai_chau", "lai_chau.cli", "lai_chau.check", "lai_chau.__main__"}
# Known debt, to shrink and never grow: the analysis still formats its notes and evidence in a
# language (compare's notes, claims' evidence templates) through the interface text. Moving the
# words to lai_chau.present removes these lines; the test fails if one is fixed and left here.
KNOWN_UPWARD = {
    "lai_chau.analysis.claims -> lai_chau.present.i18n",
}
# Functions of the analysis layer that still take the reader's language (the same debt).
KNOWN_LANG = {
    "lai_chau.analysis.compare": {"Lookup.label", "derived", "compare", "_check_args"},
    "lai_chau.analysis.claims": {"Verdict.evidence", "Context.__init__", "_signed", "_basis_name",
                                 "_omitted", "claims", "verdict"},
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(paths.PACKAGE.rglob("*.py")):
        parts = path.relative_to(paths.PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every lai_chau module a file imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name.startswith("lai_chau"):
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _stage(module: str) -> int:
    if module in TOP:
        return len(STAGES)
    parts = module.split(".")
    assert len(parts) >= 2 and parts[1] in STAGES, f"{module} is in no stage"
    return STAGES.index(parts[1])


def test_every_module_belongs_to_a_stage() -> None:
    for module in _graph():
        _stage(module)


def test_imports_run_down_the_pipeline() -> None:
    upward = []
    for module, deps in _graph().items():
        for dep in deps:
            if dep != "lai_chau" and not dep.endswith("__init__") and \
                    _stage(dep) > _stage(module) and dep not in ("lai_chau",):
                upward.append(f"{module} -> {dep}")
    new = sorted(set(upward) - KNOWN_UPWARD)
    assert not new, "imports against the pipeline:\n  " + "\n  ".join(new)
    fixed = sorted(KNOWN_UPWARD - set(upward))
    assert not fixed, f"no longer imported upward, remove from KNOWN_UPWARD: {fixed}"


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep in ("lai_chau",) or (dep.count(".") == 1 and dep.split(".")[1] in STAGES):
                continue  # a stage's __init__ holds only its docstring
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*stack[stack.index(dep):], dep]))
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n  " + "\n  ".join(cycles)


def test_the_walker_sees_imports_inside_functions() -> None:
    graph = _graph()
    assert "lai_chau.sources.extract" in graph["lai_chau.data.validate"]


def _functions_taking_lang(path: Path) -> set[str]:
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node: ast.AST, prefix: str = "") -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                args = [a.arg for a in (*child.args.args, *child.args.kwonlyargs)]
                if "lang" in args and not prefix.count("."):
                    found.add(child.name)
                elif "lang" in args:
                    found.add(f"{prefix}{child.name}")
    visit(tree)
    return found


def test_the_analysis_layer_takes_no_language_but_the_known_debt() -> None:
    modules = _modules()
    for name, path in modules.items():
        if not name.startswith("lai_chau.analysis."):
            continue
        taking = _functions_taking_lang(path)
        known = KNOWN_LANG.get(name, set())
        assert taking <= known, f"{name}: new functions taking `lang`: {sorted(taking - known)}"
        assert known <= taking, f"{name}: no longer take `lang`, update KNOWN_LANG: " \
            f"{sorted(known - taking)}"
