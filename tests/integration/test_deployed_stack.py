"""The pipeline on a deployed stack: upload a post, see it on the site, delete it, see it go.

Not part of `make test`: it needs AWS credentials and a stack deployed with `make deploy`.
Run it with `make integration STACK=<stack name>`; without both, every test here is skipped.
"""

from __future__ import annotations

import os
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.integration

STACK = os.environ.get("PRESSROOM_STACK", "")
TIMEOUT_SECONDS = 180


def _credentials_available() -> bool:
    try:
        import boto3

        return boto3.Session().get_credentials() is not None
    except Exception:
        return False


if not STACK or not _credentials_available():
    pytest.skip("needs AWS credentials and PRESSROOM_STACK=<deployed stack name>", allow_module_level=True)


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    import boto3

    stack = boto3.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(3)
    pytest.fail(f"gave up after {TIMEOUT_SECONDS}s waiting for {what}")


@pytest.fixture
def post(outputs: dict[str, str]) -> Iterator[dict[str, Any]]:
    import boto3

    s3 = boto3.client("s3")
    slug = f"integration-{uuid.uuid4().hex[:12]}"
    key = f"posts/{slug}.md"
    body = (
        f"---\ntitle: Integration test {slug}\ndate: 2024-05-01\n---\n\nWritten by the integration suite.\n"
    )
    s3.put_object(Bucket=outputs["UploadsBucketName"], Key=key, Body=body.encode())
    try:
        yield {"slug": slug, "key": key, "page": f"posts/{slug}/index.html"}
    finally:
        s3.delete_object(Bucket=outputs["UploadsBucketName"], Key=key)


def exists(bucket: str, key: str) -> bool:
    import boto3
    from botocore.exceptions import ClientError

    try:
        boto3.client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def test_an_uploaded_post_is_published_and_served(outputs: dict[str, str], post: dict[str, Any]):
    wait_for(lambda: exists(outputs["HostingBucketName"], post["page"]), "the post's page")

    with urllib.request.urlopen(f"{outputs['SiteUrl']}/posts/{post['slug']}/", timeout=30) as response:
        assert response.status == 200
        assert f"Integration test {post['slug']}" in response.read().decode()


def test_a_deleted_post_is_unpublished(outputs: dict[str, str], post: dict[str, Any]):
    import boto3

    wait_for(lambda: exists(outputs["HostingBucketName"], post["page"]), "the post's page")
    boto3.client("s3").delete_object(Bucket=outputs["UploadsBucketName"], Key=post["key"])

    wait_for(lambda: not exists(outputs["HostingBucketName"], post["page"]), "the page to be removed")


def test_a_key_with_a_space_and_an_upper_case_extension_is_published(outputs: dict[str, str]):
    """What only AWS can show: S3's events reach EventBridge with the key URL-encoded, as the
    local stack sends them, and the rules match `.MD` as they match `.md`."""
    import boto3

    s3 = boto3.client("s3")
    slug = f"integration-{uuid.uuid4().hex[:12]}"
    key = f"posts/{slug} Notes.MD"
    body = f"---\ntitle: Integration test {slug}\ndate: 2024-05-01\n---\n\nShouted.\n"
    s3.put_object(Bucket=outputs["UploadsBucketName"], Key=key, Body=body.encode())
    try:
        wait_for(lambda: exists(outputs["HostingBucketName"], f"posts/{slug}-notes/index.html"), "the page")
    finally:
        s3.delete_object(Bucket=outputs["UploadsBucketName"], Key=key)


@pytest.fixture
def subscribe() -> Iterator[Callable[[str], str]]:
    """Subscribes a new SQS queue to a topic (raw delivery) and returns the queue's URL."""
    import json

    import boto3

    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    made: list[tuple[str, str]] = []

    def to(topic_arn: str) -> str:
        queue = sqs.create_queue(QueueName=f"pressroom-integration-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps(policy)})
        subscription = sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"},
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        made.append((queue, subscription))
        return queue

    yield to
    for queue, subscription in made:
        sns.unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=queue)


def received(queue: str, what: str) -> list[dict[str, Any]]:
    import boto3

    messages: list[dict[str, Any]] = []

    def arrived() -> bool:
        response = boto3.client("sqs").receive_message(
            QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=5, MessageAttributeNames=["All"]
        )
        messages.extend(dict(message) for message in response.get("Messages", []))
        return bool(messages)

    wait_for(arrived, what)
    return messages


def test_the_announcement_is_delivered_from_the_encrypted_topic_with_its_correlation_id(
    outputs: dict[str, str], subscribe: Callable[[str], str]
):
    import json

    import boto3

    queue = subscribe(outputs["AnnouncementsTopicArn"])
    key = f"posts/integration-{uuid.uuid4().hex[:12]}.md"
    s3 = boto3.client("s3")
    upload = s3.put_object(
        Bucket=outputs["UploadsBucketName"],
        Key=key,
        Body=b"---\ntitle: Announced\ndate: 2024-05-01\n---\n\nAnnounced by the integration suite.\n",
    )
    try:
        (message, *_) = received(queue, "the announcement")
    finally:
        s3.delete_object(Bucket=outputs["UploadsBucketName"], Key=key)

    expected = f"{key}@{upload['VersionId']}"
    assert json.loads(message["Body"])["correlation_id"] == expected
    assert message["MessageAttributes"]["correlation_id"]["StringValue"] == expected


def test_an_alarm_can_publish_to_the_encrypted_operations_topic(
    outputs: dict[str, str], subscribe: Callable[[str], str]
):
    """CloudWatch may use the topics' key only because the key's own policy says so."""
    import boto3

    queue = subscribe(outputs["OperationsTopicArn"])
    alarm = boto3.client("cloudformation").describe_stack_resource(
        StackName=STACK, LogicalResourceId="ValidateFailuresAlarm"
    )["StackResourceDetail"]["PhysicalResourceId"]
    cloudwatch = boto3.client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="pressroom integration test")
    try:
        messages = received(queue, "the alarm's notification")
    finally:
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="pressroom integration test")

    assert any(alarm in message["Body"] for message in messages)
