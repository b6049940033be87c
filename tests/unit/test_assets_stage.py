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

    assert stage.sync(BUCKET, "assets/logo.png") == "copied"

    copy = world.site.objects["assets/logo.png"]
    assert (copy.body, copy.content_type) == (b"\x89PNG second", "image/png")
    assert world.invalidations.batches == [["assets/logo.png"]]


def test_an_image_beside_a_post_is_published_beside_its_page(world: World, stage: AssetsStage):
    world.upload("posts/hello/chart.jpg", b"jpeg")

    assert stage.sync(BUCKET, "posts/hello/chart.jpg") == "copied"
    assert world.site.objects["posts/hello/chart.jpg"].content_type == "image/jpeg"


def test_a_deleted_asset_leaves_the_site(world: World, stage: AssetsStage):
    world.upload("assets/logo.png", b"png")
    stage.sync(BUCKET, "assets/logo.png")
    world.uploads.delete(BUCKET, "assets/logo.png")

    assert stage.sync(BUCKET, "assets/logo.png") == "removed"
    assert "assets/logo.png" not in world.site.objects


@pytest.mark.parametrize("key", ["assets/page.html", "assets/theme/style.css", "assets/drawing.svg"])
def test_files_that_could_carry_script_or_clash_with_the_theme_are_refused(
    world: World, stage: AssetsStage, key: str
):
    world.upload(key, b"<script>alert(1)</script>")

    assert stage.sync(BUCKET, key) == "refused"
    assert world.site.objects == {}
