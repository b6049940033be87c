"""Images made in the tests: real encoders for real pictures, and hand-built files for hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A photograph-like picture: smooth light with grain, which a lossless PNG keeps at great
    cost and WebP or JPEG at little (not one flat colour, which every encoder shrinks to nothing)."""
    light = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 40)
    shade = Image.blend(light, grain, 0.3)
    if mode == "L":
        return shade
    rgb = Image.merge("RGB", (shade, light.transpose(Image.Transpose.FLIP_TOP_BOTTOM), grain))
    return rgb if mode == "RGB" else rgb.convert(mode)


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int, rows: int = 1) -> bytes:
    """A valid PNG header claiming `width` by `height` greyscale pixels, followed by only `rows`
    rows of them: a few hundred bytes that would decode to width * height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (rows * (width + 1)), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
