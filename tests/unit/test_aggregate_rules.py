"""The incremental-page rules (pressroom.aggregates): where a post lands, and what goes stale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressroom.aggregates import (
    ALL,
    SITEMAP_CHUNK_SIZE,
    ListingEntry,
    Stale,
    listing_path,
    listings_for,
    membership_keys,
    page_key,
    page_of,
    parse,
    stale_pages,
    tag_listing,
)


@pytest.mark.parametrize(("sequence", "page"), [(1, 1), (10, 1), (11, 2), (20, 2), (21, 3)])
def test_a_posts_number_fixes_its_archive_page_for_good(sequence: int, page: int):
    assert page_of(sequence, 10) == page


def test_a_post_belongs_to_all_and_to_each_of_its_tags_and_authors_once():
    assert listings_for(["AI", "ai", "Policy & Law"], ["Ada Lovelace"]) == {
        ALL: ALL, "tag:ai": "AI", "tag:policy-law": "Policy & Law", "author:ada-lovelace": "Ada Lovelace",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("listing", "page", "path"),
    [
        (ALL, None, "/"),
        (ALL, 3, "/page/3/"),
        ("tag:ai", None, "/tags/ai/"),
        ("author:ada", 2, "/authors/ada/page/2/"),
    ],
)
def test_listing_paths(listing: str, page: int | None, path: str):
    assert listing_path(listing, page) == path
    assert page_key(path) == path.lstrip("/") + "index.html"


def test_a_new_post_on_a_fresh_page_makes_the_previous_page_stale_too():
    # post number 11 opens page 2 of ten: page 1's "older posts" link must now appear
    stale = stale_pages({}, {ALL: 11}, 10, new_listings=[ALL])

    assert {Stale.front(ALL), Stale.page(ALL, 2), Stale.page(ALL, 1), Stale.FEEDS, Stale.sitemap(1)} == stale


def test_an_edit_in_place_touches_only_its_own_pages():
    assert stale_pages({ALL: 5, "tag:ai": 2}, {ALL: 5, "tag:ai": 2}, 10) == {
        Stale.FEEDS, Stale.front(ALL), Stale.page(ALL, 1), Stale.sitemap(1),
        Stale.front("tag:ai"), Stale.page("tag:ai", 1),
    }  # fmt: skip


def test_leaving_a_tag_makes_that_tags_pages_stale():
    stale = stale_pages({ALL: 5, "tag:ai": 2}, {ALL: 5}, 10)

    assert {Stale.front("tag:ai"), Stale.page("tag:ai", 1)} <= stale


def test_the_first_post_of_a_sitemap_chunk_makes_the_sitemap_index_stale():
    first_of_second_chunk = SITEMAP_CHUNK_SIZE + 1

    assert Stale.SITEMAP_INDEX in stale_pages({}, {ALL: first_of_second_chunk}, 10, new_listings=[ALL])
    assert Stale.SITEMAP_INDEX not in stale_pages(
        {}, {ALL: first_of_second_chunk + 1}, 10, new_listings=[ALL]
    )


def test_what_goes_stale_does_not_grow_with_the_site():
    small = stale_pages({}, {ALL: 3, "tag:ai": 2}, 10, new_listings=[ALL, "tag:ai"])
    large = stale_pages({}, {ALL: 100_003, "tag:ai": 50_002}, 10, new_listings=[ALL, "tag:ai"])

    assert len(small) == len(large)


def test_a_posts_rows_are_its_listings_archive_page_and_sitemap_chunk():
    entry = ListingEntry(slug="hello", title="Hello", date=datetime(2024, 5, 1, 9, 30, tzinfo=UTC))

    keys = membership_keys(entry.date_key, entry.slug, {ALL: 12, tag_listing("AI"): 3}, 10)

    assert keys == [
        ("LIST#all", "2024-05-01T09:30:00+00:00#hello"),
        ("LISTPAGE#all#2", "2024-05-01T09:30:00+00:00#hello"),
        ("SITEMAP#1", "hello"),
        ("LIST#tag:ai", "2024-05-01T09:30:00+00:00#hello"),
        ("LISTPAGE#tag:ai#1", "2024-05-01T09:30:00+00:00#hello"),
    ]


def test_page_references_survive_a_queue_as_text():
    assert parse(Stale.page("tag:ai", 3)) == ("page", "tag:ai", "3")
    assert parse(Stale.purge("posts/a/index.html")) == ("purge", "posts/a/index.html")
