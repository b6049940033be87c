"""RenderStage on in-memory ports: every branch the moto suites reach, without moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jinja2
import pytest
from world import BUCKET, NOW, World, post_file

from pressroom.aggregates import ALL, Stale
from pressroom.catalogue import SourceStateKind
from pressroom.events import (
    DetailType,
    PostDue,
    PostPublished,
    PostRejected,
    PostUnpublished,
    PostWithdrawn,
    SlugReleased,
)
from pressroom.theme import packaged_templates


@pytest.fixture
def world() -> World:
    return World()


def last(world: World, detail_type: DetailType) -> object:
    return next(detail for kind, detail in reversed(world.bus.events) if kind is detail_type)


def test_a_new_post_is_recorded_rendered_listed_and_announced(world: World):
    outcome = world.publish("posts/hello.md", post_file("Hello", tags=("news",)))

    assert outcome is DetailType.POST_PUBLISHED
    assert "<h1>Hello</h1>" in world.site.text("posts/hello/index.html")
    state = world.catalogue.source_state("posts/hello.md")
    assert state is not None
    assert state.state is SourceStateKind.LIVE
    assert state.slug == "hello"
    assert world.catalogue.owner_of("hello") == "posts/hello.md"
    assert [entry.slug for entry in world.listings.newest(ALL, 10)] == ["hello"]
    assert [entry.slug for entry in world.listings.newest("tag:news", 10)] == ["hello"]
    published = last(world, DetailType.POST_PUBLISHED)
    assert isinstance(published, PostPublished)
    assert (published.update, published.url) == (False, "https://blog.example.com/posts/hello/")
    notes = world.stale.take()
    assert {Stale.front(ALL), Stale.page(ALL, 1), Stale.front("tag:news"), Stale.FEEDS, Stale.STATIC} <= notes
    assert Stale.purge("posts/hello/index.html") in notes


def test_an_edit_is_an_update_and_keeps_the_posts_place_in_its_listings(world: World):
    world.publish("posts/hello.md", post_file("Hello"))
    number = world.catalogue.posts["hello"].listings[ALL]

    world.publish("posts/hello.md", post_file("Hello again"))

    published = last(world, DetailType.POST_PUBLISHED)
    assert isinstance(published, PostPublished)
    assert published.update
    assert world.catalogue.posts["hello"].listings[ALL] == number
    assert [entry.title for entry in world.listings.newest(ALL, 10)] == ["Hello again"]


def test_a_byte_identical_upload_changes_and_announces_nothing(world: World):
    world.publish("posts/hello.md", post_file("Hello"))
    writes, events = len(world.site.writes), len(world.bus.events)
    again = world.upload("posts/hello.md", post_file("Hello"))

    outcome = world.render.on_validated(world.validated(again), now=NOW)

    assert outcome is None
    assert (len(world.site.writes), len(world.bus.events)) == (writes, events)
    state = world.catalogue.source_state("posts/hello.md")
    assert state is not None
    assert state.sequencer == again.sequencer


def test_an_older_event_arriving_late_changes_nothing(world: World):
    older = world.upload("posts/hello.md", post_file("First"))
    newer = world.upload("posts/hello.md", post_file("Second"))
    world.render.on_validated(world.validated(newer), now=NOW)

    outcome = world.render.on_validated(world.validated(older), now=NOW)

    assert outcome is None
    assert "<h1>Second</h1>" in world.site.text("posts/hello/index.html")
    assert world.bus.detail_types() == [DetailType.POST_PUBLISHED]


def test_a_slug_owned_by_another_file_is_refused_and_the_owner_stays(world: World):
    world.publish("posts/hello.md", post_file("Hello"))

    outcome = world.publish("posts/other.md", post_file("Impostor", slug="hello"))

    assert outcome is DetailType.POST_REJECTED
    rejected = last(world, DetailType.POST_REJECTED)
    assert isinstance(rejected, PostRejected)
    assert rejected.reasons[0].field == "slug"
    assert "already used by posts/hello.md" in rejected.reasons[0].message
    assert "<h1>Hello</h1>" in world.site.text("posts/hello/index.html")
    assert world.catalogue.statuses["posts/other.md"]["state"] == "rejected"


def hand_over(world: World) -> list[DetailType | None]:
    """Deliver every "Slug Released" the stage put on the bus, as the SlugHandover rule would."""
    released = [d for kind, d in world.bus.events if kind is DetailType.SLUG_RELEASED]
    world.bus.events = [(kind, d) for kind, d in world.bus.events if kind is not DetailType.SLUG_RELEASED]
    return [world.handover.on_slug_released(d, now=NOW) for d in released if isinstance(d, SlugReleased)]


def test_a_copy_refused_for_its_slug_is_published_when_the_original_is_deleted(world: World):
    """`aws s3 mv a.md b.md`, with S3 reporting the copy first: the post stays online."""
    world.publish("posts/a.md", post_file("Moved", slug="moved"))
    assert world.publish("posts/b.md", post_file("Moved", slug="moved")) is DetailType.POST_REJECTED
    marker = world.uploads.delete(BUCKET, "posts/a.md")

    outcome = world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)

    assert outcome is DetailType.POST_UNPUBLISHED
    assert "posts/moved/index.html" in world.site.objects  # left in place for the handover
    assert hand_over(world) == [DetailType.POST_PUBLISHED]
    assert world.catalogue.owner_of("moved") == "posts/b.md"
    assert "<h1>Moved</h1>" in world.site.text("posts/moved/index.html")
    published = last(world, DetailType.POST_PUBLISHED)
    assert isinstance(published, PostPublished)
    assert (published.source.key, published.update) == ("posts/b.md", True)  # the page was live
    assert "posts/b.md" not in world.catalogue.statuses
    assert world.catalogue.slug_waiter("moved") is None


def test_a_waiting_upload_replaced_by_a_broken_one_is_not_published(world: World):
    world.publish("posts/a.md", post_file("Taken", slug="taken"))
    world.publish("posts/b.md", post_file("Waiting", slug="taken"))
    broken = world.upload("posts/b.md", b"---\ntitle: [unclosed\n---\nbody\n")
    world.render.on_rejected(PostRejected(source=broken, reasons=[]))
    marker = world.uploads.delete(BUCKET, "posts/a.md")

    world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)

    assert hand_over(world) == []  # nothing waits any more: the page goes with its post
    assert world.catalogue.owner_of("taken") is None
    assert "posts/taken/index.html" not in world.site.objects
    assert world.catalogue.statuses["posts/b.md"]["state"] == "rejected"


def test_a_slug_released_by_a_slug_change_goes_to_the_upload_waiting_for_it(world: World):
    world.publish("posts/a.md", post_file("First", slug="first"))
    world.publish("posts/b.md", post_file("Wants first", slug="first"))

    world.publish("posts/a.md", post_file("First, renamed", slug="renamed"))
    assert hand_over(world) == [DetailType.POST_PUBLISHED]

    assert world.catalogue.owner_of("renamed") == "posts/a.md"
    assert world.catalogue.owner_of("first") == "posts/b.md"
    assert "<h1>Wants first</h1>" in world.site.text("posts/first/index.html")


def test_a_late_refusal_of_an_older_upload_does_not_make_it_wait_again(world: World):
    """Upload 1 of b waits for the slug only until upload 2 of b is refused for something else,
    even when upload 1's refusal is handled last (events arrive in any order)."""
    world.publish("posts/a.md", post_file("Taken", slug="taken"))
    first = world.upload("posts/b.md", post_file("Waiting", slug="taken"))
    broken = world.upload("posts/b.md", b"---\ntitle: [unclosed\n---\nbody\n")
    world.render.on_rejected(PostRejected(source=broken, reasons=[]))

    assert world.render.on_validated(world.validated(first), now=NOW) is DetailType.POST_REJECTED
    marker = world.uploads.delete(BUCKET, "posts/a.md")
    world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)

    assert hand_over(world) == []
    assert world.catalogue.owner_of("taken") is None
    assert world.catalogue.statuses["posts/b.md"]["sequencer"] == broken.sequencer


