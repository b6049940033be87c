"""Reading uploaded posts from the uploads bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from pressroom.events import SourceObject
from pressroom.ports import CurrentVersion

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_GONE = {"NoSuchKey", "NoSuchVersion", "404", "NotFound"}


class UploadStore:
    def __init__(self, client: S3Client) -> None:
        self.client = client

    def read(self, source: SourceObject) -> bytes | None:
        """The bytes of exactly the version an event names; None if that version is gone."""
        arguments = {"Bucket": source.bucket, "Key": source.key}
        if source.version_id:
            arguments["VersionId"] = source.version_id
        try:
            response = self.client.get_object(**arguments)  # type: ignore[arg-type]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _GONE:
                return None
            raise
        return response["Body"].read()

    def current(self, bucket: str, key: str) -> CurrentVersion | None:
        """The key's current version, or None if it has none (deleted, or a delete marker on top)."""
        try:
            response = self.client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _GONE:
                return None
            raise
        return CurrentVersion(
            version_id=response.get("VersionId"),
            etag=response["ETag"].strip('"'),
            size=response["ContentLength"],
        )
