"""Data-driven validation cases: a post file in, the Post or Rejection expected in cases.yaml out."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from world import NOW, RULES, post_file

from pressroom.model import Image, Post, Problem, Rejection
from pressroom.reading.validation import ValidationRules, validate_post

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))

UTF_16_POST = "---\ntitle: Saved as UTF-16\ndate: 2024-05-01\n---\n\nBody.\n"
# Uploads whose bytes a text fixture cannot hold faithfully (editors and git rewrite them).
GENERATED: dict[str, bytes] = {
    "windows-editor.md": (
        b"\xef\xbb\xbf---\r\n"
        b"title: Written on Windows\r\n"
        b"date: 2024-05-01\r\n"
        b"tags: [windows, editors]\r\n"
        b"---\r\n"
        b"\r\n"
        b"Saved by an editor that adds a byte-order mark and CRLF line ends.\r\n"
    ),
    "latin-1.md": "---\ntitle: Café\ndate: 2024-05-01\n---\n\nSaved as Latin-1.\n".encode("latin-1"),
    "nul-byte.md": b"---\ntitle: Binary\ndate: 2024-05-01\n---\n\nA NUL \x00 on line 6.\n",
    "whitespace-only.md": b"  \n\t\r\n   \n\n",
    # Notepad's "Unicode" is UTF-16 little-endian after a byte-order mark; some tools write big-endian.
    "utf-16-le.md": b"\xff\xfe" + UTF_16_POST.encode("utf-16-le"),
    "utf-16-be.md": b"\xfe\xff" + UTF_16_POST.encode("utf-16-be"),
}


def source_of(name: str) -> bytes:
    return GENERATED[name] if name in GENERATED else (FIXTURES / name).read_bytes()


def validate_case(name: str, case: dict[str, Any], rules: ValidationRules, now: datetime) -> Post | Rejection:
    if "max_bytes" in case:
        rules = dataclasses.replace(rules, max_bytes=case["max_bytes"])
    return validate_post(f"posts/{name}", source_of(name), rules, now)


def describe_all(problems: tuple[Problem, ...]) -> str:
    return "\n".join(f"  - {problem!r}" for problem in problems)


def expected_problems(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's problems, each repeated as often as its optional `times` says."""
    return [want for want in case["problems"] for _ in range(want.get("times", 1))]


def as_image(expected: dict[str, Any]) -> Image:
    return Image(
        url=expected["url"],
        alt=expected.get("alt"),
        width=expected.get("width"),
        height=expected.get("height"),
    )


