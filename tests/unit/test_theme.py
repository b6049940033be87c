"""The Jinja2 theme: values are escaped, apostrophes stay as typed, unsafe templates are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

import pressroom
from pressroom.theme import (
    Theme,
    escape_text,
    excerpt,
    format_date,
    one_line,
    rfc822_datetime,
    w3c_datetime,
)
from pressroom.views import EntryView, Link, ListingView, PostView, SiteInfo

SITE = SiteInfo(title="Field Notes", base_url="https://blog.example.com")
TEMPLATES = Path(pressroom.__file__).parent / "theme" / "templates"


def make_post(**overrides: object) -> PostView:
    values: dict[str, object] = {
        "title": "A post",
        "slug": "a-post",
        "path": "/posts/a-post/",
        "url": "https://blog.example.com/posts/a-post/",
        "date": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    }
    values.update(overrides)
    return PostView(**values)  # type: ignore[arg-type]


def make_entry(title: str = "An entry", slug: str = "an-entry", **overrides: object) -> EntryView:
    values: dict[str, object] = {
        "title": title,
        "path": f"/posts/{slug}/",
        "url": f"https://blog.example.com/posts/{slug}/",
        "date": datetime(2024, 5, 1, tzinfo=UTC),
    }
    values.update(overrides)
    return EntryView(**values)  # type: ignore[arg-type]


def home(entries: list[EntryView], site: SiteInfo = SITE) -> ListingView:
    return ListingView(kind="home", title=site.title, path="/", url=site.url("/"), entries=entries)


def element(html: str, tag: str) -> str:
    """The inner HTML of the first `tag` element."""
    match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.DOTALL)
    assert match, f"no <{tag}> in page"
    return match.group(1)


@pytest.fixture(scope="module")
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
    assert 'content="Our Response to the UK Government\'s AI Plan"' in page
    assert "&#39;" not in page
    assert "&amp;#39;" not in page


def test_apostrophes_stay_as_typed_in_listings_and_feeds(theme: Theme):
    entry = make_entry("Ada's notes", summary="It's here.")
    updated = datetime(2024, 6, 1, tzinfo=UTC)

    for document in (
        theme.render_listing(home([entry])),
        theme.render_atom([entry], updated),
        theme.render_rss([entry], updated),
    ):
        assert "Ada's notes" in document
        assert "&#39;" not in document


def test_markup_in_title_is_escaped(theme: Theme):
    # GIVEN a title holding a script and double quotes
    post = make_post(title='Say "hi" <script>alert(1)</script>', summary='A "quoted" <b>summary</b>')

    # WHEN its page is rendered
    page = theme.render_post(post, "<p>Body.</p>")

    # THEN the title is text in every place it appears, and the only script is the JSON-LD data
    escaped = "Say &#34;hi&#34; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert element(page, "title").startswith(escaped)
    assert element(page, "h1") == escaped
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/ld+json">']
    assert "<script>" not in page
    assert 'content="A &#34;quoted&#34; &lt;b&gt;summary&lt;/b&gt;"' in page


def test_post_page_carries_its_metadata_and_content(theme: Theme):
    post = make_post(
        summary="What it is about.",
        authors=(
            Link("Ada Lovelace", "/authors/ada-lovelace/"),
            Link("Grace Hopper", "/authors/grace-hopper/"),
        ),
    )

    page = theme.render_post(post, "<p>Trusted <em>sanitised</em> HTML.</p>")

    # Content is already sanitised: inserted as is, not escaped
    assert "<p>Trusted <em>sanitised</em> HTML.</p>" in page
    assert '<link rel="canonical" href="https://blog.example.com/posts/a-post/">' in page
    assert '<meta name="description" content="What it is about.">' in page
    assert '<time datetime="2024-05-01T09:30:00+00:00">1 May 2024</time>' in page
    assert (
        '<a href="/authors/ada-lovelace/" rel="author">Ada Lovelace</a>, '
        '<a href="/authors/grace-hopper/" rel="author">Grace Hopper</a>'
    ) in page


def test_post_without_summary_is_described_by_the_start_of_its_text(theme: Theme):
    page = theme.render_post(make_post(), "<h2>Intro</h2>\n<p>It's <em>short</em> &amp; sweet.</p>")

    assert '<meta name="description" content="It\'s short &amp; sweet.">' in page
    assert '<p class="lead">' not in page  # the lead paragraph is the summary's alone


def test_post_without_summary_or_text_has_the_sites_description_if_any(theme: Theme):
    code_only = "<pre><code>print(1)</code></pre>"

    assert 'name="description"' not in theme.render_post(make_post(), code_only)

    described = Theme(SiteInfo(title="Field Notes", base_url="https://b.example", description="About it."))
    page = described.render_post(make_post(), code_only)

    assert '<meta name="description" content="About it.">' in page


def test_listing_escapes_entry_titles(theme: Theme):
    entry = make_entry("<img src=x onerror=alert(1)>")

    page = theme.render_listing(home([entry]))

    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_site_title_is_escaped():
    site = SiteInfo(title='Ada\'s "lab" & <co>', base_url="https://b.example")

    page = Theme(site).render_listing(home([], site))

    assert element(page, "title") == "Ada's &#34;lab&#34; &amp; &lt;co&gt;"


def test_control_characters_are_dropped_from_values(theme: Theme):
    entry = make_entry("Bell\x07 and form\x0cfeed")

    feed = theme.render_atom([entry], datetime(2024, 6, 1, tzinfo=UTC))

    assert "<title>Bell and formfeed</title>" in feed


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


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.j2")))
def test_every_shipped_template_passes_the_checked_loader(theme: Theme, name: str):
    assert theme.environment.get_template(name)


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


def test_strict_undefined_reaches_the_shipped_templates():
    # A view missing a field the post template reads fails loudly, not as an empty string
    theme = Theme(SITE)

    with pytest.raises(jinja2.UndefinedError, match="EntryView object' has no attribute"):
        theme.environment.get_template("post.html.j2").render(
            site=theme.site, post=make_entry(), content=Markup(""), excerpt="", toc=[]
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Ada's", "Ada's", id="apostrophe-kept"),
        pytest.param('"', "&#34;", id="double-quote"),
        pytest.param("<&>", "&lt;&amp;&gt;", id="markup"),
        pytest.param("&#39;", "&amp;#39;", id="entity-text-is-text"),
        pytest.param(42, "42", id="not-a-string"),
        pytest.param("a\x00b\x1bc\x7fd\x85e", "abcde", id="control-characters-dropped"),
        pytest.param("tab\tline\ncr\r", "tab\tline\ncr\r", id="whitespace-kept"),
        pytest.param("caf\u00e9 \u2013 \u2615", "caf\u00e9 \u2013 \u2615", id="unicode-kept"),
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


def test_one_line_collapses_whitespace():
    assert one_line("  First line.\n\n  Second\tline. ") == "First line. Second line."


def test_dates_for_feeds_keep_the_offset_and_treat_naive_as_utc():
    paris = timezone(timedelta(hours=2))

    assert w3c_datetime(datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=paris)) == "2024-05-01T09:30:15+02:00"
    assert w3c_datetime(datetime(2024, 5, 1, 9, 30)) == "2024-05-01T09:30:00+00:00"
    assert rfc822_datetime(datetime(2024, 5, 1, 9, 30, tzinfo=paris)) == "Wed, 01 May 2024 09:30:00 +0200"
    assert rfc822_datetime(datetime(2024, 5, 1, 9, 30)) == "Wed, 01 May 2024 09:30:00 +0000"


def test_excerpt_is_the_paragraphs_text_without_code_tables_footnotes_or_alert_titles():
    body = (
        '<h2 id="a">Heading</h2>\n<p>First <code>x</code> and a note<sup class="footnote-ref">'
        '<a href="#fn1">[1]</a></sup>.</p>\n<pre class="highlight"><code>skip()</code></pre>\n'
        "<table><tr><td>skip</td></tr></table>\n"
        '<div class="markdown-alert markdown-alert-note">\n<p class="markdown-alert-title">Note</p>\n'
        "<p>Alert text.</p>\n</div>\n"
        '<section class="footnotes"><ol><li><p>Footnote.</p></li></ol></section>'
    )

    assert excerpt(body) == "First x and a note. Alert text."


def test_excerpt_is_cut_at_a_word():
    body = "<p>" + "lorem ipsum, " * 40 + "</p>"

    assert excerpt(body, length=52) == "lorem ipsum, lorem ipsum, lorem ipsum, lorem ipsum…"
    assert excerpt(body, length=50) == "lorem ipsum, lorem ipsum, lorem ipsum, lorem…"
    assert len(excerpt(body)) <= 300
