"""The post model every dialect of front matter is normalised into, and what is said about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class PostStatus(StrEnum):
    """What the pipeline does with a valid post."""

    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"


class PostKind(StrEnum):
    """What an upload publishes: a dated post under /posts/, or a page (About, Contact) at /<slug>/."""

    POST = "post"
    PAGE = "page"


# The date a page without one carries: never shown, never in a sitemap (see Post.dated).
UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class MenuEntry:
    """A page's place in the site navigation: its label, and its order (lower weights first)."""

    name: str
    weight: int = 0


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, located as precisely as the input allows."""

    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None

    def describe(self) -> str:
        """The problem as one line an author can act on."""
        if self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
            if self.field:
                where = f"{self.field} ({where})"
        else:
            where = self.field or ""
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Image:
    """An image the front matter names: a featured image, Hugo's images, Jekyll's image."""

    url: str
    alt: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Post:
    """A valid post: normalised metadata, the Markdown body, and every front-matter key as read."""

    source_key: str
    slug: str
    title: str
    date: datetime
    body: str
    date_read_as: str = ""  # which field gave the date and how it was read, for `pressroom check`
    status: PostStatus = PostStatus.PUBLISHED
    summary: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    author_ids: tuple[str, ...] = ()
    updated: datetime | None = None
    expires: datetime | None = None
    images: tuple[Image, ...] = ()
    aliases: tuple[str, ...] = ()
    front_matter: Mapping[str, Any] = field(default_factory=dict)
    kind: PostKind = PostKind.POST
    menu: MenuEntry | None = None  # pages only
    warnings: tuple[Problem, ...] = ()  # published anyway: what the page leaves out, and where

    @property
    def path(self) -> str:
        """The site path readers visit."""
        return content_path(self.kind, self.slug)

    @property
    def page_key(self) -> str:
        """The hosting bucket key of the post's page."""
        return content_page_key(self.kind, self.slug)

    @property
    def dated(self) -> bool:
        """Whether the front matter gave a date (a page may have none)."""
        return self.date != UNDATED

    def next_change(self) -> datetime | None:
        """When this version's status changes by itself: its publication, or its expiry."""
        if self.status is PostStatus.SCHEDULED:
            return self.date
        if self.status is PostStatus.PUBLISHED and self.expires is not None:
            return self.expires
        return None


@dataclass(frozen=True)
class Rejection:
    """An upload that cannot be published, with every reason found."""

    source_key: str
    problems: tuple[Problem, ...]


def quoted(value: object, limit: int = 60) -> str:
    """A value as an error message quotes it: repr, cut short, so a huge value stays a short message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def post_path(slug: str) -> str:
    return f"/posts/{slug}/"


def post_page_key(slug: str) -> str:
    return f"posts/{slug}/index.html"


def content_path(kind: PostKind, slug: str) -> str:
    return f"/{slug}/" if kind is PostKind.PAGE else post_path(slug)


def content_page_key(kind: PostKind, slug: str) -> str:
    return f"{slug}/index.html" if kind is PostKind.PAGE else post_page_key(slug)


def kind_of_key(source_key: str) -> PostKind:
    """Uploads under pages/ are pages; everything else validation accepts is a post."""
    return PostKind.PAGE if source_key.startswith("pages/") else PostKind.POST
