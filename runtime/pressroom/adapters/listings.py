"""Listing memberships in the catalogue table: what the aggregate pages are rebuilt from.

Items (partition key `pk`, sort key `sk`), all read with consistent reads:
  LIST#<listing>           / <UTC date>#<slug>   a post in a listing, newest last in sort order
  LISTPAGE#<listing>#<k>   / <UTC date>#<slug>   the same post on archive page k of the listing
  SITEMAP#<j>              / <slug>              a post in sitemap chunk j
  TERM#<kind>              / <term>              a listing's display name, its next sequence
                                                 number, and whether the terms index lists it
  SITEPAGES                / <slug>              a live page (About…): title, dates, menu entry
  AUTHORS                  / authors/<file>      an author profile, under its file's key as
                                                 uploaded (with the claims it holds), or the
                                                 tombstone of a removed one, by sequencer
  AUTHORS                  / <key>               a legacy profile (or tombstone): stored by the
                                                 file name's slug, before profiles were files'
                                                 own; it names no file and holds no claims
  AUTHORCLAIMS             / <claim>             the file whose profile holds a claim (a key,
                                                 name, page or CMS id; see reading/profiles.py)
Each row carries what a listing shows (title, date, summary, tags, authors, image), so no page
ever needs to read the posts themselves.

A legacy row is read on, as the profile of authors/<key>.md, while no file with that key has a
row of its own, so a stack upgraded in place keeps its authors. Writing the row of any file with
that key (its profile, or its removal) deletes the legacy row in the same transaction, as the
previous version's write for that key would have replaced it. Its claims are respected but not
held: a profile of another key claiming what it shows is refused as if authors/<key>.md held it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from pressroom.adapters.items import attributes, plain
from pressroom.aggregates import (
    SITE_PAGES,
    Key,
    ListingEntry,
    SitemapRow,
    SitePage,
    Term,
    listing_kind,
    listing_term,
    membership_keys,
)
from pressroom.catalogue import StaleEventError
from pressroom.ordering import sequencer_sort_key
from pressroom.reading.profiles import (
    AUTHORS_PREFIX,
    AuthorProfile,
    Claim,
    ClaimTakenError,
    profile_claims,
    profile_key,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

AUTHORS = "AUTHORS"
AUTHOR_CLAIMS = "AUTHORCLAIMS"
AUTHOR_WRITE_ATTEMPTS = 3  # a profile's row changed by another event between its read and its write
# A legacy row's key is a slug, without "/": it sorts before every "authors/…" or after all
# of them ("0" follows "/").
_FILE_SORT_KEYS = ("begins_with(sk, :sk)", AUTHORS_PREFIX)
_LEGACY_SORT_KEYS = (("sk < :sk", AUTHORS_PREFIX), ("sk >= :sk", "authors0"))
_CLAIM_FIELDS: dict[str, Any] = {  # what a row's claims are made of
    "ProjectionExpression": "#sk, #removed, #name, #ids",
    "ExpressionAttributeNames": {"#sk": "sk", "#removed": "removed", "#name": "name", "#ids": "ids"},
}


def _entry(item: Mapping[str, Any]) -> ListingEntry:
    row = plain(item)
    return ListingEntry(
        slug=row["slug"],
        title=row["title"],
        date=datetime.fromisoformat(row["date"]),
        updated=datetime.fromisoformat(row["updated"]) if row.get("updated") else None,
        summary=row.get("summary"),
        tags=tuple(row.get("tags", ())),
        authors=tuple(row.get("authors", ())),
        image=_image(row.get("image")),
    )


def _image(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The row's image as it was put: DynamoDB gives its width and height back as Decimals."""
    if not stored:
        return None
    return {name: int(value) if isinstance(value, Decimal) else value for name, value in stored.items()}


class ListingStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    # ------------------------------------------------------------------ writes (RenderFunction)
    def allocate(self, listing: str, name: str) -> int:
        """The listing's next sequence number, taken atomically."""
        response = self.client.update_item(
            TableName=self.table_name,
            Key=_term_key(listing),
            UpdateExpression=(
                "ADD nextSequence :one SET #name = if_not_exists(#name, :name), listing = :listing"
            ),
            ExpressionAttributeNames={"#name": "name"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":name": {"S": name}, ":listing": {"S": listing}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["nextSequence"]["N"])

    def put(self, entry: ListingEntry, memberships: Mapping[str, int], page_size: int) -> None:
        """Write (or refresh) the rows placing `entry` in its listings and sitemap chunk."""
        row: dict[str, Any] = {
            "slug": entry.slug,
            "title": entry.title,
            "date": entry.date.isoformat(),
            "updated": entry.updated.isoformat() if entry.updated else None,
            "summary": entry.summary,
            "tags": list(entry.tags),
            "authors": list(entry.authors),
            "image": dict(entry.image) if entry.image else None,
        }
        values = attributes(row)
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"S": sk}, **values}}}
            for pk, sk in membership_keys(entry.date_key, entry.slug, memberships, page_size)
        ]
        self._batch(requests)

    def put_site_page(self, page: SitePage) -> None:
        row: dict[str, Any] = {
            "slug": page.slug,
            "title": page.title,
            "date": page.date.isoformat() if page.date else None,
            "updated": page.updated.isoformat() if page.updated else None,
            "menuName": page.menu_name,
            "menuWeight": page.menu_weight if page.menu_name else None,
        }
        values = attributes(row)
        self.client.put_item(
            TableName=self.table_name, Item={"pk": {"S": SITE_PAGES}, "sk": {"S": page.slug}, **values}
        )

    def site_pages(self) -> list[SitePage]:
        pages = []
        for item in self._all(SITE_PAGES, newest_first=False):
            row = plain(item)
            pages.append(
                SitePage(
                    slug=row["slug"],
                    title=row["title"],
                    date=datetime.fromisoformat(row["date"]) if row.get("date") else None,
                    updated=datetime.fromisoformat(row["updated"]) if row.get("updated") else None,
                    menu_name=row.get("menuName"),
                    menu_weight=int(row.get("menuWeight", 0)),
                )
            )
        return pages

    def put_author(self, profile: AuthorProfile, sequencer: str | None) -> None:
        claims = profile_claims(profile)
        row = {
            "name": profile.name,
            "bio": profile.bio,
            "avatar": profile.avatar,
            "links": [list(link) for link in profile.links],
            "ids": list(profile.ids),
            "bioHtml": profile.bio_html,
            "claims": [claim.stored for claim in claims],
        }
        self._author_write(profile.source_key, sequencer, row, claims)

    def remove_author(self, source_key: str, sequencer: str | None) -> None:
        self._author_write(source_key, sequencer, {"removed": True}, ())

    def _author_write(
        self, key: str, sequencer: str | None, row: dict[str, Any], claims: Sequence[Claim]
    ) -> None:
        """Write the file's row, hold its claims and release those its previous version held, in
        one transaction. The row is written only if unchanged since it was read, so that the
        claims released are the ones it held; a change in between is read again."""
        incoming = sequencer_sort_key(sequencer) if sequencer else None
        author_key = profile_key(key)
        for _attempt in range(AUTHOR_WRITE_ATTEMPTS):
            recorded = self._author_row(key)
            recorded_order = recorded.get("sortSequencer", {}).get("S") if recorded else None
            if incoming and recorded_order and recorded_order > incoming:
                raise StaleEventError(f"a newer change to {key} was applied")
            if claims and (taken := self._claimed_by_legacy_rows(author_key, claims)):
                raise ClaimTakenError(taken)
            item = {"pk": {"S": AUTHORS}, "sk": {"S": key}, **attributes(row)}
            if incoming:
                item["sortSequencer"] = {"S": incoming}
            wanted = {claim.stored for claim in claims}
            held = {value["S"] for value in recorded.get("claims", {}).get("L", [])} if recorded else set()
            actions = [
                {"Put": {"TableName": self.table_name, "Item": item, **_unchanged_since(recorded)}},
                *(self._claim_action("Put", stored, key) for stored in sorted(wanted)),
                *(self._claim_action("Delete", stored, key) for stored in sorted(held - wanted)),
                *self._legacy_row_removal(author_key),
            ]
            try:
                self.client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if reasons[:1] == ["ConditionalCheckFailed"]:
                continue  # the row changed since it was read: read it again
            taken = self._claimed_by_others(key, claims)
            if taken:
                raise ClaimTakenError(taken)
        raise RuntimeError(f"{key} kept changing while its profile was written; the event will be retried")

    def _author_row(self, key: str) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": AUTHORS}, "sk": {"S": key}}, ConsistentRead=True
        )
        return response.get("Item")

    def _claim_action(self, action: str, stored: str, key: str) -> dict[str, Any]:
        """Hold (Put) or release (Delete) a claim, unless another file's profile holds it."""
        claim_key = {"pk": {"S": AUTHOR_CLAIMS}, "sk": {"S": stored}}
        target = {"Item": {**claim_key, "sourceKey": {"S": key}}} if action == "Put" else {"Key": claim_key}
        return {
            action: {
                "TableName": self.table_name,
                **target,
                "ConditionExpression": "attribute_not_exists(pk) OR sourceKey = :key",
                "ExpressionAttributeValues": {":key": {"S": key}},
            }
        }

    def _legacy_row_removal(self, author_key: str) -> list[dict[str, Any]]:
        """Delete the legacy row of this key, if there is one: the file's row replaces it."""
        if not author_key:  # a file name without a key: no such row
            return []
        return [
            {"Delete": {"TableName": self.table_name, "Key": {"pk": {"S": AUTHORS}, "sk": {"S": author_key}}}}
        ]

    def _claimed_by_legacy_rows(self, author_key: str, claims: Sequence[Claim]) -> list[tuple[Claim, str]]:
        """Each of `claims` a shown legacy profile makes, with the file it is read as; the legacy
        row of this write's own key is left out, as the write replaces it."""
        legacy = [
            item
            for sort_keys in _LEGACY_SORT_KEYS
            for item in self._all(AUTHORS, newest_first=False, sort_keys=sort_keys, **_CLAIM_FIELDS)
        ]
        if not legacy:  # once every legacy row is replaced: no need to read the files' rows
            return []
        files = self._all(AUTHORS, newest_first=False, sort_keys=_FILE_SORT_KEYS, **_CLAIM_FIELDS)
        rows = _shown_author_rows(plain(item) for item in [*legacy, *files])
        held: dict[str, str] = {}
        for row in rows:
            if _is_legacy(row) and row["sk"] != author_key:
                profile = _author(row)
                held |= {claim.stored: profile.source_key for claim in profile_claims(profile)}
        return [(claim, held[claim.stored]) for claim in claims if claim.stored in held]

    def _claimed_by_others(self, key: str, claims: Sequence[Claim]) -> list[tuple[Claim, str]]:
        """Each of `claims` another file's profile holds, with that file (read after a refusal)."""
        taken: list[tuple[Claim, str]] = []
        for claim in claims:
            response = self.client.get_item(
                TableName=self.table_name,
                Key={"pk": {"S": AUTHOR_CLAIMS}, "sk": {"S": claim.stored}},
                ConsistentRead=True,
            )
            owner = response.get("Item", {}).get("sourceKey", {}).get("S")
            if owner is not None and owner != key:
                taken.append((claim, owner))
        return taken

    def authors(self) -> list[AuthorProfile]:
        rows = _shown_author_rows(plain(item) for item in self._all(AUTHORS, newest_first=False))
        return [_author(row) for row in rows]

    def delete(self, keys: Iterable[Key]) -> None:
        self._batch([{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}} for pk, sk in keys])

    def _batch(self, requests: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table_name: list(requests[start : start + 25])}
            for _attempt in range(8):
                response = self.client.batch_write_item(RequestItems=pending)
                pending = dict(response.get("UnprocessedItems") or {})
                if not pending:
                    break
            else:
                raise RuntimeError(
                    "DynamoDB kept refusing part of a batch write; the invocation will be retried"
                )

    # ------------------------------------------------------------------ reads (AggregateFunction)
    def newest(self, listing: str, limit: int) -> list[ListingEntry]:
        response = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"LIST#{listing}"}},
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        return [_entry(item) for item in response.get("Items", [])]

    def slugs_page(
        self, listing: str, after: dict[str, Any] | None, limit: int
    ) -> tuple[list[str], dict[str, Any] | None]:
        """One page of a listing's slugs, and where the next page starts (None: no more)."""
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"LIST#{listing}"}},
            "ProjectionExpression": "slug",
            "Limit": limit,
            "ConsistentRead": True,
        }
        if after:
            arguments["ExclusiveStartKey"] = after
        response = self.client.query(**arguments)
        slugs = [item["slug"]["S"] for item in response.get("Items", [])]
        return slugs, response.get("LastEvaluatedKey")

    def everything_in(self, listing: str) -> list[ListingEntry]:
        """Every post in a listing, oldest first (a republish reads them all, on purpose)."""
        return [_entry(item) for item in self._all(f"LIST#{listing}", newest_first=False)]

    def page(self, listing: str, page: int) -> list[ListingEntry]:
        return [_entry(item) for item in self._all(f"LISTPAGE#{listing}#{page}", newest_first=True)]

    def sitemap_chunk(self, chunk: int) -> list[SitemapRow]:
        """Read with a projection: a chunk holds up to 1,000 posts, and a sitemap needs three fields."""
        projection: dict[str, Any] = {
            "ProjectionExpression": "#slug, #date, #updated",
            "ExpressionAttributeNames": {"#slug": "slug", "#date": "date", "#updated": "updated"},
        }
        return [
            SitemapRow(
                slug=item["slug"]["S"],
                date=datetime.fromisoformat(item["date"]["S"]),
                updated=datetime.fromisoformat(item["updated"]["S"]) if "updated" in item else None,
            )
            for item in self._all(f"SITEMAP#{chunk}", newest_first=False, **projection)
        ]

    def term(self, listing: str) -> Term | None:
        response = self.client.get_item(
            TableName=self.table_name,
            Key=_term_key(listing),
            ConsistentRead=True,
        )
        return _term(response["Item"]) if "Item" in response else None

    def terms(self, kind: str) -> list[Term]:
        """Every term of a kind the terms index lists (cost: the number of terms, not of posts)."""
        return [_term(item) for item in self._all(f"TERM#{kind}", newest_first=False)]

    def set_listed(self, listing: str, listed: bool) -> None:
        self.client.update_item(
            TableName=self.table_name,
            Key=_term_key(listing),
            UpdateExpression="SET listed = :listed",
            ExpressionAttributeValues={":listed": {"BOOL": listed}},
        )

    def _all(
        self, partition: str, newest_first: bool, sort_keys: tuple[str, str] | None = None, **projection: Any
    ) -> list[dict[str, Any]]:
        """Every item of a partition; with `sort_keys` (a condition on `sk` and its `:sk`), those
        whose sort key meets it."""
        items: list[dict[str, Any]] = []
        condition, values = "pk = :pk", {":pk": {"S": partition}}
        if sort_keys:
            condition, values = f"{condition} AND {sort_keys[0]}", values | {":sk": {"S": sort_keys[1]}}
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
            "ConsistentRead": True,
            **projection,
        }
        while True:
            response = self.client.query(**arguments)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _is_legacy(row: Mapping[str, Any]) -> bool:
    """Whether an AUTHORS row is legacy: keyed by a slug, which has no "/"."""
    return not row["sk"].startswith(AUTHORS_PREFIX)


