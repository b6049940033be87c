"""Writing the site's pages to the private hosting bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

HTML_CONTENT_TYPE = "text/html; charset=utf-8"
# Pages change when posts do; a one-minute cache life keeps CloudFront fresh without invalidation.
HTML_CACHE_CONTROL = "public, max-age=60, s-maxage=60"


class SiteStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put_page(self, key: str, html: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=html.encode("utf-8"),
            ContentType=HTML_CONTENT_TYPE,
            CacheControl=HTML_CACHE_CONTROL,
        )

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)
