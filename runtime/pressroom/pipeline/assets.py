"""Assets stage: the site's copy of an uploaded asset follows the upload's current version."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from pressroom.assets import ASSET_CACHE_CONTROL, AssetRefusedError, asset_target
from pressroom.ports import Invalidations, Site, Uploads

logger = Logger(child=True)


class AssetsStage:
    def __init__(self, site: Site, uploads: Uploads, invalidator: Invalidations | None) -> None:
        self.site = site
        self.uploads = uploads
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
            self.site.delete(target.key)
            action = "removed"
        else:
            self.site.copy_upload(
                bucket, key, current.version_id, target.key, target.content_type, ASSET_CACHE_CONTROL
            )
            action = "copied"
        if self.invalidator is not None:
            self.invalidator.invalidate([target.key])
        return action
