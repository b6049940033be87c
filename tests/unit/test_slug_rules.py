"""How a title becomes a slug, and what an author is told when a slug cannot be used."""

from __future__ import annotations

import pytest

from pressroom.slugs import slug_problem, slugify


def test_an_80_character_slug_of_several_words_is_left_whole():
    slug = "ab-" * 26 + "ab"  # 80 characters
    assert slugify(slug) == slug


def test_a_long_title_is_cut_after_the_last_whole_word_that_fits():
    # six-letter words: the 80th character falls inside the twelfth word, which is dropped
    assert slugify("abcdef " * 13) == "abcdef-" * 10 + "abcdef"


def test_a_word_ending_one_past_the_limit_is_dropped():
    assert slugify("a" * 70 + " " + "b" * 10 + " c") == "a" * 70


def test_an_empty_slug_is_refused_saying_so():
    assert slug_problem("") == "the slug is empty"


def test_a_slug_with_nothing_usable_in_it_is_refused_without_a_suggestion():
    assert slug_problem("---") == (
        "'---' is not a valid slug: use lower-case letters a-z, digits and single hyphens between words"
    )


@pytest.mark.parametrize(
    ("slug", "suggestion"), [("Hello World", "hello-world"), ("two--hyphens", "two-hyphens")]
)
def test_a_slug_that_can_be_mended_is_refused_with_a_suggestion(slug: str, suggestion: str):
    assert slug_problem(slug) == (
        f"'{slug}' is not a valid slug: use lower-case letters a-z, digits and single hyphens between "
        f"words such as '{suggestion}'"
    )
