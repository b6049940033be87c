"""Atom, RSS, the sitemaps and robots.txt: well-formed, and holding what they should."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
from theme_fixtures import ATOM, HOSTILE, SITEMAP, THEME_DIR, make_entry

from pressroom.theme import Theme
from pressroom.views import (
    SitemapEntry,
)

UPDATED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_atom_feed_is_well_formed_with_one_entry_per_post(theme: Theme):
    entries = [
        make_entry(2, title=HOSTILE, updated=datetime(2024, 5, 20, tzinfo=UTC), summary=HOSTILE),
        make_entry(1, summary=None, authors=()),
    ]

    feed = ET.fromstring(theme.render_atom(entries, UPDATED))

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Field Notes"
    assert feed.findtext(f"{ATOM}id") == "https://blog.example.com/"
    assert feed.findtext(f"{ATOM}updated") == "2024-06-01T12:00:00+00:00"
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "https://blog.example.com/atom.xml"
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    items = feed.findall(f"{ATOM}entry")
    assert len(items) == 2
    first, second = items
    assert first.findtext(f"{ATOM}title") == HOSTILE
    assert first.findtext(f"{ATOM}id") == "https://blog.example.com/posts/post-2/"
    assert first.find(f"{ATOM}link").get("href") == "https://blog.example.com/posts/post-2/"  # type: ignore[union-attr]
    assert first.findtext(f"{ATOM}published") == "2024-05-02T08:00:00+00:00"
    assert first.findtext(f"{ATOM}updated") == "2024-05-20T00:00:00+00:00"
    assert first.findtext(f"{ATOM}summary") == HOSTILE
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Ada Lovelace"
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["AI"]
    assert second.findtext(f"{ATOM}updated") == "2024-05-01T08:00:00+00:00"
    assert second.find(f"{ATOM}summary") is None
    assert second.find(f"{ATOM}author") is None


def test_rss_feed_is_well_formed_rss_2(theme: Theme):
    entries = [
        make_entry(2, title=HOSTILE, summary="A <b>bold</b> claim & more"),
        make_entry(1, summary=None),
    ]

    rss = ET.fromstring(theme.render_rss(entries, UPDATED))

    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Field Notes"
    assert channel.findtext("link") == "https://blog.example.com/"
    assert channel.findtext("description") == "Notes from the field."
    assert parsedate_to_datetime(channel.findtext("lastBuildDate") or "") == UPDATED
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None
    assert self_link.attrib == {
        "href": "https://blog.example.com/rss.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    items = channel.findall("item")
    assert len(items) == 2
    first = items[0]
    assert first.findtext("title") == HOSTILE
    assert first.findtext("link") == "https://blog.example.com/posts/post-2/"
    guid = first.find("guid")
    assert guid is not None
    assert guid.get("isPermaLink") == "true"
    assert guid.text == "https://blog.example.com/posts/post-2/"
    assert re.fullmatch(
        r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", first.findtext("pubDate") or ""
    )
    assert parsedate_to_datetime(first.findtext("pubDate") or "") == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    # Readers treat <description> as HTML: the summary is escaped for that too, so it shows as typed
    assert first.findtext("description") == "A &lt;b&gt;bold&lt;/b&gt; claim &amp; more"
    assert items[1].find("description") is None


def test_feeds_with_no_entries_are_still_valid(theme: Theme):
    atom = ET.fromstring(theme.render_atom([], UPDATED))
    rss = ET.fromstring(theme.render_rss([], UPDATED))

    assert atom.findall(f"{ATOM}entry") == []
    assert rss.findall("channel/item") == []


def test_sitemap_lists_the_urls_given_with_lastmod_when_known(theme: Theme):
    entries = [
        SitemapEntry("https://blog.example.com/", datetime(2024, 6, 1, 12, 0, tzinfo=UTC)),
        SitemapEntry("https://blog.example.com/posts/a/?x=1&y=<2>"),
    ]

    urlset = ET.fromstring(theme.render_sitemap(entries))

    assert urlset.tag == f"{SITEMAP}urlset"
    urls = urlset.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [e.url for e in entries]
    assert urls[0].findtext(f"{SITEMAP}lastmod") == "2024-06-01T12:00:00+00:00"
    assert urls[1].find(f"{SITEMAP}lastmod") is None


def test_sitemap_index_lists_the_sitemaps_given(theme: Theme):
    sitemaps = [
        SitemapEntry("https://blog.example.com/sitemap-1.xml", datetime(2024, 6, 1, tzinfo=UTC)),
        SitemapEntry("https://blog.example.com/sitemap-2.xml"),
    ]

    index = ET.fromstring(theme.render_sitemap_index(sitemaps))

    assert index.tag == f"{SITEMAP}sitemapindex"
    found = index.findall(f"{SITEMAP}sitemap")
    assert [s.findtext(f"{SITEMAP}loc") for s in found] == [s.url for s in sitemaps]
    assert found[0].findtext(f"{SITEMAP}lastmod") == "2024-06-01T00:00:00+00:00"
    assert found[1].find(f"{SITEMAP}lastmod") is None


@pytest.mark.parametrize(
    "name", ["atom.xml.j2", "rss.xml.j2", "sitemap.xml.j2", "sitemap-index.xml.j2", "robots.txt.j2"]
)
def test_feeds_and_files_do_not_inherit_the_html_layout(name: str):
    source = (THEME_DIR / "templates" / name).read_text(encoding="utf-8")

    assert "extends" not in source
    assert "<html" not in source


def test_robots_allows_everything_and_names_the_sitemap(theme: Theme):
    robots = theme.render_robots("https://blog.example.com/sitemap.xml?v=1&x=2")

    assert robots == "User-agent: *\nAllow: /\n\nSitemap: https://blog.example.com/sitemap.xml?v=1&x=2\n"


@pytest.mark.parametrize("url", ["", "https://b.example/s.xml\nDisallow: /", "https://b.example/a b.xml"])
def test_robots_refuses_a_url_that_would_add_lines(theme: Theme, url: str):
    with pytest.raises(ValueError, match=r"robots\.txt"):
        theme.render_robots(url)
