"""What the theme's templates are given: plain, display-ready values, no AWS and no Markdown.

The render stage builds a PostView from a Post; the aggregate stage builds EntryViews from
catalogue rows. Templates see only these (and `site`), so a theme override cannot reach
anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Heading:
    """A heading of a post's body, for its table of contents: its level (2 for ##), the id its
    anchor links to, and its text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    stylesheet: str = "/assets/theme/style.css"  # the fingerprinted path once assets are published
    menu: Sequence[Link] = ()  # the pages in the main menu, in their order (Theme's render_* menu=)

    def url(self, path: str) -> str:
        """An absolute URL for a site path."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class Link:
    """A named place on the site: a tag, an author, a page of a listing."""

    name: str
    path: str


@dataclass(frozen=True)
class ImageView:
    url: str  # absolute, https for protocol-relative sources
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class PostView:
    """One post's page."""

    title: str
    slug: str
    path: str
    url: str
    date: datetime
    updated: datetime | None = None
    summary: str | None = None
    authors: Sequence[Link] = ()
    tags: Sequence[Link] = ()
    categories: Sequence[str] = ()
    image: ImageView | None = None
    reading_minutes: int = 1
    toc: Sequence[Heading] = ()
    params: Mapping[str, Any] = field(default_factory=dict)  # every front-matter key, as written
    dated: bool = True  # False for a page whose front matter gives no date (`date` means nothing)


@dataclass(frozen=True)
class EntryView:
    """A post as a listing, a feed or a sitemap shows it."""

    title: str
    path: str
    url: str
    date: datetime
    updated: datetime | None = None
    summary: str | None = None
    tags: Sequence[Link] = ()
    authors: Sequence[Link] = ()
    image: ImageView | None = None


@dataclass(frozen=True)
class Pagination:
    newer: str | None = None  # path of the page with newer posts
    older: str | None = None
    label: str = ""  # "Page 3", or "" on a listing's first page


@dataclass(frozen=True)
class ProfileView:
    """An author's profile, on their page."""

    name: str
    bio: str = ""
    bio_html: str = ""  # sanitised HTML of the profile's body (a longer biography)
    avatar: str | None = None  # absolute URL
    links: Sequence[Link] = ()  # `path` holds each link's URL


@dataclass(frozen=True)
class ListingView:
    """The home page, an archive page, a tag's or an author's page."""

    kind: str  # "home", "archive", "tag" or "author"
    title: str
    path: str
    url: str
    entries: Sequence[EntryView]
    pagination: Pagination = Pagination()
    description: str = ""
    profile: ProfileView | None = None  # an author's page, when the author has a profile


@dataclass(frozen=True)
class TermsView:
    """Every tag, or every author, with a page."""

    kind: str  # "tag" or "author"
    title: str
    path: str
    url: str
    terms: Sequence[Link]


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None = None
