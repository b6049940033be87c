"""Making one 2,000-pixel PNG's smaller copies: pressroom's codec against Pillow used directly.

pressroom's side is what ImagesFunction spends CPU on for one upload: the codec's decode (the
header's bounds, the orientation, every copy resized and encoded), keeping the copies smaller
than the original, and the digest that names them. The reference, in the same run, is the
shortest Pillow program that makes the same files: open, `thumbnail` to each width, `save` as
WebP and PNG with the same settings, and the full-size WebP. Both take turns, round after round,
so a change in the machine's speed touches them alike; the medians of their CPU times are
compared. The image is a photograph-like scene (sky, hills, grain) made here, 2,000 by 1,300.

Usage: python bench/images.py [--rounds N] [--json FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from pressroom.adapters.pillow_codec import PillowCodec
from pressroom.images import VARIANT_WIDTHS, content_digest, worth_keeping

WIDTH, HEIGHT = 2000, 1300


def scene() -> bytes:
    """A landscape: a sky gradient, three ranges of hills, a sun, and film grain."""
    sky = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    image = Image.merge(
        "RGB",
        (
            sky.point(lambda v: 90 + v // 3),
            sky.point(lambda v: 140 + v // 4),
            sky.point(lambda v: 230 - v // 5),
        ),
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((1450, 180, 1650, 380), fill=(255, 236, 180))
    for index, (base, colour) in enumerate(
        ((780, (96, 130, 90)), (900, (70, 105, 70)), (1040, (45, 80, 50)))
    ):
        points = [
            (x, base + int(90 * ((x * (index + 3)) % 517) / 517) - 45) for x in range(0, WIDTH + 40, 40)
        ]
        draw.polygon([(0, HEIGHT), *points, (WIDTH, HEIGHT)], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(3))
    grain = Image.effect_noise((WIDTH, HEIGHT), 24).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(image, grain, 0.08).save(buffer, "PNG")
    return buffer.getvalue()


def pressroom_copies(data: bytes) -> int:
    decoded = PillowCodec().decode(data, VARIANT_WIDTHS)
    content_digest(data)
    return len(worth_keeping(decoded.renditions, len(data)))


def pillow_copies(data: bytes) -> int:
    made = 0
    with Image.open(io.BytesIO(data)) as original:
        original.load()
        for width in sorted((w for w in VARIANT_WIDTHS if w < original.width), reverse=True):
            copy = original.copy()
            copy.thumbnail((width, original.height))
            for kind, options in (("WEBP", {"quality": 80, "method": 4}), ("PNG", {})):
                copy.save(io.BytesIO(), kind, **options)
                made += 1
        original.save(io.BytesIO(), "WEBP", quality=80, method=4)
        made += 1
    return made


def cpu_seconds(work: Callable[[bytes], int], data: bytes) -> float:
    started = time.process_time()
    work(data)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data = scene()
    pressroom, pillow = [], []
    for _ in range(args.rounds):
        pressroom.append(cpu_seconds(pressroom_copies, data))
        pillow.append(cpu_seconds(pillow_copies, data))
    pressroom_s, pillow_s = statistics.median(pressroom), statistics.median(pillow)
    result = {
        "image": {"width": WIDTH, "height": HEIGHT, "bytes": len(data)},
        "copies_kept": pressroom_copies(data),
        "pressroom_cpu_s": pressroom_s,
        "pillow_cpu_s": pillow_s,
        "ratio": pressroom_s / pillow_s,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
