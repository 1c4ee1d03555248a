"""Chart specs through `to_dict()`: marks, typed encodings, tooltips, title, source line, locale."""

from __future__ import annotations

import html
import json
from typing import Any

import altair as alt
import pandas as pd
import pytest

import lai_chau
from lai_chau.base.errors import UsageError
from lai_chau.present import charts
from lai_chau.present.i18n import text
from lai_chau.sources.numerals import format_number


def _growth() -> pd.DataFrame:
    figures = lai_chau.figures()
    return figures[figures["measure"] == "growth_yoy"]


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["layer"]


def _every_layer_has_tooltips(spec: dict[str, Any]) -> None:
    for layer in _layers(spec):
        tooltip = layer["encoding"].get("tooltip")
        assert tooltip, f"layer with mark {layer['mark']} has no tooltip"
        assert all(t["type"] in {"nominal", "quantitative", "ordinal"} for t in tooltip)


def _comparison_rows(lang: str) -> pd.DataFrame:
    """The national comparison (lai_chau.analysis.compare) in percent: like for like and proxies."""
    from lai_chau.present import comparisons

    rows = comparisons.compare("national", lang)
    rows = rows[(rows["unit"] == "percent") & (rows["baseline_unit"] == "percent")
                & rows["comparability"].isin(["same", "proxy"])]  # context rows have no gap
    assert set(rows["comparability"]) == {"same", "proxy"}, "the test needs both kinds"
    return rows


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_figure_bars_spec(lang: str) -> None:
    growth = _growth()
    spec = charts.figure_bars(growth, lang=lang, title="Tăng trưởng GRDP và các ngành").to_dict()
    marks = [layer["mark"]["type"] for layer in _layers(spec)]
    assert marks == ["bar", "text"]
    bar = _layers(spec)[0]["encoding"]
    assert bar["x"]["type"] == "quantitative" and bar["x"]["field"] == "value"
    assert bar["y"]["type"] == "nominal" and bar["y"]["field"] == "label"
    assert bar["x"]["title"].endswith("(%)")
    _every_layer_has_tooltips(spec)
    # the title keeps its diacritics; the source line names the source id
    assert spec["title"]["text"] == "Tăng trưởng GRDP và các ngành"
    subtitle = " ".join(spec["title"]["subtitle"])
    assert subtitle.startswith("Nguồn:" if lang == "vi" else "Source:")
    assert "[article]" in subtitle
    # bars sorted largest first, with the labels of the language
    labels = list(growth.sort_values("value", ascending=False)[f"label_{lang}"])
    assert bar["y"]["sort"] == labels
    # the text alternative lists each figure formatted for the language
    top = growth.iloc[0]
    assert f"{top[f'label_{lang}']}: {format_number(top['value'], lang, unit='percent')}" in \
        spec["description"]


@pytest.mark.parametrize(("lang", "decimal", "thousands"), [("vi", ",", "."), ("en", ".", ",")])
def test_locale_travels_with_the_spec(lang: str, decimal: str, thousands: str) -> None:
    spec = charts.figure_bars(_growth(), lang=lang, title="t").to_dict()
    embed = spec["usermeta"]["embedOptions"]["formatLocale"]
    assert (embed["decimal"], embed["thousands"]) == (decimal, thousands)
    assert spec["config"]["locale"]["number"] == embed
    # values are formatted by Vega in that locale, then followed by the unit
    calculate = _layers(spec)[0]["transform"][0]["calculate"]
    assert "format(datum.value" in calculate and "datum.suffix" in calculate


def test_bar_labels_carry_the_unit_of_the_language() -> None:
    figures = lai_chau.figures()
    tonnes = figures[figures["unit"] == "tonnes"]
    for lang in ("vi", "en"):
        chart = charts.figure_bars(tonnes, lang=lang, title="t")
        values = chart.to_dict()["datasets"]
        rows = next(iter(values.values()))
        expected = format_number(float(tonnes["value"].iloc[0]), lang, unit="tonnes")
        number = format_number(float(tonnes["value"].iloc[0]), lang)
        assert {r["suffix"] for r in rows} == {expected.removeprefix(number)}


