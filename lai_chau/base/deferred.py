"""Defer a third-party import that costs about a second and is almost never used: the IRI grammar.

The chain: nbformat (papermill, nbconvert, the render) and altair (every chart kernel) import
`jsonschema`; `jsonschema._format` registers its format checkers at import time and, for the
`iri` and `iri-reference` formats, runs `from rfc3987_syntax import is_valid_syntax`. jupyterlab
requires `jsonschema[format-nongpl]`, which installs `rfc3987-syntax`, and that package builds a
Lark Earley parser for the whole RFC 3987 grammar when it is imported: ~1 s on this machine
(`python -X importtime -c "import altair"`), paid by every process that imports jsonschema, kernels
included. Neither the notebook schema (nbformat) nor the Vega-Lite schema (altair) uses an `iri`
format, so the parser is built and never used.

`defer_iri_grammar()` puts a small stand-in for `rfc3987_syntax` in `sys.modules` before jsonschema
is imported. jsonschema still registers its `iri` checkers (nothing is dropped, no dependency is
removed); the stand-in's `is_valid_syntax` imports the real package on its first call and delegates
to it, as does any other attribute access, so validating an IRI gives the same answer as before,
just paid when (if ever) it is asked for. It changes nothing when rfc3987-syntax is not installed,
when the GPL `rfc3987` package is (jsonschema then prefers it), or once jsonschema or
rfc3987_syntax is already imported. Upstream: python-jsonschema/jsonschema#1428 asks for the lazy
import, and the `rfc3987-syntax2` fork builds its parser lazily.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

MODULE = "rfc3987_syntax"
_lock = threading.RLock()


class _Standin(types.ModuleType):
    """`rfc3987_syntax` until something uses it; then the real module, imported on demand."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    with _lock:
        module = sys.modules.get(MODULE)
        if isinstance(module, _Standin):
            del sys.modules[MODULE]
            try:
                module = importlib.import_module(MODULE)
            except BaseException:
                sys.modules[MODULE] = _standin
                raise
        return module if module is not None else importlib.import_module(MODULE)


def is_valid_syntax(term: str, value: str) -> bool:
    """rfc3987_syntax.is_valid_syntax, with the grammar built on the first call."""
    return bool(_real().is_valid_syntax(term=term, value=value))


_standin = _Standin(MODULE, "Stand-in for rfc3987_syntax (lai_chau.base.deferred): the real module "
                            "is imported on first use.")
_standin.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]


def defer_iri_grammar() -> bool:
    """Install the stand-in if it can still help; True if it is (or already was) in place."""
    with _lock:
        current = sys.modules.get(MODULE)
        if current is _standin:
            return True
        if current is not None or "jsonschema._format" in sys.modules:
            return False  # too late: the grammar is built already (or jsonschema chose)
        if importlib.util.find_spec("rfc3987") is not None:
            return False  # jsonschema uses the regex-based rfc3987 and never imports this
        spec = importlib.util.find_spec(MODULE)
        if spec is None:
            return False  # not installed: jsonschema's ImportError path stays as it is
        # the real package's spec, path and file: find_spec() and submodule imports still work
        _standin.__spec__ = spec
        _standin.__path__ = list(spec.submodule_search_locations or [])
        _standin.__file__ = spec.origin
        sys.modules[MODULE] = _standin
        return True
