"""Property tests: validate_post turns any upload into a Post or an explained Rejection, never an error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.model import Post, Rejection
from pressroom.slugs import slug_problem
from pressroom.validation import ValidationRules, validate_post

# Module constants rather than fixtures: Hypothesis re-runs the test body, not the fixtures.
NOW = datetime(2026, 1, 1, tzinfo=UTC)
RULES = ValidationRules(timezone=UTC, max_bytes=1_000_000)
KEY = "posts/fuzz.md"
# Derandomised: the same examples every run, so a red build always means a real regression.
FUZZ = settings(max_examples=200, deadline=None, database=None, derandomize=True)

KEYS = st.one_of(
    st.sampled_from(
        [
            "title", "date", "publishDate", "publicationDate", "slug", "draft", "published",
            "tags", "summary", "description", "author", "authors", "layout", "sys",
            # YAML that is not a plain word: quoted, numeric, null, and collection keys
            '"title"', "'date'", "1", "1.5", "null", "~", "true", "[a, b]", "{k: v}", "? x", "- item", "",
        ]
    ),
    st.text(alphabet="abcdefgh_-: #&*!|>'\"[]{},?", max_size=10),
)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(
        [
            "", "no", "yes", "on", "off", "~", "null", "1.10", "0x1F", ".inf", ".nan", "1e400",
            "2024-05-01", "2024-13-45", "2024-02-30", "2030-01-01T00:00:00Z", "2024-05-01 10:30:00 +0530",
            "Hello World", "tags", "hello-world", "[news, ai]", "[a, b", "{x: 1}", "{x: [y, {z: 1}]}",
            "'quoted'", '"double \\" quoted"', '"\\x00"', "&anchor value", "*anchor", "*missing",
            "!!binary AAAA", "!!set {a}", "!!python/object:os.system x", "|", ">-", "- a", "a: b: c",
            "[{name: Ada}, {id: x}]", "\t", "---", "...",
        ]
    ),
    st.text(max_size=40),
)  # fmt: skip
INDENTS = st.sampled_from(["", "", "", "", "", "", "  ", "    ", "  - ", "\t"])
KEY_VALUE = st.builds(lambda indent, key, value: f"{indent}{key}: {value}", INDENTS, KEYS, VALUES)
# Mostly `key: value` lines, so that many documents get past the YAML parser to the field checks.
LINES = st.one_of(KEY_VALUE, KEY_VALUE, KEY_VALUE, st.text(max_size=40))
BODIES = st.sampled_from(["", "\n", "Body text.\n", "\n# Heading\n\nText &#39;s.\n"]) | st.text(max_size=200)
# Anything goes: indentation, stray text, odd keys and values; most of these fail in the YAML parser.
WILD_DOCUMENTS = st.builds(
    lambda lines, body: "---\n" + "\n".join(lines) + "\n---\n" + body,
    st.lists(LINES, max_size=12),
    BODIES,
)
# Top-level `key: value` lines from the lists above: most parse, and reach the loader and field checks.
TIDY_DOCUMENTS = st.builds(
    lambda pairs, body: "---\n" + "".join(f"{key}: {value}\n" for key, value in pairs) + "---\n" + body,
    st.lists(st.tuples(KEYS, VALUES), max_size=10),
    BODIES,
)


def assert_post_or_explained_rejection(result: object) -> None:
    assert isinstance(result, Post | Rejection)
    assert result.source_key == KEY
    if isinstance(result, Rejection):
        assert len(result.problems) >= 1
        for problem in result.problems:
            assert problem.message.strip()
            assert problem.describe().strip()
            assert problem.line is None or problem.line >= 1
    else:
        assert result.title.strip() == result.title != ""
        assert slug_problem(result.slug) is None
        assert result.date.tzinfo is not None
        assert result.body.strip()


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_post_or_an_explained_rejection(data: bytes):
    assert_post_or_explained_rejection(validate_post(KEY, data, RULES, NOW))


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes_after_an_opening_line_give_a_post_or_an_explained_rejection(data: bytes):
    # Arbitrary bytes rarely start with ---; this reaches the YAML reader with them.
    assert_post_or_explained_rejection(validate_post(KEY, b"---\n" + data, RULES, NOW))


@FUZZ
@given(WILD_DOCUMENTS)
def test_yaml_like_documents_give_a_post_or_an_explained_rejection(text: str):
    assert_post_or_explained_rejection(validate_post(KEY, text.encode("utf-8"), RULES, NOW))


@FUZZ
@given(TIDY_DOCUMENTS)
def test_tidy_front_matter_gives_a_post_or_an_explained_rejection(text: str):
    assert_post_or_explained_rejection(validate_post(KEY, text.encode("utf-8"), RULES, NOW))


@pytest.mark.parametrize(
    "front_matter",
    [
        pytest.param("x: " + "[" * 1000 + "]" * 1000, id="nested-flow-sequences"),
        pytest.param("x: " + "{a: " * 1000 + "1" + "}" * 1000, id="nested-flow-mappings"),
    ],
)
def test_deeply_nested_front_matter_is_answered_not_raised(front_matter: str):
    # GIVEN an upload of a few kilobytes nesting YAML collections a thousand deep
    data = f"---\ntitle: Deep\ndate: 2024-05-01\n{front_matter}\n---\nBody.\n".encode()

    # WHEN it is validated
    try:
        result = validate_post(KEY, data, RULES, NOW)
    except RecursionError:
        pytest.fail(f"validate_post raised RecursionError on a {len(data):,}-byte upload")

    # THEN the YAML reader's recursion does not escape: the upload is refused or accepted
    assert_post_or_explained_rejection(result)
