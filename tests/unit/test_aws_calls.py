"""Calls in IAM's terms (pressroom_tools.local.aws_calls): the action and resource IAM would check,
which tests/permissions compares with the roles. A wrong mapping would hide a missing permission."""

from __future__ import annotations

from typing import Any

import pytest

from pressroom_tools.local.aws_calls import Account, IamRequest, UnmappedCallError, iam_requests

ACCOUNT = Account(
    region="eu-west-1",
    account_id="111122223333",
    partition_keys={"posts": "pk"},
    topic_keys={"arn:aws:sns:eu-west-1:111122223333:news": "arn:aws:kms:eu-west-1:111122223333:key/k1"},
)
TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/posts"


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        (
            "GetObject",
            {"Bucket": "b", "Key": "posts/a.md"},
            [IamRequest("s3:GetObject", "arn:aws:s3:::b/posts/a.md")],
        ),
        (
            "GetObject",
            {"Bucket": "b", "Key": "posts/a.md", "VersionId": "v1"},
            [IamRequest("s3:GetObjectVersion", "arn:aws:s3:::b/posts/a.md")],
        ),
        ("HeadObject", {"Bucket": "b", "Key": "k"}, [IamRequest("s3:GetObject", "arn:aws:s3:::b/k")]),
        (
            "DeleteObject",
            {"Bucket": "b", "Key": "k", "VersionId": "v"},
            [IamRequest("s3:DeleteObjectVersion", "arn:aws:s3:::b/k")],
        ),
        (
            "CopyObject",
            {"Bucket": "site", "Key": "img/a.png", "CopySource": "up/posts/a%20b.png?versionId=v9"},
            [
                IamRequest("s3:GetObjectVersion", "arn:aws:s3:::up/posts/a b.png"),
                IamRequest("s3:PutObject", "arn:aws:s3:::site/img/a.png"),
            ],
        ),
        (
            "ListObjectsV2",
            {"Bucket": "b", "Prefix": "posts/"},
            [IamRequest("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "posts/"})],
        ),
    ],
)
def test_s3_calls_name_the_object_and_the_version_action(
    operation: str, params: dict[str, Any], expected: list[IamRequest]
):
    assert iam_requests("s3", operation, params, ACCOUNT) == expected


def test_an_item_call_carries_its_partition_key_for_leading_keys_conditions():
    params = {"TableName": "posts", "Key": {"pk": {"S": "IDEMPOTENCY#x"}, "sk": {"S": "1"}}}
    assert iam_requests("dynamodb", "GetItem", params, ACCOUNT) == [
        IamRequest("dynamodb:GetItem", TABLE, {"dynamodb:LeadingKeys": ["IDEMPOTENCY#x"]})
    ]


def test_a_query_on_the_table_names_its_partition_and_one_on_an_index_is_refused_by_name():
    on_table = {
        "TableName": "posts",
        "KeyConditionExpression": "#p = :pk AND sk > :after",
        "ExpressionAttributeNames": {"#p": "pk"},
        "ExpressionAttributeValues": {":pk": {"S": "LIST#all"}, ":after": {"S": "0"}},
    }
    assert iam_requests("dynamodb", "Query", on_table, ACCOUNT) == [
        IamRequest("dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": ["LIST#all"]})
    ]
    with pytest.raises(UnmappedCallError, match="index bySlug"):
        iam_requests("dynamodb", "Query", {**on_table, "IndexName": "bySlug"}, ACCOUNT)


@pytest.mark.parametrize(
    "params",
    [
        {"TableName": "posts", "Key": {"pk": "IDEMPOTENCY#x"}},  # the resource API's untyped values
        {"TableName": "elsewhere", "Key": {"pk": {"S": "IDEMPOTENCY#x"}}},  # a table the stack lacks
    ],
)
def test_an_item_call_whose_partition_key_cannot_be_told_is_refused_not_passed(params: dict[str, Any]):
    """An empty dynamodb:LeadingKeys would satisfy a ForAllValues condition, as IAM treats a
    missing key: the audit would allow what AWS might refuse."""
    with pytest.raises(UnmappedCallError, match="partition key"):
        iam_requests("dynamodb", "GetItem", params, ACCOUNT)


