"""The pk/sk DynamoDB table every pressroom table has, in moto: for adapter tests whose guards
are condition expressions, which an in-memory fake would only copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
from moto import mock_aws

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "PostsTable"


@contextmanager
def pk_sk_table(name: str = TABLE) -> Iterator[DynamoDBClient]:
    """A DynamoDB client over moto holding one empty table keyed by `pk` and `sk`."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield dynamodb
