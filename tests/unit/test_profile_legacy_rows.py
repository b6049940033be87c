"""Profiles stored before profiles were files' own stay on an upgraded stack until their file is
written again.

The previous version kept a profile under the slug of its file name (`AUTHORS / ada`), naming no
file and holding no claims. Such a legacy row is read as the profile of authors/<key>.md while
no file with that key has a row; uploading or deleting that file replaces or removes it in the
same transaction, and a profile of another key cannot take what it shows. Each legacy row here
is written by hand, exactly as the previous ListingStore.put_author and remove_author wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from moto_table import pk_sk_table
from world import RULES

from pressroom.adapters.listings import AUTHOR_CLAIMS, AUTHORS, ListingStore
from pressroom.ordering import sequencer_sort_key
from pressroom.reading.profiles import AuthorProfile, ClaimTakenError, validate_profile

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "PostsTable"
CMS_ID = "4dBOgUlI09p9cQ3p5W2EtI"


def profile_file(name: str, *ids: str) -> bytes:
    cms_ids = f"id: [{', '.join(ids)}]\n" if ids else ""
    return f"---\nname: {name}\n{cms_ids}---\n\nA biography.\n".encode()


def profile(key: str, data: bytes) -> AuthorProfile:
    read = validate_profile(key, data, RULES.max_bytes)
    assert isinstance(read, AuthorProfile), read
    return read


def write_legacy_profile(client: DynamoDBClient, key: str, name: str, sequencer: str, *ids: str) -> None:
    """A profile as the previous version stored it: under the file name's slug, avatar left out
    when there is none, no claims."""
    client.put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": AUTHORS},
            "sk": {"S": key},
            "name": {"S": name},
            "bio": {"S": "Wrote the first program."},
            "links": {"L": [{"L": [{"S": "Archive"}, {"S": "https://example.com/ada"}]}]},
            "ids": {"L": [{"S": identifier} for identifier in ids]},
            "bioHtml": {"S": "<p>A biography.</p>\n"},
            "sortSequencer": {"S": sequencer_sort_key(sequencer)},
        },
    )


def write_legacy_removal(client: DynamoDBClient, key: str, sequencer: str) -> None:
    client.put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": AUTHORS},
            "sk": {"S": key},
            "removed": {"BOOL": True},
            "sortSequencer": {"S": sequencer_sort_key(sequencer)},
        },
    )


def stored_keys(client: DynamoDBClient, partition: str) -> list[str]:
    items = client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": partition}},
        ConsistentRead=True,
    )["Items"]
    return [item["sk"]["S"] for item in items]


def shown(store: ListingStore) -> list[tuple[str, str, str]]:
    return [(p.source_key, p.key, p.name) for p in store.authors()]


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    with pk_sk_table(TABLE) as dynamodb:
        yield dynamodb


@pytest.fixture
def store(client: DynamoDBClient) -> ListingStore:
    """An upgraded stack: Ada's profile stored by the previous version, Bob's removed by it."""
    write_legacy_profile(client, "ada", "Ada Lovelace", "0A", CMS_ID)
    write_legacy_removal(client, "bob", "0A")
    return ListingStore(client, TABLE)


def test_a_legacy_profile_is_read_whole_as_the_profile_of_its_file(store: ListingStore):
    assert store.authors() == [
        AuthorProfile(
            source_key="authors/ada.md",
            key="ada",
            name="Ada Lovelace",
            bio="Wrote the first program.",
            avatar=None,
            links=(("Archive", "https://example.com/ada"),),
            ids=(CMS_ID,),
            bio_html="<p>A biography.</p>\n",
        )
    ]


def test_uploading_the_file_again_replaces_the_legacy_row(store: ListingStore, client: DynamoDBClient):
    store.put_author(profile("authors/ada.md", profile_file("Augusta Ada King", CMS_ID)), "0B")

    assert shown(store) == [("authors/ada.md", "ada", "Augusta Ada King")]
    assert stored_keys(client, AUTHORS) == ["authors/ada.md", "bob"]  # "ada" went in the same write
    assert stored_keys(client, AUTHOR_CLAIMS) == [
        "author:ada",
        "author:augusta-ada-king",
        f"id:{CMS_ID}",
        "name:augusta ada king",
    ]


def test_deleting_the_file_removes_the_legacy_row(store: ListingStore, client: DynamoDBClient):
    store.remove_author("authors/ada.md", "0B")

    assert shown(store) == []
    assert stored_keys(client, AUTHORS) == ["authors/ada.md", "bob"]


def test_a_legacy_row_written_after_its_files_row_is_not_shown(store: ListingStore, client: DynamoDBClient):
    # GIVEN the file's row, then a legacy row for its key (a Lambda of the previous version still
    # finishing an event while the upgrade deploys)
    store.put_author(profile("authors/Ada.md", profile_file("Ada Lovelace", CMS_ID)), "0B")
    write_legacy_profile(client, "ada", "Countess of Lovelace", "0A")

    assert shown(store) == [("authors/Ada.md", "ada", "Ada Lovelace")]


def test_a_profile_of_another_key_cannot_take_what_a_legacy_profile_shows(store: ListingStore):
    with pytest.raises(ClaimTakenError) as refused:
        store.put_author(profile("authors/lovelace.md", profile_file("Ada Lovelace", CMS_ID)), "0B")

    assert [(claim.stored, owner) for claim, owner in refused.value.taken] == [
        ("author:ada-lovelace", "authors/ada.md"),  # the page its name gives
        ("name:ada lovelace", "authors/ada.md"),
        (f"id:{CMS_ID}", "authors/ada.md"),
    ]
    assert shown(store) == [("authors/ada.md", "ada", "Ada Lovelace")]


def test_every_legacy_profiles_claims_are_respected_not_only_the_last_ones(
    store: ListingStore, client: DynamoDBClient
):
    write_legacy_profile(client, "carol", "Carol Shaw", "0A", "CAROL-ID")  # sorts after Ada's

    with pytest.raises(ClaimTakenError) as refused:
        store.put_author(profile("authors/lovelace.md", profile_file("Ada Lovelace")), "0B")

    assert {owner for _claim, owner in refused.value.taken} == {"authors/ada.md"}


def test_a_refused_upload_of_the_file_leaves_its_legacy_profile_shown(store: ListingStore):
    # GIVEN another file's profile, uploaded after the upgrade, holding a CMS id
    store.put_author(profile("authors/grace.md", profile_file("Grace Hopper", "cms-grace")), "0A")

    with pytest.raises(ClaimTakenError):
        store.put_author(profile("authors/ada.md", profile_file("Ada Lovelace", "cms-grace")), "0B")

    assert shown(store) == [
        ("authors/ada.md", "ada", "Ada Lovelace"),
        ("authors/grace.md", "grace", "Grace Hopper"),
    ]


@pytest.mark.parametrize("key", ["authors", "authors-guild", "zoe"])  # before and after "authors/…"
def test_a_legacy_profile_is_found_wherever_its_key_sorts(
    store: ListingStore, client: DynamoDBClient, key: str
):
    write_legacy_profile(client, key, "Someone", "0A")

    with pytest.raises(ClaimTakenError) as refused:
        store.put_author(profile("authors/someone-else.md", profile_file("Someone")), "0B")

    assert [owner for _claim, owner in refused.value.taken] == [f"authors/{key}.md"] * 2  # the page, the name
