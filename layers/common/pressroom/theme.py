"""The site's Jinja2 theme: pages from plain values, escaped whatever those values hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import BaseLoader, Environment, PackageLoader, StrictUndefined, TemplateSyntaxError
from markupsafe import Markup

from pressroom.model import Post

# An expression inside a single-quoted or an unquoted attribute value, e.g. title='{{ x }}'.
_SINGLE_QUOTED_VALUE = re.compile(r"=\s*'([^']*)'", re.DOTALL)
_UNQUOTED_EXPRESSION = re.compile(r"=\s*\{\{")


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str


@dataclass(frozen=True)
class IndexEntry:
    """What the index shows of one published post."""

    slug: str
    title: str
    date: datetime
    path: str
    summary: str | None = None


def escape_text(value: object) -> Markup:
    """Escape for HTML text and double-quoted attributes, leaving apostrophes as typed.

    Jinja2's default escaping writes ' as &#39;, which is safe but shows up in page sources,
    feeds and e-mails. Templates are held to double-quoted attributes (see CheckedLoader),
    where an apostrophe needs no escaping.
    """
    if isinstance(value, Markup):
        return value
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
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


class Theme:
    """Renders the site's pages; one instance per container, templates cached by Jinja2."""

    def __init__(self, site: SiteInfo, loader: BaseLoader | None = None) -> None:
        self.site = site
        self.environment = Environment(
            loader=CheckedLoader(loader or PackageLoader("pressroom", "theme/templates")),
            autoescape=True,
            undefined=StrictUndefined,
            finalize=escape_text,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["date"] = format_date
        self.environment.filters["one_line"] = one_line

    def _render(self, template: str, **values: Any) -> str:
        return self.environment.get_template(template).render(site=self.site, **values)

    def render_post(self, post: Post, content_html: str) -> str:
        """The post's page. `content_html` must already be sanitised (see render_markdown)."""
        return self._render("post.html.j2", post=post, content=Markup(content_html))  # noqa: S704

    def render_index(self, entries: Sequence[IndexEntry]) -> str:
        return self._render("index.html.j2", entries=entries)

    def render_not_found(self) -> str:
        return self._render("404.html.j2")
