"""A Jupyter server extension serving the chart JavaScript to JupyterLab: same origin, offline.

Charts in JupyterLab (lai_chau.present.charts, `lab` mode) are small HTML snippets whose script
loads `<base url>/lai-chau/static/vega-<vl-convert version>.js` once per page when the page has
no `vegaEmbed`. This extension answers that URL with lai_chau.present.vega's bundle (Vega 6,
Vega-Lite 6, vega-embed 7 from vl-convert, read from the project cache), so charts draw with no
network, after a reload, in a second tab, after a kernel restart and from a saved notebook,
while the notebook keeps only the chart specs.

It is enabled for every `jupyter lab` / `jupyter server` of the environment by the file
`etc/jupyter/jupyter_server_config.d/lai-chau.json` that the package installs (pip, also editable),
or by hand: `jupyter server extension enable --sys-prefix lai_chau.render.lab`. The file is
public like the server's own /static files (no token needed; it is vl-convert's published
JavaScript) and the same bytes for a given vl-convert version, so the browser caches it.
"""

from __future__ import annotations

from typing import Any

from lai_chau.present.vega import ROUTE, bundle_path, javascript_bundle

NAME = "lai_chau.render.lab"
CACHE_SECONDS = 365 * 24 * 3600


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """What jupyter_server loads from this package: this module."""
    return [{"module": NAME}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Add the bundle's route to a running Jupyter server."""
    from jupyter_server.utils import url_path_join

    web_app = serverapp.web_app
    base = web_app.settings.get("base_url", "/")
    pattern = url_path_join(base, ROUTE, r"vega-([^/]+)\.js")
    web_app.add_handlers(".*$", [(pattern, handler_class())])
    serverapp.log.info("lai-chau: chart JavaScript at %s", url_path_join(base, bundle_path()))


def handler_class() -> type:
    """The tornado handler of the bundle's route: a plain RequestHandler (public, like the
    server's own /static files; built lazily, tornado is imported only inside a server)."""
    from tornado import web

    class BundleHandler(web.RequestHandler):
        """GET the chart JavaScript of this version; 404 naming the served one otherwise."""

        def get(self, version: str) -> None:
            wanted = bundle_path()
            if f"{ROUTE}/vega-{version}.js" != wanted:
                raise web.HTTPError(404, f"this server has {wanted}, not vega-{version}.js "
                                         "(re-run the notebook to refresh its charts)")
            body = javascript_bundle().encode("utf-8")
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", f"public, max-age={CACHE_SECONDS}, immutable")
            self.finish(body)  # tornado adds an ETag and answers If-None-Match with 304

    return BundleHandler
