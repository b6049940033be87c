"""Slugs: slugify turns any text into a slug; slug_problem says why a declared one cannot be used."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.slugs import (
    MAX_SLUG_LENGTH,
    SLUG_PATTERN,
    slug_problem,
    slugify,
    split_file_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hello World", "hello-world", id="spaces-and-capitals"),
        pytest.param("Café déjà vu", "cafe-deja-vu", id="accents"),
        pytest.param("Release notes: pressroom 0.1", "release-notes-pressroom-0-1", id="punctuation"),
        pytest.param("  --Hello--  ", "hello", id="edge-separators"),
        pytest.param("a  --  b", "a-b", id="runs-collapse"),
        pytest.param("Ada's notes", "ada-s-notes", id="apostrophe"),
        pytest.param("2024-05-01-jekyll", "2024-05-01-jekyll", id="already-a-slug"),
        pytest.param("ﬁnancial report Ⅻ", "financial-report-xii", id="compatibility-forms"),
        pytest.param("日本語", "", id="nothing-ascii"),
        pytest.param("", "", id="empty"),
        pytest.param("!!!", "", id="only-punctuation"),
    ],
)
def test_slugify(text: str, expected: str):
    assert slugify(text) == expected


def test_slugify_cuts_a_long_title_at_a_word_boundary():
    # GIVEN a title whose slug would be 99 characters: ten 9-letter words
    title = " ".join(["abcdefghi"] * 10)
    full = "-".join(["abcdefghi"] * 10)

    # WHEN it is slugified
    slug = slugify(title)

    # THEN it keeps the whole words that fit in 80 characters: eight words, 79 characters
    assert slug == "-".join(["abcdefghi"] * 8)
    assert len(slug) == 79
    assert full.startswith(slug)
    assert full[len(slug)] == "-"


def test_slugify_keeps_a_word_that_ends_exactly_at_the_limit():
    assert slugify("a" * 80 + " b") == "a" * 80


def test_slugify_leaves_an_80_character_slug_alone():
    text = "-".join(["abcd"] * 16)[:80].strip("-")
    assert slugify(text) == text


def test_slugify_cuts_a_single_overlong_word_at_the_limit():
    assert slugify("x" * 200) == "x" * MAX_SLUG_LENGTH


@settings(max_examples=150, deadline=None, database=None)
@given(st.text(max_size=300))
def test_slugify_always_gives_a_usable_slug_or_nothing(text: str):
    slug = slugify(text)

    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug == "" or SLUG_PATTERN.fullmatch(slug)
    assert slugify(slug) == slug


@pytest.mark.parametrize(
    "slug",
    ["hello", "hello-world", "2024-recap", "a", "x" * MAX_SLUG_LENGTH, "tagsandmore", "my-tags"],
)
def test_good_slugs_have_no_problem(slug: str):
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    ("slug", "fragments"),
    [
        pytest.param("", ["the slug is empty"], id="empty"),
        pytest.param("x" * 81, ["81 characters long", "the limit is 80"], id="too-long"),
        pytest.param(
            "Hello World",
            ["'Hello World' is not a valid slug", "lower-case letters", "such as 'hello-world'"],
            id="spaces-and-capitals",
        ),
        pytest.param("hello--world", ["not a valid slug", "such as 'hello-world'"], id="double-hyphen"),
        pytest.param("-hello", ["not a valid slug"], id="leading-hyphen"),
        pytest.param("hello_world", ["not a valid slug", "such as 'hello-world'"], id="underscore"),
        pytest.param("café", ["not a valid slug", "such as 'cafe'"], id="accent"),
        pytest.param("posts/../index", ["not a valid slug"], id="path-traversal"),
        pytest.param("tags", ["'tags' is reserved"], id="reserved"),
    ],
)
def test_bad_slugs_are_explained(slug: str, fragments: list[str]):
    problem = slug_problem(slug)

    assert problem is not None
    for fragment in fragments:
        assert fragment in problem


def test_no_suggestion_when_the_suggestion_would_be_refused_too():
    # "Tags" slugifies to the reserved "tags": suggesting it would send the author round in circles.
    problem = slug_problem("Tags")

    assert problem is not None
    assert "not a valid slug" in problem
    assert "such as" not in problem


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        pytest.param(
            "2024-05-01-writing-in-jekyll-style", ("2024-05-01", "writing-in-jekyll-style"), id="jekyll"
        ),
        pytest.param("2024-02-30-impossible", ("2024-02-30", "impossible"), id="date-not-checked-here"),
        pytest.param("hugo-style-release-notes", (None, "hugo-style-release-notes"), id="no-date"),
        pytest.param("2024-05-01", (None, "2024-05-01"), id="date-alone"),
        pytest.param("2024-5-1-short", (None, "2024-5-1-short"), id="unpadded-date"),
    ],
)
def test_split_file_name(stem: str, expected: tuple[str | None, str]):
    assert split_file_name(stem) == expected
