"""The Theme: every page, feed and file of the site rendered from plain view objects."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pressroom.theme.body import excerpt, excerpt_of_text, table_of_contents
from pressroom.theme.escaping import UNPRINTABLE, escape_text
from pressroom.theme.filters import format_date, html_text, one_line, rfc822_datetime, w3c_datetime
from pressroom.theme.loaders import packaged_templates
from pressroom.theme.refusals import RenderLimits
from pressroom.theme.stylesheet import build_stylesheet, site_css
from pressroom.views import EntryView, Link, ListingView, PostView, SiteInfo, SitemapEntry, TermsView

if TYPE_CHECKING:
    from jinja2 import BaseLoader, BytecodeCache

    from pressroom.theme.sandbox import ThemeSandbox

ATOM_PATH = "/atom.xml"
RSS_PATH = "/rss.xml"
# How long an uploaded stylesheet (or its absence) is trusted, as uploaded templates are.
STYLESHEET_RECHECK_SECONDS = 60.0
_SNIPPET_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,100}$")


class Theme:
    """Renders the site's pages, feeds and stylesheet; one instance per container.

    `site.stylesheet` is set to the fingerprinted stylesheet's path, so every page links the
    file `stylesheet()` returns; publish that file under its key. `uploaded_css`, if given,
    returns the site owner's theme/style.css (or None), which replaces the packaged CSS; it is
    read at the first render, and again by `refresh_stylesheet` once STYLESHEET_RECHECK_SECONDS
    have passed (never behind the back of a stage, whose pages must link what it wrote).

    The Jinja2 environment is made by the first render, not with the Theme: building a stage
    does not load Jinja2. `loader` may be a function that makes the loader, which is then
    called at that moment too.
    """

    def __init__(
        self,
        site: SiteInfo,
        loader: BaseLoader | Callable[[], BaseLoader] | None = None,
        limits: RenderLimits | None = None,
        bytecode_cache: BytecodeCache | None = None,
        uploaded_css: Callable[[], str | None] | None = None,
        snippets: Callable[[str], str | None] | None = None,
    ) -> None:
        self._site = site
        self._snippets = snippets
        self._uploaded_css = uploaded_css
        self._stylesheet: tuple[str, bytes] | None = None
        self._stylesheet_read_at = 0.0
        self._linked_site = site
        self._loader = loader
        self._limits = limits
        self._bytecode_cache = bytecode_cache  # compiled templates kept between processes

    @cached_property
    def environment(self) -> ThemeSandbox:
        from jinja2 import BaseLoader, StrictUndefined

        from pressroom.theme.checked_loader import CheckedLoader
        from pressroom.theme.sandbox import ThemeSandbox

        loader = self._loader
        if loader is not None and not isinstance(loader, BaseLoader):
            loader = loader()  # the function that makes the loader
        environment = ThemeSandbox(
            loader=CheckedLoader(loader or packaged_templates()),
            limits=self._limits,
            bytecode_cache=self._bytecode_cache,
            autoescape=True,
            undefined=StrictUndefined,
            finalize=escape_text,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.add_filter("date", format_date)
        environment.add_filter("one_line", one_line)
        environment.add_filter("w3c", w3c_datetime)
        environment.add_filter("rfc822", rfc822_datetime)
        environment.add_filter("html_text", html_text)
        environment.globals["atom_path"] = ATOM_PATH
        environment.globals["rss_path"] = RSS_PATH
        return environment

    @property
    def site(self) -> SiteInfo:
        """The site, its `stylesheet` the path of the stylesheet `stylesheet()` returns."""
        self.stylesheet()
        return self._linked_site

    def snippet(self, name: str) -> str | None:
        """theme/includes/<name>, a snippet the site's owner uploaded for Jekyll's `include`."""
        if self._snippets is None or not _SNIPPET_NAME.fullmatch(name) or ".." in name:
            return None
        return self._snippets(name)

    def refresh_stylesheet(self) -> None:
        """Read an uploaded stylesheet again, if the last reading is old enough to doubt."""
        if self._uploaded_css is not None and (
            time.monotonic() - self._stylesheet_read_at >= STYLESHEET_RECHECK_SECONDS
        ):
            self._stylesheet = None

    def stylesheet(self) -> tuple[str, bytes]:
        """(key, body) of the stylesheet every page links: its key is "/" + that in site.stylesheet."""
        if self._stylesheet is None:
            uploaded = self._uploaded_css() if self._uploaded_css is not None else None
            self._stylesheet = build_stylesheet(site_css() if uploaded is None else uploaded)
            self._stylesheet_read_at = time.monotonic()
            self._linked_site = replace(self._site, stylesheet="/" + self._stylesheet[0])
        return self._stylesheet

    def forget_templates(self) -> None:
        """Read every template, and the stylesheet, afresh: a republish uses the theme as it is now."""
        self._stylesheet = None
        if "environment" not in self.__dict__:
            return  # nothing rendered yet, so nothing read to forget
        if self.environment.cache is not None:
            self.environment.cache.clear()

    def _render(self, template: str, menu: Sequence[Link] = (), **values: Any) -> str:
        """Render one page, its navigation listing `menu`; raises TemplateRefusedError if the
        template (or one it uses) fails.

        Loading a template may read the uploads bucket: an error doing so is not the template's
        fault, and propagates as it is.
        """
        site = replace(self.site, menu=tuple(menu)) if menu else self.site
        return self.environment.render_page(template, site=site, **values)

    def render_post(
        self, post: PostView, content_html: str, body_text: str | None = None, *, menu: Sequence[Link] = ()
    ) -> str:
        """The post's page. `content_html` must already be sanitised (see MarkdownRenderer);
        `menu`: the site's main menu, which every HTML page shows (navigation_links).

        A post without a summary is described (meta tags, JSON-LD) by the start of its text;
        the table of contents (two headings or more) lists the headings as the body shows them.
        Given `body_text` (RenderedBody.text), both are taken from it and from `post.toc` as
        they are; without it, they are read from `content_html`.
        """
        if body_text is not None:
            opening, toc = excerpt_of_text(body_text), list(post.toc)
        else:
            opening, toc = excerpt(content_html), table_of_contents(post.toc, content_html)
        return self._render(
            "post.html.j2",
            menu,
            post=post,
            content=Markup(content_html),  # noqa: S704 - sanitised by the caller
            excerpt="" if post.summary else opening,
            toc=toc,
        )

    def render_page(
        self, page: PostView, content_html: str, body_text: str | None = None, *, menu: Sequence[Link] = ()
    ) -> str:
        """A page that is not a post (About, Contact): `content_html` sanitised by the caller."""
        opening = excerpt_of_text(body_text) if body_text is not None else excerpt(content_html)
        return self._render(
            "page.html.j2",
            menu,
            page=page,
            content=Markup(content_html),  # noqa: S704 - sanitised by the caller
            excerpt="" if page.summary else opening,
        )

    def render_listing(self, listing: ListingView, *, menu: Sequence[Link] = ()) -> str:
        """The home page, an archive page, or a tag's or an author's page."""
        return self._render("list.html.j2", menu, listing=listing)

    def render_terms(self, terms: TermsView, *, menu: Sequence[Link] = ()) -> str:
        """The page of every tag, or of every author."""
        return self._render("terms.html.j2", menu, terms=terms)

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
        if not sitemap_url or any(c.isspace() for c in sitemap_url) or UNPRINTABLE.search(sitemap_url):
            raise ValueError(f"not a URL robots.txt can name: {sitemap_url!r}")
        # Plain text, not HTML: the URL goes in as written (an & stays an &).
        return self._render("robots.txt.j2", sitemap_url=Markup(sitemap_url))  # noqa: S704

    def render_not_found(self, *, menu: Sequence[Link] = ()) -> str:
        return self._render("404.html.j2", menu)
