"""The local stack itself: resources and wiring read from template.yaml, S3 events as S3 sends them
to EventBridge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import TEMPLATE, load_event

from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.template import TemplateError, load_template


def test_s3_events_carry_version_and_an_increasing_sequencer(stack: LocalStack):
    bucket = stack.output("UploadsBucketName")
    first = stack.s3.put_object(Bucket=bucket, Key="posts/a post.md", Body=b"one")
    second = stack.s3.put_object(Bucket=bucket, Key="posts/a post.md", Body=b"two")

    events = stack.pending_events("ValidateFunction")

    assert [(event["source"], event["detail-type"]) for event in events] == [("aws.s3", "Object Created")] * 2
    assert all(event["detail"]["bucket"]["name"] == bucket for event in events)
    objects = [event["detail"]["object"] for event in events]
    assert [o["version-id"] for o in objects] == [first["VersionId"], second["VersionId"]]
    assert objects[0]["key"] == "posts/a+post.md"  # URL-encoded, with / left as S3 leaves it
    assert objects[0]["sequencer"] < objects[1]["sequencer"]
    assert objects[1]["size"] == 3
    assert objects[1]["etag"] == second["ETag"].strip('"')


def test_a_delete_in_the_versioned_uploads_bucket_notifies_a_delete_marker(stack: LocalStack):
    bucket = stack.output("UploadsBucketName")
    stack.s3.put_object(Bucket=bucket, Key="posts/gone.md", Body=b"x")
    stack.pending_events("ValidateFunction")

    response = stack.s3.delete_object(Bucket=bucket, Key="posts/gone.md")

    (event,) = stack.pending_events("ValidateFunction")
    assert event["detail-type"] == "Object Deleted"
    assert event["detail"]["deletion-type"] == "Delete Marker Created"
    assert event["detail"]["object"]["version-id"] == response["VersionId"]
    assert "sequencer" in event["detail"]["object"]


@pytest.mark.parametrize(
    ("key", "to_validate", "to_assets"),
    [
        ("posts/a.md", True, False),
        ("posts/2024-05-01-a.markdown", True, False),
        ("posts/A.MD", True, False),  # EventBridge matches the extension in any case
        ("pages/About.Markdown", True, False),
        ("authors/Ada.mD", True, False),
        ("authors/grace.markdown", True, False),  # a profile in either extension
        ("theme/post.html.j2", True, False),
        ("posts/notes.rtf", False, False),
        ("posts/a/notes.txt", False, True),  # a text file beside a post
        ("posts/a/IMG_0001.JPG", False, True),
        ("posts/a/chart.Png", False, True),
        ("assets/logo.svg", False, True),  # assets/ in full: the stage refuses what it will not copy
    ],
)
def test_each_upload_reaches_the_functions_whose_rules_match_it(
    stack: LocalStack, key: str, to_validate: bool, to_assets: bool
):
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=b"x")

    assert bool(stack.pending_events("ValidateFunction")) is to_validate
    assert bool(stack.pending_events("AssetsFunction")) is to_assets


def test_bus_rules_are_the_templates_own(stack: LocalStack):
    template = load_template(TEMPLATE)
    events = stack.session.client("events")
    bus = stack.output("PublishingBusName")
    for function in ("RenderFunction", "NotifyFunction"):
        for name, event in template["Resources"][function]["Properties"]["Events"].items():
            rule = events.describe_rule(Name=f"pressroom-local-{function}-{name}", EventBusName=bus)
            assert json.loads(rule["EventPattern"]) == event["Properties"]["Pattern"]


def test_functions_get_the_templates_environment_resolved(stack: LocalStack):
    validate = next(f for f in stack.functions if f.logical_id == "ValidateFunction")
    render = next(f for f in stack.functions if f.logical_id == "RenderFunction")

    assert render.environment["HOSTING_BUCKET"] == stack.output("HostingBucketName")
    assert render.environment["POSTS_TABLE"] == stack.output("PostsTableName")
    assert render.environment["EVENT_BUS_NAME"] == "pressroom-local-publishing"
    assert render.environment["SITE_URL"] == "https://blog.example.com"
    assert render.environment["POWERTOOLS_SERVICE_NAME"] == "pressroom"  # from the Globals
    assert validate.environment["EVENT_BUS_NAME"] == "pressroom-local-publishing"
    assert "HOSTING_BUCKET" not in validate.environment  # only what ValidateFunction reads
    assert validate.max_retries == 2
    assert validate.timeout_seconds == 30


def test_a_missing_setting_fails_the_invocation_naming_it(stack: LocalStack):
    render = next(f for f in stack.functions if f.logical_id == "RenderFunction")
    del render.environment["POSTS_TABLE"]
    render.environment["HOSTING_BUCKET"] = ""

    invocation = stack.invoke("RenderFunction", load_event("render.json"))

    assert not invocation.succeeded
    assert "POSTS_TABLE" in (invocation.error or "")
    assert "HOSTING_BUCKET" in (invocation.error or "")


def test_a_resource_the_local_stack_cannot_emulate_is_refused_by_name(tmp_path: Path):
    template = TEMPLATE.read_text(encoding="utf-8").replace(
        "Resources:\n", "Resources:\n  Queue2:\n    Type: AWS::Kinesis::Stream\n", 1
    )
    copy = tmp_path / "template.yaml"
    copy.write_text(template, encoding="utf-8")

    with pytest.raises(TemplateError, match=r"Queue2 is a AWS::Kinesis::Stream"), LocalStack(copy):
        pass


def test_every_function_has_a_sample_event_that_it_handles(stack: LocalStack):
    from helpers import EXAMPLES, SHARED_POST

    bucket = stack.output("UploadsBucketName")
    stack.upload("posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())
    stack.run_until_quiet()
    stack.s3.put_object(Bucket=bucket, Key="assets/logo.png", Body=b"\x89PNG\r\n\x1a\n")
    image = "posts/pressroom-0-1-release-notes/pipeline.png"
    stack.s3.put_object(
        Bucket=bucket, Key=image, Body=(EXAMPLES / "pressroom-0-1-release-notes/pipeline.png").read_bytes()
    )
    stack.pending_events("AssetsFunction")
    stack.pending_events("ImagesFunction")
    samples = {
        "AggregateFunction": load_event("aggregate.json"),
        "RepublishFunction": load_event("republish.json"),
        **{
            function: json.loads(
                json.dumps(load_event(sample)).replace("pressroom-uploadsbucket-example", bucket)
            )
            for function, sample in (("AssetsFunction", "assets.json"), ("ImagesFunction", "images.json"))
        },
    }
    for function in ("AssetsFunction", "ImagesFunction"):
        samples[function]["detail"]["object"].pop("version-id")  # the emulated bucket's ids differ

    results = {name: stack.invoke(name, event) for name, event in samples.items()}

    assert {name: result.succeeded for name, result in results.items()} == dict.fromkeys(samples, True)
    site = stack.site_objects()
    assert site["assets/logo.png"]["content_type"] == "image/png"
    assert any(key.startswith("_images/") and key.endswith("/pipeline-480w.webp") for key in site)
    assert "atom.xml" in site
    template_functions = {
        name
        for name, resource in load_template(TEMPLATE)["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    sample_files = {path.stem for path in (TEMPLATE.parent / "events").glob("*.json")}
    for function in template_functions:
        assert function.removesuffix("Function").lower() in sample_files, f"no events/*.json for {function}"


def test_upper_case_extensions_publish_like_any_other(stack: LocalStack):
    """Cameras write IMG_0001.JPG and some editors POST.MD: S3's notification filters never saw
    them; EventBridge's rules match the extension in any case."""
    stack.upload(
        "posts/Holiday.MD", b"---\ntitle: Holiday\ndate: 2024-05-01\n---\n\n![Beach](IMG_0001.JPG)\n"
    )
    stack.upload("pages/About.Markdown", b"---\ntitle: About\n---\n\nWho we are.\n")
    stack.s3.put_object(
        Bucket=stack.output("UploadsBucketName"), Key="posts/holiday/IMG_0001.JPG", Body=b"\xff\xd8\xff\xe0"
    )

    assert stack.run_until_quiet().failures == []

    site = stack.site_objects()
    assert 'src="IMG_0001.JPG"' in site["posts/holiday/index.html"]["body"].decode()
    assert "Who we are." in site["about/index.html"]["body"].decode()
    assert site["posts/holiday/IMG_0001.JPG"]["content_type"] == "image/jpeg"
    outcomes = {outcome.source: outcome.status.value for outcome in stack.outcomes()}
    assert outcomes["posts/Holiday.MD"] == outcomes["pages/About.Markdown"] == "published"


@pytest.mark.parametrize(("reason", "delivered"), [("Lifecycle Expiration", False), ("DeleteObject", True)])
def test_an_old_version_the_lifecycle_expires_reaches_no_function(
    stack: LocalStack, reason: str, delivered: bool
):
    """The bucket's lifecycle expires old versions (OldUploadVersionsDays): S3 says so as "Object
    Deleted", which would re-judge a post, republish the whole site for a theme file, or copy an
    image again, for a version that was not live."""
    event = load_event("validate-delete.json")
    event["detail"]["bucket"]["name"] = stack.output("UploadsBucketName")
    event["detail"]["reason"] = reason
    event["detail"]["deletion-type"] = "Permanently Deleted"
    for key in ("posts/old.md", "theme/post.html.j2", "assets/logo.png"):
        event["detail"]["object"]["key"] = key
        stack.session.client("events").put_events(
            Entries=[
                {"Source": "aws.s3", "DetailType": "Object Deleted", "Detail": json.dumps(event["detail"])}
            ]
        )

    reached = len(stack.pending_events("ValidateFunction")) + len(stack.pending_events("AssetsFunction"))
    assert reached == (3 if delivered else 0)
