"""The site's Jinja2 theme: pages, feeds and the stylesheet from plain values, escaped whatever they hold.

Templates see only the views in `pressroom.views` and `site`, and run in the bounded sandbox of
`pressroom.sandbox`: the packaged theme and every template a site owner uploads alike. Every
value a template prints goes through `escape_text`; the one exception is a post's body, which
the Markdown renderer has already sanitised. Pages link one stylesheet, fingerprinted by its
content, and carry no script but their JSON-LD data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from importlib.resources import files
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FunctionLoader,
    PackageLoader,
    StrictUndefined,
    TemplateSyntaxError,
)
from markupsafe import Markup

from pressroom.markdown import Heading, code_stylesheet
from pressroom.sandbox import (
    TEMPLATE_FAULTS,
    RenderLimits,
    TemplateRefusedError,
    ThemeSandbox,
    bounded,
    refusal,
    static_problems,
)
from pressroom.views import (
    EntryView,
    Link,
    ListingView,
    Pagination,
    PostView,
    SiteInfo,
    SitemapEntry,
    TermsView,
)

ATOM_PATH = "/atom.xml"
# Where a site owner's templates live in the uploads bucket: theme/post.html.j2 replaces post.html.j2.
THEME_PREFIX = "theme/"
RSS_PATH = "/rss.xml"
STYLESHEET_KEY_PREFIX = "assets/theme/style."
# A post without a summary is described by the start of its text, about this long.
EXCERPT_LENGTH = 300
# An uploaded template larger than this is refused before it is parsed.
MAX_TEMPLATE_CHARS = 256_000
# The sample pages that check an uploaded template share one budget, well inside a Lambda timeout.
SAMPLE_RENDER_LIMITS = RenderLimits(steps=2_000_000, seconds=10.0)
# Pygments styles for highlighted code. Both keep every token at WCAG AA contrast (4.5:1) on
# their own background, which style.css uses for every code block (--code-bg).
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"

# An expression inside a single-quoted or an unquoted attribute value, e.g. title='{{ x }}'.
_SINGLE_QUOTED_VALUE = re.compile(r"=\s*'([^']*)'", re.DOTALL)
_UNQUOTED_EXPRESSION = re.compile(r"=\s*\{\{")
# Characters neither XML 1.0 nor HTML accepts in a document: C0 and C1 controls (but tab, line
# feed and carriage return), lone surrogates and the two non-characters U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape_text(value: object) -> Markup:
    """Escape for HTML (and XML) text and double-quoted attributes, leaving apostrophes as typed.

    Jinja2's default escaping writes ' as &#39;, which is safe but shows up in page sources,
    feeds and e-mails. Templates are held to double-quoted attributes (see CheckedLoader),
    where an apostrophe needs no escaping. Control characters are dropped: one would make a
    feed ill-formed XML.
    """
    if isinstance(value, Markup):
        return value
    text = _UNPRINTABLE.sub("", str(value))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    return Markup(escaped)  # noqa: S704 - escaped on the line above


class CheckedLoader(BaseLoader):
    """Wraps a loader and refuses templates whose attribute values escape_text cannot protect."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        unsafe = [m.start() for m in _SINGLE_QUOTED_VALUE.finditer(source) if "{{" in m[1]]
        unsafe += [m.start() for m in _UNQUOTED_EXPRESSION.finditer(source)]
        if unsafe:
            line = source.count("\n", 0, min(unsafe)) + 1
            raise TemplateSyntaxError(
                "put attribute values that contain {{ … }} in double quotes", line, template, filename
            )
        return source, filename, uptodate


def format_date(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def one_line(value: str) -> str:
    """Collapse runs of whitespace (a multi-paragraph summary in a meta tag, say) to one space."""
    return " ".join(value.split())


def w3c_datetime(value: datetime) -> str:
    """RFC 3339 / W3C datetime to the second, as Atom, sitemaps and <time> want; naive means UTC."""
    return _aware(value).isoformat(timespec="seconds")


def rfc822_datetime(value: datetime) -> str:
    """The RFC 822 date RSS 2.0 wants, e.g. "Wed, 01 May 2024 09:30:00 +0000"; naive means UTC."""
    return format_datetime(_aware(value).replace(microsecond=0))


def html_text(value: object) -> str:
    """Text as HTML, for feed fields readers treat as HTML (RSS <description>).

    Returned as a plain string so that the template escapes it once more for XML: the reader
    unescapes the XML, then shows `<b>` as the characters it is, not as bold.
    """
    return str(escape_text(value))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _BodyText(HTMLParser):
    """The text of a rendered body: its paragraphs (leaving out code, tables, footnotes and alert
    titles) and each heading's, by id."""

    _SKIPPED = frozenset({"pre", "table", "sup", "figcaption", "section", "script", "style", "template"})
    _HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self.skipping = 0
        self.in_paragraph = False
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag == "p":
            self.in_paragraph = "markdown-alert-title" not in (values.get("class") or "").split()
        elif tag in self._HEADINGS and values.get("id"):
            self.heading = self.headings.setdefault(str(values["id"]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "p":
            self.in_paragraph = False
            self.paragraphs.append(" ")
        elif tag in self._HEADINGS:
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif self.in_paragraph and not self.skipping:
            self.paragraphs.append(data)


def _read_body(content_html: str) -> _BodyText:
    reader = _BodyText()
    reader.feed(content_html)
    reader.close()
    return reader


def excerpt(content_html: str, length: int = EXCERPT_LENGTH) -> str:
    """The first paragraphs of a rendered body as one line of plain text, cut at a word near `length`."""
    return _cut(one_line("".join(_read_body(content_html).paragraphs)), length)


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " ":  # the cut falls inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def table_of_contents(toc: Sequence[Heading], content_html: str) -> list[Heading]:
    """The headings with the text the body shows for them.

    A Heading's text may be its Markdown source (`&#39;`, `*emphasis*`); the rendered heading
    with the same id has the text a reader sees, so that is what the contents list.
    """
    shown = {id_: one_line("".join(parts)) for id_, parts in _read_body(content_html).headings.items()}
    return [replace(heading, text=shown.get(heading.id) or heading.text) for heading in toc]


def build_stylesheet(site_css: str) -> tuple[str, bytes]:
    """The site's CSS: `site_css`, then code colours for light and, in dark mode, dark schemes.

    Returns (key, body); the key names the body's content, so the file can be cached forever.
    """
    dark = "\n".join(
        "  " + line for line in code_stylesheet(DARK_CODE_STYLE).splitlines() if line.startswith(".")
    )
    css = (
        f"{site_css.rstrip()}\n\n"
        f"/* Highlighted code: Pygments {LIGHT_CODE_STYLE!r}, and {DARK_CODE_STYLE!r} in dark mode. */\n"
        f"{code_stylesheet(LIGHT_CODE_STYLE).rstrip()}\n"
        f"@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
    body = css.encode("utf-8")
    return f"{STYLESHEET_KEY_PREFIX}{hashlib.sha256(body).hexdigest()[:12]}.css", body


def _site_css() -> str:
    return files("pressroom").joinpath("theme/static/style.css").read_text(encoding="utf-8")


def packaged_templates() -> BaseLoader:
    """The theme shipped in the layer."""
    return PackageLoader("pressroom", "theme/templates")


def template_problems(name: str, source: str) -> list[str]:
    """Why an uploaded template cannot replace the packaged one, or [] if it can.

    Beyond parsing, the template is searched for what the sandbox refuses (each use, by line),
    and every kind of page is rendered with sample values through the theme as it would be with
    the template in place, within one bound on work: a template that only fails when used (an
    undefined variable, a missing block, a loop that never ends) is refused here, not half-way
    through a republish.
    """
    packaged = packaged_templates()
    names = packaged.list_templates()
    if not name.endswith(".j2"):
        return [f"{name}: theme templates are named like post.html.j2"]
    if name not in names:
        known = ", ".join(sorted(names))
        return [f"{name}: there is no such template to override; the theme has {known}"]
    if len(source) > MAX_TEMPLATE_CHARS:
        return [
            f"{name}: {len(source):,} characters is too large for a template (at most {MAX_TEMPLATE_CHARS:,})"
        ]
    site = SiteInfo(title="Sample site", base_url="https://example.invalid")

    def uploaded(template: str) -> tuple[str, str, Callable[[], bool]] | None:
        return (source, f"{THEME_PREFIX}{name}", lambda: True) if template == name else None

    theme = Theme(site, loader=ChoiceLoader([FunctionLoader(uploaded), packaged]))
    try:
        tree = theme.environment.parse(source, name=name, filename=f"{THEME_PREFIX}{name}")
    except TemplateSyntaxError as error:
        return [f"{name}, line {error.lineno}: {error.message}"]
    forbidden = static_problems(tree, names)
    if forbidden:
        return [f"{name}, line {line}: {reason}" for line, reason in forbidden]
    try:
        with bounded(SAMPLE_RENDER_LIMITS):
            _render_samples(theme)
    except TemplateRefusedError as refused:
        return [f"rendering a sample page failed: {refused.describe()}"]
    except Exception as error:
        return [f"rendering a sample page failed: {refusal(error, name).describe()}"]
    return []


def _render_samples(theme: Theme) -> None:
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    tag = Link("sample", "/tags/sample/")
    author = Link("A. Writer", "/authors/a-writer/")
    entry = EntryView(
        title="A sample post", path="/posts/sample/", url=theme.site.url("/posts/sample/"), date=when,
        summary="A summary.", tags=[tag], authors=[author],
    )  # fmt: skip
    post = PostView(
        title="A sample post", slug="sample", path="/posts/sample/", url=entry.url, date=when, updated=when,
        summary="A summary.", authors=[author], tags=[tag], reading_minutes=2,
        toc=[Heading(2, "one", "One"), Heading(3, "two", "Two")],
    )  # fmt: skip
    theme.render_post(post, '<h2 id="one">One</h2><h3 id="two">Two</h3><p>Text.</p>')
    for kind in ("home", "archive", "tag", "author"):
        theme.render_listing(
            ListingView(kind=kind, title="Posts", path="/", url=theme.site.url("/"), entries=[entry],
                        pagination=Pagination(newer="/", older="/page/1/", label="Page 2"))
        )  # fmt: skip
    theme.render_terms(
        TermsView(kind="tag", title="Tags", path="/tags/", url=theme.site.url("/tags/"), terms=[tag])
    )
    theme.render_atom([entry], when)
    theme.render_rss([entry], when)
    theme.render_sitemap([SitemapEntry(entry.url, when)])
    theme.render_sitemap_index([SitemapEntry(theme.site.url("/sitemaps/posts-1.xml"))])
    theme.render_robots(theme.site.url("/sitemap.xml"))
    theme.render_not_found()


class Theme:
    """Renders the site's pages, feeds and stylesheet; one instance per container.

    `site.stylesheet` is set to the fingerprinted stylesheet's path, so every page links the
    file `stylesheet()` returns; publish that file under its key.
    """

    def __init__(
        self, site: SiteInfo, loader: BaseLoader | None = None, limits: RenderLimits | None = None
    ) -> None:
        self._stylesheet = build_stylesheet(_site_css())
        self.site = replace(site, stylesheet="/" + self._stylesheet[0])
        self.environment = ThemeSandbox(
            loader=CheckedLoader(loader or packaged_templates()),
            limits=limits,
            autoescape=True,
            undefined=StrictUndefined,
            finalize=escape_text,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.add_filter("date", format_date)
        self.environment.add_filter("one_line", one_line)
        self.environment.add_filter("w3c", w3c_datetime)
        self.environment.add_filter("rfc822", rfc822_datetime)
        self.environment.add_filter("html_text", html_text)
        self.environment.globals["atom_path"] = ATOM_PATH
        self.environment.globals["rss_path"] = RSS_PATH

    def forget_templates(self) -> None:
        """Read every template afresh: a republish must use the theme as it is now."""
        if self.environment.cache is not None:
            self.environment.cache.clear()

    def _render(self, template: str, **values: Any) -> str:
        """Render one page; raises TemplateRefusedError if the template (or one it uses) fails.

        Loading a template may read the uploads bucket: an error doing so is not the template's
        fault, and propagates as it is.
        """
        try:
            return self.environment.get_template(template).render(site=self.site, **values)
        except TEMPLATE_FAULTS as error:
            raise refusal(error, template) from error

    def render_post(self, post: PostView, content_html: str) -> str:
        """The post's page. `content_html` must already be sanitised (see MarkdownRenderer).

        A post without a summary is described (meta tags, JSON-LD) by the start of its text;
        the table of contents (two headings or more) lists the headings as the body shows them.
        """
        return self._render(
            "post.html.j2",
            post=post,
            content=Markup(content_html),  # noqa: S704 - sanitised by the caller
            excerpt="" if post.summary else excerpt(content_html),
            toc=table_of_contents(post.toc, content_html),
        )

    def render_listing(self, listing: ListingView) -> str:
        """The home page, an archive page, or a tag's or an author's page."""
        return self._render("list.html.j2", listing=listing)

    def render_terms(self, terms: TermsView) -> str:
        """The page of every tag, or of every author."""
        return self._render("terms.html.j2", terms=terms)

    def render_atom(self, entries: Sequence[EntryView], updated: datetime) -> str:
        return self._render("atom.xml.j2", entries=entries, updated=updated)

    def render_rss(self, entries: Sequence[EntryView], updated: datetime) -> str:
        return self._render("rss.xml.j2", entries=entries, updated=updated)

    def render_sitemap(self, entries: Sequence[SitemapEntry]) -> str:
        return self._render("sitemap.xml.j2", entries=entries)

    def render_sitemap_index(self, sitemaps: Sequence[SitemapEntry]) -> str:
        return self._render("sitemap-index.xml.j2", sitemaps=sitemaps)

    def render_robots(self, sitemap_url: str) -> str:
        """robots.txt: everything may be crawled; the sitemap is named as written."""
        if not sitemap_url or any(c.isspace() for c in sitemap_url) or _UNPRINTABLE.search(sitemap_url):
            raise ValueError(f"not a URL robots.txt can name: {sitemap_url!r}")
        # Plain text, not HTML: the URL goes in as written (an & stays an &).
        return self._render("robots.txt.j2", sitemap_url=Markup(sitemap_url))  # noqa: S704

    def render_not_found(self) -> str:
        return self._render("404.html.j2")

    def stylesheet(self) -> tuple[str, bytes]:
        """(key, body) of the stylesheet every page links: its key is "/" + that in site.stylesheet."""
        return self._stylesheet