def iso_or_none(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def matches(problem: Problem, expected: dict[str, Any]) -> bool:
    contains = expected["contains"]
    fragments = [contains] if isinstance(contains, str) else contains
    return (
        problem.field == expected["field"]
        and all(getattr(problem, key) == expected[key] for key in ("line", "column") if key in expected)
        and all(fragment in problem.message for fragment in fragments)
    )


VALID = sorted(name for name, case in CASES.items() if case["valid"])
INVALID = sorted(name for name, case in CASES.items() if not case["valid"])


def test_every_fixture_has_exactly_one_source_and_one_expectation():
    # GIVEN the post files on disk and the uploads built in code
    on_disk = {path.name for path in FIXTURES.iterdir() if path.name != "cases.yaml"}

    # THEN each is described in cases.yaml, each case has a source, and none has two
    assert on_disk.isdisjoint(GENERATED)
    assert set(CASES) == on_disk | set(GENERATED)
    assert VALID
    assert INVALID


@pytest.mark.parametrize("name", VALID)
def test_valid_post(name: str, rules: ValidationRules, now: datetime):
    # GIVEN a post that should publish
    case = CASES[name]

    # WHEN it is validated
    result = validate_case(name, case, rules, now)

    # THEN its front matter is normalised as expected
    assert isinstance(result, Post), f"{name} was refused:\n{describe_all(result.problems)}"
    assert result.source_key == f"posts/{name}"
    assert result.slug == case["slug"]
    assert result.title == case["title"]
    assert result.date.isoformat() == case["date"]
    assert result.status.value == case["status"]
    assert list(result.tags) == case["tags"]
    assert list(result.authors) == case["authors"]
    if "summary" in case:
        assert result.summary == case["summary"]
    # Optional keys: a case that leaves one out expects the post to have none
    assert list(result.categories) == case.get("categories", [])
    assert list(result.author_ids) == case.get("author_ids", [])
    assert list(result.aliases) == case.get("aliases", [])
    assert list(result.images) == [as_image(image) for image in case.get("images", [])]
    assert iso_or_none(result.updated) == case.get("updated")
    assert iso_or_none(result.expires) == case.get("expires")
    assert result.body.strip()
    # and what it keeps of the front matter is the JSON-safe copy templates and events rely on
    json.dumps(result.front_matter, allow_nan=False)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_post(name: str, rules: ValidationRules, now: datetime):
    # GIVEN a post that should be refused
    expected = expected_problems(CASES[name])

    # WHEN it is validated
    result = validate_case(name, CASES[name], rules, now)

    # THEN it is refused with exactly the expected problems, each located and explained
    assert isinstance(result, Rejection), f"{name} was accepted as {result.slug!r}"
    assert result.source_key == f"posts/{name}"
    report = describe_all(result.problems)
    assert len(result.problems) == len(expected), f"expected {len(expected)} problems, got:\n{report}"
    if CASES[name].get("in_order"):
        for index, (problem, want) in enumerate(zip(result.problems, expected, strict=True)):
            assert matches(problem, want), f"problem {index + 1} does not match {want}; got:\n{report}"
        return
    unmatched = list(result.problems)
    for want in expected:
        match = next((problem for problem in unmatched if matches(problem, want)), None)
        assert match is not None, f"no problem matches {want}; got:\n{report}"
        unmatched.remove(match)


@pytest.mark.parametrize(
    ("name", "as_written"),
    [
        pytest.param("title-no.md", 'title: "no"', id="no"),
        pytest.param("title-number.md", 'title: "1.10"', id="1.10"),
    ],
)
def test_quoting_hint_repeats_the_title_as_the_author_wrote_it(
    name: str, as_written: str, rules: ValidationRules, now: datetime
):
    # GIVEN a title YAML reads as a boolean or a number
    # WHEN the post is validated
    result = validate_case(name, CASES[name], rules, now)

    # THEN the suggested fix quotes what the author typed, not YAML's reading of it
    # (following `title: "False"` or `title: "1.1"` would publish the wrong title)
    assert isinstance(result, Rejection)
    (problem,) = result.problems
    assert as_written in problem.message, problem.message


def test_problems_read_as_location_then_message(rules: ValidationRules, now: datetime):
    # GIVEN one post refused for a field and one refused at a line
    by_field = validate_case("slug-reserved.md", CASES["slug-reserved.md"], rules, now)
    by_line = validate_case("nul-byte.md", CASES["nul-byte.md"], rules, now)

    # THEN each problem says where before it says what
    assert isinstance(by_field, Rejection)
    assert isinstance(by_line, Rejection)
    assert by_field.problems[0].describe().startswith("slug: 'tags' is reserved")
    assert by_line.problems[0].describe().startswith("line 6: the file contains a NUL byte")


# ------------------------------------------------------------------ values no page can hold


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ('summary: "a\\udfffb"', "summary"),
        ('tags: [news, "\\ud800"]', "tags[1]"),
        ('featuredImage:\n  url: /a.png\n  alt: "\\ud83d"', "featuredImage.alt"),
        ('"\\ud800key": x', "\\ud800key"),
    ],
)
def test_a_lone_surrogate_anywhere_in_the_front_matter_is_refused_naming_its_field(extra: str, field: str):
    # YAML's \u escapes can write half of a UTF-16 pair, which no UTF-8 page, event or table holds
    verdict = validate_post("posts/a.md", post_file("A post", extra=extra), RULES, NOW)

    assert isinstance(verdict, Rejection)
    (problem,) = verdict.problems
    assert problem.field == field.encode("utf-8", "backslashreplace").decode()
    assert problem.message.endswith(
        "is not a character (half of a UTF-16 surrogate pair, as a YAML \\u escape can write): remove it"
    )


def test_a_lone_surrogate_in_the_title_is_refused():
    data = post_file("A post").replace(b'title: "A post"', b'title: "\\ud800"')

    verdict = validate_post("posts/a.md", data, RULES, NOW)

    assert isinstance(verdict, Rejection)
    assert [problem.field for problem in verdict.problems] == ["title"]


def test_an_image_size_beyond_any_screen_is_left_out_not_stored():
    # DynamoDB stores at most 38 digits: a 45-digit width crashed RenderFunction after the slug was claimed
    extra = (
        "featuredImage:\n  url: /a.png\n  width: 123456789012345678901234567890123456789012345\n  height: 600"
    )

    post = validate_post("posts/a.md", post_file("A post", extra=extra), RULES, NOW)

    assert isinstance(post, Post)
    assert (post.images[0].width, post.images[0].height) == (None, 600)


@pytest.mark.parametrize("weight", ["123456789012345678901234567890123456789012345", "-10000000000"])
def test_a_menu_weight_beyond_a_billion_is_refused(weight: str):
    extra = f"menu:\n  main:\n    weight: {weight}"

    verdict = validate_post("pages/about.md", post_file("About", extra=extra), RULES, NOW)

    assert isinstance(verdict, Rejection)
    assert [(p.field, p.message) for p in verdict.problems] == [
        ("menu", f"the menu weight must be a whole number from -1,000,000,000 to 1,000,000,000, not {weight}")
    ]
