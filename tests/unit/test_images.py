"""Responsive images: the widths, formats and keys of an image's variants, and the codec that
makes them from untrusted uploads (pressroom.images, pressroom.adapters.pillow_codec)."""

from __future__ import annotations

import io

import pytest
from picture_files import encoded, picture, png_claiming
from PIL import Image

from pressroom.adapters.pillow_codec import PillowCodec
from pressroom.images import (
    VARIANT_CACHE_CONTROL,
    WEBP,
    ImageRecord,
    ImageRefusedError,
    Rendition,
    Variant,
    content_digest,
    planned_widths,
    resizable_type,
    scaled_height,
    variant_formats,
    variant_key,
    worth_keeping,
)

SMALL_WIDTHS = (40, 80)


def opened(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.body))
    image.load()
    return image


# ---------------------------------------------------------------- the rules


def test_an_image_gets_every_standard_width_narrower_than_itself_and_is_never_enlarged():
    assert planned_widths(2000) == (1920, 1440, 960, 480)
    assert planned_widths(1920) == (1440, 960, 480)
    assert planned_widths(100, (40, 80, 100, 120)) == (80, 40)
    assert planned_widths(481) == (480,)
    assert planned_widths(480) == ()
    assert planned_widths(12) == ()


def test_a_variant_keeps_the_original_proportions_and_is_at_least_one_pixel_high():
    assert scaled_height(2000, 1300, 480) == 312
    assert scaled_height(1000, 333, 480) == 160  # 159.84 rounds up
    assert scaled_height(10_000, 10, 480) == 1


def test_variants_are_webp_and_the_original_format_where_a_browser_without_webp_needs_it():
    assert variant_formats("image/png") == (WEBP, "image/png")
    assert variant_formats("image/jpeg") == (WEBP, "image/jpeg")
    assert variant_formats(WEBP) == (WEBP,)
    assert variant_formats("image/gif") == (WEBP,)


def test_png_jpeg_gif_and_webp_are_resized_in_any_case_and_nothing_else_is():
    assert resizable_type("assets/a.PNG") == "image/png"
    assert resizable_type("posts/x/b.jpeg") == "image/jpeg"
    assert resizable_type("posts/x/b.JPG") == "image/jpeg"
    assert resizable_type("assets/c.gif") == "image/gif"
    assert resizable_type("assets/d.webp") == WEBP
    assert resizable_type("assets/e.avif") is None
    assert resizable_type("assets/f.pdf") is None
    assert resizable_type("assets/png") is None


def test_a_variant_key_names_the_bytes_it_was_made_from_and_the_upload_it_came_from():
    digest = content_digest(b"the original's bytes")
    assert len(digest) == 20
    assert digest != content_digest(b"the original's bytes, edited")
    rendition = Rendition(480, 312, WEBP, b"...")
    assert (
        variant_key(digest, "posts/cats/My Cat (1).PNG", rendition) == f"_images/{digest}/my-cat-1-480w.webp"
    )
    assert variant_key(digest, "assets/猫.jpg", Rendition(960, 1, "image/jpeg", b"")) == (
        f"_images/{digest}/image-960w.jpg"
    )
    assert VARIANT_CACHE_CONTROL == "public, max-age=31536000, immutable"


def test_a_rendition_as_large_as_the_original_is_not_kept():
    small, same, large = (Rendition(1, 1, WEBP, b"x" * size) for size in (99, 100, 101))
    assert worth_keeping((large, small, same), original_size=100) == (small,)


def test_srcset_lists_one_format_narrowest_first_with_the_original_as_its_own_widest():
    record = ImageRecord(
        key="posts/cats/cat photo,1.png",
        etag="e",
        width=2000,
        height=1300,
        content_type="image/png",
        variants=(
            Variant("_images/d/cat-960w.webp", 960, 624, WEBP, 10),
            Variant("_images/d/cat-480w.webp", 480, 312, WEBP, 5),
            Variant("_images/d/cat-480w.png", 480, 312, "image/png", 50),
            Variant("_images/d/cat-2000w.webp", 2000, 1300, WEBP, 90),
        ),
    )
    assert record.srcset(WEBP) == (
        "/_images/d/cat-480w.webp 480w, /_images/d/cat-960w.webp 960w, /_images/d/cat-2000w.webp 2000w"
    )
    # Spaces and commas would end a candidate: they are escaped, as % itself is.
    assert record.srcset("image/png") == "/_images/d/cat-480w.png 480w, /posts/cats/cat%20photo%2C1.png 2000w"


# ---------------------------------------------------------------- the codec


def test_a_png_gets_smaller_copies_in_webp_and_png_and_a_full_size_webp():
    decoded = PillowCodec().decode(encoded(picture(100, 50), "PNG"), SMALL_WIDTHS)
    assert (decoded.width, decoded.height, decoded.content_type, decoded.animated) == (
        100,
        50,
        "image/png",
        False,
    )
    assert [(r.width, r.height, r.content_type) for r in decoded.renditions] == [
        (80, 40, WEBP),
        (80, 40, "image/png"),
        (40, 20, WEBP),
        (40, 20, "image/png"),
        (100, 50, WEBP),
    ]
    for rendition in decoded.renditions:
        image = opened(rendition)
        assert image.size == (rendition.width, rendition.height)
        assert Image.MIME[str(image.format)] == rendition.content_type


def test_an_image_narrower_than_every_width_gets_only_its_webp_copy():
    decoded = PillowCodec().decode(encoded(picture(30, 30), "JPEG"), SMALL_WIDTHS)
    assert [(r.width, r.content_type) for r in decoded.renditions] == [(30, WEBP)]


