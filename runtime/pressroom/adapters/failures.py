"""Failed work parked for an operator, in the same shape as Lambda's on-failure records.

Lambda writes such a record to a function's on-failure destination when its retries run
out; a function parks one itself when retrying cannot help (a webhook answering 4xx). Either
way `pressroom dlq redrive` invokes the function again with `requestPayload`.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from pressroom.clock import Clock


def failure_record(
    function_arn: str,
    event: dict[str, Any],
    reason: str,
    *,
    at: datetime,
    condition: str = "Parked",
    attempts: int = 1,
) -> dict[str, Any]:
    """A Lambda on-failure destination record: `condition` RetriesExhausted is Lambda's own (the
    local stack writes those too); Parked is a function's, for work retrying cannot help."""
    response: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if condition == "RetriesExhausted":
        response["functionError"] = "Unhandled"
    return {
        "version": "1.0",
        "timestamp": at.isoformat(),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": response,
        "responsePayload": {"errorMessage": reason},
    }


class FailureParking:
    def __init__(self, client: SQSClient, queue_url: str, clock: Clock) -> None:
        self.client = client
        self.queue_url = queue_url
        self.clock = clock

    def park(self, function_arn: str, event: dict[str, Any], reason: str) -> None:
        record = failure_record(function_arn, event, reason, at=self.clock.now())
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(record))
