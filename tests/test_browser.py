"""The rendered reports in a real browser (Debian's chromium via Playwright), network blocked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

import lai_chau
from lai_chau.numbers import format_number

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_works_offline_with_tooltips_in_its_language(
    browser: Any, rendered_overview: Any, lang: str
) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    external: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def block(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.goto(rendered_overview.html(lang).as_uri())
    charts = page.locator("div.lc-chart")
    count = charts.count()
    assert count >= 3
    page.wait_for_function(
        "n => document.querySelectorAll('div.lc-chart svg, div.lc-chart canvas').length >= n",
        arg=count, timeout=10_000,
    )
    for i in range(count):  # each chart drew into its own div
        assert charts.nth(i).locator("svg, canvas").count() == 1, f"chart {i} did not draw"

    # hover the GRDP bar: the tooltip shows the figure in the report's number format
    grdp = lai_chau.figure("grdp_growth")
    bar = page.locator(f'.mark-rect path[aria-label*="{grdp.label(lang)}"]').first
    bar.scroll_into_view_if_needed()
    bar.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5_000)
    shown = tooltip.inner_text()
    assert grdp.label(lang) in shown
    assert format_number(grdp.value, lang, unit=grdp.unit) in shown  # vi "9,15%", en "9.15%"
    other = "en" if lang == "vi" else "vi"
    assert format_number(grdp.value, other) not in shown

    assert external == []
    assert errors == []
    page.close()


def test_index_links_every_report_and_opens_offline(browser: Any, rendered_overview: Any) -> None:
    page = browser.new_page()
    external: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (external.append(r.request.url), r.abort()))
    page.goto((rendered_overview.output / "index.html").as_uri())
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == ["en/overview.html", "vi/overview.html"]
    page.locator('a[href="en/overview.html"]').click()
    page.wait_for_selector("div.lc-chart svg")
    assert page.locator("html").get_attribute("lang") == "en"
    assert external == []
    page.close()
