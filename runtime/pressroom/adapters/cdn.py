"""Telling CloudFront which paths changed: one batched invalidation per change."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pressroom.aggregates import url_path

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient

# CloudFront takes up to 3,000 paths per request; beyond that one wildcard is cheaper.
MAX_PATHS = 3_000


class Invalidator:
    def __init__(self, client: CloudFrontClient, distribution_id: str) -> None:
        self.client = client
        self.distribution_id = distribution_id

    def invalidate(self, keys: Iterable[str]) -> str | None:
        """Invalidate the objects at these bucket keys (as CloudFront caches them, after the
        viewer-request function has mapped /posts/x/ to /posts/x/index.html), percent-encoded as
        the site's links are ("tags/c#/index.html" is /tags/c%23/index.html). Returns the id."""
        paths = sorted({url_path("/" + key.lstrip("/")) for key in keys})
        if not paths:
            return None
        if len(paths) > MAX_PATHS:
            paths = ["/*"]
        response = self.client.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": str(uuid.uuid4()),
            },
        )
        return str(response["Invalidation"]["Id"])
