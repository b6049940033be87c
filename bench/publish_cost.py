"""What publishing one post costs on sites of 10, 1,000 and 10,000 posts, on the local stack.

Counted: every AWS API call the functions make (boto3, by service and operation: a botocore
`provide-client-params` handler on the default session, where the functions' clients come
from, as tests/conftest.py's `hosting_writes` does), and the objects written to the hosting
bucket (PutObject, CopyObject and DeleteObject naming it), from the upload of one new post until
the pipeline is quiet: validate, render, notify, the aggregate rebuild and anything else that
runs. No fault is injected, so no call is retried: calls are requests. The local stack's own
calls (the upload, queue polling, the observer) use another session and are not counted.
Budget: the largest site's figures at most BUDGET times the smallest's.

A site of N posts is seeded, uncounted, by the functions' own stages and adapters, built from
their environments in template.yaml, against the local stack's buckets and table: each post
is uploaded (a real S3 version and notification), the ValidateFunction's stage judges the
notification and the RenderFunction's stage applies the verdict, writing the post's page, its
SOURCE and POST rows, its listing and sitemap rows and its terms' sequence numbers. Two
shortcuts keep 10,000 posts to minutes, and leave the same items: the catalogue's
transactions are written as batches (moto backs up the whole table before each transaction;
every seeded key and slug is new, so every condition holds), and a term's sequence numbers
after its first are counted here and stored once. The stale-page notes are merged and the
AggregateFunction's stage rebuilds those pages once at the end: its batches reach the same
pages, each being rebuilt from the rows alone. Left out is only what nothing reads when a
later post is published: announcements (their idempotency records are keyed by version), CDN
invalidations, schedules (no seeded post is due later). `--check-seed COUNT` compares a seeded
site's rows (less sequencers, version ids, timestamps and idempotency records) and hosting
objects, bodies included, with those the whole pipeline leaves for the same COUNT posts.

Post N then goes through the whole pipeline, uncounted: the seeded site must publish it, and
it warms the functions, as a busy site's are (a cold container also reads the theme's
templates). Post N+1, the same post at every size and newer than any other, is the one
counted; afterwards the home page must list it first and the site's listing hold N+1 posts.

Posts come from scripts/generate-posts (its seed, START onwards, 7 hours apart), so every run
seeds the same site and counts the same figures.

Usage: python bench/publish_cost.py [--sizes 10,1000,10000] [--json FILE] [--check-seed COUNT]
Exits 1 when a ratio is over budget or a check of the site fails; --check-seed exits 2 when it
finds a difference.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import boto3
from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent
from boto3.dynamodb.types import TypeDeserializer

from pressroom.adapters.catalogue import Catalogue
from pressroom.adapters.listings import ListingStore
from pressroom.aggregates import ALL, listing_kind, listing_term
from pressroom.catalogue import SourceStateKind
from pressroom.events import DetailType, PostValidated
from pressroom.pipeline.validate import upload_change
from pressroom.settings import AggregateSettings, RenderSettings, ValidateSettings
from pressroom.wiring import clients
from pressroom.wiring.aggregate import build_aggregate_stage
from pressroom.wiring.render import build_render_stage
from pressroom.wiring.validate import build_validate_stage
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.memory import MemoryBus, MemorySchedules, MemoryStalePages

if TYPE_CHECKING:
    from botocore.model import OperationModel
    from mypy_boto3_dynamodb import DynamoDBClient

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "template.yaml"
GENERATOR = REPO / "scripts" / "generate-posts"
SITE_URL = "https://blog.example.com"
SIZES = (10, 1_000, 10_000)
BUDGET = 1.2
SEED = 2026
START = datetime(2000, 1, 1, tzinfo=UTC)  # 10,000 posts 7 hours apart end in 2008
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # what the seeding stages judge the posts at
NEW_POST_NUMBER = 20_000  # dated 2015: newer than any seeded post, older than the clock
NEW_POST_KEY = "posts/benchmark-new-post.md"
SEED_BATCH = 50
HOSTING_WRITES = frozenset({"PutObject", "CopyObject", "DeleteObject"})
VOLATILE = frozenset({"changedAt", "sequencer", "sortSequencer", "versionId"})
IDEMPOTENCY_PREFIX = "IDEMPOTENCY#"

Progress = Callable[[str], None]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ the posts


def _generator() -> ModuleType:
    loader = SourceFileLoader("generate_posts", str(GENERATOR))
    spec = spec_from_loader("generate_posts", loader)
    if spec is None:
        raise SystemExit(f"cannot load {GENERATOR}")
    module = module_from_spec(spec)
    loader.exec_module(module)
    return module


def corpus(count: int) -> list[tuple[str, bytes]]:
    """The first `count` posts generate-posts writes with its default seed, dated from START."""
    generator = _generator()
    rng = random.Random(SEED)  # noqa: S311 - repeatable content, not cryptography
    return [
        (f"posts/generated-{number + 1:06d}.md", str(generator.post(rng, number, START)).encode())
        for number in range(count)
    ]


def new_post() -> bytes:
    """The post whose publication is counted: the same at every size, newer than the site."""
    rng = random.Random(SEED + 1)  # noqa: S311 - repeatable content, not cryptography
    return str(_generator().post(rng, NEW_POST_NUMBER, START)).encode()


# ------------------------------------------------------------------------------ counting


@dataclass
class Requests:
    """The functions' API calls while `counting()`, and the hosting bucket keys they write."""

    hosting_bucket: str
    active: bool = False
    calls: Counter[str] = field(default_factory=Counter)
    written: list[str] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], model: OperationModel, **_: Any) -> None:
        if not self.active:
            return
        service = model.service_model.service_name
        self.calls[f"{service}.{model.name}"] += 1
        if service == "s3" and model.name in HOSTING_WRITES and params.get("Bucket") == self.hosting_bucket:
            self.written.append(str(params.get("Key")))

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.calls.clear()
        self.written.clear()
        self.active = True
        try:
            yield
        finally:
            self.active = False


