"""The stylesheet a container's pages link, written before the first page that links it."""

from __future__ import annotations

from pressroom.hosting import LONG_CACHE
from pressroom.ports import Site
from pressroom.theme import Theme


class LinkedStylesheet:
    """Writes the theme's stylesheet once per container and stylesheet.

    Render and aggregate containers each render pages with the stylesheet they have read, and
    may see an uploaded theme/style.css at different moments: each writes the one its pages
    link, so no page links a stylesheet that is not there, and a warm container writes none.
    """

    def __init__(self, theme: Theme, site: Site) -> None:
        self.theme = theme
        self.site = site
        self._written: str | None = None

    def ensure(self) -> None:
        """Call before writing pages: the pages rendered from now on link what this wrote."""
        self.theme.refresh_stylesheet()
        key, body = self.theme.stylesheet()
        if key != self._written:
            self.site.put(key, body, "text/css; charset=utf-8", LONG_CACHE)
            self._written = key
