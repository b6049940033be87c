"""`--serve`: the exported site over HTTP with the same pretty-URL rules as CloudFront."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pressroom_tools.local.site import MARKER, export_site, make_server


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "secret.txt").write_text("outside the site")
    site = tmp_path / "site"
    export_site(
        {
            "index.html": b"<h1>Home</h1>",
            "posts/hello/index.html": b"<h1>Hello</h1>",
            "404.html": b"<h1>Not here</h1>",
        },
        site,
    )
    server = make_server(site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, str, dict[str, str]]:
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_the_home_page_is_the_index(base_url: str):
    status, body, headers = get(base_url + "/")
    assert (status, body) == (200, "<h1>Home</h1>")
    assert headers["Content-Type"].startswith("text/html")


def test_a_post_directory_url_serves_its_index(base_url: str):
    assert get(base_url + "/posts/hello/")[:2] == (200, "<h1>Hello</h1>")


def test_a_post_url_without_its_slash_redirects_to_it(base_url: str):
    status, _, headers = get(base_url + "/posts/hello")
    assert status == 301
    assert headers["Location"] == "/posts/hello/"


def test_a_missing_page_is_the_404_page(base_url: str):
    assert get(base_url + "/posts/nope/")[:2] == (404, "<h1>Not here</h1>")


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/posts/%2e%2e/%2e%2e/secret.txt", f"/{MARKER}"]
)
def test_nothing_outside_the_site_or_its_marker_is_served(base_url: str, path: str):
    status, body, _ = get(base_url + path)
    assert status == 404
    assert "outside the site" not in body