@contextmanager
def counted(stack: LocalStack) -> Iterator[Requests]:
    """A fresh default session (the functions' clients, all made later, come from it), counted."""
    boto3.setup_default_session(region_name=stack.region)
    session = boto3.DEFAULT_SESSION
    assert session is not None
    requests = Requests(stack.output("HostingBucketName"))
    session.events.register("provide-client-params", requests)
    try:
        yield requests
    finally:
        session.events.unregister("provide-client-params", requests)


# ------------------------------------------------------------------------------ seeding


class BufferedCatalogueClient:
    """The DynamoDB client the seeding catalogue writes through: each transaction's puts and
    deletes are kept, and written with BatchWriteItem by `flush`. moto backs up the table before
    every transaction, at a cost that grows with the table; the seeded keys and slugs are all
    new, so every condition in those transactions holds, and the items written are the same."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name
        self.pending: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def transact_write_items(self, **arguments: Any) -> dict[str, Any]:
        for action in arguments["TransactItems"]:
            if "Put" in action:
                self.pending.append({"PutRequest": {"Item": action["Put"]["Item"]}})
            else:
                self.pending.append({"DeleteRequest": {"Key": action["Delete"]["Key"]}})
        return {}

    def flush(self) -> None:
        for start in range(0, len(self.pending), 25):
            batch: Any = {self.table_name: self.pending[start : start + 25]}
            while batch:
                batch = self.client.batch_write_item(RequestItems=batch).get("UnprocessedItems")
        self.pending.clear()


class CountedListings(ListingStore):
    """ListingStore, but a listing's sequence numbers after its first are counted here and its
    TERM row's `nextSequence` is set once by `flush` (one UpdateItem per term, not per post)."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        super().__init__(client, table_name)
        self.sequences: dict[str, int] = {}

    def allocate(self, listing: str, name: str) -> int:
        if listing in self.sequences:
            self.sequences[listing] += 1
        else:
            self.sequences[listing] = super().allocate(listing, name)
        return self.sequences[listing]

    def flush(self) -> None:
        for listing, sequence in self.sequences.items():
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": f"TERM#{listing_kind(listing).value}"}, "sk": {"S": listing_term(listing)}},
                UpdateExpression="SET nextSequence = :sequence",
                ExpressionAttributeValues={":sequence": {"N": str(sequence)}},
            )


