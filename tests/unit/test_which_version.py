"""Which version of a post each step reads: the one the catalogue says is live, never simply the
newest upload (which may have been refused, or not be applied yet)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import jinja2
import pytest
from world import NOW, World, post_file

from pressroom.catalogue import SourceState, SourceStateKind, StaleEventError
from pressroom.events import DetailType, PostDue
from pressroom.theme import packaged_templates

PAGE = "posts/hello/index.html"


@pytest.fixture
def world() -> World:
    return World()


def test_a_republish_shows_the_live_version_not_a_newer_upload_that_was_refused(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    world.upload("posts/hello.md", b"---\ntitle: [unclosed\n---\n\nbroken\n")  # refused by validation
    del world.site.objects[PAGE]

    assert world.render.rerender("hello", NOW) is True

    assert "<h1>Hello</h1>" in world.site.text(PAGE)


def test_a_republish_shows_the_live_version_not_a_newer_upload_still_on_its_way(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    world.upload("posts/hello.md", post_file("Hello again", slug="hello"))  # its event not yet handled

    assert world.render.rerender("hello", NOW) is True

    assert "<h1>Hello</h1>" in world.site.text(PAGE)
    assert "Hello again" not in world.site.text(PAGE)


def test_a_republish_leaves_alone_a_post_that_has_expired_since_and_says_so(
    world: World, caplog: pytest.LogCaptureFixture
):
    world.publish("posts/hello.md", post_file("Hello", slug="hello", extra="expiryDate: 2026-06-01"))
    world.site.put_page(PAGE, "the page as it was")

    with caplog.at_level(logging.WARNING):
        assert world.render.rerender("hello", datetime(2026, 6, 1, tzinfo=UTC)) is False

    assert world.site.text(PAGE) == "the page as it was"
    [record] = caplog.records
    assert record.getMessage() == "a live post could not be rendered again"
    assert record.key == "posts/hello.md"  # type: ignore[attr-defined]


def test_a_republish_the_theme_refuses_keeps_the_page_and_says_why(caplog: pytest.LogCaptureFixture):
    overrides: dict[str, str] = {}
    world = World(loader=jinja2.ChoiceLoader([jinja2.DictLoader(overrides), packaged_templates()]))
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    world.site.put_page(PAGE, "the page as it was")
    overrides["post.html.j2"] = "{{ post.__class__ }}"
    world.theme.forget_templates()

    with caplog.at_level(logging.WARNING):
        assert world.render.rerender("hello", NOW) is False

    assert world.site.text(PAGE) == "the page as it was"
    [record] = caplog.records
    assert record.getMessage() == "the theme refused to render a live post; its page is unchanged"
    assert record.key == "posts/hello.md"  # type: ignore[attr-defined]
    assert "post.html.j2" in record.reason  # type: ignore[attr-defined]


def test_a_republish_of_a_post_no_longer_published_does_nothing(world: World):
    assert world.render.rerender("never-published", NOW) is False
    assert world.site.objects == {}


# ------------------------------------------------------------------ reconsider (an author profile changed)


def test_reconsidering_a_post_keeps_its_version_sequencer_and_etag(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    before = world.catalogue.source_state("posts/hello.md")
    assert before is not None
    world.upload("posts/hello.md", post_file("Hello again", slug="hello"))  # not yet applied

    assert world.render.reconsider("hello", NOW) is True

    after = world.catalogue.source_state("posts/hello.md")
    assert after is not None
    assert (after.state, after.slug, after.sequencer, after.etag) == (
        SourceStateKind.LIVE,
        "hello",
        before.sequencer,
        before.etag,
    )
    assert "<h1>Hello</h1>" in world.site.text(PAGE)


def test_reconsidering_a_slug_nobody_publishes_does_nothing(world: World):
    assert world.render.reconsider("nobody", NOW) is False


def test_reconsidering_a_post_whose_key_was_taken_down_does_nothing(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    state = world.catalogue.source_state("posts/hello.md")
    assert state is not None
    world.catalogue.sources["posts/hello.md"] = SourceState(
        key=state.key, state=SourceStateKind.WITHDRAWN, slug="hello", sequencer=state.sequencer
    )

    assert world.render.reconsider("hello", NOW) is False


def test_reconsidering_a_post_whose_key_moved_to_another_slug_does_nothing(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    state = world.catalogue.source_state("posts/hello.md")
    assert state is not None
    world.catalogue.sources["posts/hello.md"] = SourceState(
        key=state.key, state=SourceStateKind.LIVE, slug="hello-there", sequencer=state.sequencer
    )

    assert world.render.reconsider("hello", NOW) is False


def test_reconsidering_a_post_whose_key_has_no_recorded_event_does_nothing(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))
    del world.catalogue.sources["posts/hello.md"]

    assert world.render.reconsider("hello", NOW) is False


def test_reconsidering_a_post_overtaken_by_a_newer_event_meanwhile_does_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    world.publish("posts/hello.md", post_file("Hello", slug="hello"))

    def overtaken(*_args: object, **_kwargs: object) -> None:
        raise StaleEventError("a newer event for posts/hello.md was applied")

    monkeypatch.setattr(world.catalogue, "record_live", overtaken)

    assert world.render.reconsider("hello", NOW) is False


def test_reconsidering_a_post_that_has_expired_since_does_nothing(world: World):
    world.publish("posts/hello.md", post_file("Hello", slug="hello", extra="expiryDate: 2026-06-01"))

    assert world.render.reconsider("hello", datetime(2026, 6, 1, tzinfo=UTC)) is False


# ------------------------------------------------------------------ schedules


def test_a_schedule_that_fires_a_little_early_still_publishes_the_post(world: World):
    due_at = datetime(2030, 6, 1, tzinfo=UTC)
    source = world.upload("posts/later.md", post_file("Later", date="2030-06-01"))

    outcome = world.render.on_due(PostDue(source=source, due_at=due_at), now=due_at - timedelta(seconds=1))

    assert outcome is DetailType.POST_PUBLISHED
    assert "posts/later/index.html" in world.site.objects


def test_a_schedule_handled_late_judges_the_post_as_of_now(world: World):
    source = world.upload("posts/brief.md", post_file("Brief", extra="expiryDate: 2026-06-01"))
    world.render.on_validated(world.validated(source), now=NOW)

    outcome = world.render.on_due(
        PostDue(source=source, due_at=datetime(2026, 1, 2, tzinfo=UTC)), now=datetime(2026, 7, 1, tzinfo=UTC)
    )

    assert outcome is DetailType.POST_UNPUBLISHED
    assert "posts/brief/index.html" not in world.site.objects
