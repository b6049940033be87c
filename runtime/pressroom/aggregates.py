"""The site's aggregate pages: which exist, where they live, and which a change makes stale.

Every published post belongs to listings: "all" (the home page and its archive), one per tag
and one per author. When a post first joins a listing it takes the listing's next sequence
number, and its archive page is fixed by that number: page k holds numbers (k-1)*size+1 to
k*size. A new post therefore lands on the last page only, and older pages never shift. The
sitemap is chunked the same way by the post's number in "all".

Publishing or removing one post makes a bounded set of pages stale (its listings' first
pages and the archive pages it was or is on, the feeds, its sitemap chunk), whatever the size
of the site: that set is what this module computes, as page references the aggregate stage
understands.

A tag's or author's listing is named by the slug of the name (`pressroom.slugs.name_slug`), which
may hold any script and `#` or `+`: the catalogue, the listing and the bucket key hold it as it is
("tags/c#/index.html"), and every URL of it, in links, sitemaps, feeds and CloudFront
invalidations, is percent-encoded the one way `url_path` does ("/tags/c%23/").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote, unquote

from pressroom.slugs import name_slug

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
# Left as written in a URL path: RFC 3986's path characters, but for "+", which S3 reads as a space.
_URL_PATH_SAFE = "/!$&'()*,;=:@"

ALL = "all"
SITEMAP_CHUNK_SIZE = 1_000
FEED_SIZE = 20


class ListingKind(StrEnum):
    ALL = "all"
    TAG = "tag"
    AUTHOR = "author"
    REF = "ref"  # the posts that name a CMS author id: never a page, found when a profile changes


_SECTION = {ListingKind.TAG: "tags", ListingKind.AUTHOR: "authors"}


def term_slug(name: str) -> str:
    """The slug naming a tag's or author's listing ("c#" for "C#"); "untitled" for a blank name."""
    return name_slug(name) or "untitled"


def tag_listing(name: str) -> str:
    return f"{ListingKind.TAG.value}:{term_slug(name)}"


def author_listing(name: str) -> str:
    return f"{ListingKind.AUTHOR.value}:{term_slug(name)}"


def listing_kind(listing: str) -> ListingKind:
    return ListingKind(listing.split(":", 1)[0])


def listing_term(listing: str) -> str:
    """The term's slug ("ai" for "tag:ai"); "all" for the home listing."""
    return listing.split(":", 1)[1] if ":" in listing else ALL


def ref_listing(identifier: str) -> str:
    return f"{ListingKind.REF.value}:{_NOT_ID.sub('', identifier)[:100] or 'none'}"


def listings_for(
    tags: Iterable[str], authors: Iterable[str], author_ids: Iterable[str] = ()
) -> dict[str, str]:
    """Every listing a post belongs to, with the display name of its term."""
    listings = {ALL: ALL}
    for tag in tags:
        listings.setdefault(tag_listing(tag), tag)
    for author in authors:
        listings.setdefault(author_listing(author), author)
    for identifier in author_ids:
        listings.setdefault(ref_listing(identifier), identifier)
    return listings


def is_shown(listing: str) -> bool:
    """Whether a listing has pages (every kind but the CMS references)."""
    return listing_kind(listing) is not ListingKind.REF


def terms_path(kind: ListingKind) -> str:
    return f"/{_SECTION[kind]}/"


def listing_path(listing: str, page: int | None = None) -> str:
    """The URL path of a listing's first page (page None) or of its archive page `page`,
    percent-encoded ("/tags/c%23/" for "tag:c#")."""
    kind = listing_kind(listing)
    base = "/" if kind is ListingKind.ALL else f"/{_SECTION[kind]}/{url_path(listing_term(listing))}/"
    return base if page is None else f"{base}page/{page}/"


def url_path(path: str) -> str:
    """A site path or bucket key as URLs name it: UTF-8 percent-encoded where a URL needs it.

    One encoding for links and CloudFront invalidations alike, as an invalidation names the URL a
    browser asked for, byte for byte. S3 decodes it back to the key.
    """
    return quote(path, safe=_URL_PATH_SAFE)


def page_key(path: str) -> str:
    """The hosting bucket key serving a directory-style URL path ("tags/c#/index.html")."""
    return unquote(path).lstrip("/") + "index.html"


def page_of(sequence: int, size: int) -> int:
    return (sequence - 1) // size + 1


