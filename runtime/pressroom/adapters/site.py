"""Writing the site to the private hosting bucket, each object with its type and cache life."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pressroom.hosting import SHORT_CACHE, content_type_of

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class SiteStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put_page(self, key: str, text: str) -> None:
        """A page, feed or sitemap: typed by its name, cached briefly."""
        self.put(key, text.encode("utf-8"), content_type_of(key), SHORT_CACHE)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache_control
        )

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def copy_upload(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        target: str,
        content_type: str,
        cache_control: str,
    ) -> None:
        """Copy an uploaded object's version here as `target`, with the type and cache life given
        (never the uploader's metadata)."""
        source = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        self.client.copy_object(
            CopySource=source,  # type: ignore[arg-type]
            Bucket=self.bucket,
            Key=target,
            ContentType=content_type,
            CacheControl=cache_control,
            MetadataDirective="REPLACE",
        )
