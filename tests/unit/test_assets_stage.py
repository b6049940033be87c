"""AssetsStage on in-memory ports: the site's copy follows the upload's current version."""

from __future__ import annotations

import pytest
from world import BUCKET, World

from pressroom.pipeline.assets import AssetsStage


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def stage(world: World) -> AssetsStage:
    return AssetsStage(world.site, world.uploads, world.invalidations)


def test_an_image_is_copied_typed_by_its_name_and_invalidated(world: World, stage: AssetsStage):
    world.upload("assets/logo.png", b"\x89PNG first")
    world.upload("assets/logo.png", b"\x89PNG second")

    assert stage.sync(BUCKET, "assets/logo.png").action == "copied"

    copy = world.site.objects["assets/logo.png"]
    assert (copy.body, copy.content_type) == (b"\x89PNG second", "image/png")
    assert world.invalidations.batches == [["assets/logo.png"]]


def test_an_image_beside_a_post_is_published_beside_its_page(world: World, stage: AssetsStage):
    world.upload("posts/hello/chart.jpg", b"jpeg")

    assert stage.sync(BUCKET, "posts/hello/chart.jpg").action == "copied"
    assert world.site.objects["posts/hello/chart.jpg"].content_type == "image/jpeg"


def test_a_deleted_asset_leaves_the_site(world: World, stage: AssetsStage):
    world.upload("assets/logo.png", b"png")
    stage.sync(BUCKET, "assets/logo.png")
    world.uploads.delete(BUCKET, "assets/logo.png")

    assert stage.sync(BUCKET, "assets/logo.png").action == "removed"
    assert "assets/logo.png" not in world.site.objects


@pytest.mark.parametrize("key", ["assets/page.html", "assets/theme/style.css", "assets/drawing.svg"])
def test_files_that_could_carry_script_or_clash_with_the_theme_are_refused(
    world: World, stage: AssetsStage, key: str
):
    world.upload(key, b"<script>alert(1)</script>")

    assert stage.sync(BUCKET, key).action == "refused"
    assert world.site.objects == {}


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("assets/theme/style.css", "assets/theme/style.css: assets/theme/ belongs to the theme"),
        ("pages/cv.pdf", "pages/cv.pdf: assets go under assets/ or posts/<slug>/"),
        ("posts/chart.png", "posts/chart.png: assets go under assets/ or posts/<slug>/"),
        ("assets/../posts/x.png", "assets/../posts/x.png: not a plain path"),
        ("assets/./x.png", "assets/./x.png: not a plain path"),
        ("assets//x.png", "assets//x.png: not a plain path"),
        ("assets/a\\x.png", "assets/a\\x.png: not a plain path"),
        (
            "assets/page.html",
            "assets/page.html: only .avif, .gif, .ico, .jpeg, .jpg, .pdf, .png, .svg, .txt, .webmanifest, "
            ".webp files are copied to the site",
        ),
    ],
)
def test_a_refusal_says_why(world: World, stage: AssetsStage, key: str, reason: str):
    world.upload(key, b"data")

    assert stage.sync(BUCKET, key) == ("refused", reason)
    assert world.site.objects == {}


def test_a_copy_is_cached_for_a_day(world: World, stage: AssetsStage):
    world.upload("assets/logo.png", b"png")

    stage.sync(BUCKET, "assets/logo.png")

    assert world.site.objects["assets/logo.png"].cache_control == "public, max-age=86400"


def test_a_favicon_is_published_at_the_root_too_and_leaves_from_both(world: World, stage: AssetsStage):
    world.upload("assets/favicon.ico", b"ico")

    assert stage.sync(BUCKET, "assets/favicon.ico").action == "copied"
    assert world.site.objects["favicon.ico"].body == world.site.objects["assets/favicon.ico"].body == b"ico"
    assert world.site.objects["favicon.ico"].content_type == "image/x-icon"
    assert world.invalidations.batches == [["assets/favicon.ico", "favicon.ico"]]

    world.uploads.delete(BUCKET, "assets/favicon.ico")
    stage.sync(BUCKET, "assets/favicon.ico")

    assert world.site.objects == {}


def test_only_the_favicon_by_its_exact_name_is_served_at_the_root(world: World, stage: AssetsStage):
    world.upload("assets/icons/favicon.ico", b"ico")
    world.upload("assets/Favicon.ico", b"ico")

    stage.sync(BUCKET, "assets/icons/favicon.ico")
    stage.sync(BUCKET, "assets/Favicon.ico")

    assert sorted(world.site.objects) == ["assets/Favicon.ico", "assets/icons/favicon.ico"]
