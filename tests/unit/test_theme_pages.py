"""What each page, feed and file of the theme holds: the contract of Theme.render_* and stylesheet()."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

import pressroom
import pressroom.theme
from pressroom.markdown import Heading, MarkdownRenderer, code_stylesheet
from pressroom.theme import DARK_CODE_STYLE, LIGHT_CODE_STYLE, Theme, build_stylesheet
from pressroom.views import (
    EntryView,
    ImageView,
    Link,
    ListingView,
    Pagination,
    PostView,
    SiteInfo,
    SitemapEntry,
    TermsView,
)

SITE = SiteInfo(
    title="Field Notes",
    base_url="https://blog.example.com",
    description="Notes from the field.",
    language="en-GB",
)
THEME_DIR = Path(pressroom.__file__).parent / "theme"
HOSTILE = "</script><script>alert(1)</script> \"quoted\" 'single' & <b>bold</b>"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# ---------------------------------------------------------------- a small HTML tree


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def all(self, tag: str, **attrs: str) -> list[Node]:
        """Every element `tag` (or any, for "*") whose attributes include `attrs` (underscores as dashes)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            node
            for node in self.iter()
            if tag in ("*", node.tag) and all(node.attrs.get(k) == v for k, v in wanted.items())
        ]

    def one(self, tag: str, **attrs: str) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join("".join(parts).split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    """Builds a tree, failing on any end tag that does not close the element open at that point."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), f"<{tag}> repeats an attribute: {names}"
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in VOID, f"<{tag}/> is not a void element"
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed: {[n.tag for n in builder.stack[1:]]}"
    assert builder.doctype == "DOCTYPE html"
    return builder.root


def meta(page: Node, key: str) -> list[str | None]:
    """The content of every <meta> named (name= or property=) `key`."""
    return [
        node.attrs.get("content")
        for node in page.all("meta")
        if key in (node.attrs.get("name"), node.attrs.get("property"))
    ]


def json_ld(page: Node) -> dict[str, object]:
    script = page.one("script", type="application/ld+json")
    data = json.loads(script.text)
    assert isinstance(data, dict)
    return data


# ---------------------------------------------------------------- views


def make_post(**overrides: object) -> PostView:
    values: dict[str, object] = {
        "title": "Our Response to the UK Government's AI Plan",
        "slug": "ai-plan",
        "path": "/posts/ai-plan/",
        "url": "https://blog.example.com/posts/ai-plan/",
        "date": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "summary": "What we think of it.",
        "authors": (
            Link("Ada Lovelace", "/authors/ada-lovelace/"),
            Link("Grace Hopper", "/authors/grace-hopper/"),
        ),
        "tags": (Link("AI", "/tags/ai/"), Link("Policy", "/tags/policy/")),
        "reading_minutes": 4,
    }
    values.update(overrides)
    return PostView(**values)  # type: ignore[arg-type]


IMAGE = ImageView(url="https://cdn.example.com/cover.jpg", alt="A hillside at dawn", width=1600, height=900)


def make_entry(n: int, **overrides: object) -> EntryView:
    values: dict[str, object] = {
        "title": f"Post {n}",
        "path": f"/posts/post-{n}/",
        "url": f"https://blog.example.com/posts/post-{n}/",
        "date": datetime(2024, 5, n, 8, 0, tzinfo=UTC),
        "summary": f"Summary {n}.",
        "tags": (Link("AI", "/tags/ai/"),),
        "authors": (Link("Ada Lovelace", "/authors/ada-lovelace/"),),
    }
    values.update(overrides)
    return EntryView(**values)  # type: ignore[arg-type]


def make_listing(kind: str = "home", **overrides: object) -> ListingView:
    values: dict[str, object] = {
        "kind": kind,
        "title": "Field Notes" if kind == "home" else "Posts tagged AI",
        "path": "/" if kind == "home" else "/tags/ai/",
        "url": "https://blog.example.com/" if kind == "home" else "https://blog.example.com/tags/ai/",
        "entries": [make_entry(3), make_entry(2), make_entry(1)],
    }
    values.update(overrides)
    return ListingView(**values)  # type: ignore[arg-type]


def make_terms(kind: str = "tag", terms: tuple[Link, ...] | None = None) -> TermsView:
    section = "tags" if kind == "tag" else "authors"
    return TermsView(
        kind=kind,
        title="Tags" if kind == "tag" else "Authors",
        path=f"/{section}/",
        url=f"https://blog.example.com/{section}/",
        terms=terms if terms is not None else (Link("AI", "/tags/ai/"), Link("Policy", "/tags/policy/")),
    )


@pytest.fixture(scope="module")
def theme() -> Theme:
    return Theme(SITE)


_TOC = (Heading(2, "one", "One"), Heading(3, "one-a", "One A"), Heading(2, "two", "Two"))
PAGES: dict[str, Callable[[Theme], str]] = {
    "post": lambda t: t.render_post(make_post(image=IMAGE, toc=_TOC), "<p>Body.</p>"),
    "post-plain": lambda t: t.render_post(make_post(summary=None, authors=(), tags=()), "<p>Body.</p>"),
    "home": lambda t: t.render_listing(make_listing("home", pagination=Pagination(older="/page/2/"))),
    "archive": lambda t: t.render_listing(
        make_listing(
            "archive",
            title="All posts",
            path="/page/2/",
            url="https://blog.example.com/page/2/",
            pagination=Pagination(newer="/", older="/page/1/", label="Page 2"),
        )
    ),
    "tag": lambda t: t.render_listing(make_listing("tag", entries=[make_entry(1, image=IMAGE)])),
    "author-empty": lambda t: t.render_listing(make_listing("author", title="Ada Lovelace", entries=[])),
    "tags": lambda t: t.render_terms(make_terms("tag")),
    "authors": lambda t: t.render_terms(make_terms("author", ())),
    "404": lambda t: t.render_not_found(),
}


# ---------------------------------------------------------------- every HTML page


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_common_head(theme: Theme, name: str):
    page = parse(PAGES[name](theme))

    html = page.one("html")
    assert html.attrs["lang"] == "en-GB"
    head = page.one("head")
    assert head.all("meta", charset="utf-8")
    assert meta(page, "viewport") == ["width=device-width, initial-scale=1"]
    assert page.one("title").text.endswith("Field Notes")
    canonical = page.one("link", rel="canonical").attrs["href"]
    assert canonical is not None
    assert canonical.startswith("https://blog.example.com/")
    assert page.one("link", rel="alternate", type="application/atom+xml").attrs["href"] == "/atom.xml"
    assert page.one("link", rel="alternate", type="application/rss+xml").attrs["href"] == "/rss.xml"
    assert page.one("link", rel="stylesheet").attrs["href"] == theme.site.stylesheet
    assert len(meta(page, "description")) <= 1
    assert all(node.parent is head for node in page.all("meta") + page.all("link"))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_landmarks_a_skip_link_and_the_site_nav(theme: Theme, name: str):
    page = parse(PAGES[name](theme))

    body = page.one("body")
    skip = body.all("a")[0]
    assert skip.attrs["href"] == "#content"
    assert skip.text == "Skip to content"
    main = page.one("main")
    assert main.attrs["id"] == "content"
    header = next(n for n in body.children if isinstance(n, Node) and n.tag == "header")
    footer = next(n for n in body.children if isinstance(n, Node) and n.tag == "footer")
    assert header.one("a", class_="site-title").attrs["href"] == "/"
    nav = header.one("nav", aria_label="Site")
    assert [(a.text, a.attrs["href"]) for a in nav.all("a")] == [
        ("Home", "/"),
        ("Tags", "/tags/"),
        ("Authors", "/authors/"),
        ("Feed", "/atom.xml"),
    ]
    assert footer.text


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_one_h1_and_no_heading_jumps(theme: Theme, name: str):
    page = parse(PAGES[name](theme))

    levels = [int(node.tag[1]) for node in page.iter() if re.fullmatch(r"h[1-6]", node.tag)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_free_of_script_and_inline_style(theme: Theme, name: str):
    page = parse(PAGES[name](theme))

    assert [s.attrs for s in page.all("script")] in ([], [{"type": "application/ld+json"}])
    assert page.all("style") == []
    for node in page.iter():
        assert "style" not in node.attrs
        assert not any(attribute.startswith("on") for attribute in node.attrs), node.attrs
        assert not (node.attrs.get("href") or "").lower().startswith("javascript:")
    assert all(img.attrs.get("alt") is not None for img in page.all("img"))


def test_nav_marks_the_current_section(theme: Theme):
    def current(html: str) -> list[str]:
        return [a.text for a in parse(html).all("a", aria_current="page")]

    assert current(PAGES["home"](theme)) == ["Home"]
    assert current(PAGES["tags"](theme)) == ["Tags"]
    assert current(PAGES["authors"](theme)) == ["Authors"]
    assert current(PAGES["post"](theme)) == []


# ---------------------------------------------------------------- a post


def test_post_head_has_description_canonical_and_open_graph(theme: Theme):
    post = make_post(image=IMAGE, updated=datetime(2024, 5, 3, 12, 0, tzinfo=UTC))

    page = parse(theme.render_post(post, "<p>Body.</p>"))

    assert page.one("title").text == "Our Response to the UK Government's AI Plan · Field Notes"
    assert meta(page, "description") == ["What we think of it."]
    assert page.one("link", rel="canonical").attrs["href"] == post.url
    assert meta(page, "og:site_name") == ["Field Notes"]
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:title") == [post.title]
    assert meta(page, "og:description") == ["What we think of it."]
    assert meta(page, "og:url") == [post.url]
    assert meta(page, "og:image") == [IMAGE.url]
    assert meta(page, "og:image:width") == ["1600"]
    assert meta(page, "og:image:height") == ["900"]
    assert meta(page, "article:published_time") == ["2024-05-01T09:30:00+00:00"]
    assert meta(page, "article:modified_time") == ["2024-05-03T12:00:00+00:00"]
    assert meta(page, "article:tag") == ["AI", "Policy"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert meta(page, "twitter:title") == [post.title]
    assert meta(page, "twitter:description") == ["What we think of it."]
    assert meta(page, "twitter:image") == [IMAGE.url]


def test_post_without_image_or_update_leaves_those_tags_out(theme: Theme):
    page = parse(theme.render_post(make_post(), "<p>Body.</p>"))

    assert meta(page, "og:image") == []
    assert meta(page, "twitter:image") == []
    assert meta(page, "twitter:card") == ["summary"]
    assert meta(page, "article:modified_time") == []
    assert page.all("img") == []


def test_image_without_known_size_has_no_size_tags(theme: Theme):
    image = ImageView(url="https://cdn.example.com/a.png", alt="")

    page = parse(theme.render_post(make_post(image=image), "<p>Body.</p>"))

    assert meta(page, "og:image") == [image.url]
    assert meta(page, "og:image:width") == []
    img = page.one("img")
    assert img.attrs["alt"] == ""
    assert "width" not in img.attrs
    assert "height" not in img.attrs


def test_description_is_one_line_and_at_most_about_300_characters(theme: Theme):
    summary = "First paragraph.\n\n" + "word " * 200

    page = parse(theme.render_post(make_post(summary=summary), "<p>Body.</p>"))

    (description,) = meta(page, "description")
    assert description is not None
    assert description.startswith("First paragraph. word word")
    assert "\n" not in description
    assert description.endswith("…")
    assert len(description) <= 306
    assert meta(page, "og:description") == [description]
    # The page itself shows the summary whole, as the lead paragraph
    assert page.one("p", class_="lead").text == " ".join(summary.split())


def test_json_ld_describes_the_blog_posting(theme: Theme):
    post = make_post(image=IMAGE, updated=datetime(2024, 5, 3, tzinfo=UTC))

    data = json_ld(parse(theme.render_post(post, "<p>Body.</p>")))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == post.title
    assert data["datePublished"] == "2024-05-01T09:30:00+00:00"
    assert data["dateModified"] == "2024-05-03T00:00:00+00:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Lovelace", "url": "https://blog.example.com/authors/ada-lovelace/"},
        {"@type": "Person", "name": "Grace Hopper", "url": "https://blog.example.com/authors/grace-hopper/"},
    ]
    assert data["image"] == IMAGE.url
    assert data["description"] == "What we think of it."
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": post.url}
    assert data["url"] == post.url
    assert data["keywords"] == ["AI", "Policy"]


def test_json_ld_without_update_is_modified_when_published(theme: Theme):
    data = json_ld(parse(theme.render_post(make_post(summary=None, tags=()), "<p>Body text.</p>")))

    assert data["dateModified"] == data["datePublished"] == "2024-05-01T09:30:00+00:00"
    assert data["description"] == "Body text."  # the start of the text, as the meta tag
    assert "keywords" not in data
    assert "image" not in data


def test_json_ld_leaves_the_sites_description_out(theme: Theme):
    page = parse(theme.render_post(make_post(summary=None), "<pre><code>x</code></pre>"))

    assert meta(page, "description") == ["Notes from the field."]
    assert "description" not in json_ld(page)  # the site's describes the site, not the post


def test_hostile_title_cannot_leave_the_json_ld_script_or_any_attribute(theme: Theme):
    # GIVEN a post whose every text field tries to close the script or an attribute
    link = Link(HOSTILE, "/authors/x/")
    post = make_post(title=HOSTILE, summary=HOSTILE, authors=(link,), tags=(Link(HOSTILE, "/tags/x/"),))
    image = ImageView(url='https://cdn.example.com/a.png" onerror="alert(1)', alt=HOSTILE, width=1, height=1)

    # WHEN its page is rendered
    html = theme.render_post(replace(post, image=image), "<p>Body.</p>")
    page = parse(html)

    # THEN there is one script, the data; it parses, and holds the title as written
    assert html.count("<script") == 1
    assert html.count("</script>") == 1
    assert json_ld(page)["headline"] == HOSTILE
    # the title is one text node wherever it appears, and no attribute was added
    assert page.one("h1").text == " ".join(HOSTILE.split())
    assert meta(page, "og:title") == [HOSTILE]
    assert meta(page, "article:tag") == [HOSTILE]
    assert page.one("img").attrs["src"] == image.url
    assert page.one("img").attrs["alt"] == HOSTILE
    assert all(not name.startswith("on") for node in page.iter() for name in node.attrs)
    assert page.all("b") == []


def test_post_meta_line_shows_dates_reading_time_and_authors(theme: Theme):
    post = make_post(updated=datetime(2024, 6, 2, tzinfo=UTC))

    page = parse(theme.render_post(post, "<p>Body.</p>"))

    line = page.one("p", class_="post-meta")
    assert [(t.attrs["datetime"], t.text) for t in line.all("time")] == [
        ("2024-05-01T09:30:00+00:00", "1 May 2024"),
        ("2024-06-02T00:00:00+00:00", "2 June 2024"),
    ]
    assert "Updated 2 June 2024" in line.text
    assert "4 min read" in line.text
    assert [(a.text, a.attrs["href"]) for a in line.all("a")] == [
        ("Ada Lovelace", "/authors/ada-lovelace/"),
        ("Grace Hopper", "/authors/grace-hopper/"),
    ]


def test_post_without_update_does_not_say_updated(theme: Theme):
    page = parse(theme.render_post(make_post(), "<p>Body.</p>"))

    assert "Updated" not in page.one("p", class_="post-meta").text
    assert len(page.one("p", class_="post-meta").all("time")) == 1


def test_featured_image_loads_eagerly_with_its_size(theme: Theme):
    page = parse(theme.render_post(make_post(image=IMAGE), "<p>Body.</p>"))

    img = page.one("img")
    assert img.attrs == {
        "src": IMAGE.url,
        "alt": "A hillside at dawn",
        "width": "1600",
        "height": "900",
        "loading": "eager",
        "decoding": "async",
    }
    assert any(a.tag == "article" for a in img.ancestors())


def test_content_goes_in_as_given_and_tags_come_after_it(theme: Theme):
    html = theme.render_post(make_post(), '<p id="body">Trusted <em>HTML</em> &amp; more.</p>')
    page = parse(html)

    article = page.one("article")
    assert '<p id="body">Trusted <em>HTML</em> &amp; more.</p>' in html
    body = article.one("p", id="body")
    tags = article.one("ul", class_="tags")
    order = list(article.iter())
    assert order.index(body) < order.index(tags)
    assert [(a.text, a.attrs["href"]) for a in tags.all("a")] == [
        ("AI", "/tags/ai/"),
        ("Policy", "/tags/policy/"),
    ]


@pytest.mark.parametrize(
    "toc",
    [
        pytest.param((), id="no-headings"),
        pytest.param((Heading(2, "only", "Only"),), id="one-heading"),
    ],
)
def test_no_table_of_contents_under_two_headings(theme: Theme, toc: tuple[Heading, ...]):
    page = parse(theme.render_post(make_post(toc=toc), "<p>Body.</p>"))

    assert page.all("nav", aria_label="Contents") == []


def test_table_of_contents_nests_h3_under_its_h2(theme: Theme):
    toc = (
        Heading(2, "one", "One"),
        Heading(3, "one-a", "One A"),
        Heading(3, "one-b", "One B"),
        Heading(2, "two", "Two"),
        Heading(2, "three", "Three & <more>"),
    )

    page = parse(theme.render_post(make_post(toc=toc), "<p>Body.</p>"))

    nav = page.one("nav", aria_label="Contents")
    top = nav.one("ol") if len(nav.all("ol")) == 1 else nav.all("ol")[0]
    items = [c for c in top.children if isinstance(c, Node)]
    assert [li.all("a")[0].text for li in items] == ["One", "Two", "Three & <more>"]
    nested = items[0].one("ol")
    assert [(a.text, a.attrs["href"]) for a in nested.all("a")] == [("One A", "#one-a"), ("One B", "#one-b")]
    assert [a.attrs["href"] for a in nav.all("a")] == ["#one", "#one-a", "#one-b", "#two", "#three"]


def test_table_of_contents_keeps_a_leading_h3_at_the_top(theme: Theme):
    toc = (Heading(3, "intro", "Intro"), Heading(3, "aside", "Aside"), Heading(2, "main", "Main"))

    page = parse(theme.render_post(make_post(toc=toc), "<p>Body.</p>"))

    nav = page.one("nav", aria_label="Contents")
    assert len(nav.all("ol")) == 1
    assert [a.text for a in nav.all("a")] == ["Intro", "Aside", "Main"]


def test_table_of_contents_shows_headings_as_the_body_does(theme: Theme):
    # GIVEN headings whose text is their Markdown source, and a body that renders them
    toc = (
        Heading(2, "plan", "The Plan&#39;s *core*"),
        Heading(2, "next", "Next"),
        Heading(3, "gone", "Not in the body"),
    )
    body = (
        '<h2 id="plan">The Plan\'s <em>core</em></h2>\n<p>x</p>\n<h2 id="next">Next <code>steps</code></h2>'
    )

    # WHEN the post is rendered
    html = theme.render_post(make_post(toc=toc), body)

    # THEN the contents show what the reader sees in the body
    links = parse(html).one("nav", aria_label="Contents").all("a")
    assert [a.text for a in links] == ["The Plan's core", "Next steps", "Not in the body"]
    assert "&#39;" not in html


def test_apostrophes_in_markdown_headings_stay_as_typed(theme: Theme):
    body = MarkdownRenderer().render("## The Plan&#39;s Core\n\nText.\n\n## Don't stop\n\nMore.\n")

    html = theme.render_post(make_post(toc=body.toc), body.html)

    assert [a.text for a in parse(html).one("nav", aria_label="Contents").all("a")] == [
        "The Plan's Core",
        "Don't stop",
    ]
    assert "&#39;" not in html


def test_a_real_rendered_body_makes_a_well_formed_page(theme: Theme):
    body = MarkdownRenderer().render(
        "Intro[^1].\n\n## One\n\n- [x] done\n\n### One A\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
        "```python\nprint('hi')\n```\n\n> [!NOTE]\n> Careful.\n\n## Two\n\n[^1]: A note.\n"
    )

    page = parse(theme.render_post(make_post(toc=body.toc, reading_minutes=body.reading_minutes), body.html))

    assert page.one("pre", class_="highlight")
    assert [a.attrs["href"] for a in page.one("nav", aria_label="Contents").all("a")] == [
        "#one",
        "#one-a",
        "#two",
    ]


# ---------------------------------------------------------------- listings


def test_home_lists_entries_in_the_given_order_as_cards(theme: Theme):
    page = parse(theme.render_listing(make_listing("home")))

    cards = page.all("article", class_="entry")
    assert [(c.one("h2").text, c.one("h2").one("a").attrs["href"]) for c in cards] == [
        ("Post 3", "/posts/post-3/"),
        ("Post 2", "/posts/post-2/"),
        ("Post 1", "/posts/post-1/"),
    ]
    first = cards[0]
    assert first.one("time").attrs["datetime"] == "2024-05-03T08:00:00+00:00"
    assert first.one("time").text == "3 May 2024"
    assert first.one("p", class_="entry-summary").text == "Summary 3."
    assert first.one("a", href="/authors/ada-lovelace/").text == "Ada Lovelace"
    assert first.one("a", href="/tags/ai/").text == "AI"
    assert first.all("img") == []


def test_home_has_a_hidden_h1_with_the_site_title(theme: Theme):
    page = parse(theme.render_listing(make_listing("home")))

    h1 = page.one("h1")
    assert h1.text == "Field Notes"
    assert "visually-hidden" in (h1.attrs["class"] or "")
    assert page.one("title").text == "Field Notes"
    assert page.one("link", rel="canonical").attrs["href"] == "https://blog.example.com/"
    assert meta(page, "description") == ["Notes from the field."]
    assert meta(page, "og:type") == ["website"]


def test_tag_page_has_its_title_as_h1_and_a_thumbnail_when_the_entry_has_an_image(theme: Theme):
    page = parse(theme.render_listing(make_listing("tag", entries=[make_entry(1, image=IMAGE)])))

    assert page.one("h1").text == "Posts tagged AI"
    assert page.one("title").text == "Posts tagged AI · Field Notes"
    img = page.one("article", class_="entry").one("img")
    assert img.attrs["src"] == IMAGE.url
    assert img.attrs["alt"] == IMAGE.alt
    assert img.attrs["width"] == "1600"


def test_listing_description_is_the_pages_own_when_given(theme: Theme):
    page = parse(theme.render_listing(make_listing("tag", description="All about AI.")))

    assert meta(page, "description") == ["All about AI."]
    assert page.one("p", class_="lead").text == "All about AI."


def test_empty_listing_says_so(theme: Theme):
    home = parse(theme.render_listing(make_listing("home", entries=[])))
    author = parse(theme.render_listing(make_listing("author", title="Ada Lovelace", entries=[])))

    assert home.one("p", class_="empty").text == "Nothing is published yet."
    assert author.one("p", class_="empty").text == "Nothing is published here yet."
    assert home.all("article") == []


def test_no_pagination_when_there_is_one_page(theme: Theme):
    html = theme.render_listing(make_listing("tag"))
    page = parse(html)

    assert page.all("nav", aria_label="Pagination") == []
    assert page.all("link", rel="next") == []
    assert page.all("link", rel="prev") == []
    assert "Newer posts" not in html
    assert "Older posts" not in html


def test_first_page_links_only_to_older_posts(theme: Theme):
    page = parse(theme.render_listing(make_listing("home", pagination=Pagination(older="/page/4/"))))

    nav = page.one("nav", aria_label="Pagination")
    assert [(a.text, a.attrs["href"]) for a in nav.all("a")] == [("Older posts →", "/page/4/")]
    assert page.one("link", rel="next").attrs["href"] == "https://blog.example.com/page/4/"
    assert page.all("link", rel="prev") == []


def test_archive_page_links_both_ways_and_shows_its_label(theme: Theme):
    listing = make_listing(
        "archive",
        title="All posts",
        path="/page/3/",
        url="https://blog.example.com/page/3/",
        pagination=Pagination(newer="/page/4/", older="/page/2/", label="Page 3"),
    )

    page = parse(theme.render_listing(listing))

    nav = page.one("nav", aria_label="Pagination")
    assert [(a.text, a.attrs["href"]) for a in nav.all("a")] == [
        ("← Newer posts", "/page/4/"),
        ("Older posts →", "/page/2/"),
    ]
    assert "Page 3" in nav.text
    assert page.one("link", rel="prev").attrs["href"] == "https://blog.example.com/page/4/"
    assert page.one("link", rel="next").attrs["href"] == "https://blog.example.com/page/2/"
    assert page.one("h1").text == "All posts"
    assert page.one("title").text == "All posts \u2013 Page 3 · Field Notes"
    assert page.one("link", rel="canonical").attrs["href"] == "https://blog.example.com/page/3/"


def test_label_already_in_the_title_is_not_repeated(theme: Theme):
    listing = make_listing(
        "archive", title="Archive, page 3", pagination=Pagination(newer="/", label="Page 3")
    )

    page = parse(theme.render_listing(listing))

    assert page.one("title").text == "Archive, page 3 · Field Notes"
    assert page.all("p", class_="page-label") == []


def test_last_archive_page_links_only_to_newer_posts(theme: Theme):
    listing = make_listing(
        "archive", title="All posts", pagination=Pagination(newer="/page/2/", label="Page 1")
    )

    page = parse(theme.render_listing(listing))

    assert [a.text for a in page.one("nav", aria_label="Pagination").all("a")] == ["← Newer posts"]
    assert page.all("link", rel="next") == []


# ---------------------------------------------------------------- terms and 404


def test_terms_page_lists_its_links_in_order(theme: Theme):
    page = parse(theme.render_terms(make_terms("tag")))

    assert page.one("h1").text == "Tags"
    assert page.one("title").text == "Tags · Field Notes"
    assert page.one("link", rel="canonical").attrs["href"] == "https://blog.example.com/tags/"
    terms = page.one("main").one("ul")
    assert [(a.text, a.attrs["href"]) for a in terms.all("a")] == [
        ("AI", "/tags/ai/"),
        ("Policy", "/tags/policy/"),
    ]


def test_empty_terms_page_says_so(theme: Theme):
    page = parse(theme.render_terms(make_terms("author", ())))

    assert page.one("h1").text == "Authors"
    assert page.one("p", class_="empty").text == "Nothing here yet."
    assert page.one("main").all("ul") == []


def test_not_found_page_helps_the_reader_home(theme: Theme):
    page = parse(theme.render_not_found())

    assert page.one("h1").text == "Page not found"
    assert page.one("title").text == "Page not found · Field Notes"
    assert page.one("main").all("a", href="/")
    assert meta(page, "robots") == ["noindex"]


# ---------------------------------------------------------------- feeds


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


# ---------------------------------------------------------------- the stylesheet


def test_stylesheet_key_is_the_fingerprint_of_its_body(theme: Theme):
    key, body = theme.stylesheet()

    assert re.fullmatch(r"assets/theme/style\.[0-9a-f]{12}\.css", key)
    assert key == f"assets/theme/style.{hashlib.sha256(body).hexdigest()[:12]}.css"
    assert theme.site.stylesheet == "/" + key
    assert theme.site.title == SITE.title
    assert theme.site.base_url == SITE.base_url
    assert SITE.stylesheet == "/assets/theme/style.css"  # the SiteInfo passed in is left as it was


def test_stylesheet_is_the_theme_css_then_light_then_dark_code_colours(theme: Theme):
    _, body = theme.stylesheet()
    css = body.decode("utf-8")

    site_css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")
    assert css.startswith(site_css.rstrip())
    light = code_stylesheet(LIGHT_CODE_STYLE)
    assert light.strip() in css
    dark_block = css[css.rindex("@media (prefers-color-scheme: dark)") :]
    assert css.index(light.strip()) < css.index(dark_block)
    dark_rules = {line.strip() for line in dark_block.splitlines()[1:-1]}
    assert dark_rules == {
        line.strip() for line in code_stylesheet(DARK_CODE_STYLE).splitlines() if line.startswith(".")
    }


def test_every_coloured_code_token_gets_a_dark_colour():
    # Otherwise a light scheme colour would stay on the dark code background
    def coloured(css: str) -> set[str]:
        return {m[1] for m in re.finditer(r"^\s*(\.highlight[^{]*?) \{[^}]*\bcolor:", css, re.MULTILINE)}

    assert coloured(code_stylesheet(LIGHT_CODE_STYLE)) <= coloured(code_stylesheet(DARK_CODE_STYLE))


def test_stylesheet_key_changes_when_the_css_changes(monkeypatch: pytest.MonkeyPatch):
    before = build_stylesheet("body { color: black; }")
    after = build_stylesheet("body { color: #111; }")

    assert before[0] != after[0]
    assert build_stylesheet("body { color: black; }") == before

    # A new Pygments version (different code CSS) is a new file, and pages follow it
    original = Theme(SITE)
    monkeypatch.setattr(
        pressroom.theme, "code_stylesheet", lambda style: f".highlight .k {{ color: #000 }} /* {style} */"
    )
    changed = Theme(SITE)
    assert changed.stylesheet()[0] != original.stylesheet()[0]
    page = parse(changed.render_not_found())
    assert page.one("link", rel="stylesheet").attrs["href"] == "/" + changed.stylesheet()[0]


def test_templates_and_css_carry_no_script_or_inline_style():
    templates = {p.name: p.read_text(encoding="utf-8") for p in (THEME_DIR / "templates").glob("*.j2")}
    css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")

    for name, source in templates.items():
        assert re.findall(r"<script[^>]*>", source) in ([], ['<script type="application/ld+json">']), name
        assert "<style" not in source, name
        assert " style=" not in source, name
        assert not re.search(r"\son[a-z]+=", source), name
    assert "javascript:" not in css.lower()
    assert "expression(" not in css.lower()
    assert "@import" not in css


# ---------------------------------------------------------------- colour contrast


def _variables(css: str, selector_start: int) -> dict[str, str]:
    block = css[css.index("{", css.index(":root", selector_start)) :]
    block = block[: block.index("}")]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", block))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _schemes() -> dict[str, dict[str, str]]:
    css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")
    light = _variables(css, 0)
    dark = {**light, **_variables(css, css.index("@media (prefers-color-scheme: dark)"))}
    return {"light": light, "dark": dark}


TEXT_PAIRS = [
    (fg, bg)
    for fg in ("text", "heading", "muted", "accent", "accent-hover")
    for bg in ("bg", "surface", "surface-2")
] + [
    ("text", "code-bg"),
    ("text", "code-inline-bg"),
    ("bg", "accent"),
    ("bg", "heading"),
    ("bg", "accent-hover"),
    ("mark-text", "mark-bg"),
    *[(f"alert-{kind}", "surface-2") for kind in ("note", "tip", "important", "warning", "caution")],
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_meet_wcag_aa_in_both_schemes(scheme: str):
    colours = _schemes()[scheme]

    low = {
        (fg, bg): round(_contrast(colours[fg], colours[bg]), 2)
        for fg, bg in TEXT_PAIRS
        if _contrast(colours[fg], colours[bg]) < 4.5
    }
    assert low == {}
    assert _contrast(colours["focus"], colours["bg"]) >= 3  # the focus ring, a non-text indicator


@pytest.mark.parametrize(("scheme", "style"), [("light", LIGHT_CODE_STYLE), ("dark", DARK_CODE_STYLE)])
def test_code_token_colours_meet_wcag_aa_on_the_code_background(scheme: str, style: str):
    background = _schemes()[scheme]["code-bg"]
    css = code_stylesheet(style)

    low = {
        selector: colour
        for selector, colour in re.findall(
            r"^(\.highlight \.\w+) \{ color: (#[0-9A-Fa-f]{3,6})", css, re.MULTILINE
        )
        if selector != ".highlight .w"  # whitespace
        and _contrast(_six(colour), background) < 4.5
    }
    assert low == {}


def _six(colour: str) -> str:
    digits = colour.lstrip("#")
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
