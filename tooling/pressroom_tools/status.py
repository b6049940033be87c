"""What a stack holds: published posts, the ones not live and why, and the failure queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pressroom.adapters.catalogue import Catalogue
from pressroom.adapters.listings import ListingStore
from pressroom.aggregates import ALL
from pressroom.model import post_path

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


def site_status(
    dynamodb: DynamoDBClient, table: str, site_url: str, newest: int, failure_depths: dict[str, int]
) -> SiteStatus:
    catalogue = Catalogue(dynamodb, table)
    listings = ListingStore(dynamodb, table)
    posts = []
    for entry in listings.newest(ALL, newest):
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
        published_count=_count(dynamodb, table, f"LIST#{ALL}"),
        newest=posts,
        not_live=[
            {"key": row["sk"], **{k: v for k, v in row.items() if k not in ("pk", "sk")}}
            for row in catalogue.statuses()
        ],
        failure_queues=failure_depths,
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
    lines = [f"Published: {status.published_count:,} post(s). Newest first:"]
    for post in status.newest:
        version = (post.version or "-")[:12]
        lines.append(f"  {post.date[:10]}  {post.slug:<40} {version:<12} {post.url}")
    lines.append("")
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in status.not_live:
        groups.setdefault(str(row.get("state")), []).append(row)
    for state in ("scheduled", "rejected", "draft", "expired", "withdrawn"):
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