def test_a_webp_original_gets_only_narrower_webp_copies():
    decoded = PillowCodec().decode(encoded(picture(100, 50), "WEBP"), SMALL_WIDTHS)
    assert decoded.content_type == WEBP
    assert [(r.width, r.content_type) for r in decoded.renditions] == [(80, WEBP), (40, WEBP)]


def test_the_type_is_what_the_bytes_are_not_what_the_name_says():
    decoded = PillowCodec().decode(encoded(picture(100, 50), "JPEG"), SMALL_WIDTHS)
    assert decoded.content_type == "image/jpeg"
    assert {r.content_type for r in decoded.renditions} == {WEBP, "image/jpeg"}


def test_a_photo_taken_sideways_is_measured_and_resized_as_it_is_shown():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    decoded = PillowCodec().decode(encoded(picture(100, 50), "JPEG", exif=exif), SMALL_WIDTHS)
    assert (decoded.width, decoded.height) == (50, 100)
    assert [(r.width, r.height) for r in decoded.renditions if r.content_type == WEBP] == [
        (40, 80),
        (50, 100),
    ]


def test_copies_leave_out_the_cameras_exif_data_and_keep_the_colour_profile():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    profile = Image.open(io.BytesIO(encoded(picture(8, 8), "PNG"))).info.get("icc_profile") or b"p" * 200
    original = encoded(picture(100, 50), "JPEG", exif=exif, icc_profile=profile)
    for rendition in PillowCodec().decode(original, SMALL_WIDTHS).renditions:
        image = opened(rendition)
        assert not image.getexif(), rendition
        assert image.info.get("icc_profile") == profile, rendition


def test_a_palette_png_with_transparency_keeps_it_and_is_resized_smoothly():
    palette = picture(100, 50).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    decoded = PillowCodec().decode(encoded(palette, "PNG", transparency=0), SMALL_WIDTHS)
    webp = opened(decoded.renditions[0])
    assert webp.mode == "RGBA"
    lowest_alpha, _ = webp.getchannel("A").getextrema()
    assert lowest_alpha == 0  # a transparent pixel survived
    # Smooth (not nearest-pixel) resizing makes colours the 16-colour palette does not hold.
    assert len(set(webp.convert("RGB").get_flattened_data())) > 16


@pytest.mark.parametrize("mode", ["L", "LA", "CMYK", "I;16", "1"])
def test_every_common_pixel_mode_is_resized_into_formats_browsers_show(mode: str):
    image = (
        picture(100, 50).convert("RGBA").convert(mode)
        if mode != "I;16"
        else picture(100, 50, "L").convert("I;16")
    )
    format = "JPEG" if mode == "CMYK" else "PNG"
    decoded = PillowCodec().decode(encoded(image, format), SMALL_WIDTHS)
    assert decoded.renditions
    for rendition in decoded.renditions:
        assert opened(rendition).size == (rendition.width, rendition.height)


def test_an_animated_gif_is_measured_but_not_resized_so_its_frames_are_kept():
    frames = [picture(60, 30), picture(60, 30).transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    decoded = PillowCodec().decode(data, SMALL_WIDTHS)
    assert (decoded.width, decoded.height, decoded.content_type, decoded.animated) == (
        60,
        30,
        "image/gif",
        True,
    )
    assert decoded.renditions == ()


def test_a_still_gif_gets_webp_copies_only():
    decoded = PillowCodec().decode(encoded(picture(100, 50), "GIF"), SMALL_WIDTHS)
    assert decoded.content_type == "image/gif"
    assert {r.content_type for r in decoded.renditions} == {WEBP}


def test_an_image_over_the_pixel_cap_is_refused_from_its_header_naming_its_size():
    with pytest.raises(ImageRefusedError) as refused:
        PillowCodec().decode(png_claiming(20_000, 20_000), SMALL_WIDTHS)
    assert str(refused.value) == (
        "it is 20,000 by 20,000 pixels, over the 40 megapixels pressroom resizes; "
        "it is shown as uploaded, without smaller copies for small screens"
    )


def test_the_cap_is_on_pixels_so_a_long_thin_image_under_it_is_read():
    codec = PillowCodec(max_pixels=10_000)
    assert codec.decode(encoded(picture(100, 100), "PNG"), SMALL_WIDTHS).width == 100
    with pytest.raises(ImageRefusedError, match=r"101 by 100 pixels, over the 0\.01 megapixels"):
        codec.decode(encoded(picture(101, 100), "PNG"), SMALL_WIDTHS)


def test_a_decompression_bomb_far_over_the_cap_is_refused_before_pillow_decodes_it():
    before = Image.MAX_IMAGE_PIXELS
    bomb = png_claiming(100_000, 100_000)  # 10 gigapixels in a few hundred bytes
    assert len(bomb) < 1_000
    with pytest.raises(ImageRefusedError, match=r"^it is 100,000 by 100,000 pixels, over the 40 megapixels"):
        PillowCodec().decode(bomb, SMALL_WIDTHS)
    assert before == Image.MAX_IMAGE_PIXELS  # Pillow's own bound, lifted while the header is read, is back


def test_a_truncated_image_is_refused_saying_its_pixels_could_not_be_read():
    data = encoded(picture(100, 50), "PNG")
    with pytest.raises(ImageRefusedError, match=r"^its pixels could not be read"):
        PillowCodec().decode(data[: len(data) // 2], SMALL_WIDTHS)


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", encoded(picture(10, 10), "TIFF"), encoded(picture(10, 10), "BMP"), b""],
    ids=["text", "tiff", "bmp", "empty"],
)
def test_anything_but_the_four_formats_is_refused_unread(data: bytes):
    with pytest.raises(
        ImageRefusedError, match=r"^it is not a PNG, JPEG, GIF or WebP image that can be read$"
    ):
        PillowCodec().decode(data, SMALL_WIDTHS)