def test_a_handover_that_cannot_publish_removes_the_page_it_was_left(world: World):
    world.publish("posts/a.md", post_file("Taken", slug="taken"))
    expires = (NOW + timedelta(days=1)).date().isoformat()
    world.publish("posts/b.md", post_file("Waiting", slug="taken", extra=f"expiryDate: {expires}"))
    marker = world.uploads.delete(BUCKET, "posts/a.md")
    world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)
    (released,) = [d for kind, d in world.bus.events if isinstance(d, SlugReleased)]

    # its turn comes after it expired
    assert world.handover.on_slug_released(released, now=NOW + timedelta(days=2)) is None

    assert world.catalogue.owner_of("taken") is None
    assert "posts/taken/index.html" not in world.site.objects


def test_a_repeated_handover_and_a_repeated_withdrawal_change_nothing(world: World):
    world.publish("posts/a.md", post_file("Moved", slug="moved", tags=("news",)))
    world.publish("posts/b.md", post_file("Moved", slug="moved", tags=("news",)))
    withdrawal = PostWithdrawn(source=world.uploads.delete(BUCKET, "posts/a.md"))
    world.render.on_withdrawn(withdrawal, now=NOW)
    released = [d for kind, d in world.bus.events if kind is DetailType.SLUG_RELEASED]
    hand_over(world)
    rows = {listing: [e.slug for e in world.listings.newest(listing, 10)] for listing in (ALL, "tag:news")}

    world.render.on_withdrawn(withdrawal, now=NOW)  # S3 delivers the delete again
    for detail in released:  # and EventBridge the handover
        assert isinstance(detail, SlugReleased)
        world.handover.on_slug_released(detail, now=NOW)

    assert world.catalogue.owner_of("moved") == "posts/b.md"
    assert {listing: [e.slug for e in world.listings.newest(listing, 10)] for listing in rows} == rows
    assert rows == {ALL: ["moved"], "tag:news": ["moved"]}
    assert "<h1>Moved</h1>" in world.site.text("posts/moved/index.html")


