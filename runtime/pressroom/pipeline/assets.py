"""Assets stage: the site's copy of an uploaded asset follows the upload's current version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from pressroom.adapters.cdn import Invalidator
from pressroom.adapters.uploads import UploadStore
from pressroom.assets import ASSET_CACHE_CONTROL, AssetRefusedError, asset_target

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = Logger(child=True)


class AssetsStage:
    def __init__(
        self, client: S3Client, uploads: UploadStore, hosting_bucket: str, invalidator: Invalidator | None
    ) -> None:
        self.client = client
        self.uploads = uploads
        self.hosting_bucket = hosting_bucket
        self.invalidator = invalidator

    def sync(self, bucket: str, key: str) -> str:
        """Copy the key's current version to the site, or remove it there if it has none.

        Acting on the current state rather than on the event makes duplicates and late events
        harmless: every event for a key leads to the same result. Returns what was done.
        """
        try:
            target = asset_target(key)
        except AssetRefusedError as refusal:
            logger.warning("asset not copied to the site", extra={"reason": str(refusal)})
            return "refused"
        current = self.uploads.current(bucket, key)
        if current is None:
            self.client.delete_object(Bucket=self.hosting_bucket, Key=target.key)
            action = "removed"
        else:
            source = {"Bucket": bucket, "Key": key}
            if current.version_id:
                source["VersionId"] = current.version_id
            self.client.copy_object(
                CopySource=source,  # type: ignore[arg-type]
                Bucket=self.hosting_bucket,
                Key=target.key,
                ContentType=target.content_type,
                CacheControl=ASSET_CACHE_CONTROL,
                MetadataDirective="REPLACE",
            )
            action = "copied"
        if self.invalidator is not None:
            self.invalidator.invalidate([target.key])
        return action
