"""What a stack holds: published posts, the ones not live and why, and the failure queues."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from pressroom.adapters.catalogue import Catalogue
from pressroom.adapters.listings import ListingStore
from pressroom.aggregates import ALL, tag_listing
from pressroom.catalogue import STATUS_STATES
from pressroom.model import post_path
from pressroom_tools.clock import clock_from_environment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class PublishedPost:
    slug: str
    title: str
    date: str
    source: str
    version: str | None
    url: str


@dataclass(frozen=True)
class SiteStatus:
    published_count: int
    newest: list[PublishedPost]
    not_live: list[dict[str, Any]] = field(default_factory=list)  # key, state, reasons…
    failure_queues: dict[str, int] = field(default_factory=dict)
    states: tuple[str, ...] = STATUS_STATES  # the states asked for (all of them unless filtered)
    tag: str | None = None  # published posts of this tag only, if asked

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"states": list(self.states), "tag": self.tag}
        if "published" in self.states:
            document["published"] = {
                "count": self.published_count,
                "newest": [asdict(post) for post in self.newest],
            }
        document["not_live"] = self.not_live
        document["failure_queues"] = self.failure_queues
        return document


def site_status(
    dynamodb: DynamoDBClient,
    table: str,
    site_url: str,
    newest: int,
    failure_depths: dict[str, int],
    *,
    states: Collection[str] = STATUS_STATES,
    tag: str | None = None,
) -> SiteStatus:
    """`states` keeps only keys in those states; `tag` keeps only published posts of that tag
    (the catalogue keeps tags for live posts only, so the other states are left out with it)."""
    unknown = sorted(set(states) - set(STATUS_STATES))
    if unknown:
        raise ValueError(f"no such state: {', '.join(unknown)} (states are {', '.join(STATUS_STATES)})")
    chosen = tuple(
        state for state in STATUS_STATES if state in states and (tag is None or state == "published")
    )
    catalogue = Catalogue(dynamodb, table, clock_from_environment())
    listings = ListingStore(dynamodb, table)
    listing = ALL if tag is None else tag_listing(tag)
    posts = []
    for entry in listings.newest(listing, newest) if "published" in chosen else []:
        record = catalogue.post_record(entry.slug)
        posts.append(
            PublishedPost(
                slug=entry.slug,
                title=entry.title,
                date=entry.date.isoformat(),
                source=record.source_key if record else "?",
                version=record.version_id if record else None,
                url=site_url.rstrip("/") + post_path(entry.slug),
            )
        )
    return SiteStatus(
        published_count=_count(dynamodb, table, f"LIST#{listing}") if "published" in chosen else 0,
        newest=posts,
        not_live=[
            {"key": row["sk"], **{k: v for k, v in row.items() if k not in ("pk", "sk")}}
            for row in catalogue.statuses()
            if row.get("state") in chosen
        ],
        failure_queues=failure_depths,
        states=chosen,
        tag=tag,
    )


def _count(dynamodb: DynamoDBClient, table: str, partition: str) -> int:
    total = 0
    arguments: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition}},
        "Select": "COUNT",
    }
    while True:
        response = dynamodb.query(**arguments)
        total += response.get("Count", 0)
        if "LastEvaluatedKey" not in response:
            return total
        arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def format_status(status: SiteStatus) -> str:
    lines = []
    if "published" in status.states:
        tagged = f" tagged {status.tag!r}" if status.tag else ""
        lines.append(f"Published{tagged}: {status.published_count:,} post(s). Newest first:")
        for post in status.newest:
            version = (post.version or "-")[:12]
            lines.append(f"  {post.date[:10]}  {post.slug:<40} {version:<12} {post.url}")
        lines.append("")
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in status.not_live:
        groups.setdefault(str(row.get("state")), []).append(row)
    for state in (state for state in status.states if state != "published"):
        rows = groups.get(state, [])
        lines.append(f"{state.capitalize()}: {len(rows)}")
        for row in rows:
            lines.append(f"  {row['key']}")
            lines += [f"    - {reason}" for reason in row.get("reasons", [])]
    lines.append("")
    lines.append("Failure queues:")
    for name, depth in sorted(status.failure_queues.items()):
        lines.append(f"  {name:<24} {depth} waiting")
    return "\n".join(lines)
