"""The lai-chau template's nbconvert preprocessor: any executed notebook becomes the offline page.

`jupyter nbconvert --to html --template lai-chau executed.ipynb` (the template is installed into
the environment's share/jupyter/nbconvert/templates by `make install` or pip) runs this
preprocessor, named in the template's conf.json. It does what `lai-chau render` configures
itself (lai_chau.render.page), so a notebook executed anywhere (JupyterLab, papermill, nbval)
gives the report page: cells tagged `parameters`, `injected-parameters` or `remove-cell` removed,
stderr noise dropped, the Vega bundle once in <head> when there are charts (the template reads
`resources.lai_chau_vega_js`), and the page's `lang` from papermill's `lang` parameter. The
template itself hides code and prompts. For `lai-chau render` it changes nothing: the render has
removed and cleaned all of this already and passes the bundle and language itself.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor

from lai_chau.render.page import REMOVE_TAGS, bundle

CHART_MARK = 'class="lc-chart"'


def _html(output: Any) -> str:
    value = output.get("data", {}).get("text/html", "")
    return "".join(value) if isinstance(value, list) else str(value)


class OfflinePage(Preprocessor):
    """Remove the cells a reader does not see and give the page its chart JavaScript."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """The notebook without hidden cells and stderr; `resources` with the bundle (when the
        notebook has charts and no bundle was given) and the notebook's language."""
        from lai_chau.sources.numerals import LANGS

        nb.cells = [cell for cell in nb.cells
                    if not set(cell.get("metadata", {}).get("tags", [])) & set(REMOVE_TAGS)]
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell.outputs = [o for o in cell.get("outputs", [])
                                if not (o.get("output_type") == "stream"
                                        and o.get("name") == "stderr")]
        if "lai_chau_vega_js" not in resources:
            charts = any(CHART_MARK in _html(output) for cell in nb.cells
                         for output in cell.get("outputs", []))
            resources["lai_chau_vega_js"] = bundle() if charts else ""
        lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang")
        if lang in LANGS:
            resources["language_code"] = lang
        return nb, resources
