"""docs/RUNBOOK.md's commands: each block is marked, and every block marked "tested locally" is run
here, as written, against a local stack named like the runbook's (pressroom-prod).

`pressroom …` lines run in this process, where the local stack's moto answers their AWS calls
(a CloudFormation stack of that name included); the pipeline is run until quiet after each.
Lambda's Invoke, which `dlq redrive` calls and moto cannot run, is answered by the local stack.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, REPO, SHARED_POST, SITE_URL, TEMPLATE, WebhookReceiver

from pressroom_tools.cli import dlq, main
from pressroom_tools.cli.exits import EXIT_OK
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.operations import FailureQueues

RUNBOOK = REPO / "docs" / "RUNBOOK.md"
STACK = "pressroom-prod"
MARK = re.compile(r"<!-- runbook: (needs AWS|tested locally \((?P<scenario>[a-z-]+)\)) -->")
SCENARIOS = {"first-post", "redrive", "republish", "follow"}


@dataclass(frozen=True)
class Block:
    line: int
    mark: str | None
    scenario: str | None
    commands: list[str]


def runbook_blocks() -> list[Block]:
    lines = RUNBOOK.read_text(encoding="utf-8").splitlines()
    blocks = []
    number = 0
    while number < len(lines):
        if lines[number].strip() == "```sh":
            start = number
            body = []
            number += 1
            while lines[number].strip() != "```":
                body.append(lines[number].strip())
                number += 1
            before = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
            mark = MARK.fullmatch(before)
            blocks.append(
                Block(
                    line=start + 1,
                    mark=mark[1] if mark else None,
                    scenario=mark["scenario"] if mark else None,
                    commands=commands_of(body),
                )
            )
        number += 1
    return blocks


def commands_of(body: list[str]) -> list[str]:
    """Whole commands: continuation lines joined, comments dropped."""
    commands: list[str] = []
    pending = ""
    for line in body:
        if not pending and (not line or line.startswith("#")):
            continue
        pending += line.removesuffix("\\").rstrip() + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            commands.append(pending.split("   #")[0].strip())
            pending = ""
    return commands


def scenario_commands(scenario: str) -> list[str]:
    commands = [c for block in runbook_blocks() if block.scenario == scenario for c in block.commands]
    assert commands, f"docs/RUNBOOK.md has no block marked 'tested locally ({scenario})'"
    return commands


def run_pressroom(stack: LocalStack, command: str, capsys: pytest.CaptureFixture[str]) -> str:
    """One `.venv/bin/pressroom …` line, in this process; then the pipeline runs until quiet."""
    program, *arguments = shlex.split(command)
    assert program == ".venv/bin/pressroom", command
    status = main(arguments)
    printed = capsys.readouterr().out
    assert status == EXIT_OK, f"{command}\n{printed}"
    stack.run_until_quiet()
    return printed


class LocalLambda:
    """Lambda's Invoke for the stack's own functions, run by the local stack (moto cannot)."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.invoked: list[str] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:  # noqa: N803
        function = next(f for f in self.stack.functions if f.arn == FunctionName)
        self.invoked.append(function.logical_id)
        assert self.stack.invoke(function.logical_id, json.loads(Payload)).succeeded
        return {"StatusCode": 202}


@pytest.fixture
def stack(receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    monkeypatch.chdir(REPO)  # the runbook's paths are the repository's
    with LocalStack(
        TEMPLATE, site_url=SITE_URL, stack_name=STACK, webhooks=[receiver.url], stack_commands=True
    ) as local_stack:
        yield local_stack


def test_every_command_block_is_marked_as_tested_locally_or_needing_aws():
    blocks = runbook_blocks()
    assert len(blocks) >= 10
    unmarked = [block.line for block in blocks if block.mark is None]
    assert unmarked == [], (
        f"docs/RUNBOOK.md blocks at lines {unmarked} say neither 'needs AWS' nor 'tested locally'"
    )
    assert {block.scenario for block in blocks if block.scenario} == SCENARIOS
    assert all(block.commands for block in blocks)


def test_first_post_is_uploaded_and_listed_by_status(stack: LocalStack, capsys: pytest.CaptureFixture[str]):
    upload, status = scenario_commands("first-post")

    run_pressroom(stack, upload, capsys)
    printed = run_pressroom(stack, status, capsys)

    assert "Published: 1 post(s)" in printed
    assert "uk-ai-opportunities-action-plan" in printed
    assert stack.site_objects()["posts/uk-ai-opportunities-action-plan/index.html"]


def test_failed_work_is_listed_then_redriven(
    stack: LocalStack,
    receiver: WebhookReceiver,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    receiver.replies = [410]  # the webhook refuses: NotifyFunction parks the announcement
    stack.upload("posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())
    stack.run_until_quiet()
    local_lambda = LocalLambda(stack)
    deployed_queues = dlq.failure_queues

    def queues_answered_locally(args: Any) -> FailureQueues:
        queues = deployed_queues(args)
        return FailureQueues(queues.outputs, queues.sqs, local_lambda, queues.events)  # type: ignore[arg-type]

    monkeypatch.setattr(dlq, "failure_queues", queues_answered_locally)
    first_list, redrive, second_list = scenario_commands("redrive")

    before = run_pressroom(stack, first_list, capsys)
    receiver.replies = []  # the receiver is fixed
    run_pressroom(stack, redrive, capsys)
    after = run_pressroom(stack, second_list, capsys)

    assert "NotifyFailures: 1 waiting" in before
    assert "posts/uk-ai-opportunities-action-plan.md" in before
    assert local_lambda.invoked == ["NotifyFunction"]
    assert "NotifyFailures: 0 waiting" in after
    assert [request["status"] for request in receiver.requests] == [410, 200]  # refused, then redriven
    assert receiver.delivered[0]["json"]["source"] == "posts/uk-ai-opportunities-action-plan.md"


def test_a_republish_is_requested_and_watched_to_the_end(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
):
    stack.upload_posts(EXAMPLES)
    stack.run_until_quiet()
    (command,) = scenario_commands("republish")
    program, *arguments = shlex.split(command)
    assert program == ".venv/bin/pressroom"
    statuses: list[int] = []
    watcher = threading.Thread(target=lambda: statuses.append(main(arguments)))

    watcher.start()
    while watcher.is_alive():  # the command watches while the functions do the work
        stack.run_until_quiet()
        watcher.join(timeout=0.2)

    captured = capsys.readouterr()
    printed = captured.out + captured.err  # the progress line is on stderr
    assert statuses == [EXIT_OK], printed
    assert re.search(r"Republished 3 posts \(0 failed\)", printed), printed


def test_one_post_is_followed_through_the_logs_of_every_function(tmp_path: Path):
    for name in ("examples", ".venv", "template.yaml"):
        (tmp_path / name).symlink_to(REPO / name)
    script = "\n".join(["set -euo pipefail", *scenario_commands("follow")])

    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    functions = {line["function_name"].removeprefix("pressroom-local-") for line in lines}
    assert functions == {"ValidateFunction", "RenderFunction", "NotifyFunction", "AggregateFunction"}
    (upload,) = {line["correlation_id"] for line in lines if "key" in line}
    assert upload.startswith("posts/uk-ai-opportunities-action-plan.md@")
    assert all(line.get("correlation_id") == upload or upload in line["correlation_ids"] for line in lines)
