"""ValidateFunction under moto, fed events/validate*.json: each upload ends as one bus event."""

from __future__ import annotations

from typing import Any

from helpers import SHARED_POST, load_event, s3_event_for

from pressroom_tools.local.stack import LocalStack


def put(stack: LocalStack, key: str, body: bytes) -> dict[str, Any]:
    response = stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=body)
    return dict(response)


def validate_event(stack: LocalStack, key: str, body: bytes) -> dict[str, Any]:
    response = put(stack, key, body)
    return s3_event_for(
        load_event("validate.json"),
        bucket=stack.output("UploadsBucketName"),
        key=key,
        **{"version-id": response["VersionId"], "etag": response["ETag"].strip('"'), "size": len(body)},
    )


def test_the_shared_post_is_validated_with_its_normalised_metadata(stack: LocalStack):
    # GIVEN the CMS export uploaded where events/validate.json says
    event = validate_event(stack, "posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())

    # WHEN ValidateFunction handles the notification
    invocation = stack.invoke("ValidateFunction", event)

    # THEN exactly one "Post Validated" event carries the post's metadata and its S3 version
    assert invocation.succeeded, invocation.error
    (validated,) = stack.observed_events()
    assert validated["detail-type"] == "Post Validated"
    assert validated["source"] == "pressroom.validate"
    detail = validated["detail"]
    assert detail["post"]["slug"] == "uk-ai-opportunities-action-plan"
    assert detail["post"]["title"] == "Our Response to the UK Government's AI Opportunities Action Plan"
    assert detail["post"]["date"].startswith("2025-01-14T00:00:00")
    assert detail["post"]["status"] == "published"
    record = event["detail"]["object"]
    assert detail["source"]["versionId"] == record["version-id"]
    assert detail["source"]["sequencer"] == record["sequencer"]


def test_an_invalid_post_is_rejected_with_reasons_and_does_not_fail_the_invocation(stack: LocalStack):
    body = b"---\ntitle: no\ndate: 2024-13-45\n---\n\nBody.\n"
    event = validate_event(stack, "posts/bad.md", body)

    invocation = stack.invoke("ValidateFunction", event)

    assert invocation.succeeded
    assert invocation.attempts == 1
    (rejected,) = stack.observed_events()
    assert rejected["detail-type"] == "Post Rejected"
    reasons = {reason["field"]: reason["message"] for reason in rejected["detail"]["reasons"]}
    assert set(reasons) == {"title", "date"}
    assert 'title: "no"' in reasons["title"]
    assert "2024-13-45" in reasons["date"]


def test_a_url_encoded_key_is_decoded_before_use(stack: LocalStack):
    # GIVEN a key with spaces and a plus sign, which S3's events URL-encode
    key = "posts/my first post+notes.md"
    event = validate_event(stack, key, b"---\ntitle: Spaces\ndate: 2024-05-01\n---\n\nBody.\n")
    assert event["detail"]["object"]["key"] == "posts/my+first+post%2Bnotes.md"

    stack.invoke("ValidateFunction", event)

    (validated,) = stack.observed_events()
    assert validated["detail"]["source"]["key"] == key
    assert validated["detail"]["post"]["slug"] == "my-first-post-notes"


def test_an_oversize_upload_is_refused_from_the_event_without_reading_it(stack: LocalStack):
    # GIVEN an event announcing an object bigger than MAX_POST_BYTES, which does not even exist
    event = s3_event_for(
        load_event("validate.json"),
        bucket=stack.output("UploadsBucketName"),
        key="posts/huge.md",
        **{"size": 50_000_000, "version-id": "does-not-exist"},
    )

    invocation = stack.invoke("ValidateFunction", event)

    assert invocation.succeeded
    (rejected,) = stack.observed_events()
    assert rejected["detail-type"] == "Post Rejected"
    assert "50,000,000 bytes" in rejected["detail"]["reasons"][0]["message"]


def test_a_deleted_post_is_withdrawn(stack: LocalStack):
    event = s3_event_for(
        load_event("validate-delete.json"),
        bucket=stack.output("UploadsBucketName"),
        key="posts/uk-ai-opportunities-action-plan.md",
    )

    stack.invoke("ValidateFunction", event)

    (withdrawn,) = stack.observed_events()
    assert withdrawn["detail-type"] == "Post Withdrawn"
    assert withdrawn["detail"]["source"]["key"] == "posts/uk-ai-opportunities-action-plan.md"
    assert withdrawn["detail"]["source"]["sequencer"] == "0067867B2A11D0C4F2"


def test_a_version_gone_before_validation_emits_nothing(stack: LocalStack):
    # GIVEN an event for a version that was deleted before the function read it
    event = s3_event_for(
        load_event("validate.json"),
        bucket=stack.output("UploadsBucketName"),
        key="posts/vanished.md",
        **{"version-id": "no-such-version", "size": 10},
    )

    invocation = stack.invoke("ValidateFunction", event)

    # THEN nothing is said (its own removal event will follow) and nothing fails
    assert invocation.succeeded
    assert stack.observed_events() == []


def test_an_upper_case_extension_is_a_post_like_any_other(stack: LocalStack):
    event = validate_event(stack, "posts/Shouting.MD", b"---\ntitle: Loud\ndate: 2024-05-01\n---\n\nBody.\n")

    stack.invoke("ValidateFunction", event)

    (validated,) = stack.observed_events()
    assert validated["detail-type"] == "Post Validated"
    assert validated["detail"]["post"]["slug"] == "shouting"


def test_what_the_rule_lets_through_but_is_no_post_page_profile_or_theme_file_is_ignored(stack: LocalStack):
    for key in ("assets/notes.md", "theme/fonts/serif.woff2", "theme/partials/x.html"):
        event = s3_event_for(
            load_event("validate.json"), bucket=stack.output("UploadsBucketName"), key=key, size=10
        )
        invocation = stack.invoke("ValidateFunction", event)
        assert invocation.succeeded, key
    assert stack.observed_events() == []
