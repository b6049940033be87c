"""axe-core in Chromium: no serious or critical accessibility violations on each kind of page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser
from sitecheck import SHARED_SLUG, Site, browsing

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}

PAGES: dict[str, Callable[[Site], str]] = {
    "home": lambda site: site.url("/"),
    "post": lambda site: site.url(f"/posts/{SHARED_SLUG}/"),
    "page": lambda site: site.url("/about/"),
    "tag": lambda site: site.first_page_under("tags", prefer="release"),
    "author": lambda site: site.first_page_under("authors", prefer="ada-lovelace"),
    "404": lambda site: site.url("/404.html"),
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()  # the axe.min.js bundled with axe-playwright-python


@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_or_critical_axe_violations(kind: str, site: Site, browser: Browser, axe: Axe):
    url = PAGES[kind](site)
    with browsing(browser) as (page, _):
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.status == 200, f"{url}: HTTP {response.status}"
        results = axe.run(page).response
    blocking = [
        f"{violation['impact']} {violation['id']}: {violation['help']} "
        f"({', '.join(str(node['target']) for node in violation['nodes'][:5])})"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"{url}:\n" + "\n".join(blocking)