def _shown_author_rows(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows whose profiles are shown: each file's live row, and each live legacy row while no
    file with that key has a row (live or removed)."""
    rows = list(rows)
    keys_of_files = {profile_key(row["sk"]) for row in rows if not _is_legacy(row)}
    return [
        row for row in rows if not row.get("removed") and not (_is_legacy(row) and row["sk"] in keys_of_files)
    ]


def _author(row: Mapping[str, Any]) -> AuthorProfile:
    """A shown row's profile; a legacy row's is read as authors/<key>.md's, the file name its key
    was most likely made from (the row does not say)."""
    legacy = _is_legacy(row)
    return AuthorProfile(
        source_key=f"{AUTHORS_PREFIX}{row['sk']}.md" if legacy else row["sk"],
        key=row["sk"] if legacy else profile_key(row["sk"]),
        name=row["name"],
        bio=row.get("bio", ""),
        avatar=row.get("avatar"),
        links=tuple((str(label), str(url)) for label, url in row.get("links", [])),
        ids=tuple(row.get("ids", [])),
        bio_html=row.get("bioHtml", ""),
    )


def _unchanged_since(recorded: Mapping[str, Any] | None) -> dict[str, Any]:
    """The condition that a profile's row is as it was read: absent, or at the same sequencer."""
    if recorded is None:
        return {"ConditionExpression": "attribute_not_exists(pk)"}
    if "sortSequencer" not in recorded:
        return {"ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(sortSequencer)"}
    return {
        "ConditionExpression": "sortSequencer = :read",
        "ExpressionAttributeValues": {":read": recorded["sortSequencer"]},
    }


def _term_key(listing: str) -> dict[str, Any]:
    return {"pk": {"S": f"TERM#{listing_kind(listing).value}"}, "sk": {"S": listing_term(listing)}}


def _term(item: Mapping[str, Any]) -> Term:
    row = plain(item)
    return Term(
        listing=row.get("listing") or f"{row['pk'].removeprefix('TERM#')}:{row['sk']}",
        name=row.get("name", row["sk"]),
        next_sequence=int(row.get("nextSequence", 0)),
        listed=bool(row.get("listed", False)),
    )
