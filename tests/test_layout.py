"""The package is laid out as its pipeline: imports run one way, down the stages, with no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lai_chau.base import paths

# The stages, first to last; a module may import only from its own stage or earlier ones.
STAGES = ("base", "sources", "data", "analysis", "present", "render")
TOP = {"lai_chau", "lai_chau.cli", "lai_chau.check", "lai_chau.__main__"}
# Known debt, to shrink and never grow (the test fails if an entry is fixed and left here).
KNOWN_UPWARD: set[str] = set()
# Functions of the analysis layer that still take the reader's language (the same debt).
KNOWN_LANG: dict[str, set[str]] = {}


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
            if dep.count(".") == 1 and dep.split(".")[1] in STAGES:
                continue  # a stage's package holds only its docstring
            if dep != "lai_chau" and _stage(dep) > _stage(module):
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


# --- interface text: one catalogue per language ---------------------------------------------

def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    import tomllib

    from lai_chau.present import i18n
    from lai_chau.sources.numerals import LANGS

    files = sorted(i18n.LOCALES.glob("*.toml"))
    assert [p.stem for p in files] and set(LANGS) == {p.stem for p in files}
    catalogues = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in files}
    reference = catalogues[LANGS[0]]
    for lang, cat in catalogues.items():
        assert set(cat) == set(reference), f"{lang}.toml sections: {set(cat) ^ set(reference)}"
        for section, texts in reference.items():
            missing = set(texts) ^ set(cat[section])
            assert not missing, f"{lang}.toml [{section}] keys differ: {sorted(missing)}"
            for key, text in texts.items():
                if section == "periods":  # grammar differs: any of the documented placeholders
                    assert _placeholders(cat[section][key]) <= i18n.PERIOD_PLACEHOLDERS, \
                        f"{lang}.toml [periods] {key}: unknown placeholder"
                    continue
                assert _placeholders(cat[section][key]) == _placeholders(text), \
                    f"{lang}.toml [{section}] {key}: placeholders differ"


def test_no_interface_text_is_typed_in_code() -> None:
    # a dict literal {"vi": ..., "en": ...} in a module is text that belongs in the catalogues
    offenders = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and {getattr(k, "value", None) for k in node.keys} == \
                    {"vi", "en"} and all(isinstance(v, ast.Constant | ast.JoinedStr)
                                         for v in node.values):
                offenders.append(f"{name}:{node.lineno}")
    assert not offenders, f"interface text outside present/locales: {offenders}"


def test_a_missing_key_in_a_language_file_is_named(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from lai_chau.base.errors import DataError
    from lai_chau.present import i18n

    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    en = tmp_path / "locales" / "en.toml"
    en.write_text(en.read_text(encoding="utf-8").replace('\nsource = "Source"', ""),
                  encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(DataError, match=r"en\.toml: \[text\] has no 'source'"):
            i18n._section("text")
    finally:
        i18n.catalogue.cache_clear()


def test_every_module_the_makefile_and_readme_run_exists() -> None:
    import importlib.util
    import re

    text = "\n".join((paths.ROOT / name).read_text(encoding="utf-8")
                     for name in ("Makefile", "README.md", ".ci/run"))
    for module in set(re.findall(r"python -m (lai_chau[\w.]*)", text)):
        assert importlib.util.find_spec(module) is not None, f"`python -m {module}` names no module"


def test_no_module_over_about_400_lines_without_a_reason() -> None:
    long = []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400 and "Why one module of" not in (ast.get_docstring(
                ast.parse(text)) or ""):
            long.append(f"{name} ({text.count(chr(10))} lines)")
    assert not long, f"modules over 400 lines with no reason in their docstring: {long}"


def test_the_old_calls_with_a_language_say_where_the_words_went() -> None:
    from lai_chau.analysis import claims, compare
    from lai_chau.base.errors import UsageError

    with pytest.raises(UsageError, match=r"present\.comparisons\.compare\(baseline, lang\)"):
        compare.compare("national", "en")
    with pytest.raises(UsageError, match=r"lai_chau\.present\.verdicts\.claims\(lang\)"):
        claims.claims("vi")


@pytest.mark.slow
def test_a_third_language_is_one_more_catalogue_file(tmp_path: Path) -> None:
    """Copy a catalogue under another language's code: the CLI, the analysis's words and a render
    take it (labels, titles and the seed's translation fall back to English until the data and
    notebooks/reports.toml have them)."""
    import os
    import shutil
    import subprocess
    import sys
    import tomllib

    from lai_chau.present import i18n

    locales = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, locales)
    shutil.copy(locales / "en.toml", locales / "fr.toml")  # a translator would now translate it
    matrix = tomllib.loads((paths.NOTEBOOKS / "reports.toml").read_text(encoding="utf-8"))
    for name in ("1.0-overview.ipynb", "5.0-claims-check.ipynb"):
        shutil.copy(paths.NOTEBOOKS / name, tmp_path / name)
    entries = [r for r in matrix["report"] if r["name"] in ("overview", "claims")]
    (tmp_path / "reports.toml").write_text('languages = ["fr"]\n' + "".join(
        f'\n[[report]]\nname = "{r["name"]}"\nnotebook = "{r["notebook"]}"\n'
        f'title_fr = "{r["title_en"]}"\n' for r in entries), encoding="utf-8")
    env = {**os.environ, "LAI_CHAU_LOCALES": str(locales)}
    run = [sys.executable, "-m", "lai_chau"]
    claims = subprocess.run([*run, "claims", "--lang", "fr", "--format", "csv"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert claims.returncode == 0, claims.stderr
    assert "Confirmed by a publication independent of the province" in claims.stdout
    out = tmp_path / "out"
    result = subprocess.run([*run, "render", "--matrix", str(tmp_path / "reports.toml"),
                             "--output", str(out)], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    page = (out / "fr" / "overview.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in page and "9,15" in page  # French CLDR: a decimal comma
    assert (out / "fr" / "claims.html").stat().st_size > 100_000
