"""ValidateStage on in-memory ports: every kind of upload change, and what goes on the bus."""

from __future__ import annotations

import pytest
from world import BUCKET, NOW, RULES, World, post_file

from pressroom.events import DetailType, PostRejected, PostValidated, PostWithdrawn, RepublishRequested
from pressroom.pipeline.validate import UploadChange, UploadChangeKind, ValidateStage


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def stage(world: World) -> ValidateStage:
    return ValidateStage(world.uploads, world.bus, RULES)


def created(source: object) -> UploadChange:
    return UploadChange(UploadChangeKind.CREATED, source)  # type: ignore[arg-type]


def test_a_valid_post_is_validated_with_its_metadata(world: World, stage: ValidateStage):
    source = world.upload("posts/hello.md", post_file("Hello", tags=("news",)))

    assert stage.handle(created(source), NOW) is DetailType.POST_VALIDATED

    ((_kind, detail),) = world.bus.events
    assert isinstance(detail, PostValidated)
    assert (detail.post.slug, detail.post.tags, detail.source) == ("hello", ["news"], source)


def test_an_invalid_post_is_rejected_with_a_reason_per_problem(world: World, stage: ValidateStage):
    source = world.upload("posts/bad.md", b"---\ndate: 2024-13-45\n---\n\nx\n")

    assert stage.handle(created(source), NOW) is DetailType.POST_REJECTED

    ((_, detail),) = world.bus.events
    assert isinstance(detail, PostRejected)
    assert {reason.field for reason in detail.reasons} == {"title", "date"}


def test_an_upload_over_the_size_limit_is_refused_without_being_read(world: World, stage: ValidateStage):
    source = world.upload("posts/big.md", post_file(body="x" * 200_000))

    assert stage.handle(created(source), NOW) is DetailType.POST_REJECTED
    ((_, detail),) = world.bus.events
    assert isinstance(detail, PostRejected)
    assert "bytes" in detail.reasons[0].message


def test_deleting_the_last_version_withdraws_the_post(world: World, stage: ValidateStage):
    world.upload("posts/hello.md", post_file())
    marker = world.uploads.delete(BUCKET, "posts/hello.md")

    assert stage.handle(UploadChange(UploadChangeKind.REMOVED, marker), NOW) is DetailType.POST_WITHDRAWN
    assert isinstance(world.bus.events[0][1], PostWithdrawn)


def test_removing_a_delete_marker_validates_the_version_it_uncovers(world: World, stage: ValidateStage):
    kept = world.upload("posts/hello.md", post_file("Kept"))
    marker = world.uploads.delete(BUCKET, "posts/hello.md")
    removal = world.uploads.remove_version(BUCKET, "posts/hello.md", str(marker.version_id))

    assert stage.handle(UploadChange(UploadChangeKind.REMOVED, removal), NOW) is DetailType.POST_VALIDATED

    ((_, detail),) = world.bus.events
    assert isinstance(detail, PostValidated)
    assert detail.source.version_id == kept.version_id
    assert detail.source.sequencer == removal.sequencer  # ordered as the removal, which came last


def test_a_version_gone_before_it_is_read_waits_for_its_own_event(world: World, stage: ValidateStage):
    source = world.upload("posts/hello.md", post_file())
    world.uploads.remove_version(BUCKET, "posts/hello.md", str(source.version_id))

    assert stage.handle(created(source), NOW) is None
    assert world.bus.events == []


def test_files_outside_posts_are_ignored(world: World, stage: ValidateStage):
    source = world.upload("drafts/notes.md", post_file())

    assert stage.handle(created(source), NOW) is None
    assert world.bus.events == []


def test_an_uploaded_theme_template_is_checked_then_a_republish_requested(world: World, stage: ValidateStage):
    source = world.upload("theme/robots.txt.j2", b"User-agent: *\nAllow: /\n")

    assert stage.handle(created(source), NOW) is DetailType.REPUBLISH_REQUESTED

    ((_, detail),) = world.bus.events
    assert isinstance(detail, RepublishRequested)
    assert detail.reason == "theme template robots.txt.j2 uploaded"
    assert detail.source == source


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("theme/robots.txt.j2", b"{{ cycler.__init__.__globals__ }}", "robots.txt.j2, line 1: __globals__"),
        ("theme/robots.txt.j2", b"\xff\xfe not UTF-8", "a template must be UTF-8 text"),
        (
            "theme/includes/note.html",
            b"{% if x %}never closed",
            "includes/note.html: line 1: expected tag with value 'endif'",
        ),
        (
            "theme/includes/note.html",
            b"\xff\xfe not UTF-8",
            "includes/note.html: a snippet must be UTF-8 text",
        ),
    ],
)
def test_a_theme_template_or_snippet_that_cannot_be_used_is_rejected(
    world: World, stage: ValidateStage, key: str, data: bytes, message: str
):
    source = world.upload(key, data)

    assert stage.handle(created(source), NOW) is DetailType.POST_REJECTED

    ((_, detail),) = world.bus.events
    assert isinstance(detail, PostRejected)
    assert detail.reasons[0].field == "theme"
    assert message in detail.reasons[0].message


def test_removing_a_theme_template_requests_a_republish(world: World, stage: ValidateStage):
    world.upload("theme/post.html.j2", b"x")
    marker = world.uploads.delete(BUCKET, "theme/post.html.j2")

    assert stage.handle(UploadChange(UploadChangeKind.REMOVED, marker), NOW) is DetailType.REPUBLISH_REQUESTED
    detail = world.bus.events[0][1]
    assert isinstance(detail, RepublishRequested)
    assert detail.reason == "theme template post.html.j2 removed"


def test_an_uploaded_snippet_is_checked_as_liquid_then_a_republish_requested(
    world: World, stage: ValidateStage
):
    source = world.upload("theme/includes/note.html", b"<aside>{{ include.content }}</aside>\n")

    assert stage.handle(created(source), NOW) is DetailType.REPUBLISH_REQUESTED
    ((_, detail),) = world.bus.events
    assert isinstance(detail, RepublishRequested)
    assert detail.reason == "theme snippet includes/note.html uploaded"
