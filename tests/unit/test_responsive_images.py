"""A rendered page's images offered at the size readers see them (pressroom.theme.responsive)."""

from __future__ import annotations

import pytest

from pressroom.images import WEBP, ImageRecord, Variant
from pressroom.theme.responsive import SIZES, image_keys, site_image_key, with_responsive_images

BASE = "https://blog.example.com"
PAGE = "/posts/hello/"
CAT = ImageRecord(
    key="posts/hello/cat.png",
    etag="e",
    width=2000,
    height=1300,
    content_type="image/png",
    variants=(
        Variant("_images/d/cat-480w.webp", 480, 312, WEBP, 5),
        Variant("_images/d/cat-480w.png", 480, 312, "image/png", 50),
        Variant("_images/d/cat-2000w.webp", 2000, 1300, WEBP, 90),
    ),
)
WEBP_SRCSET = "/_images/d/cat-480w.webp 480w, /_images/d/cat-2000w.webp 2000w"
PNG_SRCSET = "/_images/d/cat-480w.png 480w, /posts/hello/cat.png 2000w"


@pytest.mark.parametrize(
    ("src", "key"),
    [
        ("cat.png", "posts/hello/cat.png"),
        ("./cat.png", "posts/hello/cat.png"),
        ("/assets/logo.PNG", "assets/logo.PNG"),
        ("../other/chart.jpg", "posts/other/chart.jpg"),
        ("https://blog.example.com/assets/a%20b.webp", "assets/a b.webp"),
        ("https://cdn.example.com/assets/logo.png", None),  # another site's
        ("http://blog.example.com/assets/logo.png", None),  # another scheme: not what the site serves
        ("/assets/logo.png?w=100", None),  # someone else's resizing
        ("/assets/logo.png#x", None),
        ("/assets/photo.avif", None),  # not resized
        ("/assets/", None),
        ("", None),
        ("data:image/png;base64,AAAA", None),
    ],
)
def test_an_image_source_is_resolved_to_the_upload_it_is_only_if_it_is_this_sites(src: str, key: str | None):
    assert site_image_key(src, PAGE, BASE) == key


def test_a_site_under_a_path_resolves_images_under_it():
    assert site_image_key("/blog/assets/logo.png", "/blog/posts/x/", "https://example.com/blog/") == (
        "blog/assets/logo.png"
    )


def test_a_recorded_image_becomes_a_picture_with_webp_copies_its_own_format_and_its_size():
    html = '<p><img src="cat.png" alt="A cat"></p>'

    assert with_responsive_images(html, PAGE, BASE, {CAT.key: CAT}) == (
        f'<p><picture><source type="image/webp" srcset="{WEBP_SRCSET}" sizes="{SIZES}">'
        f'<img src="cat.png" alt="A cat" width="2000" height="1300" srcset="{PNG_SRCSET}" sizes="{SIZES}" '
        'loading="lazy" decoding="async"></picture></p>'
    )


def test_what_the_page_already_says_is_kept():
    html = '<img src="/posts/hello/cat.png" alt="" width="300" loading="eager" decoding="sync">'

    out = with_responsive_images(html, PAGE, BASE, {CAT.key: CAT})

    assert 'width="300"' in out
    assert 'height="1300"' not in out  # the author's width alone: the browser keeps the proportions
    assert 'loading="eager" decoding="sync"' in out


def test_an_image_with_its_own_srcset_is_left_alone():
    html = '<img src="cat.png" srcset="cat.png 1x, cat@2x.png 2x">'

    assert with_responsive_images(html, PAGE, BASE, {CAT.key: CAT}) == html


def test_a_webp_original_lists_its_copies_without_a_picture():
    record = ImageRecord(
        "assets/a.webp", "e", 1000, 500, WEBP, (Variant("_images/d/a-480w.webp", 480, 240, WEBP, 1),)
    )

    out = with_responsive_images('<img src="/assets/a.webp">', PAGE, BASE, {record.key: record})

    assert out == (
        '<img src="/assets/a.webp" width="1000" height="500" '
        f'srcset="/_images/d/a-480w.webp 480w, /assets/a.webp 1000w" sizes="{SIZES}" '
        'loading="lazy" decoding="async">'
    )


def test_an_image_without_copies_still_gets_its_size_so_nothing_shifts():
    record = ImageRecord("assets/dance.gif", "e", 600, 300, "image/gif")

    out = with_responsive_images('<img src="/assets/dance.gif" alt="">', PAGE, BASE, {record.key: record})

    assert (
        out == '<img src="/assets/dance.gif" alt="" width="600" height="300" loading="lazy" decoding="async">'
    )


def test_images_without_a_record_and_other_markup_are_untouched_byte_for_byte():
    html = (
        "<!doctype html>\n<p class=x>Text &amp; <b>more</b></p>\r\n"
        '<img src="/assets/unknown.png" alt=\'single\'>\n<pre><code>&lt;img src="cat.png"&gt;</code></pre>\n'
        '<img src="cat.png">'
    )

    out = with_responsive_images(html, PAGE, BASE, {CAT.key: CAT})

    head, _, tail = out.rpartition("<picture>")
    assert head == html.removesuffix('<img src="cat.png">')
    assert tail.endswith("</picture>")


def test_an_attribute_value_that_holds_an_img_tag_does_not_fool_it():
    html = (
        '<img alt="a &lt;img src=&quot;cat.png&quot;&gt; <img src=cat.png>" src="/assets/none.png">'
        '<img src="cat.png">'
    )

    out = with_responsive_images(html, PAGE, BASE, {CAT.key: CAT})

    assert out.count("<picture>") == 1
    assert out.startswith(
        '<img alt="a &lt;img src=&quot;cat.png&quot;&gt; <img src=cat.png>" src="/assets/none.png">'
    )


def test_attribute_values_are_escaped_again_when_the_tag_is_rewritten():
    out = with_responsive_images(
        '<img src="cat.png" alt="&quot;Tom&quot; &amp; &lt;Jerry&gt;">', PAGE, BASE, {CAT.key: CAT}
    )

    assert 'alt="&quot;Tom&quot; &amp; &lt;Jerry&gt;"' in out


def test_image_keys_lists_the_sites_recordable_images_once_in_order():
    html = (
        '<img src="cat.png"><img src="/assets/b.jpg"><img src="https://elsewhere.example/c.png">'
        '<img src="cat.png">'
    )

    assert image_keys(html, PAGE, BASE) == ["posts/hello/cat.png", "assets/b.jpg"]


def test_a_page_without_images_names_none():
    assert image_keys("<p>No pictures, only text about img tags.</p>", PAGE, BASE) == []


def test_an_image_tag_in_capitals_is_found_as_the_browser_finds_it():
    assert image_keys('<P><IMG SRC="cat.png"></P>', PAGE, BASE) == ["posts/hello/cat.png"]


def test_a_self_closed_image_tag_is_offered_its_copies_too():
    out = with_responsive_images('<img src="cat.png" alt="A cat" />', PAGE, BASE, {CAT.key: CAT})

    assert out.startswith(f'<picture><source type="image/webp" srcset="{WEBP_SRCSET}"')
    assert 'alt="A cat" width="2000" height="1300"' in out
