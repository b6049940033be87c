"""The image codec over Pillow: reads an upload, refuses what it must not decode, makes variants.

Only ImagesFunction imports this module (its layer is the one that carries Pillow). Uploaded
images are untrusted input to a C decoder, so the bounds come before the decoding: only the four
formats pressroom resizes are tried (not the thirty-odd Pillow knows), and the pixel count the
header claims is checked before a pixel is decoded, which is what a decompression bomb (a small
file that claims huge dimensions) relies on being skipped.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from pressroom.images import (
    MAX_PIXELS,
    WEBP,
    DecodedImage,
    ImageRefusedError,
    Rendition,
    planned_widths,
    scaled_height,
    variant_formats,
)

_RESAMPLING = Image.Resampling.BICUBIC  # as Pillow's own thumbnail()
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": WEBP}
_SAVE_AS = {"image/png": "PNG", "image/jpeg": "JPEG", WEBP: "WEBP"}
# Quality settings that keep photographs visually the same as the original at a fraction of the
# bytes; PNG stays lossless (screenshots and diagrams keep their sharp edges).
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "image/png": {},  # zlib level 6: "optimize" costs 10 times the CPU for a few per cent
    "image/jpeg": {"quality": 82, "optimize": True, "progressive": True},
    WEBP: {"quality": 80, "method": 4},
}


class PillowCodec:
    """Decodes PNG, JPEG, GIF and WebP, and encodes their variants."""

    def __init__(self, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels

    def decode(self, data: bytes, widths: tuple[int, ...]) -> DecodedImage:
        """The image's shown size and type, and a rendition per narrower width and format (and
        the full width in WebP, unless it is WebP); ImageRefusedError for what is not decoded."""
        with self._opened(data) as image:
            content_type = _FORMATS[str(image.format)]
            if getattr(image, "is_animated", False):  # its frames would be lost: shown as uploaded
                return DecodedImage(*image.size, content_type, animated=True, renditions=())
            icc_profile = image.info.get("icc_profile")
            try:
                shown = _resizable(ImageOps.exif_transpose(image))
                width, height = shown.size
                renditions: list[Rendition] = []
                for to_width in planned_widths(width, widths):
                    size = (to_width, scaled_height(width, height, to_width))
                    resized = shown.resize(size, _RESAMPLING, reducing_gap=2.0)
                    renditions += [
                        _encoded(resized, kind, icc_profile) for kind in variant_formats(content_type)
                    ]
                if content_type != WEBP:
                    renditions.append(_encoded(shown, WEBP, icc_profile))
            except (OSError, ValueError, SyntaxError) as error:
                raise ImageRefusedError(f"it could not be resized ({_reason(error)})") from error
            return DecodedImage(width, height, content_type, animated=False, renditions=tuple(renditions))

    def _opened(self, data: bytes) -> Image.Image:
        # Pillow's own bound (a warning over 89 megapixels, an error over twice that) is replaced
        # by this codec's lower one, checked below, which can say the size the header claims.
        pillow_bound, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
        except UnidentifiedImageError as error:
            raise ImageRefusedError("it is not a PNG, JPEG, GIF or WebP image that can be read") from error
        except (OSError, ValueError, SyntaxError) as error:
            raise ImageRefusedError(f"it could not be read as an image ({_reason(error)})") from error
        finally:
            Image.MAX_IMAGE_PIXELS = pillow_bound
        width, height = image.size
        problem = (
            self._too_large(image.size)
            if width * height > self.max_pixels
            else "it has no pixels"
            if width < 1 or height < 1
            else None
        )
        try:
            if problem is None:
                image.load()
        except (OSError, ValueError, SyntaxError) as error:
            problem = f"its pixels could not be read ({_reason(error)})"
        if problem is not None:
            image.close()
            raise ImageRefusedError(problem)
        return image

    def _too_large(self, size: tuple[int, int]) -> str:
        return (
            f"it is {size[0]:,} by {size[1]:,} pixels, over the {self.max_pixels / 1_000_000:g} megapixels "
            "pressroom resizes; "
            "it is shown as uploaded, without smaller copies for small screens"
        )


def _encoded(image: Image.Image, content_type: str, icc_profile: bytes | None) -> Rendition:
    converted = _for_format(image, content_type)
    buffer = io.BytesIO()
    options = dict(_SAVE_OPTIONS[content_type])
    if icc_profile:  # colours as the original's profile says; EXIF (a camera's GPS position) is left out
        options["icc_profile"] = icc_profile
    converted.save(buffer, format=_SAVE_AS[content_type], **options)
    return Rendition(converted.width, converted.height, content_type, buffer.getvalue())


def _resizable(image: Image.Image) -> Image.Image:
    """The image in a mode Pillow resizes smoothly: a palette or 16-bit image would be resized by
    its nearest pixels, CMYK and the rest are not stored by WebP."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    has_alpha = image.mode in ("PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _for_format(image: Image.Image, content_type: str) -> Image.Image:
    """The image in a mode the format stores: JPEG has no transparency, WebP no grey."""
    if content_type == "image/jpeg" and image.mode in ("RGBA", "LA"):
        return image.convert("RGB" if image.mode == "RGBA" else "L")
    if content_type == WEBP and image.mode in ("L", "LA"):
        return image.convert("RGB" if image.mode == "L" else "RGBA")
    return image


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
