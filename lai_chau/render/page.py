"""An executed notebook as an offline HTML page (nbconvert, the lai-chau template), the checks a
page must pass before it is published, and reports/index.html."""

from __future__ import annotations

import copy
import html
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from lai_chau.base import paths
from lai_chau.present.i18n import capital, period_text, text
from lai_chau.present.matrix import Matrix, _article_period

TEMPLATE = "lai-chau"
REMOVE_TAGS = ("parameters", "injected-parameters", "remove-cell")
MAX_BYTES = 1_500_000
VOLATILE_KEYS = ("papermill", "execution", "ExecuteTime", "widgets")
# A report must load nothing over the network: no remote script, stylesheet, image, frame,
# object, poster or form target; `href` only on links (<a>), which the reader follows or not; no
# remote `url(...)` or `@import` in CSS; no remote `url` in a chart spec (Vega would fetch its
# data). check_page() looks at the markup, CSS and specs only, never at escaped text.
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"url\(\s*[\"']?\s*(?:https?:)?//[^)]*\)?|@import\s+(?:url\()?\s*[\"']?"
                         r"\s*(?:https?:)?//\S*", re.IGNORECASE)
_JS_URL_KEY = re.compile(r"\\?\"url\\?\"\s*:\s*\\?\"(?:https?:)?//[^\"\\]*", re.IGNORECASE)
_FETCHING_ATTRIBUTES = ("src", "srcset", "data", "poster", "action", "formaction", "xlink:href",
                        "background", "manifest", "codebase", "archive", "ping")
_CHART_SPEC = re.compile(r"var spec = (\{.*?\});\n", re.DOTALL)


def _clean(nb: Any, title: str) -> Any:
    """A copy of the executed notebook without what differs between runs (timings, counts,
    stderr noise), titled for the page."""
    nb = copy.deepcopy(nb)
    for key in VOLATILE_KEYS:
        nb.metadata.pop(key, None)
    nb.metadata["title"] = title
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):  # plan() refuses such notebooks; never a random id on the page
            cell["id"] = f"cell-{index}"
        for key in VOLATILE_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = [o for o in cell.outputs
                        if not (o.output_type == "stream" and o.get("name") == "stderr")]
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = None
    return nb


_exporter_lock = threading.Lock()
_exporters: list[Any] = []


def _exporter() -> Any:
    """The process's HTML exporter: compiling its template chain (lab + lai-chau) takes ~0.25 s,
    so it is built once. Not thread-safe (it registers per-notebook filters): use it under
    _exporter_lock."""
    if not _exporters:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
        config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        _exporters.append(HTMLExporter(config=config, template_name=TEMPLATE,
                                       extra_template_basedirs=[str(paths.TEMPLATES)]))
    return _exporters[0]


def to_html(nb: Any, lang: str, title: str, bundle: str) -> str:
    """The page of an executed notebook: outputs only, in `lang`, chart JavaScript once."""
    clean = _clean(nb, title)
    has_charts = any('class="lc-chart"' in str(o.get("data", {}).get("text/html", ""))
                     for c in clean.cells if c.cell_type == "code" for o in c.outputs)
    resources = {"lai_chau_vega_js": bundle if has_charts else ""}
    with _exporter_lock:
        exporter = _exporter()
        exporter.language_code = lang
        body, _ = exporter.from_notebook_node(clean, resources=resources)
    return body


def check_page(page: str, bundle: str | None = None) -> str | None:
    """Why a page cannot be published (too big, loads from the network), or None. `bundle` is the
    chart library's own script (vl-convert's), which is not searched."""
    size = len(page.encode("utf-8"))
    if size > MAX_BYTES:
        return f"the page is {size / 1e6:.2f} MB, over the {MAX_BYTES / 1e6:.1f} MB budget"
    finder = _RemoteFinder(bundle)
    finder.feed(page)
    finder.close()
    if finder.found:
        return f"the page loads from the network: {finder.found[0]}"
    return None


