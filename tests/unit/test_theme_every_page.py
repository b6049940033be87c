"""What every HTML page of the theme holds: the common head, landmarks, valid structure."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from theme_fixtures import PAGES, Node, meta, parse

from pressroom.theme import Theme


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
