"""A post's page: its head, its metadata, its contents list, its body as given."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from theme_fixtures import HOSTILE, IMAGE, Node, json_ld, make_post, meta, parse

from pressroom.reading.markdown import MarkdownRenderer
from pressroom.theme import Theme
from pressroom.views import (
    Heading,
    ImageView,
    Link,
)


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