def test_bar_chart_refuses_mixed_units() -> None:
    figures = lai_chau.figures()
    mixed = figures[figures["unit"].isin(["percent", "pp"])]
    with pytest.raises(UsageError, match="one unit"):
        charts.figure_bars(mixed, lang="vi", title="t")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_comparison_chart_marks_proxies(lang: str) -> None:
    rows = _comparison_rows(lang)
    country = "Cả nước" if lang == "vi" else "Vietnam"
    spec = charts.comparison_chart(rows, lang=lang, title="So sánh", baseline=country).to_dict()
    layers = _layers(spec)
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "point", "point"]
    _every_layer_has_tooltips(spec)
    rule, solid, hollow = layers
    dash = rule["encoding"]["strokeDash"]
    assert dash["type"] == "nominal"
    assert dash["scale"]["domain"] == [text("same", lang), text("proxy", lang)]
    assert dash["scale"]["range"][0] != dash["scale"]["range"][1]
    assert solid["mark"]["filled"] is True and hollow["mark"]["filled"] is False
    assert "proxy" in hollow["transform"][-1]["filter"]
    proxies = int((rows["comparability"] == "proxy").sum())
    assert spec["description"].count(f"({text('proxy', lang)})") == proxies
    for layer in (solid, hollow):
        assert layer["encoding"]["x"]["type"] == "quantitative"
        assert layer["encoding"]["color"]["scale"]["domain"] == ["Lai Châu", country]
    subtitle = " ".join(spec["title"]["subtitle"])
    for source in str(rows["baseline_sources"].iloc[0]).split(";"):
        assert source in subtitle  # the baseline's sources are named too


def test_comparison_chart_refuses_not_comparable_rows_and_mixed_units() -> None:
    rows = _comparison_rows("en")
    odd = rows.assign(comparability=["not_comparable"] + ["same"] * (len(rows) - 1))
    with pytest.raises(UsageError, match="not_comparable"):
        charts.comparison_chart(odd, lang="en", title="t", baseline="Vietnam")
    with pytest.raises(UsageError, match="like units"):
        charts.comparison_chart(rows.assign(baseline_unit="pp"), lang="en", title="t",
                                baseline="Vietnam")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_rank_chart_spec(lang: str) -> None:
    rows = pd.DataFrame({
        "label": ["GRDP", "PCI"], "rank": [15, 40], "total": [63, 63],
        "bound": ["at_most", "exact"], "rank_from": [pd.NA, 41], "source_ids": "article",
    })
    spec = charts.rank_chart(rows, lang=lang, title="Xếp hạng").to_dict()
    layers = _layers(spec)
    assert [layer["mark"]["type"] for layer in layers] == ["bar", "rule", "point", "point", "text"]
    _every_layer_has_tooltips(spec)
    x = layers[0]["encoding"]["x"]
    assert x["type"] == "quantitative" and x["scale"]["domain"] == [1, 63]
    assert x["scale"]["reverse"] is True  # 1 = best, on the right
    assert text("rank_at_most", lang, n=15) in spec["description"]


def test_theme_and_renderer_are_enabled_on_import() -> None:
    assert alt.theme.active == charts.THEME
    assert alt.renderers.active == charts.RENDERER
    config = charts.theme()["config"]
    assert "Noto Sans" in config["font"]


