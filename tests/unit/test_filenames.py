"""Markdown file names in any case: one rule for validation, profiles, shortcodes and the CLI."""

from __future__ import annotations

import pytest

from pressroom.filenames import is_markdown, markdown_stem
from pressroom.pipeline.validate import is_theme_file
from pressroom.reading.profiles import is_profile_key, profile_key
from pressroom.reading.validation import is_post_key


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("post.md", "post"),
        ("Post.MD", "Post"),
        ("2024-01-02-Hello.Markdown", "2024-01-02-Hello"),
        ("notes.mD", "notes"),
        ("README.txt", None),
        ("md", None),
        ("archive.md.gz", None),
    ],
)
def test_a_markdown_name_is_known_by_its_extension_in_any_case(name: str, stem: str | None):
    assert is_markdown(name) is (stem is not None)
    assert markdown_stem(name) == (stem if stem is not None else name)


def test_posts_pages_and_profiles_in_any_case():
    assert is_post_key("posts/Holiday.MD")
    assert is_post_key("pages/About.Markdown")
    assert not is_post_key("assets/notes.md")
    assert is_profile_key("authors/Ada.MD")
    assert profile_key("authors/Ada-Lovelace.MARKDOWN") == "ada-lovelace"


@pytest.mark.parametrize(
    ("key", "theirs"),
    [
        ("theme/post.html.j2", True),
        ("theme/style.css", True),
        ("theme/includes/note.html", True),
        ("theme/partials/note.html", False),
        ("theme/fonts/serif.woff2", False),
        ("theme/README.md", False),
    ],
)
def test_only_templates_stylesheets_and_snippets_are_the_themes(key: str, theirs: bool):
    assert is_theme_file(key) is theirs
