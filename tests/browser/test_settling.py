"""The browser tests wait for what they check: a vector that fires late is still seen.

A page whose only script runs when a slow lazy image fails (a lazy image does not hold up the
load event; this one fails 1.5 s after it, far longer than the fixed pauses these tests used to
take), and one whose script runs on a <details open>'s toggle: both have set window.__pwned by
the time open_and_settle returns. With a fixed 200 ms pause after load, the first is missed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser
from sitecheck import PWNED, browsing, open_and_settle

pytestmark = pytest.mark.browser

PAGES = {
    "/slow-image.html": (
        b'<!doctype html><img loading="lazy" src="/slow.png" onerror="window.__pwned = \'late\'">'
    ),
    "/toggle.html": b"<!doctype html><details open ontoggle=\"window.__pwned = 'toggle'\">x</details>",
}
SLOW_SECONDS = 1.5


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.png":
            time.sleep(SLOW_SECONDS)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(("path", "marker"), [("/slow-image.html", "late"), ("/toggle.html", "toggle")])
def test_a_vector_that_fires_after_the_page_loaded_is_seen(
    server: str, browser: Browser, path: str, marker: str
):
    with browsing(browser) as (page, _):
        open_and_settle(page, server + path)

        assert page.evaluate(PWNED) == marker
