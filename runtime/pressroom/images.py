"""Responsive images: which uploads get smaller copies, at which widths, under which keys.

An image uploaded under `assets/` or beside a post is published as it is (pressroom.assets); the
images stage also makes *variants* of it: the same picture a few widths across, never wider than
the original and never more bytes than it, in WebP and in the original's format. A page then
offers them in `srcset`, so a phone 390 pixels wide downloads a 480-pixel WebP instead of a
2,000-pixel PNG. Variants live under `_images/<digest>/`, named after the bytes they were made
from: a key never changes what it holds, so they are cached for a year, and no slug (which
never starts with `_`) can produce one.

This module decides; it does not decode. The codec (pressroom.adapters.pillow_codec) is the only
code that imports Pillow, and only ImagesFunction ships it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from pressroom.slugs import slugify

VARIANTS_PREFIX = "_images/"
# What a blog's layouts show an image at, from a phone's column to a full-width cover on a large
# screen at twice its CSS pixels; an image narrower than one of them is never enlarged to it.
VARIANT_WIDTHS = (480, 960, 1440, 1920)
WEBP = "image/webp"
# The formats decoded and resized, by extension. AVIF is already small and is published as it is.
RESIZABLE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": WEBP,
}
# An upload over either is published as it is, unresized, and its author is told why: 40
# megapixels is a 7,700 by 5,200 photo, more than the cameras a blog's photos come from, and it
# bounds what decoding can take (160 MB as RGBA) whatever the file's size says.
MAX_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 40 * 1024 * 1024
# A variant's key names its content, so it may be cached for as long as browsers allow.
VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable"
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", WEBP: "webp"}
_DIGEST_LENGTH = 20  # hex digits of SHA-256: 80 bits, no two images of a site will share them


class ImageRefusedError(ValueError):
    """An image that is published as uploaded, without variants; the message says why, to its author."""


@dataclass(frozen=True)
class Rendition:
    """One encoded variant, as the codec makes it."""

    width: int
    height: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class DecodedImage:
    """What the codec learnt of an upload and made of it."""

    width: int  # as shown: after the orientation its EXIF data asks for
    height: int
    content_type: str  # what the bytes are, whatever the file's extension says
    animated: bool
    renditions: tuple[Rendition, ...]


@dataclass(frozen=True)
class Variant:
    key: str  # in the hosting bucket
    width: int
    height: int
    content_type: str
    size: int  # bytes


@dataclass(frozen=True)
class ImageRecord:
    """What exists on the site for the current version of one uploaded image."""

    key: str  # the upload's key, which is also the original's key on the site
    etag: str  # of the version the variants were made from
    width: int
    height: int
    content_type: str
    variants: tuple[Variant, ...] = ()

    def srcset(self, content_type: str) -> str:
        """The `srcset` candidates in one format, narrowest first: the original is the widest of
        its own format (it is on the site too), and is left out of any other format's."""
        candidates = {v.width: f"/{v.key}" for v in self.variants if v.content_type == content_type}
        if content_type == self.content_type:
            candidates.setdefault(self.width, "/" + self.key)
        return ", ".join(f"{_srcset_url(path)} {width}w" for width, path in sorted(candidates.items()))


def resizable_type(key: str) -> str | None:
    """The content type a key's extension names, if variants are made for it."""
    return RESIZABLE_TYPES.get(PurePosixPath(key).suffix.lower())


def planned_widths(width: int, widths: tuple[int, ...] = VARIANT_WIDTHS) -> tuple[int, ...]:
    """Those of `widths` an image `width` pixels across gets variants at, widest first: only
    narrower ones (an image is never enlarged)."""
    return tuple(sorted((candidate for candidate in widths if candidate < width), reverse=True))


def scaled_height(width: int, height: int, to_width: int) -> int:
    """The height of a variant `to_width` across, keeping the original's proportions."""
    return max(1, round(height * to_width / width))


def variant_formats(content_type: str) -> tuple[str, ...]:
    """WebP for every image, and the original's format too where browsers without WebP need it.
    A GIF's smaller copies are WebP only: a browser without WebP is shown the GIF itself."""
    if content_type in (WEBP, "image/gif"):
        return (WEBP,)
    return (WEBP, content_type)


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:_DIGEST_LENGTH]


def variant_key(digest: str, source_key: str, rendition: Rendition) -> str:
    """`_images/<digest>/<name>-<width>w.<ext>`: the digest of the bytes it was made from keeps
    the key's content fixed; the upload's name keeps the address readable."""
    name = slugify(PurePosixPath(source_key).stem) or "image"
    return f"{VARIANTS_PREFIX}{digest}/{name}-{rendition.width}w.{_EXTENSIONS[rendition.content_type]}"


def worth_keeping(renditions: tuple[Rendition, ...], original_size: int) -> tuple[Rendition, ...]:
    """The renditions smaller in bytes than the original (a larger one would only cost readers)."""
    return tuple(rendition for rendition in renditions if len(rendition.body) < original_size)


def _srcset_url(path: str) -> str:
    # A candidate ends at whitespace, and a comma may end it: an upload's name may hold either.
    return path.replace("%", "%25").replace(" ", "%20").replace(",", "%2C")
