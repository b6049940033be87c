"""The catalogue's guards in DynamoDB: a slug has one owner, and an older event never wins.

The adapter is run against moto's DynamoDB (in process, no network), because the guards are the
condition expressions themselves: an in-memory fake would test a copy of the rule, not the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from moto_table import pk_sk_table

from pressroom.adapters.catalogue import Catalogue
from pressroom.catalogue import (
    CatalogueEntry,
    Pending,
    SlugTakenError,
    SlugWaiter,
    SourceState,
    SourceStateKind,
    StaleEventError,
)
from pressroom.clock import SystemClock
from pressroom_tools.memory import MemoryCatalogue

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "PostsTable"


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    with pk_sk_table(TABLE) as dynamodb:
        yield dynamodb


@pytest.fixture
def catalogue(client: DynamoDBClient) -> Catalogue:
    return Catalogue(client, TABLE, SystemClock())


def live(key: str, slug: str, sequencer: str | None, **changes: Any) -> SourceState:
    return SourceState(key=key, state=SourceStateKind.LIVE, slug=slug, sequencer=sequencer, **changes)


def entry(key: str, slug: str, sequencer: str | None = None) -> CatalogueEntry:
    return CatalogueEntry(
        slug=slug, title="Hello", date=datetime(2024, 5, 1, tzinfo=UTC), source_key=key, sequencer=sequencer
    )


def publish(catalogue: Catalogue, key: str, slug: str, sequencer: str | None, **changes: Any) -> None:
    catalogue.record_live(entry(key, slug, sequencer), live(key, slug, sequencer, **changes), release=False)


def withdrawn(key: str, sequencer: str | None, released_slug: str | None = None) -> SourceState:
    return SourceState(
        key=key, state=SourceStateKind.WITHDRAWN, slug=None, sequencer=sequencer, released_slug=released_slug
    )


# ------------------------------------------------------------------ ordering


def test_an_older_event_arriving_late_is_refused_and_the_newer_one_stands(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "0000000000000002")

    with pytest.raises(StaleEventError, match="ConditionalCheckFailed"):  # DynamoDB's reason, for the logs
        catalogue.record_taken_down(
            withdrawn("posts/a.md", "0000000000000001", released_slug="a"), release=True
        )

    assert catalogue.source_state("posts/a.md") == live("posts/a.md", "a", "0000000000000002")
    assert catalogue.owner_of("a") == "posts/a.md"


def test_the_same_event_again_is_applied_so_a_retry_can_finish(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "0000000000000002")
    publish(catalogue, "posts/a.md", "a", "0000000000000002", update=True)

    assert catalogue.source_state("posts/a.md") == live("posts/a.md", "a", "0000000000000002", update=True)


def test_a_newer_event_is_applied(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "0000000000000001")
    catalogue.record_taken_down(withdrawn("posts/a.md", "0000000000000002", released_slug="a"), release=True)

    assert catalogue.source_state("posts/a.md") == withdrawn("posts/a.md", "0000000000000002", "a")
    assert catalogue.owner_of("a") is None


def test_sequencers_compare_as_s3_documents_them_padded_on_the_right_in_any_case(catalogue: Catalogue):
    """S3: compare sequencers after padding the shorter on the right; "00AB" is "00AB00" and
    older than "00AB01", whatever the case either producer wrote it in."""
    publish(catalogue, "posts/a.md", "a", "00ab01")

    with pytest.raises(StaleEventError):
        catalogue.record_unchanged(live("posts/a.md", "a", "00AB"))
    catalogue.record_unchanged(live("posts/a.md", "a", "00AB0100"))  # the same event, written longer
    catalogue.record_unchanged(live("posts/a.md", "a", "00AB02"))

    assert catalogue.source_state("posts/a.md") == live("posts/a.md", "a", "00AB02")


def test_an_upload_refused_then_undone_is_no_longer_listed_as_refused(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "01")
    assert catalogue.record_rejection("posts/a.md", "02", ["title: missing"])
    assert [row["sk"] for row in catalogue.statuses()] == ["posts/a.md"]

    catalogue.record_unchanged(live("posts/a.md", "a", "03"))  # the first version, uploaded again

    assert catalogue.statuses() == []


def test_the_in_memory_catalogue_forgets_an_undone_refusal_too():
    memory = MemoryCatalogue()
    memory.record_live(entry("posts/a.md", "a", "01"), live("posts/a.md", "a", "01"), release=False)
    assert memory.record_rejection("posts/a.md", "02", ["title: missing"])
    memory.record_unchanged(live("posts/a.md", "a", "03"))
    assert memory.statuses == {}


def test_an_event_without_a_sequencer_is_always_applied(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "0000000000000009")
    catalogue.record_unchanged(live("posts/a.md", "a", None))

    assert catalogue.source_state("posts/a.md") == live("posts/a.md", "a", None)


def test_everything_a_retry_needs_is_recorded_with_the_event(catalogue: Catalogue, client: DynamoDBClient):
    pending = Pending(deletes=(("POST#old", "POST"),), stale=("index",))
    state = live("posts/a.md", "a", "0000000000000003", update=True, etag="abc", pending=pending)
    catalogue.record_live(entry("posts/a.md", "a"), state, release=False)

    assert catalogue.source_state("posts/a.md") == state
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "SOURCE#posts/a.md"}, "sk": {"S": "SOURCE"}})[
        "Item"
    ]
    assert item["sourceKey"] == {"S": "posts/a.md"}
    assert item["sortSequencer"] == {"S": "0000000000000003".ljust(64, "0")}
    assert datetime.fromisoformat(item["changedAt"]["S"]).tzinfo is not None


# ------------------------------------------------------------------ ownership


def test_a_slug_published_by_one_key_is_refused_to_another_naming_the_owner(catalogue: Catalogue):
    publish(catalogue, "posts/first.md", "hello", "01")

    with pytest.raises(SlugTakenError) as refused:
        publish(catalogue, "posts/second.md", "hello", "01")

    assert (refused.value.slug, refused.value.owner_key) == ("hello", "posts/first.md")
    assert str(refused.value) == "the slug 'hello' is already used by posts/first.md"
    assert catalogue.source_state("posts/second.md") is None


def test_a_key_cannot_take_down_a_page_another_key_owns(catalogue: Catalogue):
    publish(catalogue, "posts/first.md", "hello", "01")

    with pytest.raises(ClientError) as refused:
        catalogue.record_taken_down(withdrawn("posts/second.md", "01", released_slug="hello"), release=True)

    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert catalogue.owner_of("hello") == "posts/first.md"
    assert catalogue.source_state("posts/second.md") is None


def test_a_rename_whose_old_slug_another_key_now_owns_is_not_reported_as_the_new_slug_taken(
    catalogue: Catalogue,
):
    publish(catalogue, "posts/other.md", "old", "01")

    with pytest.raises(ClientError) as refused:
        catalogue.record_live(
            entry("posts/a.md", "new"), live("posts/a.md", "new", "02", released_slug="old"), release=True
        )

    assert not isinstance(refused.value, SlugTakenError)
    assert (catalogue.owner_of("old"), catalogue.owner_of("new")) == ("posts/other.md", None)


def test_a_renamed_post_releases_its_old_slug_when_it_takes_the_new_one(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "old", "01")
    catalogue.record_live(
        entry("posts/a.md", "new"), live("posts/a.md", "new", "02", released_slug="old"), release=True
    )

    assert (catalogue.owner_of("old"), catalogue.owner_of("new")) == (None, "posts/a.md")


def test_without_release_the_old_slug_stays(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "old", "01")
    catalogue.record_live(
        entry("posts/a.md", "new"), live("posts/a.md", "new", "02", released_slug="old"), release=False
    )

    assert (catalogue.owner_of("old"), catalogue.owner_of("new")) == ("posts/a.md", "posts/a.md")


def test_releasing_a_slug_nobody_holds_any_more_is_not_an_error(catalogue: Catalogue):
    catalogue.record_taken_down(withdrawn("posts/a.md", "01", released_slug="gone"), release=True)

    assert catalogue.source_state("posts/a.md") == withdrawn("posts/a.md", "01", "gone")


def test_a_failure_that_is_not_a_guard_is_raised_as_it_is(catalogue: Catalogue):
    broken = Catalogue(catalogue.client, "NoSuchTable", catalogue.clock)

    with pytest.raises(ClientError) as failed:
        broken.record_unchanged(live("posts/a.md", "a", "01"))

    assert failed.value.response["Error"]["Code"] == "ResourceNotFoundException"


# ------------------------------------------------------------------ refusals


def test_a_refusal_is_recorded_with_its_reasons(catalogue: Catalogue):
    assert catalogue.record_rejection("posts/a.md", "05", ["the title is missing"])

    [row] = catalogue.statuses()
    assert (row["sk"], row["state"], row["sequencer"], row["reasons"]) == (
        "posts/a.md",
        "rejected",
        "05",
        ["the title is missing"],
    )


def test_a_late_refusal_of_an_older_upload_does_not_replace_a_newer_event(catalogue: Catalogue):
    publish(catalogue, "posts/a.md", "a", "0000000000000009")

    assert not catalogue.record_rejection("posts/a.md", "0000000000000008", ["too late"])
    assert catalogue.statuses() == []


def test_a_late_refusal_of_an_older_upload_does_not_replace_a_newer_refusal(catalogue: Catalogue):
    assert catalogue.record_rejection("posts/a.md", "0000000000000009", ["the newest"])

    assert not catalogue.record_rejection("posts/a.md", "0000000000000008", ["an older one"])
    assert catalogue.record_rejection("posts/a.md", "0000000000000009", ["the newest, retried"])
    assert [row["reasons"] for row in catalogue.statuses()] == [["the newest, retried"]]


def test_a_refusal_without_a_sequencer_is_recorded(catalogue: Catalogue):
    assert catalogue.record_rejection("posts/a.md", "0000000000000009", ["first"])
    assert catalogue.record_rejection("posts/a.md", None, ["second"])

    assert [row["reasons"] for row in catalogue.statuses()] == [["second"]]


def test_an_upload_refused_for_its_slug_waits_for_it(catalogue: Catalogue):
    waiter = SlugWaiter(key="posts/copy.md", slug="hello", sequencer="07", version_id="v7", etag="e7")

    assert catalogue.record_rejection("posts/copy.md", "07", ["the slug is taken"], waiter=waiter)

    assert catalogue.slug_waiter("hello") == waiter
    [row] = catalogue.statuses()
    assert (row["reasons"], row["waitingFor"], row["versionId"], row["etag"]) == (
        ["the slug is taken"],
        "hello",
        "v7",
        "e7",
    )
