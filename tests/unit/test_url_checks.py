"""Which addresses front matter may use: what an author reading the refusal would recognise."""

from __future__ import annotations

import pytest
from world import NOW, RULES, post_file

from pressroom.model import Rejection
from pressroom.reading.validation import validate_post
from pressroom.urls import absolute, url_fields, url_problem

CONTROL_CHARACTERS = "a URL may not contain control characters or line breaks"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a",
        "http://example.com/a",
        "HTTPS://EXAMPLE.COM/",
        "//cdn.example.com/image.png",
        "/posts/hello/",
        "images/cat.png",
        "#section",
        "?page=2",
        "a b.png",  # a space is not a control character
        "",
    ],
)
def test_web_addresses_and_paths_on_the_site_are_allowed(url: str):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "java\tscript:alert(1)",  # browsers strip the tab and run the script
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "https://example.com/\x00",
        "https://example.com/\x1f",
        "https://example.com/\x7f",
        "\x01https://example.com/",
    ],
)
def test_an_address_with_a_control_character_is_refused(url: str):
    assert url_problem(url) == CONTROL_CHARACTERS


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert(1)", "JavaScript"),
        ("  javascript:alert(1)", "javascript"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("vbscript:msgbox", "vbscript"),
        ("mailto:ada@example.com", "mailto"),
        ("ftp://example.com/file", "ftp"),
        ("x-custom+scheme.v1:payload", "x-custom+scheme.v1"),
    ],
)
def test_an_address_with_any_other_scheme_is_refused_naming_the_scheme(url: str, scheme: str):
    assert url_problem(url) == (
        f"{scheme}: URLs are not allowed; use an http(s) URL, a protocol-relative one (//host/…) "
        "or a path on this site"
    )


def test_an_address_of_2048_characters_is_allowed_and_one_more_is_refused():
    base = "https://example.com/"
    assert url_problem(base + "a" * (2_048 - len(base))) is None
    assert url_problem(base + "a" * (2_049 - len(base))) == (
        "this URL is 2,049 characters long; the limit is 2,048"
    )


def test_every_url_field_is_found_by_its_name_in_nested_mappings_and_lists():
    front_matter = {
        "title": "javascript:not-a-url-field",
        "canonicalURL": "https://example.com/c",
        "featuredImage": {"url": "/img/a.png", "alt": "javascript:not-a-url-field"},
        "images": ["/img/1.png", 7, {"src": "/img/2.png"}],
        "resources": [{"link": "https://example.com/r"}, "javascript:not-a-url-field"],
        "Cover": "/img/cover.png",
        "aliases": ["/old/path/"],
        "thumbnail": 12,
    }
    assert list(url_fields(front_matter)) == [
        ("canonicalURL", "https://example.com/c"),
        ("featuredImage.url", "/img/a.png"),
        ("images[0]", "/img/1.png"),
        ("images[2].src", "/img/2.png"),
        ("resources[0].link", "https://example.com/r"),
        ("Cover", "/img/cover.png"),
        ("aliases[0]", "/old/path/"),
    ]


@pytest.mark.parametrize(
    "key", ["url", "uri", "href", "src", "link", "image", "canonical", "thumbnail", "cover", "avatar", "path"]
)
def test_each_kind_of_url_field_is_checked(key: str):
    assert list(url_fields({"author": {key: "/x"}})) == [(f"author.{key}", "/x")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("//cdn.example.com/a.png", "https://cdn.example.com/a.png"),
        ("http://other.example/a", "http://other.example/a"),
        ("/img/a.png", "https://blog.example.com/img/a.png"),
        ("img/a.png", "https://blog.example.com/img/a.png"),
    ],
)
def test_an_address_is_made_absolute_against_the_site(url: str, expected: str):
    assert absolute(url, "https://blog.example.com/") == expected


def test_only_slashes_are_trimmed_where_the_site_address_and_the_path_meet():
    assert absolute("Xmas/tree.png", "https://example.com/TeX/") == "https://example.com/TeX/Xmas/tree.png"
    assert absolute("/Xmas/tree.png", "https://example.com/TeX") == "https://example.com/TeX/Xmas/tree.png"


@pytest.mark.parametrize("field", ["image", "featuredImage", "cover"])
@pytest.mark.parametrize("key", ["path", "url", "src"])
def test_a_featured_image_given_by_any_key_is_scheme_checked(field: str, key: str):
    # Jekyll themes write `image: {path: …}`; the image reaches <img src>, og:image and JSON-LD.
    data = post_file("A post", extra=f'{field}:\n  {key}: "javascript:alert(1)"')

    verdict = validate_post("posts/a.md", data, RULES, NOW)

    assert isinstance(verdict, Rejection)
    assert [(problem.field, problem.message) for problem in verdict.problems] == [
        (f"{field}.{key}", "javascript: URLs are not allowed; use an http(s) URL, a protocol-relative "
         "one (//host/…) or a path on this site")
    ]  # fmt: skip
