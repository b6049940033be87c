"""The packaged theme's output, byte for byte: every page kind against a file rendered earlier.

A change to the theme's machinery (the sandbox, filters, loaders) must not change one byte of
what readers get. To accept an intended change to the templates, regenerate the files with
`PRESSROOM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_theme_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pressroom.theme import Theme
from pressroom.views import (
    EntryView,
    Heading,
    ImageView,
    Link,
    ListingView,
    Pagination,
    PostView,
    SiteInfo,
    SitemapEntry,
    TermsView,
)

GOLDEN = Path(__file__).parent / "fixtures" / "theme"
SITE = SiteInfo(
    title="Field & Notes",
    base_url="https://blog.example.com",
    description='Notes from the field: <b>not bold</b>, "quoted", it\'s.',
    language="en-GB",
)
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
HOSTILE = "</script><script>alert(1)</script> \"quoted\" 'single' & <b>bold</b> {{ 7*7 }} ✓"
IMAGE = ImageView(
    url="https://cdn.example.com/cover.jpg?w=1&h=2", alt="A hillside's dawn", width=1600, height=900
)
AUTHORS = (Link("Ada Lovelace", "/authors/ada-lovelace/"), Link("Grace Hopper", "/authors/grace-hopper/"))
TAGS = (Link("AI", "/tags/ai/"), Link("Policy & Law", "/tags/policy-law/"), Link("Zürich", "/tags/zurich/"))
TOC = (
    Heading(2, "one", "One"),
    Heading(3, "one-a", "One A"),
    Heading(3, "one-b", "One *B*"),
    Heading(2, "two", "Two"),
    Heading(3, "two-a", "Two A"),
)
BODY = (
    '<h2 id="one">One</h2><p>First paragraph, with <em>emphasis</em> &amp; an apostrophe\'s.</p>'
    '<h3 id="one-a">One A</h3><pre><code>code is skipped</code></pre>'
    '<h3 id="one-b">One <em>B</em></h3><table><tr><td>cells are skipped</td></tr></table>'
    '<h2 id="two">Two</h2><p>Second paragraph.</p><h3 id="two-a">Two A</h3>'
)


def entry(n: int, **overrides: object) -> EntryView:
    values: dict[str, object] = {
        "title": f"Post {n}: {HOSTILE}",
        "path": f"/posts/post-{n}/",
        "url": f"https://blog.example.com/posts/post-{n}/",
        "date": datetime(2024, 5, n, 8, 0, tzinfo=UTC),
        "updated": datetime(2024, 6, n, 8, 0, tzinfo=UTC) if n % 2 else None,
        "summary": f"Summary {n}, with <markup> & 'quotes'." if n != 2 else None,
        "tags": TAGS[: n % 3 + 1],
        "authors": AUTHORS[: n % 2 + 1],
        "image": IMAGE if n == 3 else None,
    }
    values.update(overrides)
    return EntryView(**values)  # type: ignore[arg-type]


ENTRIES = [entry(3), entry(2), entry(1)]


def listing(kind: str, title: str, path: str, pagination: Pagination, **overrides: object) -> ListingView:
    values: dict[str, object] = {
        "kind": kind,
        "title": title,
        "path": path,
        "url": SITE.url(path),
        "entries": ENTRIES,
        "pagination": pagination,
    }
    values.update(overrides)
    return ListingView(**values)  # type: ignore[arg-type]


FULL_POST = PostView(
    title=f"Our Response: {HOSTILE}",
    slug="response",
    path="/posts/response/",
    url="https://blog.example.com/posts/response/",
    date=WHEN,
    updated=datetime(2024, 6, 2, 10, 0, tzinfo=UTC),
    summary="What we think.\n\nIn two paragraphs & more.",
    authors=AUTHORS,
    tags=TAGS,
    categories=("Opinion", "Policy"),
    image=IMAGE,
    reading_minutes=7,
    toc=TOC,
    params={"title": HOSTILE, "extra": {"nested": [1, "two"]}},
)
PLAIN_POST = PostView(
    title="Plain", slug="plain", path="/posts/plain/", url="https://blog.example.com/posts/plain/", date=WHEN
)

ABOUT_PAGE = PostView(
    title=f"About: {HOSTILE}",
    slug="about",
    path="/about/",
    url="https://blog.example.com/about/",
    date=datetime(1970, 1, 1, tzinfo=UTC),
    summary="Who writes here & why.",
    dated=False,
)
MENU = (Link("About & us", "/about/"), Link("Contact", "/contact/"))


RENDERINGS: dict[str, Callable[[Theme], str]] = {
    "page.html": lambda t: t.render_page(ABOUT_PAGE, "<p>We write about fields.</p>", menu=MENU),
    "post-full.html": lambda t: t.render_post(FULL_POST, BODY),
    "post-plain.html": lambda t: t.render_post(PLAIN_POST, "<p>Only a paragraph, long enough.</p>" * 20),
    "home.html": lambda t: t.render_listing(listing("home", SITE.title, "/", Pagination(older="/page/2/"))),
    "archive.html": lambda t: t.render_listing(
        listing(
            "archive", "Archive, page 2", "/page/2/", Pagination(newer="/", older="/page/1/", label="Page 2")
        )
    ),
    "tag.html": lambda t: t.render_listing(
        listing("tag", "Posts tagged Policy & Law", "/tags/policy-law/", Pagination(), description=HOSTILE)
    ),
    "author-empty.html": lambda t: t.render_listing(
        listing("author", "Ada Lovelace", "/authors/ada-lovelace/", Pagination(), entries=[])
    ),
    "tags.html": lambda t: t.render_terms(TermsView("tag", "Tags", "/tags/", SITE.url("/tags/"), TAGS)),
    "authors.html": lambda t: t.render_terms(
        TermsView("author", "Authors", "/authors/", SITE.url("/authors/"), ())
    ),
    "atom.xml": lambda t: t.render_atom(ENTRIES, WHEN),
    "rss.xml": lambda t: t.render_rss(ENTRIES, WHEN),
    "sitemap.xml": lambda t: t.render_sitemap([SitemapEntry(e.url, e.updated or e.date) for e in ENTRIES]),
    "sitemap-index.xml": lambda t: t.render_sitemap_index(
        [SitemapEntry(SITE.url("/sitemaps/pages.xml")), SitemapEntry(SITE.url("/sitemaps/posts-1.xml"), WHEN)]
    ),
    "robots.txt": lambda t: t.render_robots(SITE.url("/sitemap.xml?a=1&b=2")),
    "404.html": lambda t: t.render_not_found(),
}


@pytest.fixture(scope="module")
def theme() -> Theme:
    return Theme(SITE)


@pytest.mark.parametrize("name", RENDERINGS)
def test_the_packaged_theme_renders_exactly_the_recorded_page(theme: Theme, name: str):
    rendered = RENDERINGS[name](theme)
    recorded = GOLDEN / name
    if os.environ.get("PRESSROOM_UPDATE_GOLDEN") == "1":
        # In CI a rewritten golden file would pass whatever the theme renders: refuse.
        assert not os.environ.get("CI"), "PRESSROOM_UPDATE_GOLDEN is refused where CI is set"
        recorded.parent.mkdir(parents=True, exist_ok=True)
        recorded.write_text(rendered, encoding="utf-8", newline="")
    assert rendered == recorded.read_text(encoding="utf-8", newline="")


def test_every_packaged_template_is_exercised():
    # base and macros are reached through the pages that extend and import them
    from pressroom.theme import packaged_templates

    assert set(packaged_templates().list_templates()) == {
        "404.html.j2", "atom.xml.j2", "base.html.j2", "list.html.j2", "macros.html.j2", "page.html.j2",
        "post.html.j2", "robots.txt.j2", "rss.xml.j2", "sitemap-index.xml.j2", "sitemap.xml.j2",
        "terms.html.j2",
    }  # fmt: skip
