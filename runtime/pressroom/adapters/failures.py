"""Failed work parked for an operator, in the same shape as Lambda's on-failure records.

Lambda writes such a record to a function's on-failure destination when its retries run
out; a function parks one itself when retrying cannot help (a webhook answering 4xx). Either
way `pressroom dlq redrive` invokes the function again with `requestPayload`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class FailureParking:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def park(self, function_arn: str, event: dict[str, Any], reason: str) -> None:
        record = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": function_arn,
                "condition": "Parked",
                "approximateInvokeCount": 1,
            },
            "requestPayload": event,
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
            "responsePayload": {"errorMessage": reason},
        }
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(record))
