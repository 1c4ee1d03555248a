"""The Vega, Vega-Lite and vega-embed JavaScript (from vl-convert, offline) and script-safe JSON."""

from __future__ import annotations

import json
import threading
from typing import Any

_lock = threading.Lock()
_bundle: list[str] = []


# Where a Jupyter server with the lai-chau extension (lai_chau.render.lab) serves the bundle, below
# its base URL; the file name carries vl-convert's version, so a browser may cache it for good.
ROUTE = "lai-chau/static"


def bundle_version() -> str:
    """The version of the bundle: vl-convert-python's (it fixes Vega, Vega-Lite, vega-embed)."""
    from importlib import metadata

    try:
        return metadata.version("vl-convert-python")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of the package
        return "unknown"


def bundle_path() -> str:
    """The bundle's URL path below a Jupyter server's base URL: `lai-chau/static/vega-<v>.js`."""
    return f"{ROUTE}/vega-{bundle_version()}.js"


def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script that defines `window.vegaEmbed`.

    From `vl_convert.javascript_bundle()` (~0.9 MB; about 1.3 s on the first call in a process,
    so the result is kept in the project cache, keyed by vl-convert's version: every later
    process, render or kernel, reads it in a millisecond). Wrapped in a function so its top-level
    names cannot clash when a page runs it twice, and skipped when vegaEmbed is already defined.
    Safe to inline in an HTML <script> element.
    """
    with _lock:  # built once per process, even when several threads ask at once
        if not _bundle:
            code = _vl_convert_bundle().replace("</script", "<\\/script")
            _bundle.append("if (typeof window.vegaEmbed !== 'function') { (function () {\n"
                           + code + "\n})(); }")
    return _bundle[0]


def _vl_convert_bundle() -> str:
    """vl_convert.javascript_bundle(), from the cache when this version's is there."""
    from lai_chau.base import cache

    version = bundle_version()
    key = f"vl-convert-{version}.js" if version != "unknown" else ""
    cached = cache.read("vega", key) if key else None
    if cached:
        return cached.decode("utf-8")
    import vl_convert

    code = vl_convert.javascript_bundle()
    if key:
        cache.write("vega", key, code.encode("utf-8"))
    return code


def json_for_script(value: Any) -> str:
    """Deterministic JSON that is also safe inside an HTML <script> (`<`, `>`, `&` escaped)."""
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