class Seeder:
    """The functions' validate, render and aggregate stages, built from their environments in
    template.yaml, with the queues and the bus between them replaced by in-memory ports."""

    def __init__(self, stack: LocalStack) -> None:
        environment = {function.logical_id: function.environment for function in stack.functions}
        self.stack = stack
        self.verdicts = MemoryBus()
        self.validate = build_validate_stage(ValidateSettings.from_env(environment["ValidateFunction"]))
        self.validate.bus = self.verdicts
        settings = RenderSettings.from_env(environment["RenderFunction"])
        self.stale = MemoryStalePages()
        self.announcements = MemoryBus()
        self.catalogue_client = BufferedCatalogueClient(clients.dynamodb(), settings.posts_table)
        self.listings = CountedListings(clients.dynamodb(), settings.posts_table)
        self.render = build_render_stage(settings)
        self.render.catalogue = Catalogue(
            cast("DynamoDBClient", self.catalogue_client), settings.posts_table, settings.clock
        )
        self.render.listings = self.listings
        self.render.stale_pages = self.stale
        self.render.bus = self.announcements
        self.render.schedules = MemorySchedules()
        self.aggregate = build_aggregate_stage(AggregateSettings.from_env(environment["AggregateFunction"]))
        self.aggregate.invalidator = None

    def seed(self, posts: Sequence[tuple[str, bytes]], progress: Progress) -> None:
        started = time.monotonic()
        for start in range(0, len(posts), SEED_BATCH):
            for key, data in posts[start : start + SEED_BATCH]:
                self.stack.upload(key, data)
            self._apply_uploads()
            self.catalogue_client.flush()
            done = min(start + SEED_BATCH, len(posts))
            if done == len(posts) or done % (SEED_BATCH * 10) == 0:
                progress(f"seeded {done:,}/{len(posts):,} posts ({time.monotonic() - started:.0f} s)")
        self.listings.flush()
        refs = self.stale.take()
        progress(f"rebuilding the {len(refs):,} aggregate pages the seeded posts made stale")
        self.aggregate.rebuild(refs, now=NOW)

    def _apply_uploads(self) -> None:
        changes = [
            upload_change(S3EventBridgeNotificationEvent(event))
            for event in self.stack.pending_events("ValidateFunction")
        ]
        for change in sorted(changes, key=lambda change: change.source.key):
            self.validate.handle(change, NOW)
        for detail_type, detail in self.verdicts.events:
            if not isinstance(detail, PostValidated):
                raise SystemExit(f"a seeded post was refused ({detail_type.value}): {detail.to_json()}")
            outcome = self.render.on_validated(detail, NOW)
            if outcome is not DetailType.POST_PUBLISHED:
                raise SystemExit(f"a seeded post was not published: {detail.source.key} ({outcome})")
        self.verdicts.events.clear()
        self.announcements.events.clear()


def publish(stack: LocalStack, key: str, data: bytes) -> None:
    stack.upload(key, data)
    stats = stack.run_until_quiet()
    if stats.failures:
        raise SystemExit(f"publishing {key} failed: {stats.failures}")


# ------------------------------------------------------------------------------ checks


def check_site(stack: LocalStack, size: int, newest_key: str) -> None:
    """The site lists `newest_key`'s post first on its home page and has `size` posts."""
    client = stack.session.client("dynamodb")
    table = stack.output("PostsTableName")
    state = Catalogue(client, table, stack.clock).source_state(newest_key)
    if state is None or state.state is not SourceStateKind.LIVE:
        raise SystemExit(f"{newest_key} is not live: {state}")
    listings = ListingStore(client, table)
    term = listings.term(ALL)
    listed, after = 0, None
    while True:
        slugs, after = listings.slugs_page(ALL, after, 1_000)
        listed += len(slugs)
        if after is None:
            break
    if term is None or term.next_sequence != size or listed != size:
        raise SystemExit(f"the site lists {listed} posts (next sequence {term}), not {size}")
    home = stack.s3.get_object(Bucket=stack.output("HostingBucketName"), Key="index.html")
    first = re.search(r'href="/posts/([^/"]+)/"', home["Body"].read().decode("utf-8"))
    if first is None or first.group(1) != state.slug:
        raise SystemExit(f"the home page lists {first and first.group(1)} first, not {state.slug}")


def stored_state(stack: LocalStack) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, bytes]]:
    """The table's rows (less what differs from run to run, and announcements) and the site."""
    deserializer = TypeDeserializer()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    client = stack.session.client("dynamodb")
    for page in client.get_paginator("scan").paginate(TableName=stack.output("PostsTableName")):
        for item in page.get("Items", []):
            row = {name: deserializer.deserialize(value) for name, value in item.items()}
            if not str(row["pk"]).startswith(IDEMPOTENCY_PREFIX):
                rows[(row["pk"], row["sk"])] = {k: v for k, v in row.items() if k not in VOLATILE}
    site = {key: value["body"] for key, value in stack.site_objects().items()}
    return rows, site


