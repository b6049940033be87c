"""render_markdown: data-driven Markdown-in, HTML-out pairs, in the manner of markdown-it-py's fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pressroom.reading.front_matter import split_post
from pressroom.reading.markdown import ALLOWED_URL_SCHEMES, MarkdownRenderer, render_markdown, sanitize_html

FIXTURES = Path(__file__).parent / "fixtures"
CASES: dict[str, dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "markdown" / "cases.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_case(name: str):
    # GIVEN a Markdown snippet and what its HTML must and must not contain
    case = CASES[name]
    assert case["contains"] or case["excludes"], "a case must check something"

    # WHEN it is rendered
    html = render_markdown(case["markdown"])

    # THEN every expected fragment is there and no forbidden one is
    for fragment in case["contains"]:
        assert fragment in html, f"{fragment!r} missing from {html!r}"
    for fragment in case["excludes"]:
        assert fragment not in html, f"{fragment!r} found in {html!r}"


def test_the_cms_post_renders_its_apostrophes_as_typed():
    # GIVEN the real CMS export, whose body spells every apostrophe as &#39;
    text = (FIXTURES / "validation" / "uk-ai-opportunities-action-plan.md").read_text(encoding="utf-8")
    body = split_post(text).body
    assert body.count("&#39;") > 10

    # WHEN its body is rendered
    html = render_markdown(body)

    # THEN readers and page sources see plain apostrophes, never a double-escaped entity
    assert "The UK Government's AI Opportunities Action Plan" in html
    assert '<h2 id="takara-s-active-contributions">Takara\'s Active Contributions</h2>' in html
    assert "&#39;" not in html
    assert "&amp;#39;" not in html
    assert "Scan → Pilot → Scale" in html


def test_only_web_mail_and_phone_schemes_are_allowed():
    assert frozenset({"http", "https", "mailto", "tel"}) == ALLOWED_URL_SCHEMES


def test_sanitize_html_is_what_render_markdown_relies_on():
    # GIVEN HTML straight from a renderer, with a dangerous link and a safe one
    html = '<p><a href="javascript:x()">bad</a> <a href="https://example.com">good</a></p>'

    # WHEN it is sanitised
    clean = sanitize_html(html)

    # THEN only the dangerous URL goes
    assert "javascript:" not in clean
    assert 'href="https://example.com"' in clean


def test_words_are_counted_for_reading_time_and_code_counts_half():
    rendered = MarkdownRenderer().render("One *two* three.\n\n- four\n\n```\na b c d\n```\n")

    assert rendered.words == 4 + 2
