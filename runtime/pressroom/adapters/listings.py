"""Listing memberships in the catalogue table: what the aggregate pages are rebuilt from.

Items (partition key `pk`, sort key `sk`), all read with consistent reads:
  LIST#<listing>           / <UTC date>#<slug>   a post in a listing, newest last in sort order
  LISTPAGE#<listing>#<k>   / <UTC date>#<slug>   the same post on archive page k of the listing
  SITEMAP#<j>              / <slug>              a post in sitemap chunk j
  TERM#<kind>              / <term>              a listing's display name, its next sequence
                                                 number, and whether the terms index lists it
  SITEPAGES                / <slug>              a live page (About…): title, dates, menu entry
  AUTHORS                  / <key>               an author profile (authors/<key>.md), or the
                                                 tombstone of a removed one, by sequencer
Each row carries what a listing shows (title, date, summary, tags, authors, image), so no page
ever needs to read the posts themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
from pressroom.reading.profiles import AuthorProfile

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

AUTHORS = "AUTHORS"


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
        row = {
            "name": profile.name,
            "bio": profile.bio,
            "avatar": profile.avatar,
            "links": [list(link) for link in profile.links],
            "ids": list(profile.ids),
            "bioHtml": profile.bio_html,
        }
        self._author_write(profile.key, sequencer, row)

    def remove_author(self, key: str, sequencer: str | None) -> None:
        self._author_write(key, sequencer, {"removed": True})

    def _author_write(self, key: str, sequencer: str | None, row: dict[str, Any]) -> None:
        values = attributes(row)
        item = {"pk": {"S": AUTHORS}, "sk": {"S": key}, **values}
        arguments: dict[str, Any] = {"TableName": self.table_name, "Item": item}
        if sequencer:
            item["sortSequencer"] = {"S": sequencer_sort_key(sequencer)}
            arguments["ConditionExpression"] = "attribute_not_exists(pk) OR sortSequencer <= :seq"
            arguments["ExpressionAttributeValues"] = {":seq": {"S": sequencer_sort_key(sequencer)}}
        try:
            self.client.put_item(**arguments)
        except self.client.exceptions.ConditionalCheckFailedException as error:
            raise StaleEventError(f"a newer change to authors/{key} was applied") from error

    def authors(self) -> list[AuthorProfile]:
        profiles = []
        for item in self._all(AUTHORS, newest_first=False):
            row = plain(item)
            if row.get("removed"):
                continue
            profiles.append(
                AuthorProfile(
                    key=row["sk"],
                    name=row["name"],
                    bio=row.get("bio", ""),
                    avatar=row.get("avatar"),
                    links=tuple((str(label), str(url)) for label, url in row.get("links", [])),
                    ids=tuple(row.get("ids", [])),
                    bio_html=row.get("bioHtml", ""),
                )
            )
        return profiles

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
        projection = {
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

    def _all(self, partition: str, newest_first: bool, **projection: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
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
