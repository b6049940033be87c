"""AssetsFunction: images and files uploaded beside posts or under assets/ follow onto the site."""

from __future__ import annotations

from typing import Any

import pytest

from pressroom_tools.local.stack import LocalStack

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def hosted(stack: LocalStack) -> dict[str, Any]:
    objects: dict[str, Any] = stack.site_objects()
    return objects


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("assets/logo.png", "image/png"),
        ("assets/papers/2024/report.pdf", "application/pdf"),
        ("posts/my-post/chart.jpg", "image/jpeg"),
        ("assets/photos/CHART.JPG", "image/jpeg"),
        ("posts/my-post/photo.webp", "image/webp"),
    ],
)
def test_an_uploaded_asset_is_copied_with_its_type(stack: LocalStack, key: str, content_type: str):
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=PNG, ContentType="text/html")

    stats = stack.run_until_quiet()

    # ImagesFunction looks at the images too (and, these being no real images, NotifyFunction says so).
    assert [i.function for i in stats.invocations if i.function == "AssetsFunction"] == ["AssetsFunction"]
    assert all(invocation.succeeded for invocation in stats.invocations)
    item = hosted(stack)[key]
    assert item["body"] == PNG
    assert item["content_type"] == content_type  # from the file type, never from the uploader
    assert item["cache_control"] == "public, max-age=86400"
    assert stack.invalidations()[-1] == [f"/{key}"]


def test_a_deleted_asset_leaves_the_site(stack: LocalStack):
    bucket = stack.output("UploadsBucketName")
    stack.s3.put_object(Bucket=bucket, Key="assets/logo.png", Body=PNG)
    stack.run_until_quiet()

    stack.s3.delete_object(Bucket=bucket, Key="assets/logo.png")
    stack.run_until_quiet()

    assert "assets/logo.png" not in hosted(stack)


def test_a_replaced_asset_is_replaced(stack: LocalStack):
    bucket = stack.output("UploadsBucketName")
    stack.s3.put_object(Bucket=bucket, Key="assets/logo.png", Body=PNG)
    stack.s3.put_object(Bucket=bucket, Key="assets/logo.png", Body=PNG + b"v2")

    stack.run_until_quiet()

    assert hosted(stack)["assets/logo.png"]["body"] == PNG + b"v2"


@pytest.mark.parametrize(
    "key",
    [
        "assets/page.html",  # could run script from the site's origin
        "assets/icon.svg",  # so could an SVG holding a script
        "assets/theme/style.css",  # the theme's own files
        "assets/notes",  # no type at all
    ],
)
def test_files_that_could_carry_script_or_clash_with_the_theme_are_not_copied(stack: LocalStack, key: str):
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=b"<script>alert(1)</script>")

    stats = stack.run_until_quiet()

    assert all(invocation.succeeded for invocation in stats.invocations)
    assert key not in hosted(stack)


def test_markdown_beside_posts_is_a_post_not_an_asset(stack: LocalStack):
    stack.upload("posts/hello.md", b"---\ntitle: Hello\ndate: 2024-05-01\n---\n\nHi.\n")

    stats = stack.run_until_quiet()

    assert "AssetsFunction" not in {invocation.function for invocation in stats.invocations}
    assert "posts/hello/index.html" in hosted(stack)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'


@pytest.mark.parametrize(
    ("key", "body", "content_type"),
    [
        ("posts/my-post/diagram.SVG", SVG, "image/svg+xml"),  # the rule takes it beside a post too
        ("assets/favicon.ico", b"\x00\x00\x01\x00", "image/x-icon"),
        ("posts/my-post/notes.txt", b"Notes.", "text/plain; charset=utf-8"),
    ],
)
def test_an_svg_holding_no_script_a_favicon_and_a_text_file_are_published(
    stack: LocalStack, key: str, body: bytes, content_type: str
):
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=body)

    stats = stack.run_until_quiet()

    assert [i.function for i in stats.invocations if i.function == "AssetsFunction"] == ["AssetsFunction"]
    item = hosted(stack)[key]
    assert (item["body"], item["content_type"]) == (body, content_type)


def test_a_favicon_is_also_served_where_browsers_look_for_one(stack: LocalStack):
    bucket = stack.output("UploadsBucketName")
    stack.s3.put_object(Bucket=bucket, Key="assets/favicon.ico", Body=b"\x00\x00\x01\x00")
    stack.run_until_quiet()

    assert hosted(stack)["favicon.ico"]["body"] == b"\x00\x00\x01\x00"
    assert hosted(stack)["favicon.ico"]["content_type"] == "image/x-icon"
    assert stack.invalidations()[-1] == ["/assets/favicon.ico", "/favicon.ico"]

    stack.s3.delete_object(Bucket=bucket, Key="assets/favicon.ico")
    stack.run_until_quiet()

    assert {"assets/favicon.ico", "favicon.ico"}.isdisjoint(hosted(stack))
