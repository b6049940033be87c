"""Listing pages (home, archives, tags, authors), the terms indexes and the 404 page."""

from __future__ import annotations

from theme_fixtures import IMAGE, make_entry, make_listing, make_terms, meta, parse

from pressroom.theme import Theme
from pressroom.views import (
    Pagination,
)


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
