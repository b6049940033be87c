"""AggregateStage on in-memory ports: the pages a batch of stale notes names, each rebuilt once."""

from __future__ import annotations

import re

import jinja2
import pytest
from world import NOW, World, post_file

from pressroom.aggregates import ALL, Stale
from pressroom.theme import packaged_templates


@pytest.fixture
def world() -> World:
    return World(page_size=2)


def linked_posts(html: str) -> list[str]:
    return re.findall(r'<a href="/posts/([a-z0-9-]+)/"', html)


def test_a_batch_rebuilds_the_pages_its_posts_made_stale(world: World):
    for day in (1, 2, 3):
        world.publish(f"posts/p{day}.md", post_file(f"Post {day}", date=f"2024-05-0{day}", tags=("news",)))

    changed = world.rebuild()

    home = world.site.text("index.html")
    assert linked_posts(home)[:2] == ["p3", "p2"]  # newest first, a page of two
    assert 'href="/page/1/"' in home
    assert linked_posts(world.site.text("page/1/index.html")) == ["p2", "p1"]  # numbers 1 and 2, for good
    assert linked_posts(world.site.text("tags/news/index.html"))[:2] == ["p3", "p2"]
    assert {"atom.xml", "rss.xml", "sitemap.xml", "sitemaps/posts-1.xml", "tags/index.html"} <= set(changed)
    assert "posts/p1/index.html" in changed  # purged with its batch, though not rebuilt here
    assert world.invalidations.batches == [sorted(set(changed))]


def test_each_page_is_written_once_per_batch_however_many_notes_name_it(world: World):
    for day in (1, 2, 3):
        world.publish(f"posts/p{day}.md", post_file(f"Post {day}", date=f"2024-05-0{day}"))

    world.rebuild()

    assert world.site.writes.count("index.html") == 1
    assert world.site.writes.count("atom.xml") == 1


def test_a_tag_whose_last_post_left_loses_its_page_and_its_place_in_the_index(world: World):
    world.publish("posts/a.md", post_file("A", tags=("news",)))
    world.rebuild()
    assert "tags/news/index.html" in world.site.objects

    world.publish("posts/a.md", post_file("A"))
    world.rebuild()

    assert "tags/news/index.html" not in world.site.objects
    assert "/tags/news/" not in world.site.text("tags/index.html")


def test_everything_rebuilds_every_aggregate_page(world: World):
    for day in (1, 2, 3):
        world.publish(f"posts/p{day}.md", post_file(f"Post {day}", date=f"2024-05-0{day}"))
    world.stale.take()

    changed = world.aggregate.rebuild({Stale.EVERYTHING}, now=NOW)

    assert {
        "index.html",
        "page/1/index.html",
        "page/2/index.html",
        "atom.xml",
        "robots.txt",
        "404.html",
    } <= set(changed)


def test_a_page_the_theme_refuses_keeps_its_live_version_and_the_rest_are_rebuilt():
    trap = '{% extends "base.html.j2" %}{% block content %}{{ listing.__class__ }}{% endblock %}'
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"list.html.j2": trap}), packaged_templates()])
    world = World(page_size=2, loader=loader)
    world.site.put_page("index.html", "the live home page")
    world.publish("posts/a.md", post_file("A"))

    changed = world.rebuild()

    assert world.site.text("index.html") == "the live home page"
    assert "index.html" not in changed
    assert "atom.xml" in changed


def test_an_unknown_page_reference_is_an_error(world: World):
    with pytest.raises(ValueError, match="unknown stale page reference"):
        world.aggregate.rebuild({"frontpage|all"}, now=NOW)


def test_the_home_listing_exists_before_any_post(world: World):
    changed = world.aggregate.rebuild({Stale.front(ALL), Stale.FEEDS}, now=NOW)

    assert "index.html" in changed
    assert linked_posts(world.site.text("index.html")) == []