class Stale:
    """Page references: strings that survive a queue (see `parse` for their forms)."""

    @staticmethod
    def front(listing: str) -> str:
        return f"front|{listing}"

    @staticmethod
    def page(listing: str, page: int) -> str:
        return f"page|{listing}|{page}"

    @staticmethod
    def sitemap(chunk: int) -> str:
        return f"sitemap|{chunk}"

    @staticmethod
    def purge(key: str) -> str:
        """Not a rebuild: an object the render stage rewrote, for the batch's CDN invalidation."""
        return f"purge|{key}"

    EVERYTHING = "everything"  # a republish: every listing page, feed, sitemap and index
    FEEDS = "feeds"
    PAGES_SITEMAP = "pages-sitemap"  # sitemaps/pages.xml: home, the terms, the site's pages
    NAVIGATION = "navigation"  # the menu changed: every page shows it, so the site is republished
    SITEMAP_INDEX = "sitemap-index"
    STATIC = "static"  # robots.txt, 404.html (the stylesheet is written by LinkedStylesheet)


def parse(ref: str) -> tuple[str, ...]:
    """Split a page reference into its parts: ("front", listing), ("page", listing, "3")…"""
    return tuple(ref.split("|"))


def stale_pages(
    before: Mapping[str, int], after: Mapping[str, int], page_size: int, new_listings: Iterable[str] = ()
) -> set[str]:
    """The pages a change of one post's listings makes stale.

    `before` and `after` map each listing the post was, and is, in to its sequence number there.
    `new_listings` are those where the post just took a new number (it may have opened a page).
    """
    stale = {Stale.FEEDS}
    opened = set(new_listings)
    for listing, sequence in [*before.items(), *after.items()]:
        if not is_shown(listing):
            continue
        page = page_of(sequence, page_size)
        stale.add(Stale.front(listing))
        stale.add(Stale.page(listing, page))
        if listing in opened and listing in after and page > 1 and (sequence - 1) % page_size == 0:
            stale.add(Stale.page(listing, page - 1))  # its "newer posts" link now leads to a page
        if listing == ALL:
            chunk = page_of(sequence, SITEMAP_CHUNK_SIZE)
            stale.add(Stale.sitemap(chunk))
            if listing in opened and (sequence - 1) % SITEMAP_CHUNK_SIZE == 0:
                stale.add(Stale.SITEMAP_INDEX)
    return stale


# ---------------------------------------------------------------- what listings hold
# A place a post occupies in the catalogue: (partition, sort key) of one listing row.
Key = tuple[str, str]


@dataclass(frozen=True)
class ListingEntry:
    """A post as listings show it."""

    slug: str
    title: str
    date: datetime
    updated: datetime | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image: Mapping[str, Any] | None = None  # url, alt, width, height

    @property
    def date_key(self) -> str:
        return f"{self.date.astimezone(UTC).isoformat()}#{self.slug}"


@dataclass(frozen=True)
class SitemapRow:
    """A post as a sitemap shows it: where it is and when it last changed."""

    slug: str
    date: datetime
    updated: datetime | None = None

    @property
    def last_modified(self) -> datetime:
        return self.updated or self.date


@dataclass(frozen=True)
class Term:
    listing: str
    name: str
    next_sequence: int
    listed: bool


# The partition holding one row per live page (About, Contact…): the navigation and the pages
# sitemap are read from it. A site has a handful of pages, so reading them all is cheap.
SITE_PAGES = "SITEPAGES"


@dataclass(frozen=True)
class SitePage:
    """A live page as the navigation and the sitemap show it."""

    slug: str
    title: str
    date: datetime | None = None  # None: the page gives no date
    updated: datetime | None = None
    menu_name: str | None = None  # in the main menu under this label, if set
    menu_weight: int = 0

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def last_modified(self) -> datetime | None:
        return self.updated or self.date


def site_page_key(slug: str) -> Key:
    return (SITE_PAGES, slug)


def menu_of(pages: Iterable[SitePage]) -> tuple[tuple[str, str], ...]:
    """The main menu as (label, path) pairs: by weight, then label, then path."""
    entries = [page for page in pages if page.menu_name]
    entries.sort(key=lambda page: (page.menu_weight, (page.menu_name or "").casefold(), page.path))
    return tuple((page.menu_name or "", page.path) for page in entries)


def membership_keys(entry_key: str, slug: str, memberships: Mapping[str, int], page_size: int) -> list[Key]:
    """Every catalogue item that places a post in its listings and sitemap chunk."""
    keys: list[Key] = []
    for listing, sequence in memberships.items():
        keys.append((f"LIST#{listing}", entry_key))
        keys.append((f"LISTPAGE#{listing}#{page_of(sequence, page_size)}", entry_key))
        if listing == ALL:
            keys.append((f"SITEMAP#{page_of(sequence, SITEMAP_CHUNK_SIZE)}", slug))
    return keys
