"""ImagesFunction on the local stack: an image uploaded beside a post or under assets/ gets its
smaller copies and a record, from S3's own event; one that cannot be resized is published as it
is and its author told why, and nothing else changes."""

from __future__ import annotations

from typing import Any

from picture_files import encoded, picture, png_claiming

from pressroom.adapters.image_records import ImageRecordStore
from pressroom.images import VARIANT_CACHE_CONTROL, WEBP
from pressroom_tools.local.stack import LocalStack

KEY = "posts/hello/Beach Photo.png"


def upload(stack: LocalStack, key: str, body: bytes) -> None:
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=body)


def records(stack: LocalStack) -> ImageRecordStore:
    return ImageRecordStore(stack.session.client("dynamodb"), stack.output("PostsTableName"))


def copies(stack: LocalStack) -> dict[str, dict[str, Any]]:
    return {key: item for key, item in stack.site_objects().items() if key.startswith("_images/")}


def test_a_2000_pixel_png_beside_a_post_gets_webp_copies_smaller_than_it(stack: LocalStack):
    original = encoded(picture(2000, 1300), "PNG")
    upload(stack, KEY, original)

    stats = stack.run_until_quiet()

    assert all(invocation.succeeded for invocation in stats.invocations)
    record = records(stack).get(KEY)
    assert record is not None
    assert (record.width, record.height, record.content_type) == (2000, 1300, "image/png")
    webp = sorted(v.width for v in record.variants if v.content_type == WEBP)
    assert webp == [480, 960, 1440, 1920, 2000]
    site = copies(stack)
    assert set(site) == {variant.key for variant in record.variants}
    for variant in record.variants:
        assert site[variant.key]["content_type"] == variant.content_type
        assert site[variant.key]["cache_control"] == VARIANT_CACHE_CONTROL
        assert len(site[variant.key]["body"]) == variant.size < len(original)
    assert stack.site_objects()[KEY]["body"] == original  # AssetsFunction published the original
    assert stack.announcements() == []


def test_an_image_deleted_loses_its_record(stack: LocalStack):
    upload(stack, "assets/logo.png", encoded(picture(600, 200), "PNG"))
    stack.run_until_quiet()
    assert records(stack).get("assets/logo.png") is not None

    stack.s3.delete_object(Bucket=stack.output("UploadsBucketName"), Key="assets/logo.png")
    stack.run_until_quiet()

    assert records(stack).get("assets/logo.png") is None
    assert "assets/logo.png" not in stack.site_objects()


def test_a_20000_pixel_square_and_a_decompression_bomb_are_refused_with_reasons_and_nothing_else_changes(
    stack: LocalStack,
):
    upload(stack, "assets/logo.png", encoded(picture(600, 200), "PNG"))
    stack.run_until_quiet()
    before = copies(stack)

    upload(stack, "posts/hello/huge.png", png_claiming(20_000, 20_000))
    upload(stack, "assets/bomb.png", png_claiming(100_000, 100_000))
    stats = stack.run_until_quiet()

    assert all(invocation.succeeded for invocation in stats.invocations)
    assert not any(stack.failed_events().values())
    assert copies(stack) == before
    assert records(stack).get("posts/hello/huge.png") is None
    assert records(stack).get("assets/bomb.png") is None
    assert records(stack).get("assets/logo.png") is not None
    site = stack.site_objects()
    assert "posts/hello/huge.png" in site  # published as uploaded
    assert "assets/bomb.png" in site
    told = {announcement.subject: announcement.message for announcement in stack.announcements()}
    assert set(told) == {"Image not resized: huge.png", "Image not resized: bomb.png"}
    assert (
        "it is 20,000 by 20,000 pixels, over the 40 megapixels pressroom resizes"
        in told["Image not resized: huge.png"]
    )
    assert "it is 100,000 by 100,000 pixels" in told["Image not resized: bomb.png"]


def test_a_post_published_after_its_image_offers_the_copies_from_the_catalogue(stack: LocalStack):
    upload(stack, KEY, encoded(picture(2000, 1300), "PNG"))
    stack.run_until_quiet()
    stack.upload(
        "posts/hello.md",
        b"---\ntitle: Hello\ndate: 2024-05-01\n---\n\n![The beach](Beach%20Photo.png)\n",
    )

    stack.run_until_quiet()

    page = stack.site_objects()["posts/hello/index.html"]["body"].decode()
    record = records(stack).get(KEY)
    assert record is not None
    assert f'<source type="image/webp" srcset="{record.srcset(WEBP)}"' in page
    assert 'alt="The beach" width="2000" height="1300" srcset="/_images/' in page
