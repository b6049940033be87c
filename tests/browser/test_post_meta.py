"""Post pages' metadata as a browser (and a crawler or a link preview) reads it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser
from sitecheck import PAGE_META, SHARED_SLUG, Site, browsing

pytestmark = pytest.mark.browser

SHARED_TITLE = "Our Response to the UK Government's AI Opportunities Action Plan"
SHARED_IMAGE = "https://images.ctfassets.net/hmvebmrbwhsg/2CBhvVLlOfWSemmmQDqAF3/"


def blog_postings(jsonld: list[str]) -> list[dict[str, Any]]:
    """Every JSON-LD object whose @type is (or includes) BlogPosting; @graph is looked into."""
    found = []
    for text in jsonld:
        data = json.loads(text)  # raises, failing the test, when the JSON-LD is not JSON
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            kinds = item.get("@type")
            if kinds == "BlogPosting" or (isinstance(kinds, list) and "BlogPosting" in kinds):
                found.append(item)
            stack += item.get("@graph", [])
    return found


def read_meta(browser: Browser, url: str) -> dict[str, Any]:
    with browsing(browser) as (page, _):
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.status == 200, f"{url}: HTTP {response.status}"
        meta: dict[str, Any] = page.evaluate(PAGE_META)
        return meta


def test_the_cms_post_has_title_description_canonical_open_graph_twitter_and_json_ld(
    site: Site, browser: Browser
):
    post = site.post(SHARED_SLUG)
    assert post["status"] == "published"
    assert post["title"] == SHARED_TITLE
    meta = read_meta(browser, post["url"])
    metas = meta["metas"]

    assert SHARED_TITLE in meta["title"]
    description = metas.get("description") or ""
    assert description.startswith("The UK Government's AI Opportunities Action Plan outlines")
    assert meta["canonical"] == post["url"]

    assert metas.get("og:title") == SHARED_TITLE  # a real apostrophe, not &#39;
    assert metas.get("og:type") == "article"
    assert metas.get("og:url") == post["url"]
    assert (metas.get("og:description") or "").startswith("The UK Government's AI Opportunities")
    assert (metas.get("og:image") or "").startswith(SHARED_IMAGE)
    assert metas.get("twitter:card") in {"summary", "summary_large_image"}
    for value in (description, metas["og:title"], metas["og:description"]):
        assert "&#" not in value
        assert "&amp;" not in value
        assert "\n" not in value

    postings = blog_postings(meta["jsonld"])
    assert len(postings) == 1, f"expected one BlogPosting in the JSON-LD, found {meta['jsonld']}"
    assert postings[0].get("headline") == SHARED_TITLE
    assert str(postings[0].get("datePublished", "")).startswith("2025-01-14")


def test_every_published_post_page_has_its_metadata(site: Site, browser: Browser):
    # Includes the hostile post: its title must survive escaping in every place, exactly.
    problems = []
    for post in site.published_newest_first():
        meta = read_meta(browser, post["url"])
        metas = meta["metas"]
        where = post["path"]
        expected = {
            "canonical": (meta["canonical"], post["url"]),
            "og:title": (metas.get("og:title"), post["title"]),
            "og:type": (metas.get("og:type"), "article"),
            "og:url": (metas.get("og:url"), post["url"]),
        }
        problems += [
            f"{where}: {name} is {got!r}, not {want!r}"
            for name, (got, want) in expected.items()
            if got != want
        ]
        if post["title"] not in meta["title"]:
            problems.append(f"{where}: <title> {meta['title']!r} lacks the post's title")
        for name in ("description", "og:description", "twitter:card"):
            if not (metas.get(name) or "").strip():
                problems.append(f"{where}: no {name}")
        try:
            postings = blog_postings(meta["jsonld"])
        except json.JSONDecodeError as error:
            problems.append(f"{where}: the JSON-LD is not JSON: {error}")
            continue
        if len(postings) != 1:
            problems.append(f"{where}: {len(postings)} BlogPosting objects in the JSON-LD")
            continue
        if postings[0].get("headline") != post["title"]:
            problems.append(f"{where}: JSON-LD headline {postings[0].get('headline')!r}")
        if not str(postings[0].get("datePublished", "")).startswith(post["date"][:10]):
            problems.append(f"{where}: JSON-LD datePublished {postings[0].get('datePublished')!r}")
    assert not problems, "\n".join(problems)
