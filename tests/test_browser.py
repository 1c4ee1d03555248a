"""The rendered reports in a real browser (Debian's chromium via Playwright), network blocked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

import lai_chau
from lai_chau.render import run as render
from lai_chau.sources.numerals import format_number

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync"]
REPORTS = [(r.name, lang) for r in render.load_matrix().reports for lang in r.languages]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Visit:
    """A page opened with every non-file request blocked and recorded, console errors kept."""

    def __init__(self, browser: Any, uri: str) -> None:
        self.page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.external: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(uri)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def charts_drawn(self) -> int:
        """Wait for every chart to draw; the number of charts (each drew one svg or canvas)."""
        charts = self.page.locator("div.lc-chart")
        count = charts.count()
        self.page.wait_for_function(
            "n => document.querySelectorAll('div.lc-chart svg, div.lc-chart canvas').length >= n",
            arg=count, timeout=10_000,
        )
        for i in range(count):
            assert charts.nth(i).locator("svg, canvas").count() == 1, f"chart {i} did not draw"
        return count

    def tooltip_of(self, selector: str) -> str:
        mark = self.page.locator(selector).first
        mark.scroll_into_view_if_needed()
        mark.hover()
        tooltip = self.page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for(timeout=5_000)
        return tooltip.inner_text()


@pytest.mark.parametrize(("name", "lang"), REPORTS, ids=[f"{n}-{lang}" for n, lang in REPORTS])
def test_every_report_loads_offline_and_draws_its_charts(
    browser: Any, rendered_reports: Any, name: str, lang: str
) -> None:
    path = rendered_reports.html(lang, name)
    visit = Visit(browser, path.as_uri())
    expected = path.read_text(encoding="utf-8").count('class="lc-chart"')
    assert visit.charts_drawn() == expected
    assert visit.page.locator("html").get_attribute("lang") == lang
    assert visit.page.locator("h1").count() == 1
    assert visit.external == []
    assert visit.errors == []
    visit.page.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_works_offline_with_tooltips_in_its_language(
    browser: Any, rendered_reports: Any, lang: str
) -> None:
    visit = Visit(browser, rendered_reports.html(lang, "overview").as_uri())
    assert visit.charts_drawn() >= 3
    # hover the GRDP bar: the tooltip shows the figure in the report's number format
    grdp = lai_chau.figure("grdp_growth")
    shown = visit.tooltip_of(f'.mark-rect path[aria-label*="{grdp.label(lang)}"]')
    assert grdp.label(lang) in shown
    assert format_number(grdp.value, lang, unit=grdp.unit) in shown  # vi "9,15%", en "9.15%"
    other = "en" if lang == "vi" else "vi"
    assert format_number(grdp.value, other) not in shown
    assert visit.external == []
    assert visit.errors == []
    visit.page.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_peer_chart_tooltip_shows_lai_chau_in_the_report_language(
    browser: Any, rendered_reports: Any, lang: str
) -> None:
    visit = Visit(browser, rendered_reports.html(lang, "vs-region").as_uri())
    visit.charts_drawn()
    grdp = lai_chau.figure("grdp_growth")
    shown = visit.tooltip_of('.mark-rect path[aria-label*="Lai Châu"]')
    assert "Lai Châu" in shown
    assert format_number(grdp.value, lang, unit=grdp.unit) in shown
    assert visit.errors == []
    assert visit.external == []
    visit.page.close()


def test_index_links_every_report_and_opens_offline(browser: Any, rendered_reports: Any) -> None:
    visit = Visit(browser, (rendered_reports.output / "index.html").as_uri())
    hrefs = visit.page.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"{lang}/{name}.html" for name, lang in REPORTS)
    visit.page.locator('a[href="en/overview.html"]').click()
    visit.page.wait_for_selector("div.lc-chart svg")
    assert visit.page.locator("html").get_attribute("lang") == "en"
    assert visit.external == []
    visit.page.close()
