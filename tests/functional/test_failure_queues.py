"""`pressroom dlq`: what waits in the failure queues, and sending it back where it came from."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
from helpers import SHARED_POST, TEMPLATE, WebhookReceiver

from pressroom_tools.cli import dlq
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.template import load_template
from pressroom_tools.operations import FailureQueues


class RecordingLambda:
    """Stands in for the Lambda client: moto cannot run functions, so invokes are recorded."""

    def __init__(self) -> None:
        self.invocations: list[dict[str, Any]] = []

    def invoke(self, **arguments: Any) -> dict[str, Any]:
        self.invocations.append({**arguments, "Payload": json.loads(arguments["Payload"])})
        return {"StatusCode": 202}


@pytest.fixture
def stack(webhook_stack: LocalStack) -> LocalStack:
    """Here, every stack announces to the test's webhook receiver too."""
    return webhook_stack


def outputs_of(stack: LocalStack) -> dict[str, str]:
    return {name: stack.output(name) for name in load_template(TEMPLATE)["Outputs"]}


def test_failed_work_is_listed_and_redriven_where_it_came_from(stack: LocalStack, receiver: WebhookReceiver):
    receiver.replies = [410]  # NotifyFunction parks the announcement
    stack.upload("posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())
    stack.run_until_quiet()
    outputs = outputs_of(stack)
    sqs = stack.sqs
    sqs.send_message(
        QueueUrl=outputs["StalePagesFailuresQueueUrl"],
        MessageBody=json.dumps({"stale": ["feeds"], "cause": "posts/x.md@01"}),
        MessageGroupId="site",
        MessageDeduplicationId="one",
    )
    sqs.send_message(
        QueueUrl=outputs["EventDeliveryFailuresQueueUrl"],
        MessageBody=json.dumps(
            {"detail-type": "Post Validated", "detail": {"source": {"key": "posts/y.md"}}}
        ),
        MessageAttributes={
            "TARGET_ARN": {
                "DataType": "String",
                "StringValue": "arn:aws:lambda:us-east-1:123456789012:function:render",
            },
            "ERROR_MESSAGE": {"DataType": "String", "StringValue": "Lambda was throttled"},
        },
    )
    recorder = RecordingLambda()
    queues = FailureQueues(outputs, sqs, recorder, stack.session.client("events"))  # type: ignore[arg-type]

    assert {name: queues.depth(name) for name in queues.names() if queues.depth(name)} == {
        "EventDeliveryFailures": 1,
        "NotifyFailures": 1,
        "StalePagesFailures": 1,
    }
    (parked,) = queues.peek("NotifyFailures")
    assert parked.kind == "invocation"
    assert parked.subject == "posts/uk-ai-opportunities-action-plan.md"
    assert "410" in parked.reason
    assert queues.depth("NotifyFailures") == 1  # peeking leaves it there

    reports = {name: queues.redrive(name) for name in queues.names()}

    assert {name: (r.redriven, r.failed) for name, r in reports.items() if r.redriven or r.failed} == {
        "EventDeliveryFailures": (1, 0),
        "NotifyFailures": (1, 0),
        "StalePagesFailures": (1, 0),
    }
    notify_arn = next(f.arn for f in stack.functions if f.logical_id == "NotifyFunction")
    invoked = {(call["FunctionName"], call["InvocationType"]) for call in recorder.invocations}
    assert invoked == {
        (notify_arn, "Event"),
        ("arn:aws:lambda:us-east-1:123456789012:function:render", "Event"),
    }
    notify_call = next(call for call in recorder.invocations if call["FunctionName"] == notify_arn)
    assert notify_call["Payload"]["detail-type"] == "Post Published"
    note = sqs.receive_message(QueueUrl=outputs["StalePagesQueueUrl"])["Messages"][0]
    assert json.loads(note["Body"])["stale"] == ["feeds"]
    assert all(queues.depth(name) == 0 for name in queues.names())


def test_a_schedule_that_could_not_fire_is_put_on_the_bus_again(stack: LocalStack):
    outputs = outputs_of(stack)
    due = {
        "source": {"bucket": "b", "key": "posts/later.md", "sequencer": "01"},
        "dueAt": "2030-01-01T00:00:00Z",
    }
    stack.sqs.send_message(QueueUrl=outputs["ScheduleFailuresQueueUrl"], MessageBody=json.dumps(due))
    queues = FailureQueues(outputs, stack.sqs, RecordingLambda(), stack.session.client("events"))  # type: ignore[arg-type]

    assert queues.redrive("ScheduleFailures").redriven == 1

    (event,) = stack.observed_events()
    assert (event["source"], event["detail-type"]) == ("pressroom.schedule", "Post Due")
    assert event["detail"]["source"]["key"] == "posts/later.md"


def test_the_list_command_names_each_queue_and_what_waits(
    stack: LocalStack,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    receiver.replies = [410]
    stack.upload("posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())
    stack.run_until_quiet()
    queues = FailureQueues(outputs_of(stack), stack.sqs, RecordingLambda(), stack.session.client("events"))  # type: ignore[arg-type]
    monkeypatch.setattr(dlq, "failure_queues", lambda args: queues)

    status = dlq.run_list(argparse.Namespace(stack="pressroom", region=None))

    out = capsys.readouterr().out
    assert status == 0
    assert "NotifyFailures: 1 waiting" in out
    assert "invocation for posts/uk-ai-opportunities-action-plan.md" in out
    assert "RenderFailures: 0 waiting" in out
    assert "pressroom dlq redrive --stack pressroom" in out
