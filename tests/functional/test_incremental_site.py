"""Aggregate pages are incremental: one publication rewrites only the pages it affects.

The catalogue is seeded straight into DynamoDB with the rows RenderFunction would have written
for 1,000 published posts (running 1,000 posts through the emulated pipeline would take
minutes); the publication that is measured goes through the real pipeline.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pressroom.adapters.listings import ListingStore
from pressroom.aggregates import ListingEntry, listings_for, page_of
from pressroom_tools.local.stack import LocalStack

PAGE_SIZE = 10  # template.yaml's PageSize default
STYLESHEET = re.compile(r"assets/theme/style\.[0-9a-f]{12}\.css")
TAGS = ("ai", "cloud", "python")


def seed(stack: LocalStack, count: int) -> None:
    """`count` published posts, tagged in turn ai, cloud, python, all by Ada Lovelace."""
    dynamodb = stack.session.client("dynamodb")
    table = stack.output("PostsTableName")
    store = ListingStore(dynamodb, table)
    sequences: dict[str, int] = {}
    names: dict[str, str] = {}
    for number in range(count):
        tags = (TAGS[number % len(TAGS)],)
        memberships = {}
        for listing, name in listings_for(tags, ("Ada Lovelace",)).items():
            sequences[listing] = sequences.get(listing, 0) + 1
            memberships[listing] = sequences[listing]
            names[listing] = name
        entry = ListingEntry(
            slug=f"seeded-{number:05d}",
            title=f"Seeded post {number}",
            date=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=number),
            tags=tags,
            authors=("Ada Lovelace",),
        )
        store.put(entry, memberships, PAGE_SIZE)
    for listing, last in sequences.items():
        kind, _, term = listing.partition(":")
        dynamodb.put_item(
            TableName=table,
            Item={
                "pk": {"S": f"TERM#{kind}"},
                "sk": {"S": term or "all"},
                "listing": {"S": listing},
                "name": {"S": names[listing]},
                "nextSequence": {"N": str(last)},
                "listed": {"BOOL": True},
            },
        )


NEW_POST = b"""---
title: One more post
date: 2026-01-01T12:00:00Z
tags: [ai, brand new]
author: Ada Lovelace
---

