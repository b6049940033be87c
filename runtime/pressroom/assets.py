"""Files uploaded beside posts, copied to the site as they are: which, where, and with what type.

`assets/<path>` is served at /assets/<path>; `posts/<slug>/<file>` at /posts/<slug>/<file>, so a
post links its own images relatively (`![Chart](chart.png)`). Only types that cannot carry
script are copied: no HTML, no SVG. `assets/theme/` belongs to the theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

# Not fingerprinted: a day at the edge, and replaced files are invalidated on CloudFront too.
ASSET_CACHE_CONTROL = "public, max-age=86400"
ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
}
THEME_PREFIX = "assets/theme/"


@dataclass(frozen=True)
class AssetTarget:
    key: str  # the same key in the hosting bucket
    content_type: str


class AssetRefusedError(ValueError):
    """An upload under an asset prefix that pressroom will not put on the site."""


def asset_target(key: str) -> AssetTarget:
    """Where an uploaded asset goes on the site, or AssetRefusedError saying why it does not."""
    path = PurePosixPath(key)
    if key.startswith(THEME_PREFIX):
        raise AssetRefusedError(f"{key}: {THEME_PREFIX} belongs to the theme")
    if not (key.startswith("assets/") or (key.startswith("posts/") and len(path.parts) >= 3)):
        raise AssetRefusedError(f"{key}: assets go under assets/ or posts/<slug>/")
    if any(part in ("", ".", "..") for part in path.parts) or "\\" in key:
        raise AssetRefusedError(f"{key}: not a plain path")
    content_type = ASSET_TYPES.get(path.suffix.lower())
    if content_type is None:
        allowed = ", ".join(sorted(ASSET_TYPES))
        raise AssetRefusedError(f"{key}: only {allowed} files are copied to the site")
    return AssetTarget(key=key, content_type=content_type)
