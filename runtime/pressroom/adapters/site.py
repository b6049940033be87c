"""Writing the site to the private hosting bucket, each object with its type and cache life."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Pages and feeds change when posts do: a minute at the edge, and CloudFront is told at once
# (see adapters/cdn.py). Fingerprinted files never change: a year, immutable.
SHORT_CACHE = "public, max-age=60, s-maxage=60"
LONG_CACHE = "public, max-age=31536000, immutable"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
FEED_TYPES = {
    "atom.xml": "application/atom+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
}


def content_type_of(key: str) -> str:
    if key in FEED_TYPES:
        return FEED_TYPES[key]
    suffix = key[key.rfind(".") :] if "." in key else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


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
