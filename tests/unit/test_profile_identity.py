"""Author profiles are their files as uploaded: one never replaces, removes or takes over another's.

A profile claims what finds its author (the key its file name gives, its name and the page that
name gives, its CMS ids); a later profile claiming what another file's profile holds is refused
with the reason, announced as a refused post is, and the first keeps its posts. The stage runs
on the in-memory ports; the DynamoDB adapter's claims are the condition expressions themselves,
so they run against moto's DynamoDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from moto_table import pk_sk_table
from world import BUCKET, NOW, RULES, World, post_file

from pressroom.adapters.listings import AUTHOR_CLAIMS, ListingStore
from pressroom.catalogue import StaleEventError
from pressroom.events import AuthorMetadata, AuthorValidated, DetailType, PostRejected, PostWithdrawn
from pressroom.model import Rejection
from pressroom.reading.profiles import (
    AuthorProfile,
    Claim,
    ClaimKind,
    ClaimTakenError,
    claim_problems,
    profile_claims,
    validate_profile,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CMS_ID = "4dBOgUlI09p9cQ3p5W2EtI"
TABLE = "PostsTable"


def profile_file(name: str, *ids: str) -> bytes:
    cms_ids = f"id: [{', '.join(ids)}]\n" if ids else ""
    return f"---\nname: {name}\n{cms_ids}---\n\nA biography.\n".encode()


ADA = profile_file("Ada Lovelace", CMS_ID)
CMS_POST = post_file("Notes on the engine", extra=f"author:\n  - id: {CMS_ID}\n    contentType: teamMember")


def profile(key: str, data: bytes) -> AuthorProfile:
    read = validate_profile(key, data, RULES.max_bytes)
    assert isinstance(read, AuthorProfile), read
    return read


def upload(world: World, key: str, data: bytes) -> None:
    """Upload a profile and hand ValidateFunction's "Author Validated" to RenderFunction's stages."""
    source = world.upload(key, data)
    read = profile(key, data)
    author = AuthorMetadata(key=read.key, name=read.name, ids=list(read.ids))
    world.rendering.handle(AuthorValidated(source=source, author=author), NOW)


def delete(world: World, key: str) -> None:
    world.rendering.handle(PostWithdrawn(source=world.uploads.delete(BUCKET, key)), NOW)


def refusals(world: World) -> dict[str, list[str]]:
    """What the bus said was refused (what NotifyFunction announces), by file."""
    return {
        detail.source.key: [reason.describe() for reason in detail.reasons]
        for kind, detail in world.bus.events
        if kind is DetailType.POST_REJECTED and isinstance(detail, PostRejected)
    }


def recorded(world: World) -> list[tuple[str, str]]:
    return [(p.source_key, p.name) for p in world.listings.authors()]


def post_page(world: World) -> str:
    return world.site.text("posts/engine/index.html")


@pytest.fixture
def world() -> World:
    world = World()
    upload(world, "authors/ada.md", ADA)
    world.publish("posts/engine.md", CMS_POST)
    return world


# ------------------------------------------------------------------ the stage, on in-memory ports


def test_a_file_differing_only_in_case_is_refused_and_the_first_keeps_its_posts(world: World):
    # WHEN authors/ADA.md arrives: another file, whose name gives the same key, "ada"
    upload(world, "authors/ADA.md", profile_file("Mallory"))

    # THEN it is refused, naming the file that holds the key, and nothing else changes
    assert refusals(world) == {
        "authors/ADA.md": [
            "the author key 'ada' (from the file name) is already claimed by authors/ada.md: rename "
            "this file, or delete authors/ada.md before uploading this file again"
        ]
    }
    assert world.catalogue.statuses["authors/ADA.md"]["state"] == "rejected"  # for `pressroom status`
    assert recorded(world) == [("authors/ada.md", "Ada Lovelace")]
    assert "Ada Lovelace" in post_page(world)


def test_deleting_the_refused_file_leaves_the_other_profile_in_place(world: World):
    upload(world, "authors/ADA.md", profile_file("Mallory"))
    writes = len(world.site.writes)
    world.stale.take()

    delete(world, "authors/ADA.md")

    assert recorded(world) == [("authors/ada.md", "Ada Lovelace")]
    assert "Ada Lovelace" in post_page(world)
    assert (len(world.site.writes), world.stale.take()) == (writes, set())  # nothing rendered again


def test_deleting_the_first_frees_its_claims_for_the_refused_file_uploaded_again(world: World):
    mallory = profile_file("Mallory", CMS_ID)
    upload(world, "authors/ADA.md", mallory)

    delete(world, "authors/ada.md")

    assert recorded(world) == []  # the refused file is not judged again by itself
    upload(world, "authors/ADA.md", mallory)
    assert recorded(world) == [("authors/ADA.md", "Mallory")]
    assert "Mallory" in post_page(world)


def test_a_profile_claiming_another_files_cms_id_is_refused_with_the_reason(world: World):
    upload(world, "authors/mallory.md", profile_file("Mallory", "cms-mallory", CMS_ID))

    assert refusals(world) == {
        "authors/mallory.md": [
            f"id: the CMS id '{CMS_ID}' is already claimed by authors/ada.md: remove that id here, "
            "or delete authors/ada.md before uploading this file again"
        ]
    }
    assert recorded(world) == [("authors/ada.md", "Ada Lovelace")]
    assert "Ada Lovelace" in post_page(world)
    assert "Mallory" not in post_page(world)


def test_a_profile_claiming_another_files_name_is_refused_once_for_the_name(world: World):
    upload(world, "authors/lovelace.md", profile_file("ada LOVELACE"))

    assert refusals(world) == {
        "authors/lovelace.md": [
            "name: the name 'ada LOVELACE' is already claimed by authors/ada.md: change the name, "
            "or delete authors/ada.md before uploading this file again"
        ]
    }
    assert recorded(world) == [("authors/ada.md", "Ada Lovelace")]


def test_a_name_giving_another_files_key_as_its_page_is_refused(world: World):
    upload(world, "authors/someone.md", profile_file("Ada"))

    assert refusals(world) == {
        "authors/someone.md": [
            "name: the author page /authors/ada/ (from the name) is already claimed by authors/ada.md: "
            "change the name, or delete authors/ada.md before uploading this file again"
        ]
    }


def test_editing_a_profile_may_change_its_own_name_and_ids_and_frees_the_old_ones(world: World):
    upload(world, "authors/ada.md", profile_file("Augusta Ada King", "cms-augusta"))

    assert refusals(world) == {}
    assert recorded(world) == [("authors/ada.md", "Augusta Ada King")]
    upload(world, "authors/lovelace.md", profile_file("Ada Lovelace", CMS_ID))
    assert refusals(world) == {}
    assert recorded(world) == [
        ("authors/ada.md", "Augusta Ada King"),
        ("authors/lovelace.md", "Ada Lovelace"),
    ]
    assert "Ada Lovelace" in post_page(world)


def test_a_refused_edit_leaves_the_files_previous_profile_live(world: World):
    upload(world, "authors/grace.md", profile_file("Grace Hopper"))

    upload(world, "authors/grace.md", profile_file("Grace Hopper", CMS_ID))

    assert list(refusals(world)) == ["authors/grace.md"]
    assert recorded(world) == [("authors/ada.md", "Ada Lovelace"), ("authors/grace.md", "Grace Hopper")]


# ------------------------------------------------------------------ claims, as data


def test_a_profile_claims_its_key_its_page_its_name_and_each_cms_id_once():
    ada = profile("authors/Ada-Lovelace.md", profile_file("Ada Lovelace", "a1", "a1", "a2"))

    assert [claim.stored for claim in profile_claims(ada)] == [
        "author:ada-lovelace",  # the key, and the page its name gives: one claim
        "name:ada lovelace",
        "id:a1",
        "id:a2",
    ]


def test_a_claim_too_long_for_a_store_key_is_kept_as_its_hash():
    stored = Claim(ClaimKind.PAGE, "%E5%B0%8F" * 120).stored  # a page slug, percent-encoded

    assert stored.startswith("author:sha256:")
    assert len(stored.encode()) < 100


def test_an_overlong_cms_id_is_refused_naming_the_field():
    verdict = validate_profile("authors/ada.md", profile_file("Ada", "x" * 201), RULES.max_bytes)

    assert isinstance(verdict, Rejection)
    assert [(problem.field, problem.message) for problem in verdict.problems] == [
        ("id", f"the id '{'x' * 58}… is 201 characters; a CMS id is at most 200")
    ]


# ------------------------------------------------------------------ the DynamoDB adapter


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    with pk_sk_table(TABLE) as dynamodb:
        yield dynamodb


@pytest.fixture
def store(client: DynamoDBClient) -> ListingStore:
    return ListingStore(client, TABLE)


def claims_held(client: DynamoDBClient) -> dict[str, str]:
    items = client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": AUTHOR_CLAIMS}},
        ConsistentRead=True,
    )["Items"]
    return {item["sk"]["S"]: item["sourceKey"]["S"] for item in items}


def test_dynamodb_keeps_both_files_and_refuses_the_later_claim_naming_the_holder(
    store: ListingStore, client: DynamoDBClient
):
    store.put_author(profile("authors/ada.md", ADA), "0A")

    with pytest.raises(ClaimTakenError) as refused:
        store.put_author(profile("authors/ADA.md", profile_file("Mallory", CMS_ID)), "0B")

    assert [(claim.stored, owner) for claim, owner in refused.value.taken] == [
        ("author:ada", "authors/ada.md"),
        (f"id:{CMS_ID}", "authors/ada.md"),
    ]
    store.remove_author("authors/ADA.md", "0C")
    assert [(p.source_key, p.key, p.name) for p in store.authors()] == [
        ("authors/ada.md", "ada", "Ada Lovelace")
    ]
    assert set(claims_held(client).values()) == {"authors/ada.md"}


def test_dynamodb_releases_what_an_edit_or_a_removal_no_longer_claims(
    store: ListingStore, client: DynamoDBClient
):
    store.put_author(profile("authors/ada.md", ADA), "0A")
    store.put_author(profile("authors/ada.md", profile_file("Augusta Ada King")), "0B")

    assert claims_held(client) == {
        "author:ada": "authors/ada.md",
        "author:augusta-ada-king": "authors/ada.md",
        "name:augusta ada king": "authors/ada.md",
    }
    store.put_author(profile("authors/lovelace.md", ADA), "01")
    store.remove_author("authors/ada.md", "0C")
    assert set(claims_held(client).values()) == {"authors/lovelace.md"}
    with pytest.raises(StaleEventError):
        store.put_author(profile("authors/ada.md", ADA), "0B")


def test_dynamodb_a_write_that_raced_another_of_the_same_file_releases_what_that_one_claimed(
    store: ListingStore, client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
):
    # GIVEN an older event for the same file, written between the read and the write of a newer one
    store.put_author(profile("authors/ada.md", ADA), "0A")
    transact = client.transact_write_items
    raced: list[bool] = []

    def interleaved(**arguments: Any) -> Any:
        if not raced:
            raced.append(True)
            store.put_author(profile("authors/ada.md", profile_file("Countess")), "0B")
        return transact(**arguments)

    monkeypatch.setattr(client, "transact_write_items", interleaved)

    # WHEN the newer one is written
    store.put_author(profile("authors/ada.md", profile_file("Augusta Ada King")), "0C")

    # THEN the race's claims ("Countess") are released, not left to block another file forever
    assert "name:countess" not in claims_held(client)
    assert [p.name for p in store.authors()] == ["Augusta Ada King"]


def test_dynamodb_profiles_from_events_without_a_sequencer_are_written_in_turn(store: ListingStore):
    # S3's events through some emulators, and ones written by hand, carry no sequencer
    store.put_author(profile("authors/ada.md", ADA), None)
    store.put_author(profile("authors/ada.md", profile_file("Augusta Ada King", CMS_ID)), "0A")
    store.put_author(profile("authors/ada.md", ADA), None)

    assert [p.name for p in store.authors()] == ["Ada Lovelace"]


def test_dynamodb_an_older_event_for_a_profile_is_refused_naming_the_file(store: ListingStore):
    store.put_author(profile("authors/ada.md", ADA), "0B")

    with pytest.raises(StaleEventError, match=r"^a newer change to authors/ada\.md was applied$"):
        store.put_author(profile("authors/ada.md", profile_file("Mallory")), "0A")


def test_dynamodb_a_profile_uploaded_again_after_its_removal_is_shown_again(
    store: ListingStore, client: DynamoDBClient
):
    store.put_author(profile("authors/ada.md", ADA), "0A")
    store.remove_author("authors/ada.md", "0B")
    assert store.authors() == []

    store.put_author(profile("authors/ada.md", ADA), "0C")

    assert [p.name for p in store.authors()] == ["Ada Lovelace"]
    assert set(claims_held(client).values()) == {"authors/ada.md"}


def test_dynamodb_a_refusal_names_only_what_another_file_holds_not_the_files_own_claims(
    store: ListingStore,
):
    store.put_author(profile("authors/ada.md", ADA), "0A")
    store.put_author(profile("authors/bob.md", profile_file("Bob", "BOB-ID")), "0A")

    with pytest.raises(ClaimTakenError) as refused:
        store.put_author(profile("authors/ada.md", profile_file("Ada Lovelace", CMS_ID, "BOB-ID")), "0B")

    assert [(claim.stored, owner) for claim, owner in refused.value.taken] == [
        ("id:BOB-ID", "authors/bob.md")
    ]


def test_dynamodb_claims_are_read_consistently_so_a_claim_just_taken_is_seen(
    store: ListingStore, client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
):
    store.put_author(profile("authors/ada.md", ADA), "0A")
    get_item = client.get_item
    reads: list[Any] = []

    def recorded_get_item(**arguments: Any) -> Any:
        reads.append(arguments.get("ConsistentRead"))
        return get_item(**arguments)

    monkeypatch.setattr(client, "get_item", recorded_get_item)
    with pytest.raises(ClaimTakenError):
        store.put_author(profile("authors/mallory.md", profile_file("Mallory", CMS_ID)), "0B")

    assert reads
    assert set(reads) == {True}


def test_dynamodb_a_profile_whose_row_keeps_changing_is_left_to_the_retry_saying_so(
    store: ListingStore, monkeypatch: pytest.MonkeyPatch
):
    store.put_author(profile("authors/ada.md", ADA), "0A")
    before = store._author_row("authors/ada.md")
    store.put_author(profile("authors/ada.md", profile_file("Countess")), "0B")
    monkeypatch.setattr(store, "_author_row", lambda _key: before)  # every read a step behind

    with pytest.raises(RuntimeError, match=r"^authors/ada\.md kept changing while its profile was written; "):
        store.put_author(profile("authors/ada.md", profile_file("Augusta Ada King")), "0C")


def test_claim_problems_name_every_claim_another_file_holds():
    mallory = profile("authors/ada.md", profile_file("Mallory", CMS_ID))
    taken = [(claim, "authors/other.md") for claim in profile_claims(mallory)]

    assert [problem.field for problem in claim_problems(mallory, taken)] == [None, "name", "id"]