Published into a site of a thousand posts.
"""


def test_one_more_post_into_a_thousand_rewrites_only_the_pages_it_affects(
    stack: LocalStack, hosting_writes: list[str]
):
    seed(stack, 1_000)
    invalidations_before = len(stack.invalidations())

    stack.upload("posts/one-more-post.md", NEW_POST)
    stats = stack.run_until_quiet()

    assert stats.failures == []
    # Post 1,001 in "all" and in Ada's listing opens archive page 101 (and page 100 gains a
    # "newer" link); it is ai's 335th (page 34); "brand new" is a new tag, so the tags index
    # and the pages sitemap change too; it opens sitemap chunk 2, so the sitemap index changes.
    assert page_of(1_001, PAGE_SIZE) == 101
    expected = {
        "posts/one-more-post/index.html",
        "index.html",
        "page/101/index.html",
        "page/100/index.html",
        "tags/ai/index.html",
        "tags/ai/page/34/index.html",
        "tags/brand-new/index.html",
        "tags/brand-new/page/1/index.html",
        "tags/index.html",
        "authors/ada-lovelace/index.html",
        "authors/ada-lovelace/page/101/index.html",
        "authors/ada-lovelace/page/100/index.html",
        "atom.xml",
        "rss.xml",
        "sitemaps/posts-2.xml",
        "sitemap.xml",
        "sitemaps/pages.xml",
        "robots.txt",
        "404.html",
    }
    # The stylesheet: once by each function's container, before the first page that links it
    # (RenderFunction's and AggregateFunction's are both cold here), never again while warm.
    stylesheets = [key for key in hosting_writes if STYLESHEET.fullmatch(key)]
    assert len(stylesheets) == 2
    assert len(set(stylesheets)) == 1
    pages = [key for key in hosting_writes if not STYLESHEET.fullmatch(key)]
    assert set(pages) == expected
    assert len(pages) == len(set(pages)), "a page was written twice"

    # ... and CloudFront is told in one request, naming those objects
    (invalidation,) = stack.invalidations()[invalidations_before:]
    assert {path.lstrip("/") for path in invalidation} >= expected

    # AND the next publication, in warm containers, writes no stylesheet at all
    hosting_writes.clear()
    stack.upload("posts/and-another.md", NEW_POST.replace(b"title: ", b"title: Another "))
    assert stack.run_until_quiet().failures == []
    assert "posts/and-another/index.html" in hosting_writes
    assert [key for key in hosting_writes if STYLESHEET.fullmatch(key)] == []


def test_the_same_publication_on_a_site_of_ten_rewrites_the_same_pages(
    stack: LocalStack, hosting_writes: list[str]
):
    # Number 11 opens archive page 2 in "all" and Ada's listing, as number 1,001 opened page 101
    # above. Only the sitemap index is not rewritten: no new chunk of 1,000 is opened.
    seed(stack, 10)

    stack.upload("posts/one-more-post.md", NEW_POST)
    stack.run_until_quiet()

    pages = {key for key in hosting_writes if not key.startswith("assets/")}
    assert pages == {
        "posts/one-more-post/index.html",
        "index.html",
        "page/2/index.html",
        "page/1/index.html",
        "tags/ai/index.html",
        "tags/ai/page/1/index.html",
        "tags/brand-new/index.html",
        "tags/brand-new/page/1/index.html",
        "tags/index.html",
        "authors/ada-lovelace/index.html",
        "authors/ada-lovelace/page/2/index.html",
        "authors/ada-lovelace/page/1/index.html",
        "atom.xml",
        "rss.xml",
        "sitemaps/posts-1.xml",
        "sitemaps/pages.xml",
        "robots.txt",
        "404.html",
    }


def post_links(html: bytes) -> set[str]:
    return set(re.findall(r'href="/posts/([a-z0-9-]+)/"', html.decode("utf-8")))


def test_a_burst_of_100_publications_leaves_every_aggregate_complete(stack: LocalStack):
    tag_names = ("ai", "cloud", "python", "ops")
    posts = {}
    for number in range(100):
        tags = [tag_names[number % 4], tag_names[(number + 1) % 4]]
        date = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=number)
        slug = f"burst-{number:03d}"
        posts[slug] = (date, tags)
        body = f"---\ntitle: Burst {number}\ndate: {date.isoformat()}\ntags: {tags}\n---\n\nPost {number}.\n"
        stack.upload(f"posts/{slug}.md", body.encode())

    stats = stack.run_until_quiet()

    assert stats.failures == []
    aggregate_runs = [i for i in stats.invocations if i.function == "AggregateFunction"]
    assert 1 <= len(aggregate_runs) <= 10  # 100 notes, merged ten at a time (batch size 10)
    site = {key: item["body"] for key, item in stack.site_objects().items()}
    newest_ten = sorted(posts, key=lambda slug: posts[slug][0], reverse=True)[:10]
    assert post_links(site["index.html"]) == set(newest_ten)
    archive = set().union(*(post_links(site[f"page/{k}/index.html"]) for k in range(1, 11)))
    assert archive == set(posts)
    assert "page/11/index.html" not in site
    for tag in tag_names:
        tagged = {slug for slug, (_, tags) in posts.items() if tag in tags}
        pages = [key for key in site if key.startswith(f"tags/{tag}/page/")]
        assert set().union(*(post_links(site[key]) for key in pages)) == tagged
        assert len(pages) == (len(tagged) + PAGE_SIZE - 1) // PAGE_SIZE
    feed_links = re.findall(r"<link[^>]*href=\"[^\"]*/posts/([a-z0-9-]+)/\"", site["atom.xml"].decode())
    assert feed_links == sorted(posts, key=lambda slug: posts[slug][0], reverse=True)[:20]
    sitemap_slugs = set(re.findall(r"/posts/([a-z0-9-]+)/</loc>", site["sitemaps/posts-1.xml"].decode()))
    assert sitemap_slugs == set(posts)
    assert "sitemaps/posts-1.xml" in site["sitemap.xml"].decode()
