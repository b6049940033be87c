"""Image records in the catalogue table: what exists on the site for each uploaded image.

Items (partition key `pk`, sort key `sk`), read with consistent reads:
  IMAGES                   / <upload key>        the version (ETag) the variants were made from,
                                                 the size as shown, the type, and each variant's
                                                 key, width, height, type and bytes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pressroom.adapters.items import attributes, plain
from pressroom.images import ImageRecord, Variant

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IMAGES = "IMAGES"


class ImageRecordStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def get(self, key: str) -> ImageRecord | None:
        item = self.client.get_item(TableName=self.table_name, Key=_key(key), ConsistentRead=True).get("Item")
        return None if item is None else _record(plain(item))

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
