"""Image records in the catalogue table: what exists on the site for each uploaded image.

Items (partition key `pk`, sort key `sk`), read with consistent reads:
  IMAGES                   / <upload key>        the version (ETag) the variants were made from,
                                                 the size as shown, the type, and each variant's
                                                 key, width, height, type and bytes
  IMAGEUSE#<upload key>    / <slug>              a page that showed the image when it was last
                                                 rendered: rendered again when its copies change
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pressroom.adapters.items import attributes, plain
from pressroom.images import ImageRecord, Variant

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IMAGES = "IMAGES"
IMAGE_USE = "IMAGEUSE#"
BATCH_GET_LIMIT = 100  # keys per BatchGetItem request
BATCH_WRITE_LIMIT = 25  # items per BatchWriteItem request


class ImageRecordStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def get(self, key: str) -> ImageRecord | None:
        item = self.client.get_item(TableName=self.table_name, Key=_key(key), ConsistentRead=True).get("Item")
        return None if item is None else _record(plain(item))

    def get_many(self, keys: Sequence[str]) -> dict[str, ImageRecord]:
        records: dict[str, ImageRecord] = {}
        wanted = list(dict.fromkeys(keys))
        for first in range(0, len(wanted), BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self.table_name: {
                    "Keys": [_key(key) for key in wanted[first : first + BATCH_GET_LIMIT]],
                    "ConsistentRead": True,
                }
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    record = _record(plain(item))
                    records[record.key] = record
                request = dict(response.get("UnprocessedKeys") or {})  # throttled: asked again
        return records

    def put(self, record: ImageRecord) -> None:
        row = {
            "etag": record.etag,
            "width": record.width,
            "height": record.height,
            "contentType": record.content_type,
            "variants": [
                {
                    "key": v.key,
                    "width": v.width,
                    "height": v.height,
                    "contentType": v.content_type,
                    "bytes": v.size,
                }
                for v in record.variants
            ],
        }
        self.client.put_item(TableName=self.table_name, Item={**_key(record.key), **attributes(row)})

    def note_shown(self, keys: Sequence[str], slug: str) -> None:
        writes: list[Any] = [
            {"PutRequest": {"Item": {"pk": {"S": IMAGE_USE + key}, "sk": {"S": slug}}}}
            for key in dict.fromkeys(keys)
        ]
        for first in range(0, len(writes), BATCH_WRITE_LIMIT):
            request: dict[str, Any] = {self.table_name: writes[first : first + BATCH_WRITE_LIMIT]}
            while request:
                response = self.client.batch_write_item(RequestItems=request)
                request = dict(response.get("UnprocessedItems") or {})  # throttled: written again

    def shown_on(self, key: str) -> list[str]:
        slugs: list[str] = []
        query: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": IMAGE_USE + key}},
            "ProjectionExpression": "sk",
            "ConsistentRead": True,
        }
        while True:
            response = self.client.query(**query)
            slugs += [item["sk"]["S"] for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return slugs
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def remove(self, key: str) -> ImageRecord | None:
        removed = self.client.delete_item(TableName=self.table_name, Key=_key(key), ReturnValues="ALL_OLD")
        item = removed.get("Attributes")
        return None if not item else _record(plain(item))


def _key(key: str) -> dict[str, Any]:
    return {"pk": {"S": IMAGES}, "sk": {"S": key}}


def _record(row: dict[str, Any]) -> ImageRecord:
    return ImageRecord(
        key=row["sk"],
        etag=row["etag"],
        width=int(row["width"]),
        height=int(row["height"]),
        content_type=row["contentType"],
        variants=tuple(
            Variant(v["key"], int(v["width"]), int(v["height"]), v["contentType"], int(v["bytes"]))
            for v in row.get("variants", [])
        ),
    )
