"""ImagesStage on in-memory ports with the real codec: an uploaded image's smaller copies follow
its current version, once per version, and what cannot be resized is refused with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from picture_files import encoded, picture, png_claiming
from world import BUCKET, NOW, World, post_file

from pressroom.adapters.pillow_codec import PillowCodec
from pressroom.events import DetailType, ImageProcessed, ImageRejected
from pressroom.images import MAX_IMAGE_BYTES, VARIANT_CACHE_CONTROL, WEBP, DecodedImage, content_digest
from pressroom.pipeline.images import ImagesStage
from pressroom_tools.memory import MemoryBus, MemoryImageRecords, MemorySite, MemoryUploads

KEY = "posts/cats/sleeping cat.png"


@dataclass
class CountingCodec:
    """The real codec, counting its work; `meanwhile` runs inside a decode (a newer upload)."""

    decodes: int = 0
    meanwhile: list[object] = field(default_factory=list)
    codec: PillowCodec = field(default_factory=PillowCodec)

    def decode(self, data: bytes, widths: tuple[int, ...]) -> DecodedImage:
        self.decodes += 1
        for action in self.meanwhile:
            assert callable(action)
            action()
        return self.codec.decode(data, widths)


@dataclass
class Images:
    uploads: MemoryUploads = field(default_factory=MemoryUploads)
    records: MemoryImageRecords = field(default_factory=MemoryImageRecords)
    bus: MemoryBus = field(default_factory=MemoryBus)
    codec: CountingCodec = field(default_factory=CountingCodec)

    def __post_init__(self) -> None:
        self.site = MemorySite(self.uploads)
        self.stage = ImagesStage(self.site, self.uploads, self.records, self.codec, self.bus)

    def upload(self, key: str, data: bytes) -> None:
        self.uploads.put(BUCKET, key, data)

    def sync(self, key: str = KEY) -> str:
        return self.stage.sync(BUCKET, key)

    def variant_keys(self) -> set[str]:
        return {key for key in self.site.objects if key.startswith("_images/")}


@pytest.fixture
def images() -> Images:
    return Images()


def test_an_image_gets_smaller_copies_each_smaller_than_it_recorded_and_announced(images: Images):
    original = encoded(picture(1000, 500), "PNG")
    images.upload(KEY, original)

    assert images.sync() == "processed"

    record = images.records.get(KEY)
    assert record is not None
    assert (record.width, record.height, record.content_type) == (1000, 500, "image/png")
    assert record.etag == images.uploads.current(BUCKET, KEY).etag  # type: ignore[union-attr]
    digest = content_digest(original)
    assert {v.key for v in record.variants} == images.variant_keys()
    assert {(v.width, v.content_type) for v in record.variants if v.content_type == WEBP} == {
        (480, WEBP),
        (960, WEBP),
        (1000, WEBP),
    }
    for variant in record.variants:
        copy = images.site.objects[variant.key]
        assert variant.key.startswith(f"_images/{digest}/sleeping-cat-{variant.width}w.")
        assert (copy.content_type, copy.cache_control, len(copy.body)) == (
            variant.content_type,
            VARIANT_CACHE_CONTROL,
            variant.size,
        )
        assert variant.size < len(original)
    [(detail_type, detail)] = images.bus.events
    assert detail_type == DetailType.IMAGE_PROCESSED
    assert isinstance(detail, ImageProcessed)
    assert (detail.source.key, detail.width, detail.height, detail.variants) == (
        KEY,
        1000,
        500,
        len(record.variants),
    )


def test_a_duplicate_or_late_event_for_a_version_already_done_decodes_nothing(images: Images):
    images.upload(KEY, encoded(picture(600, 300), "JPEG"))
    images.sync()

    assert images.sync() == "unchanged"
    assert images.codec.decodes == 1
    assert len(images.bus.events) == 1


def test_a_new_version_gets_new_copies_and_the_old_ones_stay_for_pages_not_yet_rendered_again(images: Images):
    images.upload(KEY, encoded(picture(600, 300), "PNG"))
    images.sync()
    first = images.variant_keys()
    images.upload(KEY, encoded(picture(700, 300), "PNG"))

    assert images.sync() == "processed"

    record = images.records.get(KEY)
    assert record is not None
    assert record.width == 700
    assert {v.key for v in record.variants}.isdisjoint(first)
    assert first < images.variant_keys()


def test_a_deleted_image_is_forgotten_and_announced_so_its_pages_drop_the_copies(images: Images):
    images.upload(KEY, encoded(picture(600, 300), "PNG"))
    images.sync()
    images.uploads.delete(BUCKET, KEY)

    assert images.sync() == "removed"
    assert images.records.get(KEY) is None
    detail_type, detail = images.bus.events[-1]
    assert detail_type == DetailType.IMAGE_PROCESSED
    assert isinstance(detail, ImageProcessed)
    assert (detail.width, detail.variants) == (None, 0)
    assert images.sync() == "unchanged"  # a duplicate of the deletion's event
    assert len(images.bus.events) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            png_claiming(20_000, 20_000),
            "it is 20,000 by 20,000 pixels, over the 40 megapixels pressroom resizes",
        ),
        (png_claiming(100_000, 100_000), "it is 100,000 by 100,000 pixels, over the 40 megapixels"),
        (b"GIF89a but not really", "it is not a PNG, JPEG, GIF or WebP image that can be read"),
    ],
    ids=["20000-square", "decompression-bomb", "not-an-image"],
)
def test_an_image_that_cannot_be_resized_is_refused_with_its_reason_and_nothing_else_changes(
    images: Images, data: bytes, reason: str
):
    images.upload("assets/other.png", encoded(picture(600, 300), "PNG"))
    images.sync("assets/other.png")
    before = dict(images.site.objects)
    images.upload(KEY, data)

    assert images.sync() == "refused"

    assert images.records.get(KEY) is None
    assert images.site.objects == before
    assert images.records.get("assets/other.png") is not None
    detail_type, detail = images.bus.events[-1]
    assert detail_type == DetailType.IMAGE_REJECTED
    assert isinstance(detail, ImageRejected)
    assert detail.source.key == KEY
    [refusal] = detail.reasons
    assert refusal.message.startswith(reason)
    assert refusal.message.endswith("it is shown as uploaded, without smaller copies for small screens") or (
        "not a PNG" in reason
    )


def test_a_refused_new_version_takes_away_the_copies_of_the_picture_it_replaced(images: Images):
    images.upload(KEY, encoded(picture(600, 300), "PNG"))
    images.sync()
    images.upload(KEY, png_claiming(20_000, 20_000))

    assert images.sync() == "refused"
    assert images.records.get(KEY) is None


def test_an_upload_over_the_byte_cap_is_refused_unread(images: Images):
    images.upload(KEY, b"\0" * (MAX_IMAGE_BYTES + 1))

    assert images.sync() == "refused"
    assert images.codec.decodes == 0
    _, detail = images.bus.events[-1]
    assert isinstance(detail, ImageRejected)
    assert detail.reasons[0].message.startswith("it is 40.0 MB, over the 40 MB pressroom resizes")


def test_a_version_replaced_while_it_was_decoded_is_not_recorded_over_the_newer_one(images: Images):
    images.upload(KEY, encoded(picture(600, 300), "PNG"))
    images.codec.meanwhile.append(lambda: images.upload(KEY, encoded(picture(800, 300), "PNG")))

    assert images.sync() == "superseded"
    assert images.records.get(KEY) is None
    assert images.bus.events == []

    images.codec.meanwhile.clear()
    assert images.sync() == "processed"  # the newer version's own event
    record = images.records.get(KEY)
    assert record is not None
    assert record.width == 800


def test_an_animated_gif_is_recorded_with_its_size_and_no_copies(images: Images):
    frames = [picture(600, 300), picture(600, 300).rotate(180)]
    images.upload("assets/dance.gif", encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]))

    assert images.sync("assets/dance.gif") == "processed"
    record = images.records.get("assets/dance.gif")
    assert record is not None
    assert (record.width, record.height, record.content_type, record.variants) == (600, 300, "image/gif", ())


@pytest.mark.parametrize(
    "key",
    ["assets/theme/logo.png", "posts/cat.png", "drafts/cat.png", "assets/photo.avif", "assets/notes.pdf"],
)
def test_only_images_pressroom_publishes_and_resizes_are_looked_at(images: Images, key: str):
    images.upload(key, encoded(picture(600, 300), "PNG"))

    assert images.sync(key) == "ignored"
    assert images.codec.decodes == 0
    assert images.bus.events == []


# ---------------------------------------------------------------- the pages that show them


def test_a_post_rendered_after_its_images_copies_offers_them_with_their_size():
    world = World()
    images = Images(uploads=world.uploads, records=world.images)
    images.upload("posts/hello/chart.png", encoded(picture(1000, 500), "PNG"))
    images.sync("posts/hello/chart.png")
    body = "![A chart](chart.png)\n\n![Remote](https://elsewhere.example/x.png)\n"

    world.publish("posts/hello.md", post_file("Hello", extra="image: /posts/hello/chart.png", body=body))

    page = world.site.text("posts/hello/index.html")
    record = world.images.get("posts/hello/chart.png")
    assert record is not None
    webp = record.srcset(WEBP)
    assert webp.startswith("/_images/")
    assert page.count(f'<source type="image/webp" srcset="{webp}"') == 2  # the cover and the body's
    assert '<img src="chart.png" alt="A chart" width="1000" height="500" srcset=' in page
    assert '<img src="https://elsewhere.example/x.png" alt="Remote"' in page  # not this site's: as it was


def test_a_post_rendered_before_its_images_copies_shows_the_original_as_it_is():
    world = World()
    world.upload("posts/hello/chart.png", encoded(picture(1000, 500), "PNG"))

    world.publish("posts/hello.md", post_file("Hello", body="![A chart](chart.png)\n"))

    page = world.site.text("posts/hello/index.html")
    assert '<img src="chart.png" alt="A chart"' in page
    assert "<picture>" not in page


def test_when_an_images_copies_are_made_the_live_pages_that_show_it_are_rendered_again_once():
    world = World()
    images = Images(uploads=world.uploads, records=world.images)
    images.upload("posts/hello/chart.png", encoded(picture(1000, 500), "PNG"))
    world.publish("posts/hello.md", post_file("Hello", body="![A chart](chart.png)\n"))
    world.publish("posts/other.md", post_file("Other", body="No pictures.\n"))
    world.stale.take()
    assert "<picture>" not in world.site.text("posts/hello/index.html")

    images.sync("posts/hello/chart.png")
    [(_, processed)] = images.bus.events
    world.rendering.handle(processed, NOW)

    assert "<picture>" in world.site.text("posts/hello/index.html")
    assert world.stale.take() == {"purge|posts/hello/index.html"}  # the CDN forgets the old page
    assert world.bus.events[-1][0] is DetailType.POST_PUBLISHED  # nothing new announced


def test_a_deleted_images_pages_are_rendered_again_showing_it_as_it_is():
    world = World()
    images = Images(uploads=world.uploads, records=world.images)
    images.upload("posts/hello/chart.png", encoded(picture(1000, 500), "PNG"))
    images.sync("posts/hello/chart.png")
    world.publish("posts/hello.md", post_file("Hello", body="![A chart](chart.png)\n"))
    world.uploads.delete(BUCKET, "posts/hello/chart.png")

    images.sync("posts/hello/chart.png")
    world.rendering.handle(images.bus.events[-1][1], NOW)

    assert "<picture>" not in world.site.text("posts/hello/index.html")
