"""The local stack's moto shortcuts change how fast moto answers, never what it answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pressroom_tools.local.moto_speed import faster_moto

TABLE = "posts"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for partition in ("A", "B"):
            for number in range(30):
                client.put_item(
                    TableName=TABLE,
                    Item={"pk": {"S": partition}, "sk": {"S": f"{number:03}"}, "n": {"N": str(number)}},
                )
        yield client


def everything(client: Any) -> list[dict[str, Any]]:
    items = client.scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def put(partition: str, sort: str) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {"pk": {"S": partition}, "sk": {"S": sort}}}}


def test_a_refused_transaction_leaves_every_partition_it_named_as_it_was(dynamodb: Any):
    before = everything(dynamodb)
    refused = {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "B"}, "sk": {"S": "000"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    with faster_moto(), pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[put("A", "new"), put("C", "new"), refused])
    assert everything(dynamodb) == before

    with faster_moto():
        dynamodb.transact_write_items(TransactItems=[put("A", "new"), put("C", "new")])
    assert len(everything(dynamodb)) == len(before) + 2


def pages(client: Any, **arguments: Any) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    while True:
        response = client.query(**arguments)
        found.append(response["Items"])
        if "LastEvaluatedKey" not in response:
            return found
        arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@pytest.mark.parametrize("newest_first", [True, False])
@pytest.mark.parametrize("limit", [1, 7, 30, 31])
def test_a_query_answers_as_moto_does_without_the_shortcuts(dynamodb: Any, limit: int, newest_first: bool):
    arguments = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "A"}},
        "ScanIndexForward": not newest_first,
        "Limit": limit,
        "ConsistentRead": True,
    }
    plain = pages(dynamodb, **arguments)
    with faster_moto():
        fast = pages(dynamodb, **arguments)
    assert fast == plain
    assert sum(len(page) for page in fast) == 30
    assert {item["pk"]["S"] for page in fast for item in page} == {"A"}


def test_eventbridge_still_delivers_each_event_whole_to_its_targets():
    with mock_aws(), faster_moto():
        events = boto3.client("events", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="observer")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="all", EventPattern=json.dumps({"source": ["pressroom.test"]}))
        events.put_targets(Rule="all", Targets=[{"Id": "queue", "Arn": arn}])
        for number in range(3):
            events.put_events(
                Entries=[
                    {"Source": "pressroom.test", "DetailType": "Tick", "Detail": json.dumps({"n": number})}
                ]
            )
        bodies = [
            json.loads(m["Body"])
            for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        ]
    assert sorted(body["detail"]["n"] for body in bodies) == [0, 1, 2]
    assert {body["detail-type"] for body in bodies} == {"Tick"}
