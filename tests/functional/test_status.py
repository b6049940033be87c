"""`pressroom status`: what the stack holds, read from the catalogue and the failure queues."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
from helpers import EXAMPLES, SITE_URL, TEMPLATE

from pressroom_tools.cli import main
from pressroom_tools.cli import status as status_command
from pressroom_tools.cli.upload import TargetError
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.template import load_template
from pressroom_tools.operations import FailureQueues
from pressroom_tools.status import format_status, site_status


def test_status_lists_published_scheduled_draft_and_rejected_posts_and_the_queues(stack: LocalStack):
    stack.upload_posts(EXAMPLES)
    stack.upload("posts/uk-ai-opportunities-action-plan.md", b"---\ntitle: [broken\n---\n\nx\n")
    stack.run_until_quiet()
    outputs = {name: stack.output(name) for name in load_template(TEMPLATE)["Outputs"]}
    queues = FailureQueues(outputs, stack.sqs, None, None)  # type: ignore[arg-type]

    status = site_status(
        stack.session.client("dynamodb"),
        outputs["PostsTableName"],
        outputs["SiteUrl"],
        newest=2,
        failure_depths={name: queues.depth(name) for name in queues.names()},
    )

    assert status.published_count == 3
    assert [post.slug for post in status.newest] == [
        "uk-ai-opportunities-action-plan",
        "writing-in-jekyll-style",
    ]
    assert status.newest[0].url == "https://blog.example.com/posts/uk-ai-opportunities-action-plan/"
    assert status.newest[0].version  # the S3 version the live page reflects
    states = {row["key"]: row["state"] for row in status.not_live}
    assert states == {
        "posts/broken-post.md": "rejected",
        "posts/from-the-future.md": "scheduled",
        "posts/draft-ideas.md": "draft",
        # the broken update is refused, the version before it stays live and is listed as such
        "posts/uk-ai-opportunities-action-plan.md": "rejected",
    }
    assert all(depth == 0 for depth in status.failure_queues.values())
    text = format_status(status)
    assert "Published: 3 post(s)" in text
    assert "Scheduled: 1\n  posts/from-the-future.md" in text
    assert "    - title: the post has no title" in text
    assert "NotifyFailures" in text


def test_status_command_reports_a_missing_stack(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    def no_stack(*_: Any) -> dict[str, str]:
        raise TargetError("no stack named 'nope' in eu-west-2")

    monkeypatch.setattr(status_command, "stack_outputs", no_stack)

    assert status_command.run(argparse.Namespace(stack="nope", region="eu-west-2", newest=5)) == 2
    assert "no stack named 'nope'" in capsys.readouterr().err


def test_status_filters_by_state_and_tag_and_speaks_json(capsys: pytest.CaptureFixture[str]):
    with LocalStack(TEMPLATE, site_url=SITE_URL, stack_commands=True) as stack:
        filters_by_state_and_tag(stack, capsys)


def filters_by_state_and_tag(stack: LocalStack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.upload_posts(EXAMPLES)
    stack.run_until_quiet()
    capsys.readouterr()

    assert (
        main(
            [
                "status",
                "--stack",
                stack.stack_name,
                "--format",
                "json",
                "--state",
                "rejected",
                "--state",
                "draft",
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["states"] == ["rejected", "draft"]
    assert "published" not in document
    assert {(row["key"], row["state"]) for row in document["not_live"]} == {
        ("posts/broken-post.md", "rejected"),
        ("posts/draft-ideas.md", "draft"),
    }
    assert document["failure_queues"]["NotifyFailures"] == 0

    assert main(["status", "--stack", stack.stack_name, "--format", "json", "--tag", "release"]) == 0
    tagged = json.loads(capsys.readouterr().out)
    assert tagged["states"] == ["published"]  # tags are known for published posts only
    assert tagged["published"]["count"] == 1
    assert [post["slug"] for post in tagged["published"]["newest"]] == ["pressroom-0-1-release-notes"]
    assert tagged["not_live"] == []

    assert main(["status", "--stack", stack.stack_name, "--tag", "release"]) == 0
    text = capsys.readouterr().out
    assert "Published tagged 'release': 1 post(s)" in text
    assert "Scheduled" not in text


def test_an_unknown_state_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        main(["status", "--stack", "any", "--state", "lost"])

    assert exited.value.code == 2
    assert "invalid choice: 'lost'" in capsys.readouterr().err