def test_changing_a_files_slug_moves_the_page_and_releases_the_old_slug(world: World):
    world.publish("posts/hello.md", post_file("Hello"))

    world.publish("posts/hello.md", post_file("Hello", slug="greetings"))

    assert "posts/hello/index.html" not in world.site.objects
    assert "posts/greetings/index.html" in world.site.objects
    assert world.catalogue.owner_of("hello") is None
    assert [entry.slug for entry in world.listings.newest(ALL, 10)] == ["greetings"]
    assert Stale.purge("posts/hello/index.html") in world.stale.take()


def test_a_live_post_turned_draft_leaves_the_site(world: World):
    world.publish("posts/hello.md", post_file("Hello"))

    outcome = world.publish("posts/hello.md", post_file("Hello", extra="draft: true"))

    assert outcome is DetailType.POST_UNPUBLISHED
    unpublished = last(world, DetailType.POST_UNPUBLISHED)
    assert isinstance(unpublished, PostUnpublished)
    assert unpublished.reason == "draft"
    assert "posts/hello/index.html" not in world.site.objects
    assert world.listings.newest(ALL, 10) == []
    assert world.catalogue.statuses["posts/hello.md"]["state"] == "draft"


def test_a_future_post_is_scheduled_then_published_when_due(world: World):
    source = world.upload("posts/later.md", post_file("Later", date="2030-06-01"))

    assert world.render.on_validated(world.validated(source), now=NOW) is None

    assert world.schedules.due["posts/later.md"][1] == datetime(2030, 6, 1, tzinfo=UTC)
    assert "posts/later/index.html" not in world.site.objects
    due_at = datetime(2030, 6, 1, tzinfo=UTC)
    assert world.render.on_due(PostDue(source=source, due_at=due_at), now=NOW) is DetailType.POST_PUBLISHED
    assert "posts/later/index.html" in world.site.objects
    assert "posts/later.md" not in world.schedules.due


def test_a_withdrawn_post_leaves_the_site_and_its_schedule_goes(world: World):
    world.publish("posts/hello.md", post_file("Hello", extra="expiryDate: 2030-01-01"))
    assert "posts/hello.md" in world.schedules.due
    marker = world.uploads.delete(BUCKET, "posts/hello.md")

    outcome = world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)

    assert outcome is DetailType.POST_UNPUBLISHED
    assert "posts/hello/index.html" not in world.site.objects
    assert "posts/hello.md" not in world.schedules.due
    assert world.catalogue.owner_of("hello") is None


def test_a_retry_after_a_failure_finishes_what_the_first_attempt_began(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    source = world.upload("posts/hello.md", post_file("Hello"))
    event = world.validated(source)
    original = world.site.put_page

    def fail(key: str, text: str) -> None:
        raise ConnectionError("S3 went away")

    monkeypatch.setattr(world.site, "put_page", fail)
    with pytest.raises(ConnectionError):
        world.render.on_validated(event, now=NOW)
    assert world.catalogue.owner_of("hello") == "posts/hello.md"  # recorded before the page failed
    assert world.bus.events == []

    monkeypatch.setattr(world.site, "put_page", original)
    assert world.render.on_validated(event, now=NOW) is DetailType.POST_PUBLISHED

    assert "posts/hello/index.html" in world.site.objects
    assert world.bus.detail_types() == [DetailType.POST_PUBLISHED]


def test_a_post_the_theme_refuses_is_rejected_before_anything_is_recorded():
    trap = '{% extends "base.html.j2" %}{% block content %}{{ post.__class__ }}{% endblock %}'
    world = World(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({"post.html.j2": trap}), packaged_templates()])
    )

    outcome = world.publish("posts/hello.md", post_file("Hello"))

    assert outcome is DetailType.POST_REJECTED
    rejected = last(world, DetailType.POST_REJECTED)
    assert isinstance(rejected, PostRejected)
    assert rejected.reasons[0].field == "theme"
    assert world.catalogue.source_state("posts/hello.md") is None
    assert world.listings.terms("all") == []
    assert world.site.objects == {}


def test_an_invalid_version_is_rejected_and_noted_for_status(world: World):
    source = world.upload("posts/bad.md", b"---\ntitle: [unclosed\n---\n\nx\n")

    outcome = world.render.on_due(PostDue(source=source, due_at=NOW), now=NOW)

    assert outcome is DetailType.POST_REJECTED
    assert world.catalogue.statuses["posts/bad.md"]["state"] == "rejected"


def test_rerendering_applies_the_current_theme_to_the_live_version(world: World):
    world.publish("posts/hello.md", post_file("Hello"))
    del world.site.objects["posts/hello/index.html"]

    assert world.render.rerender("hello", NOW) is True
    assert "<h1>Hello</h1>" in world.site.text("posts/hello/index.html")
    assert world.render.rerender("missing", NOW) is False