def test_renderer_ids_are_stable_and_the_spec_is_script_safe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = _growth().head(2).assign(label_vi=["</script><script>alert(1)</script>", "b"])
    spec = charts.figure_bars(rows, lang="vi", title="t").to_dict()
    assert charts.chart_id(spec, 0) == charts.chart_id(json.loads(json.dumps(spec)), 0)
    assert charts.chart_id(spec, 0) != charts.chart_id(spec, 1)
    monkeypatch.setenv(charts.MODE_ENV, "report")
    bundle = charts.renderer(spec)
    html = bundle["text/html"]
    assert "<script>alert(1)" not in html and "</script><script>" not in html.split("\n", 3)[-1]
    assert html.count("<script>") == 1  # no bundle in report mode: the page carries it
    assert "vegaEmbed(el, spec, opts)" in html
    assert bundle["text/plain"] == spec["description"]


def test_lab_mode_loads_the_bundle_from_the_jupyter_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from lai_chau.present import vega

    monkeypatch.setenv(charts.MODE_ENV, "lab")
    spec = charts.figure_bars(_growth(), lang="en", title="t").to_dict()
    first, second = charts.renderer(spec)["text/html"], charts.renderer(spec)["text/html"]
    # every chart the same small snippet: no bundle in any output, whichever comes first
    assert first != second and len(first) == len(second) < 20_000  # another id, same size
    assert vega.javascript_bundle()[:200] not in first
    path = vega.bundle_path()
    assert path == f"lai-chau/static/vega-{vega.bundle_version()}.js"
    assert f'script.src = base + "{path}"' in first  # below the server's base URL, same origin
    assert "src=" not in first.replace("script.src", "")  # no <script src=...> in the markup
    assert 'typeof window.vegaEmbed === "function") { draw(); return; }' in first
    assert first.count('class="lc-chart"') == 1
    assert html.escape(spec["description"]) in first  # the text alternative until drawn


def test_unknown_chart_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(charts.MODE_ENV, "cdn")
    with pytest.raises(UsageError, match="lab, report"):
        charts.mode()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_peer_bars_highlight_the_province_and_draw_the_national_rule(lang: str) -> None:
    from lai_chau.present import pages

    rows = pages.peers("grdp", lang)
    spec = charts.peer_bars(rows, lang=lang, title="Tăng trưởng", highlight="Lai Châu",
                            reference=("Cả nước", 6.42)).to_dict()
    layers = _layers(spec)
    assert [layer["mark"]["type"] for layer in layers] == ["bar", "text", "rule", "text"]
    _every_layer_has_tooltips(spec)
    color = layers[0]["encoding"]["color"]
    assert color["scale"]["domain"] == ["highlight", "peer"]
    assert color["scale"]["range"][0] == charts.LAI_CHAU
    bars = next(v for v in spec["datasets"].values() if any("role" in r for r in v))
    assert [r["label"] for r in bars if r["role"] == "highlight"] == ["Lai Châu"]
    assert [r["value"] for r in bars] == sorted((r["value"] for r in bars), reverse=True)
    grdp = lai_chau.figure("grdp_growth")
    assert f"Lai Châu: {format_number(grdp.value, lang, unit='percent')}" in spec["description"]
    assert layers[0]["encoding"]["x"]["title"].endswith("(%)")
    subtitle = " ".join(spec["title"]["subtitle"])
    assert subtitle.startswith(text("sources", lang)) and "article" in subtitle


def test_peer_bars_need_the_highlighted_place() -> None:
    from lai_chau.present import pages

    with pytest.raises(UsageError, match="not among the places"):
        charts.peer_bars(pages.peers("grdp", "en"), lang="en", title="t", highlight="Hà Nội")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_bars_keep_the_order_and_name_each_kind(lang: str) -> None:
    from lai_chau.present import pages

    past = pages.history("grdp", lang)
    spec = charts.history_bars(past, lang=lang, title="GRDP").to_dict()
    layers = _layers(spec)
    assert [layer["mark"]["type"] for layer in layers] == ["bar", "text"]
    _every_layer_has_tooltips(spec)
    bar = layers[0]["encoding"]
    assert bar["y"]["sort"] == list(past["label"])
    assert bar["color"]["scale"]["domain"] == list(dict.fromkeys(past["kind"]))
    assert all(not d.startswith("kind_") for d in bar["color"]["scale"]["domain"])
    assert bar["color"]["title"] == text("kind", lang)
    assert layers[1]["encoding"]["x"]["title"] == bar["x"]["title"]  # one axis title
    for r in past.itertuples():
        assert f"{r.label} ({r.kind}): {r.value_text}" in spec["description"]


