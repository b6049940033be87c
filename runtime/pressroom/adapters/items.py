"""DynamoDB's typed attribute values to and from plain Python values, for every table adapter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def attributes(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as DynamoDB attribute values; a None value is left out (the attribute is absent)."""
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def plain(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item's attribute values as plain Python values (numbers as Decimal)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}
