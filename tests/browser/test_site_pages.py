"""Every page of the built site in Chromium: it loads cleanly, and everything it links to exists."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from sitecheck import EVIL_HOST, Site, Visit

pytestmark = pytest.mark.browser


def test_the_crawl_covers_the_site(site: Site, crawl: dict[str, Visit]):
    assert site.url("/") in crawl
    assert site.url("/404.html") in crawl
    for post in site.published_newest_first():
        assert post["url"] in crawl, f"{post['source']} is published but its page was not exported"
    pages = site.published_pages()
    assert [page["path"] for page in pages] == ["/about/", "/contact/"]
    for page in pages:
        assert page["url"] in crawl, f"{page['source']} is published but its page was not exported"


def test_every_page_links_the_menu_pages_from_its_navigation(site: Site, crawl: dict[str, Visit]):
    missing = [
        url
        for url, page in crawl.items()
        if not {site.url("/about/"), site.url("/contact/")} <= set(page.navigation)
    ]
    assert not missing, f"pages without About and Contact in their navigation: {missing}"


def test_every_page_loads_with_200_and_no_errors(crawl: dict[str, Visit]):
    problems = []
    for url, page in crawl.items():
        if page.status != 200:
            problems.append(f"{url}: HTTP {page.status}")
        if page.final_url != url:
            problems.append(f"{url}: navigated away to {page.final_url}")
        problems += [f"{url}: console error: {error}" for error in page.console_errors]
        problems += [f"{url}: page error: {error}" for error in page.page_errors]
    assert not problems, "\n".join(problems)


def test_no_page_runs_or_loads_the_hostile_posts_payloads(crawl: dict[str, Visit]):
    # The hostile post's title, summary, tags and author also appear on listing pages.
    problems = []
    for url, page in crawl.items():
        if page.pwned is not None:
            problems.append(f"{url}: window.__pwned = {page.pwned!r}")
        problems += [f"{url}: dialog {dialog}" for dialog in page.dialogs]
        problems += [
            f"{url}: requested {request}"
            for request in page.foreign_requests
            if urlsplit(request.split(" ", 1)[1]).hostname == EVIL_HOST
        ]
    assert not problems, "\n".join(problems)


def test_every_internal_link_and_image_resolves(site: Site, crawl: dict[str, Visit]):
    referrers: dict[str, set[str]] = defaultdict(set)  # target URL → pages that refer to it
    problems = []
    for url, page in crawl.items():
        for tag, raw, resolved in page.links:
            if site.is_local(resolved):
                referrers[urldefrag(resolved).url].add(f"{url} <{tag} href={raw!r}>")
        for raw, resolved in page.images:
            if site.is_local(resolved):
                referrers[urldefrag(resolved).url].add(f"{url} <img src={raw!r}>")
            elif not resolved.startswith(("http://", "https://", "data:image/")):
                problems.append(f"{url} <img src={raw!r}> is a {urlsplit(resolved).scheme}: URL")
            # An image on another host cannot be fetched from this sandbox: its URL is all there is.
    assert referrers, "no page links to anything on the site"
    for target, where in sorted(referrers.items()):
        response = site.fetch(target)  # follows the 301 from a directory URL without its slash
        if response.status != 200:
            problems.append(f"{target}: HTTP {response.status}, referred to by {sorted(where)}")
    assert not problems, "\n".join(problems)


def test_every_internal_fragment_link_has_a_target(site: Site, crawl: dict[str, Visit]):
    problems = []
    for url, page in crawl.items():
        for tag, raw, resolved in page.links:
            target, fragment = urldefrag(resolved)
            if tag != "a" or not fragment or fragment == "top" or not site.is_local(resolved):
                continue
            target_page = crawl.get(target)
            if target_page is not None and unquote(fragment) not in target_page.ids:
                problems.append(f"{url} <a href={raw!r}>: {target} has no element with id {fragment!r}")
    assert not problems, "\n".join(problems)