def test_history_bars_refuse_repeated_periods_and_mixed_units() -> None:
    from lai_chau.present import pages

    past = pages.history("grdp", "en")
    with pytest.raises(UsageError, match="unique"):
        charts.history_bars(pd.concat([past, past.head(1)]), lang="en", title="t")
    with pytest.raises(UsageError, match="one unit"):
        charts.history_bars(past.assign(unit=["percent"] + ["pp"] * (len(past) - 1)),
                            lang="en", title="t")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_rank_chart_draws_a_range_as_a_band(lang: str) -> None:
    rows = pd.DataFrame({
        "label": ["claim", "bounds", "later"], "rank": [15, 8, 61],
        "rank_worst": [pd.NA, 21, pd.NA], "total": 63, "bound": ["at_most", "range", "exact"],
        "source_ids": "article",
    })
    spec = charts.rank_chart(rows, lang=lang, title="Hạng").to_dict()
    band = _layers(spec)[0]
    assert band["mark"]["type"] == "bar" and band["encoding"]["x2"]["field"] == "band_end"
    data = next(iter(spec["datasets"].values()))
    assert [r["band_end"] for r in data] == [1, 21, None]
    assert text("rank_range", lang, best=8, worst=21) in spec["description"]
    with pytest.raises(UsageError, match="rank_worst"):
        charts.rank_chart(rows.assign(rank_worst=pd.NA), lang=lang, title="t")


def test_a_kind_keeps_its_colour_from_chart_to_chart() -> None:
    from lai_chau.present import pages

    colors = {text("kind_year", "en"): "#111111", text("kind_part", "en"): "#222222"}
    for indicator in ("grdp", "tourism_revenue"):
        past = pages.history(indicator, "en")
        scale = charts.history_bars(past, lang="en", title="t", colors=colors).to_dict()[
            "layer"][0]["encoding"]["color"]["scale"]
        for kind, color in zip(scale["domain"], scale["range"], strict=True):
            assert color == colors.get(kind, color)
        assert "#222222" in scale["range"] and "#111111" in scale["range"]


def test_the_server_extension_serves_the_bundle_at_the_snippets_path() -> None:
    import asyncio
    import logging
    from types import SimpleNamespace

    from tornado.httpclient import AsyncHTTPClient, HTTPClientError
    from tornado.httpserver import HTTPServer
    from tornado.testing import bind_unused_port
    from tornado.web import Application

    from lai_chau.present import vega
    from lai_chau.render import lab

    assert lab._jupyter_server_extension_points() == [{"module": "lai_chau.render.lab"}]
    # what _load_jupyter_server_extension uses of a ServerApp: its web app and log
    app = SimpleNamespace(web_app=Application(base_url="/base/"), log=logging.getLogger("test"))
    lab._load_jupyter_server_extension(app)

    async def fetch(path: str) -> tuple[int, bytes, str]:
        sock, port = bind_unused_port()
        server = HTTPServer(app.web_app)
        server.add_sockets([sock])
        try:
            reply = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/base/{path}")
            return reply.code, reply.body, reply.headers["Content-Type"]
        except HTTPClientError as exc:
            return exc.code, b"", ""
        finally:
            server.stop()

    code, body, kind = asyncio.run(fetch(vega.bundle_path()))
    assert (code, kind) == (200, "text/javascript; charset=utf-8")
    assert body.decode("utf-8") == vega.javascript_bundle()
    assert asyncio.run(fetch("lai-chau/static/vega-0.0.js"))[0] == 404
