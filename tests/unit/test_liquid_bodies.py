"""Jekyll posts' Liquid: the cases around the data files in fixtures/dialects."""

from __future__ import annotations

import pytest

from pressroom.reading.liquid_bodies import is_jekyll_post, render, site_path


@pytest.mark.parametrize(
    ("key", "jekyll"),
    [
        ("posts/2024-05-01-hello.md", True),
        ("posts/2024-05-01-hello.markdown", True),
        ("posts/hello.md", False),
        ("posts/hello-2024-05-01.md", False),
    ],
)
def test_a_post_is_jekylls_when_its_file_is_named_as_jekyll_names_posts(key: str, jekyll: bool):
    assert is_jekyll_post(key) is jekyll


@pytest.mark.parametrize(
    ("reference", "path"),
    [
        ("2010-07-21-name", "/posts/name/"),
        ("/2010-07-21-name", "/posts/name/"),
        ("_posts/2016-07-26-name.md", "/posts/name/"),
        ("_pages/about.md", "/about/"),
        ("pages/contact.markdown", "/contact/"),
    ],
)
def test_link_and_post_url_name_the_path_the_file_name_gives(reference: str, path: str):
    assert site_path(reference) == path


@pytest.mark.parametrize(
    ("body", "reason", "line"),
    [
        ("Intro {% if x %} never closed", "expected tag with value 'endif'", 2),
        ("{% for i in (1..100000) %}x{% endfor %}", "loop iteration limit reached", 2),
        ("{{ 'x' | no_such_filter }}", "no_such_filter", 2),
        ("{% include missing.html %}", "no such snippet in theme/includes/", 2),
    ],
)
def test_liquid_that_cannot_be_evaluated_is_taken_out_whole_with_a_warning(body: str, reason: str, line: int):
    evaluated = render("Before.\n" + body + "\nAfter.", {}, {}, includes=lambda _name: None)

    assert "{%" not in evaluated.body
    assert "{{" not in evaluated.body
    assert "Before." in evaluated.body
    assert "After." in evaluated.body
    (warning,) = evaluated.warnings
    assert reason in warning.message
    assert warning.line == line


def test_values_come_from_site_and_page_only():
    evaluated = render("{{ site.title }} / {{ page.title }} / {{ secret }}", {"title": "S"}, {"title": "P"})

    assert evaluated.body == "S / P / "
    assert evaluated.warnings == []


def test_an_include_gets_its_arguments_as_include_values():
    snippets = {"quote.html": "<q>{{ include.text }}</q> ({{ site.title }})"}

    evaluated = render('{% include quote.html text="Hi" %}', {"title": "S"}, {}, includes=snippets.get)

    assert evaluated.body == "<q>Hi</q> (S)"


def test_a_body_without_liquid_is_returned_as_it_is():
    evaluated = render("Plain *Markdown*, no tags.\n", {}, {})

    assert evaluated.body == "Plain *Markdown*, no tags.\n"
    assert evaluated.warnings == []
