"""The Jinja2 theme: values are escaped, apostrophes stay as typed, unsafe templates are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import jinja2
import pytest
from markupsafe import Markup

from pressroom.model import Post
from pressroom.theme import IndexEntry, SiteInfo, Theme, escape_text, format_date

SITE = SiteInfo(title="Field Notes", base_url="https://blog.example.com")


def make_post(**overrides: object) -> Post:
    values: dict[str, object] = {
        "source_key": "posts/a-post.md",
        "slug": "a-post",
        "title": "A post",
        "date": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "body": "Body.",
    }
    values.update(overrides)
    return Post(**values)  # type: ignore[arg-type]


def element(html: str, tag: str) -> str:
    """The inner HTML of the first `tag` element."""
    match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.DOTALL)
    assert match, f"no <{tag}> in page"
    return match.group(1)


@pytest.fixture
def theme() -> Theme:
    return Theme(SITE)


def test_apostrophe_in_title_appears_as_typed(theme: Theme):
    # GIVEN a post whose title has an apostrophe
    post = make_post(title="Our Response to the UK Government's AI Plan")

    # WHEN its page is rendered
    page = theme.render_post(post, "<p>Body.</p>")

    # THEN <title> and <h1> show the apostrophe itself, not an entity
    assert element(page, "title") == "Our Response to the UK Government's AI Plan · Field Notes"
    assert element(page, "h1") == "Our Response to the UK Government's AI Plan"
    assert "&#39;" not in page
    assert "&amp;#39;" not in page


def test_markup_in_title_is_escaped(theme: Theme):
    # GIVEN a title holding a script and double quotes
    post = make_post(title='Say "hi" <script>alert(1)</script>', summary='A "quoted" <b>summary</b>')

    # WHEN its page is rendered
    page = theme.render_post(post, "<p>Body.</p>")

    # THEN the title is text in every place it appears, and no script element exists
    escaped = "Say &#34;hi&#34; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert element(page, "title").startswith(escaped)
    assert element(page, "h1") == escaped
    assert "<script" not in page
    assert 'content="A &#34;quoted&#34; &lt;b&gt;summary&lt;/b&gt;"' in page


def test_post_page_carries_its_metadata_and_content(theme: Theme):
    post = make_post(summary="What it is about.", authors=("Ada Lovelace", "Grace Hopper"))

    page = theme.render_post(post, "<p>Trusted <em>sanitised</em> HTML.</p>")

    # Content is already sanitised: inserted as is, not escaped
    assert "<p>Trusted <em>sanitised</em> HTML.</p>" in page
    assert '<link rel="canonical" href="https://blog.example.com/posts/a-post/">' in page
    assert '<meta name="description" content="What it is about.">' in page
    assert '<time datetime="2024-05-01T09:30:00+00:00">1 May 2024</time>' in page
    assert "Ada Lovelace, Grace Hopper" in page


def test_post_without_summary_has_no_description(theme: Theme):
    page = theme.render_post(make_post(), "<p>x</p>")

    assert 'name="description"' not in page


def test_index_lists_entries_in_the_given_order(theme: Theme):
    # GIVEN entries in an order that is neither by date nor by title
    entries = [
        IndexEntry(
            "middle", "Middle post", datetime(2024, 5, 2, tzinfo=UTC), "/posts/middle/", "Second's summary"
        ),
        IndexEntry("newest", "Zebra", datetime(2024, 6, 1, tzinfo=UTC), "/posts/newest/"),
        IndexEntry("oldest", "Aardvark", datetime(2023, 1, 1, tzinfo=UTC), "/posts/oldest/"),
    ]

    # WHEN the index is rendered
    page = theme.render_index(entries)

    # THEN each links to its path, in exactly that order
    links = re.findall(r'<h2><a href="([^"]+)">([^<]+)</a></h2>', page)
    assert links == [
        ("/posts/middle/", "Middle post"),
        ("/posts/newest/", "Zebra"),
        ("/posts/oldest/", "Aardvark"),
    ]
    assert "<p>Second's summary</p>" in page
    assert '<link rel="canonical" href="https://blog.example.com/">' in page


def test_index_escapes_entry_titles(theme: Theme):
    entry = IndexEntry("x", "<img src=x onerror=alert(1)>", datetime(2024, 5, 1, tzinfo=UTC), "/posts/x/")

    page = theme.render_index([entry])

    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_empty_index_says_so(theme: Theme):
    page = theme.render_index([])

    assert "Nothing is published yet." in page
    assert "<ul" not in page


def test_site_title_is_escaped():
    page = Theme(SiteInfo(title='Ada\'s "lab" & <co>', base_url="https://b.example")).render_index([])

    assert element(page, "title") == "Ada's &#34;lab&#34; &amp; &lt;co&gt;"


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("<a title='{{ value }}'>x</a>", id="single-quoted"),
        pytest.param("<a title = '{{ value }}'>x</a>", id="single-quoted-spaced"),
        pytest.param("<a title='Re: {{ value }}'>x</a>", id="single-quoted-with-prefix"),
        pytest.param("<a href={{ value }}>x</a>", id="unquoted"),
    ],
)
def test_checked_loader_refuses_unprotectable_attributes(template: str):
    # GIVEN a template whose attribute value an apostrophe could close
    theme = Theme(SITE, loader=jinja2.DictLoader({"page.html.j2": "<p>ok</p>\n" + template}))

    # WHEN it is loaded THEN it is refused, pointing at the line
    with pytest.raises(jinja2.TemplateSyntaxError, match="double quotes") as raised:
        theme.environment.get_template("page.html.j2")
    assert raised.value.lineno == 2


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("<a title='a > {{ value }}'>x</a>", id="greater-than-inside-the-value"),
        pytest.param("<a title='\n{{ value }}'>x</a>", id="value-spanning-lines"),
    ],
)
def test_checked_loader_refuses_single_quoted_attributes_however_they_are_laid_out(template: str):
    # GIVEN a single-quoted attribute the line-by-line check does not see as one
    theme = Theme(SITE, loader=jinja2.DictLoader({"page.html.j2": template}))

    # THEN it is refused all the same: an apostrophe in `value` would end the attribute
    with pytest.raises(jinja2.TemplateSyntaxError, match="double quotes"):
        theme.environment.get_template("page.html.j2").render(value="' onmouseover='alert(1)")


def test_double_quoted_attribute_is_safe_with_apostrophes_and_quotes():
    theme = Theme(SITE, loader=jinja2.DictLoader({"page.html.j2": '<a title="{{ value }}">x</a>'}))

    html = theme.environment.get_template("page.html.j2").render(value='It\'s "x" <y>')

    assert html == '<a title="It\'s &#34;x&#34; &lt;y&gt;">x</a>'


def test_strict_undefined_raises_on_a_missing_variable():
    theme = Theme(SITE, loader=jinja2.DictLoader({"page.html.j2": "<p>{{ missing }}</p>"}))

    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        theme.environment.get_template("page.html.j2").render()


def test_strict_undefined_raises_on_a_missing_attribute():
    theme = Theme(SITE, loader=jinja2.DictLoader({"page.html.j2": "<p>{{ site.subtitle }}</p>"}))

    with pytest.raises(jinja2.UndefinedError, match="subtitle"):
        theme.environment.get_template("page.html.j2").render(site=SITE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Ada's", "Ada's", id="apostrophe-kept"),
        pytest.param('"', "&#34;", id="double-quote"),
        pytest.param("<&>", "&lt;&amp;&gt;", id="markup"),
        pytest.param("&#39;", "&amp;#39;", id="entity-text-is-text"),
        pytest.param(42, "42", id="not-a-string"),
    ],
)
def test_escape_text(value: object, expected: str):
    escaped = escape_text(value)

    assert isinstance(escaped, Markup)
    assert str(escaped) == expected


def test_escape_text_leaves_markup_alone():
    assert escape_text(Markup("<em>x</em>")) == "<em>x</em>"


def test_format_date_has_no_leading_zero():
    assert format_date(datetime(2024, 5, 1, tzinfo=UTC)) == "1 May 2024"
    assert format_date(datetime(2025, 12, 25, tzinfo=UTC)) == "25 December 2025"
