"""Reserved names: no post or page may take a path the site itself writes.

The names are written out here, from what the site publishes, not read from pressroom.slugs: a
name dropped from the code's list fails a test that names it.
"""

from __future__ import annotations

import pytest
from world import NOW, RULES, World, post_file

from pressroom.model import Rejection
from pressroom.reading.validation import validate_post
from pressroom.slugs import RESERVED_SLUGS, slug_problem

# The site's own top-level names: home, listings, feeds, sitemap, assets, the error page, the
# theme's files, robots.txt, and the sections a page or a search could want.
RESERVED = [
    "index", "tags", "tag", "authors", "author", "feed", "feeds", "rss", "atom", "sitemap",
    "sitemaps", "assets", "static", "page", "pages", "posts", "search", "404", "robots", "theme",
]  # fmt: skip


@pytest.mark.parametrize("name", RESERVED)
def test_a_reserved_name_is_refused_as_a_slug(name: str):
    problem = slug_problem(name)

    assert problem == f"'{name}' is reserved for the site's own pages; choose another slug"


@pytest.mark.parametrize("name", ["tags", "feed", "404", "assets"])
def test_a_page_cannot_declare_a_reserved_slug(name: str):
    verdict = validate_post("pages/mine.md", post_file("A page", extra=f'slug: "{name}"'), RULES, NOW)

    assert isinstance(verdict, Rejection)
    assert [problem.message for problem in verdict.problems] == [
        f"'{name}' is reserved for the site's own pages; choose another slug"
    ]


@pytest.mark.parametrize("name", ["tags", "feed", "404", "assets"])
def test_a_file_named_like_a_reserved_path_gets_its_slug_from_its_title(name: str):
    verdict = validate_post(f"pages/{name}.md", post_file("A page"), RULES, NOW)

    assert not isinstance(verdict, Rejection)
    assert verdict.slug == "a-page"


@pytest.mark.parametrize(
    "name",
    ["tagged", "index-of-things", "feedback", "pages-of-history", "about", "indexes", "my-feed", "page-2",
     "404-not-found", "themes"],
)  # fmt: skip
def test_a_name_that_only_starts_like_a_reserved_one_is_allowed(name: str):
    assert slug_problem(name) is None


def test_no_other_slug_is_reserved():
    # A name added to the code's list takes a URL from authors: it is added here too, on purpose.
    assert sorted(RESERVED_SLUGS) == sorted(RESERVED)


def test_every_top_level_name_the_site_writes_is_reserved():
    world = World()
    world.publish("posts/hello.md", post_file("Hello", tags=("news",)))
    world.publish("pages/about.md", post_file("About"))
    world.rebuild()

    top_level = {key.split("/")[0].split(".")[0] for key in world.site.objects}
    own = top_level - {"about"}  # the page's own path

    assert own
    assert own <= set(RESERVED), f"not reserved: {sorted(own - set(RESERVED))}"


@pytest.mark.parametrize("name", RESERVED)
def test_a_reserved_name_with_a_line_break_after_it_is_no_slug(name: str):
    # `slug: "tags\n"` in YAML: a pattern checked with `$` would let it through, onto /tags/.
    verdict = validate_post("posts/mine.md", post_file("A post", extra=f'slug: "{name}\\n"'), RULES, NOW)

    assert isinstance(verdict, Rejection)
    (problem,) = verdict.problems
    assert problem.field == "slug"
    assert problem.message.startswith(f"'{name}\\n' is not a valid slug")


@pytest.mark.parametrize("slug", ["hello\n", "hello\r", "\nhello", "hel\nlo", "hello-\n"])
def test_a_slug_holding_a_line_break_anywhere_is_refused(slug: str):
    assert slug_problem(slug) is not None
