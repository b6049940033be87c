"""The machine-read files: Atom and RSS feeds, the sitemap index and its sitemaps, robots.txt."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from sitecheck import Site

pytestmark = pytest.mark.browser

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JEKYLL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@pytest.mark.parametrize(("path", "version"), [("/atom.xml", "atom10"), ("/rss.xml", "rss20")])
def test_the_feed_lists_the_published_posts_newest_first(site: Site, path: str, version: str):
    response = site.fetch(path, follow_redirects=False)
    assert response.status == 200, f"{path}: HTTP {response.status}"

    # The bytes alone: what is checked is the feed, not how the local server labels .xml files.
    feed = feedparser.parse(response.body)

    assert not feed.bozo, f"{path} is not a well-formed feed: {feed.get('bozo_exception')!r}"
    assert feed.version == version
    links = [entry.get("link") for entry in feed.entries]
    expected = [post["url"] for post in site.published_newest_first()]
    assert links == expected, (
        f"{path} links to\n  {links}\nnot to the published posts, newest first:\n  {expected}"
    )


def _locs(document: bytes, root_tag: str, entry_tag: str, where: str) -> list[str]:
    root = ET.fromstring(document)
    assert root.tag == SITEMAP_NS + root_tag, f"{where}: the root element is {root.tag}, not <{root_tag}>"
    locs = [(entry.findtext(SITEMAP_NS + "loc") or "").strip() for entry in root.iter(SITEMAP_NS + entry_tag)]
    assert all(locs), f"{where}: a <{entry_tag}> has no <loc>"
    return locs


def test_the_sitemap_index_lists_every_published_post_and_nothing_unpublished(site: Site):
    response = site.fetch("/sitemap.xml", follow_redirects=False)
    assert response.status == 200, f"/sitemap.xml: HTTP {response.status}"
    sitemaps = _locs(response.body, "sitemapindex", "sitemap", "/sitemap.xml")
    assert sitemaps, "/sitemap.xml lists no sitemaps"

    listed: list[str] = []
    for sitemap in sitemaps:
        assert site.is_local(sitemap), f"/sitemap.xml points outside the site: {sitemap}"
        assert urlsplit(sitemap).path.startswith("/sitemaps/"), f"{sitemap} is not under /sitemaps/"
        part = site.fetch(sitemap, follow_redirects=False)
        assert part.status == 200, f"{sitemap}: HTTP {part.status}"
        listed += _locs(part.body, "urlset", "url", sitemap)

    missing = [post["url"] for post in site.published_newest_first() if post["url"] not in listed]
    assert not missing, f"published posts missing from the sitemaps: {missing}"

    listed_paths = {urlsplit(url).path for url in listed}
    for post in site.report["posts"]:
        if post["status"] == "published":
            continue
        # Unpublished posts have no URL in the report: try every slug they could have had.
        stem = JEKYLL_DATE.sub("", post["source"].rsplit("/", 1)[-1].rsplit(".", 1)[0])
        for slug in {post["slug"], stem} - {None}:
            assert f"/posts/{slug}/" not in listed_paths, f"{post['status']} post {post['source']} is listed"

    not_ok = []
    for url in sorted(set(listed)):
        status = site.fetch(url, follow_redirects=False).status if site.is_local(url) else None
        if status != 200:
            not_ok.append(f"{url}: {'not on this site' if status is None else f'HTTP {status}'}")
    assert not not_ok, "sitemap URLs that are not pages of the site:\n" + "\n".join(not_ok)


def test_robots_txt_names_the_sitemap(site: Site):
    response = site.fetch("/robots.txt", follow_redirects=False)
    assert response.status == 200, f"/robots.txt: HTTP {response.status}"
    sitemaps = [
        line.split(":", 1)[1].strip()
        for line in response.text.splitlines()
        if line.strip().lower().startswith("sitemap:")
    ]
    assert site.url("/sitemap.xml") in sitemaps, f"robots.txt names these sitemaps: {sitemaps}"
