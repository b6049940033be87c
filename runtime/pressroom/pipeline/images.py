"""Images stage: the variants of an uploaded image follow the upload's current version.

AssetsFunction publishes the original as it is, at once; this stage, in a function of its own,
makes the original's smaller copies (pressroom.images) and records them, so that no page ever
waits on image work: a page rendered before the record exists shows the original, and "Image
Processed" lets the pages that show it offer the variants.

Like the assets stage, it acts on the key's current version rather than on the event, so a
duplicate or late event changes nothing: a version whose record exists is not decoded again.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from pressroom.assets import AssetRefusedError, asset_target
from pressroom.events import DetailType, ImageProcessed, ImageRejected, Reason, SourceObject
from pressroom.images import (
    MAX_IMAGE_BYTES,
    VARIANT_CACHE_CONTROL,
    VARIANT_WIDTHS,
    ImageRecord,
    ImageRefusedError,
    Variant,
    content_digest,
    resizable_type,
    variant_key,
    worth_keeping,
)
from pressroom.ports import CurrentVersion, EventBus, ImageCodec, ImageRecords, Site, Uploads

logger = Logger(child=True)


class ImagesStage:
    def __init__(
        self, site: Site, uploads: Uploads, records: ImageRecords, codec: ImageCodec, bus: EventBus
    ) -> None:
        self.site = site
        self.uploads = uploads
        self.records = records
        self.codec = codec
        self.bus = bus

    def sync(self, bucket: str, key: str) -> str:
        """Make the variants of the key's current version, unless they exist, or forget the
        image if the key has none. Returns what was done."""
        if resizable_type(key) is None:
            return "ignored"
        try:
            asset_target(key)
        except AssetRefusedError as refusal:  # not published, so nothing to make copies of
            logger.info("not an image pressroom publishes", extra={"reason": str(refusal)})
            return "ignored"
        current = self.uploads.current(bucket, key)
        if current is None:
            return self._forget(SourceObject(bucket=bucket, key=key))
        recorded = self.records.get(key)
        if recorded is not None and recorded.etag == current.etag:
            return "unchanged"
        source = SourceObject(
            bucket=bucket, key=key, version_id=current.version_id, etag=current.etag, size=current.size
        )
        return self._process(source, current)

    def _process(self, source: SourceObject, current: CurrentVersion) -> str:
        if current.size > MAX_IMAGE_BYTES:
            return self._refuse(
                source,
                f"it is {current.size / 1_048_576:.1f} MB, over the {MAX_IMAGE_BYTES // 1_048_576} MB "
                "pressroom resizes; it is shown as uploaded, without smaller copies for small screens",
            )
        data = self.uploads.read(source)
        if data is None:
            return "superseded"  # replaced or deleted since: that change's own event follows
        try:
            decoded = self.codec.decode(data, VARIANT_WIDTHS)
        except ImageRefusedError as refusal:
            return self._refuse(source, str(refusal))
        digest = content_digest(data)
        variants = []
        for rendition in worth_keeping(decoded.renditions, len(data)):
            key = variant_key(digest, source.key, rendition)
            self.site.put(key, rendition.body, rendition.content_type, VARIANT_CACHE_CONTROL)
            variants.append(
                Variant(key, rendition.width, rendition.height, rendition.content_type, len(rendition.body))
            )
        if not self._still_current(source):
            return "superseded"
        record = ImageRecord(
            source.key, str(source.etag), decoded.width, decoded.height, decoded.content_type, tuple(variants)
        )
        self.records.put(record)
        logger.info(
            "image variants made",
            extra={"width": decoded.width, "height": decoded.height, "variants": len(variants)},
        )
        self.bus.emit(
            DetailType.IMAGE_PROCESSED,
            ImageProcessed(source=source, width=decoded.width, height=decoded.height, variants=len(variants)),
        )
        return "processed"

    def _still_current(self, source: SourceObject) -> bool:
        """Whether the version just processed is still the key's current one: a newer upload
        decoded meanwhile must not have its record replaced by this older one's."""
        current = self.uploads.current(source.bucket, source.key)
        return current is not None and current.etag == source.etag

    def _refuse(self, source: SourceObject, reason: str) -> str:
        """No variants for this version: the pages show the original, and its author is told."""
        logger.warning("image not resized; published as uploaded", extra={"reason": reason})
        self.records.remove(source.key)  # the previous version's copies show another picture
        self.bus.emit(
            DetailType.IMAGE_REJECTED, ImageRejected(source=source, reasons=[Reason(message=reason)])
        )
        return "refused"

    def _forget(self, source: SourceObject) -> str:
        removed = self.records.remove(source.key)
        if removed is None:
            return "unchanged"
        self.bus.emit(DetailType.IMAGE_PROCESSED, ImageProcessed(source=source))
        return "removed"