class _RemoteFinder(HTMLParser):
    """Collects what in a page's markup, CSS or chart specs would be fetched from the network."""

    def __init__(self, bundle: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.bundle = bundle.strip() if bundle else None
        self.found: list[str] = []
        self._raw_tag: str | None = None
        self._raw: list[str] = []
        self._raw_line = 0

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            fetching = name in _FETCHING_ATTRIBUTES or (name == "href" and tag != "a")
            if fetching and (_REMOTE.match(value) or (name == "srcset" and "//" in value and
                                                      any(_REMOTE.match(part) for part in
                                                          value.split(",")))):
                self.found.append(f"<{tag} {name}={value[:80]!r}> ({self._where()})")
            elif name == "style" and _CSS_REMOTE.search(value):
                self.found.append(f"<{tag} style> {_CSS_REMOTE.search(value).group(0)[:80]!r} "
                                  f"({self._where()})")
        if tag in ("script", "style"):
            self._raw_tag, self._raw, self._raw_line = tag, [], self.getpos()[0]

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._raw_tag:
            self._raw.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._raw_tag:
            return
        content, self._raw_tag = "".join(self._raw), None
        where = f"line {self._raw_line}"
        if tag == "style":
            match = _CSS_REMOTE.search(content)
            if match:
                self.found.append(f"<style> {match.group(0)[:80]!r} ({where})")
            return
        if self.bundle and content.strip() == self.bundle:
            return
        spec = _CHART_SPEC.search(content)
        if spec:
            try:
                parsed = json.loads(spec.group(1))
            except ValueError:
                parsed = None
            if parsed is not None:
                for path, url in _spec_urls(parsed):
                    self.found.append(f"a chart spec's {path} = {url[:80]!r} ({where})")
                return
        match = _JS_URL_KEY.search(content)
        if match:
            self.found.append(f"<script> {match.group(0)[:80]!r} ({where})")


def _spec_urls(node: Any, path: str = "spec") -> list[tuple[str, str]]:
    """(path, value) of every remote `url` in a Vega(-Lite) spec, at any depth."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key == "url" and isinstance(value, str) and _REMOTE.match(value):
                found.append((here, value))
            else:
                found += _spec_urls(value, here)
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += _spec_urls(value, f"{path}[{number}]")
    return found


def bundle() -> str:
    """The chart JavaScript a page with charts carries (cached by lai_chau.present.vega)."""
    from lai_chau.present.vega import javascript_bundle

    return javascript_bundle()


INDEX_CSS = """
body { font-family: "Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1f2a28;
  max-width: 760px; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
a { color: #1b6e5a; } .missing { color: #5b6664; }
"""


def index_page(matrix: Matrix, output: Path) -> str:
    """reports/index.html: every report of the matrix in each language (deterministic)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(matrix.languages[0], quote=True)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(text('index_title', 'vi'))} · "
        f"{html.escape(text('index_title', 'en'))}</title>",
        f"<style>{INDEX_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    for lang in matrix.languages:
        parts.append(f'<section lang="{lang}">')
        level = 1 if lang == matrix.languages[0] else 2
        parts.append(f"<h{level}>{html.escape(text('index_title', lang))}</h{level}>")
        for period, reports in matrix.groups():
            reports = [r for r in reports if lang in r.languages]
            if not reports:
                continue
            if period is None:
                group = text("index_all_periods", lang)
            elif period == _article_period():
                group = text("index_article", lang, period=capital(period_text(period, lang)))
            else:
                group = capital(period_text(period, lang))
            parts.append(f"<h{level + 1}>{html.escape(group)}</h{level + 1}>")
            parts.append("<ul>")
            for report in reports:
                title = html.escape(report.titles[lang])
                href = f"{lang}/{report.name}.html"
                if (Path(output) / href).is_file():
                    parts.append(f'<li><a href="{href}">{title}</a></li>')
                else:
                    missing = html.escape(text("not_rendered", lang))
                    parts.append(f'<li class="missing">{title} ({missing})</li>')
            parts.append("</ul>")
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
