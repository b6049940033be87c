"""What the theme's page tests share: a small HTML tree to query pages with, and view factories."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pressroom
import pressroom.theme.stylesheet
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
