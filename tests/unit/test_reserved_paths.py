"""Slugs the site keeps for its own pages, listed here as the site uses them (not read from the code)."""

from __future__ import annotations

import pytest

from pressroom.slugs import RESERVED_SLUGS, slug_problem

SITE_PATHS = [
    "index", "tags", "tag", "authors", "author", "feed", "feeds", "rss", "atom", "sitemap",
    "sitemaps", "assets", "static", "page", "pages", "posts", "search", "404", "robots", "theme",
]  # fmt: skip


@pytest.mark.parametrize("slug", SITE_PATHS)
def test_a_post_may_not_take_a_path_the_site_uses(slug: str):
    assert slug_problem(slug) == f"'{slug}' is reserved for the site's own pages; choose another slug"


def test_no_other_slug_is_reserved():
    assert sorted(RESERVED_SLUGS) == sorted(SITE_PATHS)


@pytest.mark.parametrize(
    "slug", ["indexes", "tags-and-labels", "my-feed", "page-2", "404-not-found", "themes"]
)
def test_a_slug_that_only_contains_a_reserved_word_is_allowed(slug: str):
    assert slug_problem(slug) is None
