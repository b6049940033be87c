"""AssetsFunction's stage."""

from __future__ import annotations

from pressroom.adapters.site import SiteStore
from pressroom.adapters.uploads import UploadStore
from pressroom.pipeline.assets import AssetsStage
from pressroom.settings import AssetsSettings
from pressroom.wiring import clients
from pressroom.wiring.common import invalidator


def build_assets_stage(settings: AssetsSettings) -> AssetsStage:
    s3 = clients.s3()
    return AssetsStage(SiteStore(s3, settings.hosting_bucket), UploadStore(s3), invalidator(settings))
