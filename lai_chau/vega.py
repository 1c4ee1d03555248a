"""The Vega, Vega-Lite and vega-embed JavaScript (from vl-convert, offline) and script-safe JSON."""

from __future__ import annotations

import json
import threading
from typing import Any

_lock = threading.Lock()
_bundle: list[str] = []


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script that defines `window.vegaEmbed`.

    From `vl_convert.javascript_bundle()` (~0.9 MB; about 1.5 s on the first call in a process).
    Wrapped in a function so its top-level names cannot clash when a page runs it twice, and
    skipped when vegaEmbed is already defined. Safe to inline in an HTML <script> element.
    """
    with _lock:  # built once per process, even when several threads ask at once
        if not _bundle:
            import vl_convert

            code = vl_convert.javascript_bundle().replace("</script", "<\\/script")
            _bundle.append("if (typeof window.vegaEmbed !== 'function') { (function () {\n"
                           + code + "\n})(); }")
    return _bundle[0]


def json_for_script(value: Any) -> str:
    """Deterministic JSON that is also safe inside an HTML <script> (`<`, `>`, `&` escaped)."""
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
