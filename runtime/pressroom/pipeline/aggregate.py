"""Aggregate stage: rebuilds the stale pages a batch of changes named, each once.

Everything is read from the catalogue's listing rows with consistent reads, never by listing
the bucket or reading posts; the work is proportional to the pages named, not to the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial

from aws_lambda_powertools import Logger
from markupsafe import Markup

from pressroom.aggregates import (
    ALL,
    FEED_SIZE,
    SITEMAP_CHUNK_SIZE,
    ListingEntry,
    ListingKind,
    Stale,
    Term,
    author_listing,
    listing_kind,
    listing_path,
    listing_term,
    page_key,
    page_of,
    parse,
    tag_listing,
    term_slug,
    terms_path,
)
from pressroom.events import DetailType, RepublishRequested
from pressroom.model import post_path
from pressroom.pipeline.pages import navigation_links
from pressroom.pipeline.stylesheet import LinkedStylesheet
from pressroom.ports import EventBus, Invalidations, Listings, Site
from pressroom.reading.profiles import AuthorProfile
from pressroom.theme import Theme
from pressroom.theme.refusals import TemplateRefusedError
from pressroom.urls import absolute
from pressroom.views import (
    EntryView,
    ImageView,
    Link,
    ListingView,
    Pagination,
    ProfileView,
    SitemapEntry,
    TermsView,
)

logger = Logger(child=True)

TERMS_KINDS = (ListingKind.TAG, ListingKind.AUTHOR)
_TERMS_TITLES = {ListingKind.TAG: "Tags", ListingKind.AUTHOR: "Authors"}
_PAGES_SITEMAP = "sitemaps/pages.xml"
_PAGES_SITEMAP_REF = Stale.PAGES_SITEMAP


def _terms_ref(kind: ListingKind) -> str:
    return f"terms|{kind.value}"


def _unless_refused(ref: str, rebuild: Callable[[], list[str]]) -> list[str]:
    """Run one rebuild; if the theme refuses to render it, leave the live page and carry on.

    Retrying would refuse again: the template, not the infrastructure, is at fault. The owner's
    next template upload (checked, then republished) rebuilds the page.
    """
    try:
        return rebuild()
    except TemplateRefusedError as refused:
        logger.error(
            "the theme refused to render a page; the live page is unchanged",
            extra={"page": ref, "reason": refused.describe()},
        )
        return []


class AggregateStage:
    def __init__(
        self,
        site: Site,
        listings: Listings,
        theme: Theme,
        page_size: int,
        invalidator: Invalidations | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self.site = site
        self.listings = listings
        self.theme = theme
        self.page_size = page_size
        self.invalidator = invalidator
        self.bus = bus  # where a navigation change asks for the republish it needs
        self._profiles: list[AuthorProfile] | None = None
        self.stylesheet = LinkedStylesheet(theme, site)

    def rebuild(self, refs: Iterable[str], now: datetime) -> list[str]:
        """Rebuild the pages `refs` name (duplicates merged) as of `now`; returns the keys written or
        removed."""
        self._profiles = None  # read once per batch, when an author's page is rebuilt
        todo = set(refs)
        if Stale.NAVIGATION in todo:
            todo.discard(Stale.NAVIGATION)
            self._republish_for_navigation()
        menu = navigation_links(self.listings.site_pages()) if todo else ()
        if Stale.EVERYTHING in todo:
            self.theme.forget_templates()
            todo.discard(Stale.EVERYTHING)
            todo |= self._every_page()
        if todo:
            self.stylesheet.ensure()  # before the first page that links it
        changed: list[str] = []
        # Listing pages first: they may find that a term appeared or vanished, which adds work.
        for ref in sorted(todo, key=_order):
            changed += _unless_refused(ref, partial(self._rebuild_one, ref, todo, now, menu))
        for kind in TERMS_KINDS:
            if _terms_ref(kind) in todo:
                changed += _unless_refused(_terms_ref(kind), partial(self._rebuild_terms, kind, menu))
                todo.add(_PAGES_SITEMAP_REF)
        if _PAGES_SITEMAP_REF in todo:
            changed += _unless_refused(_PAGES_SITEMAP_REF, self._pages_sitemap)
        if self.invalidator is not None and changed:
            self.invalidator.invalidate(changed)
        logger.info("rebuilt stale pages", extra={"refs": len(todo), "objects": len(changed)})
        return changed

    def _republish_for_navigation(self) -> None:
        """Every page shows the navigation, so a change to it is a republish: one for the batch,
        however many pages changed their menu entries in it."""
        if self.bus is None:
            logger.warning("the navigation changed, but this stage cannot ask for a republish")
            return
        self.bus.emit(
            DetailType.REPUBLISH_REQUESTED,
            RepublishRequested(reason="the site navigation changed: a page joined, left or moved in it"),
        )
        logger.info("the navigation changed; republish requested")

    def _rebuild_one(self, ref: str, todo: set[str], now: datetime, menu: Sequence[Link]) -> list[str]:
        parts = parse(ref)
        match parts:
            case ("front", listing):
                return self._front(listing, todo, menu)
            case ("page", listing, page):
                return self._page(listing, int(page), menu)
            case ("feeds",):
                return self._feeds(now)
            case ("sitemap", chunk):
                return self._sitemap(int(chunk))
            case ("sitemap-index",):
                todo.add(_PAGES_SITEMAP_REF)  # the first index also needs the pages it names
                return self._sitemap_index()
            case ("pages-sitemap",):
                return []  # once, at the end: see rebuild()
            case ("static",):
                return self._static(menu)
            case ("terms", _kind):
                return []  # after the listings, see rebuild()
            case ("purge", key):
                return [key]
        raise ValueError(f"unknown stale page reference {ref!r}")

    def _every_page(self) -> set[str]:
        """Every aggregate page there is: the work of a republish, proportional to the site."""
        refs = {Stale.FEEDS, Stale.SITEMAP_INDEX, Stale.STATIC, _PAGES_SITEMAP_REF}
        refs |= {_terms_ref(kind) for kind in TERMS_KINDS}
        for kind in ListingKind:
            if kind is ListingKind.REF:
                continue
            for term in self.listings.terms(kind.value):
                refs.add(Stale.front(term.listing))
                refs |= {Stale.page(term.listing, page) for page in range(1, self._last_page(term) + 1)}
                if kind is ListingKind.ALL and term.next_sequence:
                    chunks = page_of(term.next_sequence, SITEMAP_CHUNK_SIZE)
                    refs |= {Stale.sitemap(chunk) for chunk in range(1, chunks + 1)}
        return refs

    # ------------------------------------------------------------------ listings
    def _last_page(self, term: Term | None) -> int:
        return page_of(term.next_sequence, self.page_size) if term and term.next_sequence else 0

    def _front(self, listing: str, todo: set[str], menu: Sequence[Link]) -> list[str]:
        entries = self.listings.newest(listing, self.page_size)
        term = self.listings.term(listing)
        key = page_key(listing_path(listing))
        kind = listing_kind(listing)
        if kind is not ListingKind.ALL and term is not None and term.listed != bool(entries):
            self.listings.set_listed(listing, bool(entries))
            todo.add(_terms_ref(kind))
        if not entries and kind is not ListingKind.ALL:
            self.site.delete(key)
            return [key]
        last = self._last_page(term)
        older = listing_path(listing, last - 1) if last > 1 else None
        view = self._listing(listing, term, entries, None, older, "")
        self.site.put_page(key, self.theme.render_listing(view, menu=menu))
        return [key]

    def _page(self, listing: str, page: int, menu: Sequence[Link]) -> list[str]:
        entries = self.listings.page(listing, page)
        key = page_key(listing_path(listing, page))
        if not entries:
            self.site.delete(key)
            return [key]
        term = self.listings.term(listing)
        last = self._last_page(term)
        newer = listing_path(listing, page + 1) if page < last else listing_path(listing)
        older = listing_path(listing, page - 1) if page > 1 else None
        view = self._listing(listing, term, entries, newer, older, f"Page {page}", page)
        self.site.put_page(key, self.theme.render_listing(view, menu=menu))
        return [key]

    def _listing(
        self,
        listing: str,
        term: Term | None,
        entries: Sequence[ListingEntry],
        newer: str | None,
        older: str | None,
        label: str,
        page: int | None = None,
    ) -> ListingView:
        kind = listing_kind(listing)
        name = term.name if term else listing
        if kind is ListingKind.ALL:
            view_kind, title = (
                ("home", self.theme.site.title) if page is None else ("archive", f"Archive, page {page}")
            )
        elif kind is ListingKind.TAG:
            view_kind, title = "tag", f"Posts tagged “{name}”"
        else:
            view_kind, title = "author", f"Posts by {name}"
        profile = self._profile(listing) if kind is ListingKind.AUTHOR else None
        if profile is not None:
            title = f"Posts by {profile.name}"
        path = listing_path(listing, page)
        return ListingView(
            kind=view_kind,
            title=title,
            path=path,
            url=self.theme.site.url(path),
            entries=[self._entry(entry) for entry in entries],
            pagination=Pagination(newer=newer, older=older, label=label),
            description=profile.bio if profile else "",
            profile=profile,
        )

    def _profile(self, listing: str) -> ProfileView | None:
        """The profile of the author a listing is for: by the name's slug, or the profile's key."""
        if self._profiles is None:
            self._profiles = self.listings.authors()
        term = listing_term(listing)
        found = next((p for p in self._profiles if term in (term_slug(p.name), p.key)), None)
        if found is None:
            return None
        base = self.theme.site.base_url
        return ProfileView(
            name=found.name,
            bio=found.bio,
            bio_html=Markup(found.bio_html),  # noqa: S704 - sanitised when the profile was recorded
            avatar=absolute(found.avatar, base) if found.avatar else None,
            links=[Link(label, url) for label, url in found.links],
        )

    def _entry(self, entry: ListingEntry) -> EntryView:
        path = post_path(entry.slug)
        image = None
        if entry.image and entry.image.get("url"):
            image = ImageView(
                url=absolute(str(entry.image["url"]), self.theme.site.base_url),
                alt=str(entry.image.get("alt") or ""),
                width=_int_or_none(entry.image.get("width")),
                height=_int_or_none(entry.image.get("height")),
            )
        return EntryView(
            title=entry.title,
            path=path,
            url=self.theme.site.url(path),
            date=entry.date,
            updated=entry.updated,
            summary=entry.summary,
            tags=[Link(tag, listing_path(tag_listing(tag))) for tag in entry.tags],
            authors=[Link(author, listing_path(author_listing(author))) for author in entry.authors],
            image=image,
        )

    def _rebuild_terms(self, kind: ListingKind, menu: Sequence[Link]) -> list[str]:
        terms = [term for term in self.listings.terms(kind.value) if term.listed]
        path = terms_path(kind)
        view = TermsView(
            kind=kind.value,
            title=_TERMS_TITLES[kind],
            path=path,
            url=self.theme.site.url(path),
            terms=sorted(
                (Link(t.name, listing_path(t.listing)) for t in terms), key=lambda link: link.name.lower()
            ),
        )
        key = page_key(path)
        self.site.put_page(key, self.theme.render_terms(view, menu=menu))
        return [key]

    # ------------------------------------------------------------------ feeds, sitemaps, static
    def _feeds(self, now: datetime) -> list[str]:
        entries = [self._entry(entry) for entry in self.listings.newest(ALL, FEED_SIZE)]
        updated = max((entry.updated or entry.date for entry in entries), default=now)
        self.site.put_page("atom.xml", self.theme.render_atom(entries, updated))
        self.site.put_page("rss.xml", self.theme.render_rss(entries, updated))
        return ["atom.xml", "rss.xml"]

    def _sitemap(self, chunk: int) -> list[str]:
        rows = self.listings.sitemap_chunk(chunk)
        entries = [SitemapEntry(self.theme.site.url(post_path(row.slug)), row.last_modified) for row in rows]
        key = f"sitemaps/posts-{chunk}.xml"
        self.site.put_page(key, self.theme.render_sitemap(entries))
        return [key]

    def _sitemap_index(self) -> list[str]:
        term = self.listings.term(ALL)
        chunks = page_of(term.next_sequence, SITEMAP_CHUNK_SIZE) if term and term.next_sequence else 0
        sitemaps = [SitemapEntry(self.theme.site.url(_PAGES_SITEMAP))]
        sitemaps += [
            SitemapEntry(self.theme.site.url(f"sitemaps/posts-{j}.xml")) for j in range(1, chunks + 1)
        ]
        self.site.put_page("sitemap.xml", self.theme.render_sitemap_index(sitemaps))
        return ["sitemap.xml"]

    def _pages_sitemap(self) -> list[str]:
        """Home, the terms indexes, every listed term's page and the site's pages (cost: the
        number of terms and pages, not of posts)."""
        paths = ["/", *(terms_path(kind) for kind in TERMS_KINDS)]
        for kind in TERMS_KINDS:
            paths += [listing_path(term.listing) for term in self.listings.terms(kind.value) if term.listed]
        entries = [SitemapEntry(self.theme.site.url(path)) for path in paths]
        entries += [
            SitemapEntry(self.theme.site.url(page.path), page.last_modified)
            for page in self.listings.site_pages()
        ]
        self.site.put_page(_PAGES_SITEMAP, self.theme.render_sitemap(entries))
        return [_PAGES_SITEMAP]

    def _static(self, menu: Sequence[Link]) -> list[str]:
        self.site.put_page("robots.txt", self.theme.render_robots(self.theme.site.url("sitemap.xml")))
        self.site.put_page("404.html", self.theme.render_not_found(menu=menu))
        return ["robots.txt", "404.html"]


def _order(ref: str) -> tuple[int, str]:
    """Fronts first (they may add terms work), then everything else, in a stable order."""
    return (0 if ref.startswith("front|") else 1, ref)


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


__all__ = ["AggregateStage", "Stale"]
