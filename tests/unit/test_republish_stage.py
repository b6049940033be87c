"""RepublishStage on in-memory ports: every post rendered once, the aggregates asked for once."""

from __future__ import annotations

import pytest
from world import NOW, World, post_file

from pressroom.aggregates import Stale
from pressroom.events import RepublishRequested
from pressroom.pipeline import republish


@pytest.fixture
def world() -> World:
    site = World()
    for day in range(1, 26):
        site.publish(f"posts/p{day}.md", post_file(f"Post {day}", date=f"2024-05-{day:02d}"))
    site.stale.take()
    return site


def drain(world: World) -> int:
    """Work the republish queue as RepublishFunction would; returns how many items it took."""
    taken = 0
    while (item := world.work.take()) is not None:
        taken += 1
        if "slugs" in item:
            world.republish.render_posts(item["republish"], item["slugs"], NOW)
        else:
            world.republish.enumerate(item["republish"], item["after"])
    return taken


def test_a_republish_renders_every_post_once_then_asks_for_every_aggregate_once(world: World):
    for key in list(world.site.objects):
        del world.site.objects[key]

    republish_id = world.republish.start(RepublishRequested(reason="theme tweak"))
    drain(world)

    ledger = world.ledger.republishes[republish_id]
    assert (ledger.total, ledger.done, ledger.failed, ledger.aggregated) == (25, 25, 0, True)
    assert len([key for key in world.site.objects if key.startswith("posts/")]) == 25
    assert world.stale.notes == [
        {
            "stale": [Stale.EVERYTHING],
            "cause": f"republish {republish_id}",
            "correlation_id": f"republish {republish_id}",
        }
    ]


def test_the_catalogue_is_listed_a_page_at_a_time(world: World, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(republish, "LISTING_PAGE", 10)

    republish_id = world.republish.start(RepublishRequested(reason="tiny pages"))
    taken = drain(world)

    assert taken == 3 + 3  # three pages listed (10, 10, 5 posts), a render message for each
    assert world.ledger.republishes[republish_id].done == 25
    assert len(world.stale.notes) == 1


def test_a_post_delivered_twice_counts_once(world: World):
    republish_id = world.republish.start(RepublishRequested(reason="duplicates"))
    world.republish.enumerate(republish_id, None)
    world.work.messages = [message for message in world.work.messages if "slugs" in message]
    first = world.work.messages[0]

    world.republish.render_posts(republish_id, first["slugs"], NOW)
    world.republish.render_posts(republish_id, first["slugs"], NOW)

    assert world.ledger.republishes[republish_id].done == 10


def test_a_post_that_cannot_be_rendered_is_counted_failed_and_parked(world: World):
    republish_id = world.republish.start(RepublishRequested(reason="one gone"))
    del world.catalogue.posts["p7"]  # listed, but no longer live by the time its message comes

    drain(world)

    ledger = world.ledger.republishes[republish_id]
    assert (ledger.done, ledger.failed, ledger.aggregated) == (24, 1, True)
    assert world.parked.parked == [(republish_id, ["p7"])]
