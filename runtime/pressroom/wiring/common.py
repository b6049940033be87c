"""Dependencies more than one function builds the same way, free of the render libraries."""

from __future__ import annotations

from pressroom.adapters.cdn import Invalidator
from pressroom.settings import Cdn
from pressroom.wiring import clients


def invalidator(settings: Cdn) -> Invalidator | None:
    """CloudFront invalidations, unless no distribution is configured (the local stack)."""
    if not settings.distribution_id:
        return None
    return Invalidator(clients.cloudfront(), settings.distribution_id)
