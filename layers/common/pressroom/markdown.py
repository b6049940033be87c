"""Markdown to safe HTML: CommonMark rendered by markdown-it-py, then sanitised by nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Schemes a link or image in a post may use; relative URLs are always allowed.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Raw HTML is enabled so authors can use it, which is why every render goes through nh3.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes (nh3's defaults, narrowed)."""
    return nh3.clean(html, url_schemes=set(ALLOWED_URL_SCHEMES))


def render_markdown(body: str) -> str:
    """Render a post body to HTML that is safe to place in a page.

    Entities such as `&#39;` are decoded by the parser and written back as characters.
    """
    return sanitize_html(_MARKDOWN.render(body))
