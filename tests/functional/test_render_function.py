"""RenderFunction under moto, fed events/render*.json: pages, catalogue, index, and what it says."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import SHARED_POST, bus_event_for, load_event, through_contract

from pressroom_tools.local.stack import LocalStack

SHARED_KEY = "posts/uk-ai-opportunities-action-plan.md"
PAGE = "posts/uk-ai-opportunities-action-plan/index.html"


def upload(stack: LocalStack, key: str, body: bytes) -> dict[str, Any]:
    response = stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=body)
    return dict(response)


def validated_event(stack: LocalStack, key: str, body: bytes, sequencer: str, **post: Any) -> dict[str, Any]:
    response = upload(stack, key, body)
    event = bus_event_for(
        load_event("render.json"),
        bucket=stack.output("UploadsBucketName"),
        key=key,
        versionId=response["VersionId"],
        etag=response["ETag"].strip('"'),
        size=len(body),
        sequencer=sequencer,
    )
    event["detail"]["post"].update(post)
    return through_contract(event)


def page(stack: LocalStack, key: str) -> str:
    return str(stack.site_objects()[key]["body"].decode("utf-8"))


def post_body(title: str, body: str = "Some words.", slug: str | None = None, extra: str = "") -> bytes:
    slug_line = f"slug: {slug}\n" if slug else ""
    return f"---\ntitle: {title}\ndate: 2024-05-01\n{slug_line}{extra}---\n\n{body}\n".encode()


@pytest.fixture
def published(stack: LocalStack) -> Any:
    """The shared post published through events/render.json."""
    event = validated_event(stack, SHARED_KEY, SHARED_POST.read_bytes(), "0067867A0F5C8E3A21")
    invocation = stack.invoke("RenderFunction", event)
    assert invocation.succeeded, invocation.error
    rebuild_aggregates(stack)
    return stack


def rebuild_aggregates(stack: LocalStack) -> None:
    """Let AggregateFunction act on the stale-page notes RenderFunction left (and nothing else run)."""
    stats = stack.run_until_quiet(functions={"AggregateFunction"})
    assert stats.failures == []


def test_the_post_page_and_index_are_written_and_the_publication_announced(published: Any):
    objects = published.site_objects()

    html = objects[PAGE]["body"].decode("utf-8")
    assert "<title>Our Response to the UK Government's AI Opportunities Action Plan" in html
    assert (
        '<h2 id="our-position-on-the-plan-s-core-elements">Our Position on the Plan\'s Core Elements</h2>'
        in html
    )
    assert "&amp;#39;" not in html
    assert "&#39;" not in html
    assert objects[PAGE]["content_type"] == "text/html; charset=utf-8"
    assert 'href="/posts/uk-ai-opportunities-action-plan/"' in objects["index.html"]["body"].decode()

    (event,) = published.observed_events()
    assert event["detail-type"] == "Post Published"
    assert event["detail"]["url"] == "https://blog.example.com/posts/uk-ai-opportunities-action-plan/"
    assert event["detail"]["update"] is False


def test_the_catalogue_records_the_post_and_the_version_it_reflects(published: Any):
    dynamodb = published.session.client("dynamodb")
    item = dynamodb.get_item(
        TableName=published.output("PostsTableName"),
        Key={"pk": {"S": "POST#uk-ai-opportunities-action-plan"}, "sk": {"S": "POST"}},
    )["Item"]
    assert item["sourceKey"]["S"] == SHARED_KEY
    assert item["sequencer"]["S"] == "0067867A0F5C8E3A21"
    assert item["title"]["S"] == "Our Response to the UK Government's AI Opportunities Action Plan"


def test_an_older_event_arriving_late_changes_nothing(published: Any):
    # GIVEN an older version's event (smaller sequencer) delivered after the newer one
    stale = validated_event(published, SHARED_KEY, post_body("An older draft"), "0067867A0F5C8E3A20")
    published.observed_events()

    invocation = published.invoke("RenderFunction", stale)

    assert invocation.succeeded
    assert "An older draft" not in page(published, PAGE)
    assert published.observed_events() == []


def test_a_newer_version_replaces_the_page_and_is_an_update(published: Any):
    newer = validated_event(published, SHARED_KEY, post_body("A revised title"), "0067867A0F5C8E3A22")
    published.observed_events()

    published.invoke("RenderFunction", newer)

    assert "<h1>A revised title</h1>" in page(published, "posts/uk-ai-opportunities-action-plan/index.html")
    (event,) = published.observed_events()
    assert event["detail-type"] == "Post Published"
    assert event["detail"]["update"] is True


def test_a_redelivered_event_rewrites_the_same_page_and_keeps_its_first_answer(published: Any):
    before = page(published, PAGE)
    again = validated_event(published, SHARED_KEY, SHARED_POST.read_bytes(), "0067867A0F5C8E3A21")
    published.observed_events()

    published.invoke("RenderFunction", again)

    assert page(published, PAGE) == before
    (event,) = published.observed_events()
    assert event["detail"]["update"] is False  # notify dedups on (key, sequencer); update stays false


def test_a_slug_owned_by_another_file_is_rejected_and_the_owner_stays_live(published: Any):
    intruder = validated_event(
        published,
        "posts/copycat.md",
        post_body("Copycat", slug="uk-ai-opportunities-action-plan"),
        "00AA",
        slug="uk-ai-opportunities-action-plan",
    )
    published.observed_events()

    published.invoke("RenderFunction", intruder)

    assert "<h1>Copycat</h1>" not in page(published, PAGE)
    (event,) = published.observed_events()
    assert event["detail-type"] == "Post Rejected"
    (reason,) = event["detail"]["reasons"]
    assert reason["field"] == "slug"
    assert SHARED_KEY in reason["message"]


def test_a_changed_slug_moves_the_page(published: Any):
    moved = validated_event(
        published, SHARED_KEY, post_body("Moved", slug="a-new-home"), "0067867A0F5C8E3A23", slug="a-new-home"
    )

    published.invoke("RenderFunction", moved)
    rebuild_aggregates(published)

    objects = published.site_objects()
    assert "posts/a-new-home/index.html" in objects
    assert PAGE not in objects
    assert "/posts/uk-ai-opportunities-action-plan/" not in objects["index.html"]["body"].decode()


def test_a_withdrawn_post_leaves_the_site_and_the_index(published: Any):
    withdrawn = bus_event_for(
        load_event("render-withdrawn.json"), bucket=published.output("UploadsBucketName")
    )
    published.observed_events()

    invocation = published.invoke("RenderFunction", withdrawn)
    rebuild_aggregates(published)

    assert invocation.succeeded, invocation.error
    objects = published.site_objects()
    assert PAGE not in objects
    assert "uk-ai-opportunities-action-plan" not in objects["index.html"]["body"].decode()
    (event,) = published.observed_events()
    assert event["detail-type"] == "Post Unpublished"
    assert event["detail"]["path"] == "/posts/uk-ai-opportunities-action-plan/"


def test_a_late_put_after_a_delete_does_not_resurrect_the_post(published: Any):
    withdrawn = bus_event_for(
        load_event("render-withdrawn.json"), bucket=published.output("UploadsBucketName")
    )
    published.invoke("RenderFunction", withdrawn)
    late = validated_event(published, SHARED_KEY, SHARED_POST.read_bytes(), "0067867A0F5C8E3A22")
    published.observed_events()

    published.invoke("RenderFunction", late)

    assert PAGE not in published.site_objects()
    assert published.observed_events() == []


def test_a_draft_is_not_published(stack: LocalStack):
    event = validated_event(
        stack, "posts/draft.md", post_body("Draft", extra="draft: true\n"), "01", status="draft"
    )

    stack.invoke("RenderFunction", event)

    assert "posts/draft/index.html" not in stack.site_objects()
    assert stack.observed_events() == []


def test_the_status_is_judged_from_the_file_not_taken_from_the_event(stack: LocalStack):
    # GIVEN an event that still says "scheduled" for a post whose date has come (a late delivery)
    event = validated_event(stack, "posts/due.md", post_body("Due now"), "01", status="scheduled")

    stack.invoke("RenderFunction", event)

    assert "posts/due/index.html" in stack.site_objects()


def test_an_event_of_an_unknown_kind_fails_and_lands_in_the_failure_queue(stack: LocalStack):
    event = load_event("render.json")
    event["detail-type"] = "Something Else"

    invocation = stack.invoke("RenderFunction", event)

    # THEN Lambda's retries (MaximumRetryAttempts: 2 in template.yaml) end in the on-failure queue
    assert not invocation.succeeded
    assert invocation.attempts == 3
    (failure,) = stack.failed_events()["RenderFunction"]
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestPayload"]["detail-type"] == "Something Else"
    assert "Something Else" in failure["responsePayload"]["errorMessage"]