def check_seed(count: int) -> list[str]:
    """How a seeded site of `count` posts differs from the one the whole pipeline publishes."""
    posts = corpus(count)
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack:
        say(f"check: publishing {count} posts through the whole pipeline")
        for key, data in posts:
            stack.upload(key, data)
        if stack.run_until_quiet().failures:
            raise SystemExit("the pipeline failed to publish the check's posts")
        published_rows, published_site = stored_state(stack)
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack:
        say(f"check: seeding {count} posts")
        Seeder(stack).seed(posts, say)
        seeded_rows, seeded_site = stored_state(stack)
    differences = [f"row {key}" for key in sorted(set(published_rows) ^ set(seeded_rows))]
    differences += [
        f"row {key}: {published_rows[key]} != {seeded_rows[key]}"
        for key in sorted(set(published_rows) & set(seeded_rows))
        if published_rows[key] != seeded_rows[key]
    ]
    differences += [f"object {key}" for key in sorted(set(published_site) ^ set(seeded_site))]
    differences += [
        f"object {key} differs"
        for key in sorted(set(published_site) & set(seeded_site))
        if published_site[key] != seeded_site[key]
    ]
    return differences


# ------------------------------------------------------------------------------ the measure


@dataclass(frozen=True)
class Cost:
    size: int
    calls: dict[str, int]
    written: list[str]
    seeding_seconds: float

    @property
    def requests(self) -> int:
        return sum(self.calls.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "objects_written": len(self.written),
            "by_operation": dict(sorted(self.calls.items())),
            "written_keys": self.written,
            "seeding_seconds": round(self.seeding_seconds, 1),
        }


def measure(size: int) -> Cost:
    posts = corpus(size)
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack, counted(stack) as requests:
        started = time.monotonic()
        Seeder(stack).seed(posts[:-1], lambda message: say(f"[{size:,}] {message}"))
        seeding = time.monotonic() - started
        say(f"[{size:,}] seeded {size - 1:,} posts in {seeding:.0f} s; publishing post {size:,}")
        publish(stack, *posts[-1])
        check_site(stack, size, posts[-1][0])
        with requests.counting():
            publish(stack, NEW_POST_KEY, new_post())
        check_site(stack, size + 1, NEW_POST_KEY)
        return Cost(size, dict(requests.calls), sorted(requests.written), seeding)


def ratio(costs: Sequence[Cost], figure: Callable[[Cost], int]) -> float:
    return round(figure(costs[-1]) / figure(costs[0]), 3)


def table(costs: Sequence[Cost]) -> str:
    operations = sorted({name for cost in costs for name in cost.calls})
    width = max(len(name) for name in operations)
    header = f"{'':<{width}}" + "".join(f"{cost.size:>10,}" for cost in costs)
    lines = [header, "-" * len(header)]
    lines += [
        f"{name:<{width}}" + "".join(f"{cost.calls.get(name, 0):>10}" for cost in costs)
        for name in operations
    ]
    lines.append("-" * len(header))
    lines.append(f"{'requests':<{width}}" + "".join(f"{cost.requests:>10}" for cost in costs))
    lines.append(f"{'objects written':<{width}}" + "".join(f"{len(cost.written):>10}" for cost in costs))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="posts already published")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--check-seed", type=int, metavar="COUNT", help="only compare seeding with the pipeline"
    )
    args = parser.parse_args()
    if args.check_seed:
        differences = check_seed(args.check_seed)
        for difference in differences:
            print(difference)
        print(f"seeded and published sites of {args.check_seed} posts: {len(differences)} differences")
        return 2 if differences else 0
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    if not sizes or sizes[0] < 1:
        parser.error("--sizes takes positive numbers of posts, e.g. 10,1000,10000")
    costs = [measure(size) for size in sizes]
    ratios = {
        "ratio_requests": ratio(costs, lambda c: c.requests),
        "ratio_objects": ratio(costs, lambda c: len(c.written)),
    }
    print(table(costs))
    print(
        f"\n{sizes[-1]:,} vs {sizes[0]:,} posts: requests x{ratios['ratio_requests']}, "
        f"objects written x{ratios['ratio_objects']} (budget x{BUDGET})"
    )
    if args.json:
        report = {"sizes": {str(cost.size): cost.as_json() for cost in costs}, **ratios}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if max(ratios.values()) > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
