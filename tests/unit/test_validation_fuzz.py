"""Property tests: validate_post turns any upload into a Post or an explained Rejection, never an error."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from pressroom.events import PostRejected, Reason, SourceObject
from pressroom.model import Post, Rejection
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.slugs import slug_problem

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


# --- Bounded memory -----------------------------------------------------------------------

MAX_UPLOAD_BYTES = 64 * 1024
# A Lambda function with the smallest memory has 128 MB for everything; validation gets half.
MAX_PEAK_BYTES = 64 * 1024 * 1024
FIXTURES = Path(__file__).parent / "fixtures" / "validation"
# Few examples, each up to 64 KB and traced allocation by allocation. No shrinking: an example
# that fails may allocate hundreds of megabytes per attempt, and each is built from a handful of
# numbers that read well as they are.
MEMORY = settings(
    max_examples=30, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate]
)
HEADER = "---\ntitle: Memory\ndate: 2024-05-01\n"
FOOTER = "---\n\nBody.\n"
# Fields the validator reads (URL checks, lists, text, dates) and one it only keeps; none is in HEADER.
ALIASED_FIELDS = st.sampled_from(
    ["images", "image", "featuredImage", "canonicalURL", "links", "aliases", "tags", "categories",
     "authors", "author", "summary", "description", "slug", "lastmod", "expiryDate", "related"]
)  # fmt: skip


def fanned_out(field: str, prefix: str, length: int, suffix: str, count: int) -> str:
    """One anchored scalar of about `length` characters, aliased `count` times in one field's list."""
    value = prefix + "a" * length + suffix
    room = MAX_UPLOAD_BYTES - len(HEADER) - len(FOOTER) - len(value) - len(field) - 32
    count = max(1, min(count, room // len("*s, ")))
    return f'{HEADER}s: &s "{value}"\n{field}: [{", ".join(["*s"] * count)}]\n{FOOTER}'


def aliased_mappings(field: str, url: str, length: int, count: int) -> str:
    """An anchored image mapping whose text is `length` long, aliased `count` times."""
    mapping = f'm: &m {{url: "{url}{"a" * length} ", alt: " {"b" * length} ", width: 1, height: 1}}\n'
    room = MAX_UPLOAD_BYTES - len(HEADER) - len(FOOTER) - len(mapping) - len(field) - 32
    count = max(1, min(count, room // len("*m, ")))
    return f"{HEADER}{mapping}{field}: [{', '.join(['*m'] * count)}]\n{FOOTER}"


def alias_ladder(field: str, levels: int, width: int, mappings: bool) -> str:
    """The billion laughs: each level holds `width` aliases of the level below; `field` names the top."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        below = ", ".join(
            f"k{index}: *l{level - 1}" if mappings else f"*l{level - 1}" for index in range(width)
        )
        lines.append(f"l{level}: &l{level} {{{below}}}" if mappings else f"l{level}: &l{level} [{below}]")
    return f"{HEADER}{chr(10).join(lines)}\n{field}: *l{levels}\n{FOOTER}"


def deeply_nested(kind: str, depth: int, aliased_leaves: int) -> str:
    """Collections nested `depth` deep, the innermost anchored and aliased `aliased_leaves` times."""
    if kind == "block":
        depth = min(depth, 200)  # the indentation grows as the square of the depth
        nested = "".join(f"{'  ' * (level + 1)}k{level}:\n" for level in range(depth))
        inner = f"{'  ' * (depth + 1)}leaf: &leaf [x]\n"
        text = f"x:\n{nested}{inner}"
    else:
        opening, closing = ("[", "]") if kind == "flow sequence" else ("{a: ", "}")
        # About 480 levels exhaust the YAML reader's recursion. Deeper only slows the suite: PyYAML's
        # scanner looks up to 1,024 characters ahead at every opening bracket, seconds under tracemalloc.
        depth = min(depth, 600)
        text = f"x: {opening * depth}&leaf [x]{closing * depth}\n"
    leaves = ", ".join(["*leaf"] * max(0, min(aliased_leaves, (MAX_UPLOAD_BYTES - len(text)) // 16)))
    return f"{HEADER}{text}images: [{leaves}]\n{FOOTER}"


ADVERSARIAL_DOCUMENTS = st.one_of(
    st.builds(
        fanned_out,
        ALIASED_FIELDS,
        st.sampled_from(["", " ", "/", "//cdn.example/", "javascript:", "\\t"]),
        st.integers(1, 40_000),
        st.sampled_from(["", " ", ":x", "\\t", " \\n"]),
        st.integers(1, 16_000),
    ),
    st.builds(
        aliased_mappings,
        st.sampled_from(["images", "featuredImage", "links", "related"]),
        st.sampled_from(["/", "javascript:", "https://cdn.example/"]),
        st.integers(1, 30_000),
        st.integers(1, 16_000),
    ),
    st.builds(alias_ladder, ALIASED_FIELDS, st.integers(1, 9), st.integers(2, 12), st.booleans()),
    st.builds(
        deeply_nested,
        st.sampled_from(["flow sequence", "flow mapping", "block"]),
        st.integers(1, 600),
        st.integers(0, 10_000),
    ),
)


def peak_allocation(data: bytes) -> tuple[Post | Rejection, int]:
    """validate_post's answer, and the most memory it held at once beyond what was held before."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = validate_post(KEY, data, RULES, NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, peak - before


@MEMORY
@given(ADVERSARIAL_DOCUMENTS)
@example((FIXTURES / "alias-bomb.md").read_text(encoding="utf-8"))
@example((FIXTURES / "alias-self-reference.md").read_text(encoding="utf-8"))
@example(alias_ladder("images", levels=9, width=12, mappings=False))
@example(deeply_nested("flow mapping", depth=600, aliased_leaves=10_000))
# A 30 KB image address with a space at each end, aliased as often as fits (about 8,800 times):
# 255 MB if each alias is stripped into a copy of its own.
@example(fanned_out("images", " ", 30_000, " ", 16_000))
# A 30 KB "scheme", aliased as often as fits: 510 MB if each refusal quotes the scheme in full.
@example(fanned_out("images", "", 30_000, ":x", 16_000))
def test_validation_holds_at_most_64_mb_whatever_the_upload(text: str):
    # GIVEN an upload of at most 64 KB that repeats itself through YAML anchors and aliases,
    # or nests collections deeply
    data = text.encode("utf-8")
    assert len(data) <= MAX_UPLOAD_BYTES

    # WHEN it is validated
    result, peak = peak_allocation(data)

    # THEN it is answered without ever holding more than 64 MB, as a Lambda function could
    assert peak <= MAX_PEAK_BYTES, f"validating {len(data):,} bytes held {peak / 2**20:,.0f} MB at its peak"
    assert_post_or_explained_rejection(result)


# --- Short problems -----------------------------------------------------------------------

# The longest message the validator writes itself (the date hint) is about 220 characters;
# quoted() cuts what it repeats of the upload to 60.
MAX_MESSAGE_LENGTH = 1_000
# EventBridge takes at most 256 KB per entry: a "Post Rejected" event must fit, whatever was uploaded.
EVENTBRIDGE_ENTRY_BYTES = 256 * 1024


@pytest.mark.parametrize(
    "front_matter",
    [
        pytest.param("cover: !" + "t" * 30_000 + " x.png", id="unknown-tag"),
        pytest.param("canonicalURL: " + "a" * 30_000 + ":x", id="unknown-url-scheme"),
        pytest.param("related: *" + "a" * 30_000, id="undefined-alias"),
        pytest.param("slug: " + "Not A Slug " * 3_000, id="invalid-slug"),
        pytest.param("tags: [" + "t" * 30_000 + "]", id="long-tag"),
        pytest.param("draft: " + "maybe" * 6_000, id="draft-not-boolean"),
        pytest.param("aliases: [" + "a" * 30_000 + "]", id="alias-not-a-path"),
    ],
)
def test_a_problem_repeats_at_most_a_short_piece_of_the_upload(front_matter: str):
    # GIVEN a 30 KB upload whose one mistake is itself 30 KB long
    data = f"{HEADER}{front_matter}\n{FOOTER}".encode()

    # WHEN it is validated
    result = validate_post(KEY, data, RULES, NOW)

    # THEN it is refused, and the author is told what is wrong without being sent their upload back
    assert isinstance(result, Rejection)
    for problem in result.problems:
        assert len(problem.message) <= MAX_MESSAGE_LENGTH, (
            f"a {len(problem.message):,}-character message: {problem.message[:120]}…"
        )


def test_the_reasons_for_a_rejection_fit_in_one_event():
    # GIVEN a 15 KB upload naming one 15 KB URL with an unknown scheme twenty times, through an alias
    data = fanned_out("images", "", 15_000, ":x", 20).encode()
    assert len(data) < 16_000

    # WHEN it is validated and its rejection put in a "Post Rejected" event
    result = validate_post(KEY, data, RULES, NOW)
    assert isinstance(result, Rejection)
    detail = PostRejected(
        source=SourceObject(bucket="uploads", key=KEY),
        reasons=[Reason.of(problem) for problem in result.problems],
    ).to_json()

    # THEN the event is within what EventBridge accepts, so the author hears why
    assert len(detail.encode("utf-8")) <= EVENTBRIDGE_ENTRY_BYTES, f"the event is {len(detail):,} bytes"
