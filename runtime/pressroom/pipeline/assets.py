"""Assets stage: the site's copy of an uploaded asset follows the upload's current version."""

from __future__ import annotations

from typing import NamedTuple

from pressroom.assets import ASSET_CACHE_CONTROL, SVG, AssetRefusedError, asset_target, svg_problem
from pressroom.events import SourceObject
from pressroom.ports import Invalidations, Site, Uploads


class AssetSync(NamedTuple):
    """What `sync` did ("copied", "removed" or "refused") and, for a refusal, why."""

    action: str
    reason: str | None = None


class AssetsStage:
    def __init__(self, site: Site, uploads: Uploads, invalidator: Invalidations | None) -> None:
        self.site = site
        self.uploads = uploads
        self.invalidator = invalidator

    def sync(self, bucket: str, key: str) -> AssetSync:
        """Copy the key's current version to the site, or remove it there if it has none.

        Acting on the current state rather than on the event makes duplicates and late events
        harmless: every event for a key leads to the same result. A refused file changes nothing
        on the site (an SVG that could run script leaves the version published before it).
        """
        try:
            target = asset_target(key)
        except AssetRefusedError as refusal:
            return AssetSync("refused", str(refusal))
        current = self.uploads.current(bucket, key)
        if current is None:
            for site_key in target.keys:
                self.site.delete(site_key)
            action = "removed"
        elif (problem := self._problem(bucket, key, current.version_id)) is not None:
            return AssetSync("refused", f"{key}: {problem}")
        else:
            for site_key in target.keys:  # the version checked, not whatever is current by now
                self.site.copy_upload(
                    bucket, key, current.version_id, site_key, target.content_type, ASSET_CACHE_CONTROL
                )
            action = "copied"
        if self.invalidator is not None:
            self.invalidator.invalidate(list(target.keys))
        return AssetSync(action)

    def _problem(self, bucket: str, key: str, version_id: str | None) -> str | None:
        """Why this version may not be published (an SVG that could run script), or None."""
        if not key.lower().endswith(SVG):
            return None
        data = self.uploads.read(SourceObject(bucket=bucket, key=key, version_id=version_id))
        if data is None:
            return "its version was deleted while it was read (the event for the deletion removes it)"
        problem = svg_problem(data)
        return None if problem is None else f"this SVG was not published: {problem}"
