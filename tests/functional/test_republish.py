"""Republishing: every published post rendered again through the SQS fan-out, aggregates once."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import EXAMPLES

from pressroom.adapters.republish import RepublishLedger
from pressroom.pipeline import republish
from pressroom_tools.local.stack import LocalStack


def ledger(stack: LocalStack) -> RepublishLedger:
    return RepublishLedger(stack.session.client("dynamodb"), stack.output("PostsTableName"), stack.clock)


def posts(stack: LocalStack, count: int) -> None:
    for number in range(count):
        front = f"title: Post {number}\ndate: 2024-01-{number % 28 + 1:02d}\ntags: [t{number % 3}]"
        body = f"---\n{front}\n---\n\nText {number}.\n"
        stack.upload(f"posts/post-{number:03d}.md", body.encode())
    assert stack.run_until_quiet().failures == []


def test_a_republish_renders_every_post_once_and_the_aggregates_once(
    stack: LocalStack, hosting_writes: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(republish, "LISTING_PAGE", 7)  # several "list the next page" items
    posts(stack, 23)
    hosting_writes.clear()

    request = stack.request_republish("theme tweak")
    stats = stack.run_until_quiet()

    assert stats.failures == []
    progress = ledger(stack).progress(request)
    assert progress is not None
    assert (progress.total, progress.done, progress.failed, progress.pending) == (23, 23, 0, 0)
    assert progress.finished
    pages = [key for key in hosting_writes if key.startswith("posts/")]
    assert sorted(pages) == sorted(f"posts/post-{n:03d}/index.html" for n in range(23))
    assert hosting_writes.count("index.html") == 1  # every aggregate page rebuilt, once
    assert {"page/1/index.html", "page/3/index.html", "tags/t0/index.html", "atom.xml", "sitemap.xml"} <= set(
        hosting_writes
    )
    workers = [i for i in stats.invocations if i.function == "RepublishFunction"]
    assert len(workers) >= 2  # the work was fanned out, not done in one invocation


def test_a_post_that_cannot_be_rendered_is_reported_and_the_rest_carry_on(
    stack: LocalStack, hosting_writes: list[str]
):
    posts(stack, 5)
    bucket = stack.output("UploadsBucketName")
    for version in stack.s3.list_object_versions(Bucket=bucket, Prefix="posts/post-002.md")["Versions"]:
        stack.s3.delete_object(Bucket=bucket, Key="posts/post-002.md", VersionId=version["VersionId"])
    stack.pending_events("ValidateFunction")  # the deletion's own event is not the point here
    hosting_writes.clear()

    request = stack.request_republish()
    stack.run_until_quiet(functions={"RenderFunction", "RepublishFunction", "AggregateFunction"})

    progress = ledger(stack).progress(request)
    assert progress is not None
    assert (progress.done, progress.failed, progress.finished) == (4, 1, True)
    assert "posts/post-002/index.html" not in hosting_writes
    assert len([key for key in hosting_writes if key.startswith("posts/")]) == 4
    assert "index.html" in hosting_writes
    failures = stack.sqs.receive_message(QueueUrl=stack.output("RepublishFailuresQueueUrl"))["Messages"]
    assert [__import__("json").loads(m["Body"])["slugs"] for m in failures] == [["post-002"]]


def test_the_examples_republish_through_the_cli(tmp_path: Any, capsys: pytest.CaptureFixture[str]):
    from helpers import TEMPLATE

    from pressroom_tools.cli import main

    status = main(
        [
            "local",
            "--posts",
            str(EXAMPLES),
            "--out",
            str(tmp_path / "site"),
            "--template",
            str(TEMPLATE),
            "--republish",
        ]
    )

    assert status == 0
    err = capsys.readouterr().err
    assert "Republished 3 posts (0 failed)" in err


def test_watching_a_republish_reports_its_end(stack: LocalStack, capsys: pytest.CaptureFixture[str]):
    from pressroom_tools.cli.progress import Progress
    from pressroom_tools.cli.republish import watch

    posts(stack, 3)
    request = stack.request_republish()
    stack.run_until_quiet()

    assert watch(ledger(stack), request, Progress(), timeout=5, poll=0.01) == 0
    assert "Republished 3 posts (0 failed)" in capsys.readouterr().err


def test_watching_a_republish_that_does_not_end_gives_up_at_the_timeout(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
):
    from pressroom_tools.cli.progress import Progress
    from pressroom_tools.cli.republish import watch

    stuck = ledger(stack)
    request = stuck.start("stuck")
    stuck.queued(request, 2)

    assert watch(stuck, request, Progress(), timeout=0.05, poll=0.01) == 1
    err = capsys.readouterr().err
    assert "[" in err
    assert "0/2 done" in err
    assert "Still running" in err
