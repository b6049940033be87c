"""Session fixtures for the browser tests: the site built and served once, one Chromium, one crawl.

The site is examples/posts plus fixtures/hostile (a valid post full of script-injection vectors),
examples/pages (two pages in the navigation) and examples/authors (the seed post's author's
profile), laid out as a site folder, built by
`pressroom local --site` and served by pressroom's own local server on a free port.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, TEMPLATE
from playwright.sync_api import Browser, sync_playwright
from sitecheck import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXAMPLE_PAGES,
    HOSTILE_POSTS,
    LOCAL_HOST,
    Site,
    Visit,
    browsing,
    visit,
)

from pressroom_tools.cli import main
from pressroom_tools.local.site import make_server


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser")
    out = root / "site"
    # A site folder, as `--site` takes it: the example posts with the hostile one, and the pages.
    folder = root / "folder"
    shutil.copytree(EXAMPLES, folder / "posts")
    shutil.copytree(HOSTILE_POSTS, folder / "posts", dirs_exist_ok=True)
    shutil.copytree(EXAMPLE_PAGES, folder / "pages")
    shutil.copytree(EXAMPLE_PAGES.parent / "authors", folder / "authors")
    # Pages embed absolute URLs, so the port must be known before the build: bind the server
    # (port 0: a free one) first, build with its address, then start serving.
    server = make_server(out, LOCAL_HOST, 0)
    base_url = f"http://{LOCAL_HOST}:{server.server_address[1]}"
    try:
        status = main(
            [
                "local",
                "--site", str(folder),
                "--out", str(out),
                "--report", str(out / "report.json"),
                "--site-url", base_url,
                "--template", str(TEMPLATE),
            ]
        )  # fmt: skip
        assert status == 0, f"pressroom local exited with {status}"
        assert (out / "index.html").is_file(), "pressroom local exported no home page: see its output above"
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
        thread.start()
        try:
            yield Site(base_url=base_url, out=Path(out), report=report)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    finally:
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium for the browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def crawl(site: Site, browser: Browser) -> dict[str, Visit]:
    """Every *.html page of the export loaded once in Chromium (foreign requests stubbed)."""
    with browsing(browser) as (page, probe):
        return {url: visit(page, probe, url) for url in site.page_urls()}