def test_a_table_named_by_arn_still_carries_its_partition_key():
    (request,) = iam_requests("dynamodb", "GetItem", {"TableName": TABLE, "Key": {"pk": {"S": "A"}}}, ACCOUNT)
    assert request == IamRequest("dynamodb:GetItem", TABLE, {"dynamodb:LeadingKeys": ["A"]})


def test_a_transaction_is_authorised_item_by_item():
    params = {
        "TransactItems": [
            {"Put": {"TableName": "posts", "Item": {"pk": {"S": "A"}}}},
            {"ConditionCheck": {"TableName": "posts", "Key": {"pk": {"S": "B"}}}},
            {"Delete": {"TableName": "posts", "Key": {"pk": {"S": "C"}}}},
        ]
    }
    assert [
        request.action for request in iam_requests("dynamodb", "TransactWriteItems", params, ACCOUNT)
    ] == [
        "dynamodb:PutItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
    ]


def test_publishing_to_an_encrypted_topic_needs_its_key_too():
    topic = "arn:aws:sns:eu-west-1:111122223333:news"
    actions = [
        (request.action, request.resource)
        for request in iam_requests("sns", "Publish", {"TopicArn": topic, "Message": "hi"}, ACCOUNT)
    ]
    key = "arn:aws:kms:eu-west-1:111122223333:key/k1"
    assert actions == [("sns:Publish", topic), ("kms:GenerateDataKey", key), ("kms:Decrypt", key)]
    plain = "arn:aws:sns:eu-west-1:111122223333:plain"
    assert iam_requests("sns", "Publish", {"TopicArn": plain}, ACCOUNT) == [IamRequest("sns:Publish", plain)]


def test_a_schedule_with_a_role_passes_that_role_to_the_scheduler():
    role = "arn:aws:iam::111122223333:role/scheduler"
    params = {"Name": "post-a", "GroupName": "pubs", "Target": {"RoleArn": role, "Arn": "x"}}
    assert iam_requests("scheduler", "CreateSchedule", params, ACCOUNT) == [
        IamRequest(
            "scheduler:CreateSchedule", "arn:aws:scheduler:eu-west-1:111122223333:schedule/pubs/post-a"
        ),
        IamRequest("iam:PassRole", role, {"iam:PassedToService": "scheduler.amazonaws.com"}),
    ]


def test_queues_buses_distributions_and_parameters_by_arn():
    assert iam_requests(
        "sqs",
        "SendMessage",
        {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/work.fifo"},
        ACCOUNT,
    ) == [IamRequest("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:work.fifo")]
    (event,) = iam_requests(
        "events", "PutEvents", {"Entries": [{"EventBusName": "bus", "Source": "s"}]}, ACCOUNT
    )
    assert event.resource == "arn:aws:events:eu-west-1:111122223333:event-bus/bus"
    assert iam_requests("cloudfront", "CreateInvalidation", {"DistributionId": "E1"}, ACCOUNT) == [
        IamRequest("cloudfront:CreateInvalidation", "arn:aws:cloudfront::111122223333:distribution/E1")
    ]
    assert iam_requests("ssm", "GetParameter", {"Name": "/site/hooks"}, ACCOUNT) == [
        IamRequest("ssm:GetParameter", "arn:aws:ssm:eu-west-1:111122223333:parameter/site/hooks")
    ]


def test_a_call_with_no_mapping_is_refused_by_name_not_guessed():
    with pytest.raises(UnmappedCallError, match="s3:PutBucketPolicy"):
        iam_requests("s3", "PutBucketPolicy", {"Bucket": "b"}, ACCOUNT)
