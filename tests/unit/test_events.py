"""Event contracts: camelCase on the wire, snake_case in Python, unknown detail-types refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import EVENTS

from pressroom.events import (
    DETAIL_MODELS,
    AuthorMetadata,
    AuthorValidated,
    ContractError,
    DetailType,
    ImageProcessed,
    ImageRejected,
    PostDue,
    PostMetadata,
    PostPublished,
    PostRejected,
    PostUnpublished,
    PostValidated,
    PostWithdrawn,
    Reason,
    RepublishRequested,
    SlugReleased,
    SourceObject,
    correlation_id,
    parse_detail,
)
from pressroom.model import Post, PostStatus, Problem

SOURCE = SourceObject(
    bucket="uploads",
    key="posts/hello.md",
    version_id="3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
    sequencer="0055AED6DCD90281E5",
    etag="d41d8cd98f00b204e9800998ecf8427e",
    size=1234,
)
POST = Post(
    source_key="posts/hello.md",
    slug="hello",
    title="Hello, it's me",
    date=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    body="Body.",
    summary="A greeting.",
    tags=("news", "ai"),
    authors=("Ada Lovelace",),
)
METADATA = PostMetadata.of(POST)

EXAMPLES = {
    DetailType.POST_VALIDATED: PostValidated(source=SOURCE, post=METADATA),
    DetailType.POST_REJECTED: PostRejected(
        source=SOURCE, reasons=[Reason(message="no title", field="title")]
    ),
    DetailType.POST_WITHDRAWN: PostWithdrawn(source=SOURCE),
    DetailType.POST_PUBLISHED: PostPublished(
        source=SOURCE, post=METADATA, url="https://b.example/posts/hello/", path="/posts/hello/", update=True
    ),
    DetailType.POST_UNPUBLISHED: PostUnpublished(
        source=SOURCE, slug="hello", path="/posts/hello/", reason="draft"
    ),
    DetailType.POST_DUE: PostDue(source=SOURCE, due_at=datetime(2030, 1, 1, tzinfo=UTC)),
    DetailType.REPUBLISH_REQUESTED: RepublishRequested(
        reason="theme template post.html.j2 uploaded", source=SOURCE
    ),
    DetailType.SLUG_RELEASED: SlugReleased(source=SOURCE, slug="hello"),
    DetailType.AUTHOR_VALIDATED: AuthorValidated(
        source=SOURCE, author=AuthorMetadata(key="ada", name="Ada Lovelace", ids=["4dBOgUlI09p9cQ3p5W2EtI"])
    ),
    DetailType.IMAGE_PROCESSED: ImageProcessed(source=SOURCE, width=2000, height=1300, variants=7),
    DetailType.IMAGE_REJECTED: ImageRejected(source=SOURCE, reasons=[Reason(message="it is not an image")]),
}


def test_source_serialises_in_camel_case():
    wire = json.loads(SOURCE.to_json())

    assert wire == {
        "bucket": "uploads",
        "key": "posts/hello.md",
        "versionId": "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
        "sequencer": "0055AED6DCD90281E5",
        "etag": "d41d8cd98f00b204e9800998ecf8427e",
        "size": 1234,
    }
    assert "version_id" not in SOURCE.to_json()


def test_an_upload_is_named_by_its_key_and_version_and_the_name_stays_off_the_wire():
    assert SOURCE.correlation_id == "posts/hello.md@3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"
    assert "correlation" not in SOURCE.to_json()


@pytest.mark.parametrize(
    ("version_id", "sequencer", "expected"),
    [
        ("v1", "0055", "posts/a.md@v1"),
        (None, "0055", "posts/a.md@0055"),  # an emulation without versions
        (None, None, "posts/a.md@unversioned"),
    ],
)
def test_the_correlation_id_falls_back_to_the_sequencer(
    version_id: str | None, sequencer: str | None, expected: str
):
    assert correlation_id("posts/a.md", version_id, sequencer) == expected


def test_source_parses_camel_case_and_snake_case():
    assert SourceObject.parse({"bucket": "b", "key": "k", "versionId": "v"}).version_id == "v"
    assert SourceObject.parse({"bucket": "b", "key": "k", "version_id": "v"}).version_id == "v"


def test_unknown_fields_are_ignored():
    parsed = SourceObject.parse({"bucket": "b", "key": "k", "somethingNew": 1})

    assert "somethingNew" not in parsed.to_json()
    assert not hasattr(parsed, "something_new")


def test_post_metadata_copies_the_post():
    assert METADATA.slug == "hello"
    assert METADATA.title == "Hello, it's me"
    assert METADATA.date == POST.date
    assert METADATA.status is PostStatus.PUBLISHED
    assert METADATA.summary == "A greeting."
    assert METADATA.tags == ["news", "ai"]
    assert METADATA.authors == ["Ada Lovelace"]


@pytest.mark.parametrize("detail_type", list(DetailType), ids=str)
def test_every_contract_round_trips_through_json(detail_type: DetailType):
    # GIVEN a detail of each type as a producer would put it on the bus
    detail = EXAMPLES[detail_type]
    wire = json.loads(detail.to_json())

    # WHEN a consumer parses it by its detail-type
    parsed = parse_detail(detail_type.value, wire)

    # THEN it gets the same contract back, of the right model
    assert type(parsed) is DETAIL_MODELS[detail_type]
    assert parsed == detail
    assert wire["source"]["versionId"] == SOURCE.version_id


def test_published_detail_wire_format():
    wire = json.loads(EXAMPLES[DetailType.POST_PUBLISHED].to_json())

    assert wire["post"]["date"] == "2024-05-01T09:30:00Z"
    assert wire["post"]["status"] == "published"
    assert wire["update"] is True
    assert set(wire) == {"source", "post", "url", "path", "update"}


def test_every_detail_type_has_a_model():
    assert set(DETAIL_MODELS) == set(DetailType)


@pytest.mark.parametrize(
    "detail_type",
    [
        pytest.param("Object Created", id="s3-event"),
        pytest.param("post published", id="wrong-case"),
        pytest.param("PostPublished", id="class-name"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_detail_refuses_unknown_detail_types(detail_type: str):
    with pytest.raises(ValueError, match="does not handle events of detail-type") as raised:
        parse_detail(detail_type, {"source": {"bucket": "b", "key": "k"}})

    assert repr(detail_type) in str(raised.value)


def test_parse_detail_refuses_a_detail_missing_required_fields():
    with pytest.raises(ContractError, match="reasons"):
        parse_detail("Post Rejected", {"source": {"bucket": "b", "key": "k"}})


def test_contracts_are_frozen():
    with pytest.raises(AttributeError):
        SOURCE.key = "posts/other.md"  # type: ignore[misc]


def test_reason_keeps_everything_a_problem_says():
    problem = Problem("the front matter is not valid YAML", field=None, line=3, column=14)

    reason = Reason.of(problem)

    assert (reason.message, reason.field, reason.line, reason.column) == (
        "the front matter is not valid YAML",
        None,
        3,
        14,
    )
    assert reason.describe() == problem.describe() == "line 3, column 14: the front matter is not valid YAML"


def fields(value: object, path: str = "") -> set[str]:
    """Every field name a JSON value holds, as a dotted path (list items share their list's)."""
    if isinstance(value, dict):
        return {f"{path}{key}" for key in value} | {
            name for key, item in value.items() for name in fields(item, f"{path}{key}.")
        }
    if isinstance(value, list):
        return {name for item in value for name in fields(item, path)}
    return set()


SAMPLE_BUS_EVENTS = sorted(
    path.name
    for path in EVENTS.glob("*.json")
    if json.loads(path.read_text()).get("detail-type") in set(DetailType)
)


def test_the_sample_bus_events_cover_every_event_a_function_is_sent():
    sent = {json.loads((EVENTS / name).read_text())["detail-type"] for name in SAMPLE_BUS_EVENTS}

    assert sent >= {"Post Validated", "Post Withdrawn", "Slug Released", "Author Validated", "Post Published"}


@pytest.mark.parametrize("name", SAMPLE_BUS_EVENTS)
def test_a_sample_event_names_only_fields_its_contract_reads(name: str):
    # events/*.json are what `sam local invoke -e` sends and what the tests build their events from
    event = json.loads((EVENTS / name).read_text())

    contract = parse_detail(event["detail-type"], event["detail"])

    assert fields(event["detail"]) <= fields(contract.to_wire())
