"""What the browser tests share: the built site, plain HTTP to it, and pages that record what they do.

Imported by conftest.py and the test modules (pytest puts this package-less directory on sys.path).
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Error, Page, Response, Route

# Debian's chromium, installed by `make setup`; Playwright never downloads a browser of its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
HOSTILE_POSTS = Path(__file__).parent / "fixtures" / "hostile"
EXAMPLE_PAGES = Path(__file__).parents[2] / "examples" / "pages"
HOSTILE_SLUG = "xss-vectors"
HOSTILE_MARKER = "This harmless marker sentence proves the hostile post still rendered."
SHARED_SLUG = "uk-ai-opportunities-action-plan"
EVIL_HOST = "evil.example"
TIMEOUT_MS = 15_000

# What a foreign request gets when a test stubs rather than aborts it: the sandbox has no
# network, and a failed load would show up as a console error the site is not to blame for.
_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
_STUBS: dict[str, tuple[str, bytes]] = {
    "image": ("image/png", _PIXEL),
    "stylesheet": ("text/css", b""),
    "script": ("text/javascript", b""),
    "document": ("text/html", b"<!DOCTYPE html><title>stub</title>"),
}


@dataclass(frozen=True)
class Fetched:
    """One HTTP response from the test server (after redirects, unless told not to follow them)."""

    status: int
    url: str
    headers: Message = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, *, follow_redirects: bool = True) -> Fetched:
    opener = urllib.request.build_opener() if follow_redirects else urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            return Fetched(response.status, response.url, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Fetched(error.code, error.url, error.headers, error.read())


@dataclass(frozen=True)
class Site:
    """The site `pressroom local` exported, its report, and the address it is served on."""

    base_url: str
    out: Path
    report: dict[str, Any] = field(repr=False)

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path)

    def fetch(self, path_or_url: str, *, follow_redirects: bool = True) -> Fetched:
        return fetch(self.url(path_or_url), follow_redirects=follow_redirects)

    def is_local(self, url: str) -> bool:
        parts, base = urlsplit(url), urlsplit(self.base_url)
        return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)

    def post(self, slug: str) -> dict[str, Any]:
        matches = [post for post in self.report["posts"] if post["slug"] == slug]
        assert len(matches) == 1, f"report.json has {len(matches)} posts with slug {slug!r}"
        post: dict[str, Any] = matches[0]
        return post

    def published_newest_first(self) -> list[dict[str, Any]]:
        published = [
            post
            for post in self.report["posts"]
            if post["status"] == "published" and post["source"].startswith("posts/")
        ]
        return sorted(published, key=lambda post: datetime.fromisoformat(post["date"]), reverse=True)

    def published_pages(self) -> list[dict[str, Any]]:
        """The pages (pages/*.md) the run published."""
        return [
            page
            for page in self.report["posts"]
            if page["status"] == "published" and page["source"].startswith("pages/")
        ]

    def page_urls(self) -> list[str]:
        """Every *.html file the export wrote, as the URL a reader would use for it."""
        urls = []
        for file in sorted(self.out.rglob("*.html")):
            relative = PurePosixPath(file.relative_to(self.out).as_posix())
            if relative.name == "index.html":
                parent = relative.parent.as_posix()
                path = "/" if parent == "." else f"/{parent}/"
            else:
                path = f"/{relative}"
            urls.append(self.url(path))
        return urls

    def first_page_under(self, section: str, prefer: str) -> str:
        """/<section>/<prefer>/ if the export has it, else the first page under /<section>/."""
        pages = sorted(path.parent.name for path in (self.out / section).glob("*/index.html"))
        assert pages, f"the export has no {section}/<name>/index.html page"
        return self.url(f"/{section}/{prefer if prefer in pages else pages[0]}/")


@dataclass
class Probe:
    """What the pages of one browser context did: errors, dialogs, and requests to other hosts."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for records in (self.console_errors, self.page_errors, self.dialogs, self.foreign_requests):
            records.clear()


@contextmanager
def browsing(
    browser: Browser, *, foreign: Literal["stub", "abort"] = "stub", javascript: bool = True
) -> Iterator[tuple[Page, Probe]]:
    """A fresh context and page; every request to a host other than 127.0.0.1 is recorded, then
    aborted or answered with an empty stub (the sandbox has no network either way).

    Navigations to other hosts are always aborted, as "aborted" (what a 204 does), so that the
    page under test stays loaded rather than giving way to an error page.
    """
    context = browser.new_context(service_workers="block", java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    probe = Probe()

    def route(route: Route) -> None:
        request = route.request
        if urlsplit(request.url).hostname == LOCAL_HOST:
            route.continue_()
            return
        probe.foreign_requests.append(f"{request.resource_type} {request.url}")
        if foreign == "abort" or request.is_navigation_request():
            route.abort("aborted")
            return
        content_type, body = _STUBS.get(request.resource_type, ("text/plain", b""))
        route.fulfill(status=200, content_type=content_type, body=body)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            probe.console_errors.append(f"{message.text} (at {message.location.get('url')})")

    def on_page_error(error: Error) -> None:
        probe.page_errors.append(f"{error.name}: {error.message}")

    def on_dialog(dialog: Dialog) -> None:
        probe.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    watched: set[int] = set()

    def watch(page: Page) -> None:  # the test's page, and any popup the page opens
        if id(page) in watched:
            return
        watched.add(id(page))
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("dialog", on_dialog)

    context.route("**/*", route)
    context.on("page", watch)
    try:
        page = context.new_page()
        watch(page)
        yield page, probe
    finally:
        context.close()


PWNED = "() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"

# Every <a>/<link>/<area> href and <img> src as written and as the browser resolved it, every
# fragment target, and whether a hostile vector ran.
PAGE_FACTS = """() => ({
  links: Array.from(document.querySelectorAll('a[href], area[href], link[href]'))
    .filter(e => typeof e.href === 'string')
    .map(e => [e.localName, e.getAttribute('href'), e.href]),
  images: Array.from(document.images).filter(i => i.hasAttribute('src'))
    .map(i => [i.getAttribute('src'), i.src]),
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id)
    .concat(Array.from(document.querySelectorAll('a[name]'), a => a.name)),
  pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
  navigation: Array.from(document.querySelectorAll('nav.site-nav a[href]'), a => a.href),
})"""

# A post page's metadata: <title>, meta description, canonical, Open Graph, Twitter, JSON-LD.
PAGE_META = """() => {
  const metas = {};
  for (const m of document.querySelectorAll('meta[name], meta[property]')) {
    const key = m.getAttribute('property') || m.getAttribute('name');
    if (!(key in metas)) metas[key] = m.getAttribute('content');
  }
  const canonical = document.querySelector('link[rel~="canonical"]');
  return {
    title: document.title,
    metas,
    canonical: canonical ? canonical.getAttribute('href') : null,
    jsonld: Array.from(document.querySelectorAll('script[type="application/ld+json"]'), s => s.text),
  };
}"""


@dataclass(frozen=True)
class Visit:
    """One page of the site as Chromium loaded it."""

    url: str
    final_url: str
    status: int | None
    console_errors: tuple[str, ...]
    page_errors: tuple[str, ...]
    dialogs: tuple[str, ...]
    foreign_requests: tuple[str, ...]
    pwned: str | None
    links: tuple[tuple[str, str | None, str], ...]
    images: tuple[tuple[str | None, str], ...]
    ids: frozenset[str]
    navigation: tuple[str, ...] = ()  # the site navigation's links, resolved


SETTLED = "pressroom: settled"
# Two frames, then a task: by then the events the page's load queued (a failed image or video
# source's error, a <details open>'s toggle, autofocus's focus) have been dispatched, and any
# handler they ran has run.
AFTER_QUEUED_EVENTS = f"""() => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(() => console.log({SETTLED!r}))))"""


def open_and_settle(page: Page, url: str) -> Response | None:
    """Open `url` and return once nothing it started is still running: every request it made
    has finished (Playwright's networkidle) and the events its loading queued have fired (a
    console message sent after them), so a script that would run late has run. Waits for events,
    never for a fixed time."""
    response = page.goto(url, wait_until="networkidle")
    with page.expect_console_message(lambda message: message.text == SETTLED):
        page.evaluate(AFTER_QUEUED_EVENTS)
    return response


def visit(page: Page, probe: Probe, url: str) -> Visit:
    probe.clear()
    response = open_and_settle(page, url)
    facts = page.evaluate(PAGE_FACTS)
    return Visit(
        url=url,
        final_url=page.url,
        status=response.status if response else None,
        console_errors=tuple(probe.console_errors),
        page_errors=tuple(probe.page_errors),
        dialogs=tuple(probe.dialogs),
        foreign_requests=tuple(probe.foreign_requests),
        pwned=facts["pwned"],
        links=tuple((tag, raw, resolved) for tag, raw, resolved in facts["links"]),
        images=tuple((raw, resolved) for raw, resolved in facts["images"]),
        ids=frozenset(facts["ids"]),
        navigation=tuple(facts["navigation"]),
    )
