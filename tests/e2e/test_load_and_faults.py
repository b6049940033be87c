"""The pipeline under load, faults and disorder, on the local stack.

`make test` runs these with PRESSROOM_LOAD_POSTS posts (60 by default); `make load` runs them
with 1,000. Uploads are made from eight threads at once.
"""

from __future__ import annotations

import json
import os
import random
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from helpers import SITE_URL, TEMPLATE, WebhookReceiver

from pressroom_tools.local.stack import LocalStack

POSTS = int(os.environ.get("PRESSROOM_LOAD_POSTS", "60"))
TAGS = ("ai", "cloud", "python", "ops", "web")


def generated(count: int) -> dict[str, bytes]:
    posts = {}
    for number in range(count):
        date = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=number)
        tags = [TAGS[number % 5], TAGS[(number + 2) % 5]]
        front = f"title: Load {number}\ndate: {date.isoformat()}\ntags: {tags}"
        body = f"---\n{front}\n---\n\n## Part\n\nPost {number}.\n"
        posts[f"posts/load-{number:05d}.md"] = body.encode()
    return posts


def upload_concurrently(stack: LocalStack, posts: dict[str, bytes]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda item: stack.upload(*item), posts.items()))


def links(html: bytes) -> set[str]:
    return set(re.findall(r'href="/posts/([a-z0-9-]+)/"', html.decode()))


def assert_site_complete(stack: LocalStack, slugs: set[str]) -> None:
    site = {key: item["body"] for key, item in stack.site_objects().items()}
    assert {
        key.split("/")[1] for key in site if key.startswith("posts/") and key.endswith("/index.html")
    } == slugs
    archive = set().union(
        *(links(body) for key, body in site.items() if re.fullmatch(r"page/\d+/index.html", key))
    )
    assert archive == slugs
    for tag in TAGS:
        tagged = set().union(
            *(links(body) for key, body in site.items() if key.startswith(f"tags/{tag}/page/"))
        )
        assert tagged == {slug for slug in slugs if tag in _tags_of(slug)}
    feed = re.findall(r"/posts/([a-z0-9-]+)/</id>", site["atom.xml"].decode())
    assert feed == sorted(slugs, reverse=True)[:20]
    in_sitemaps = set()
    for key, body in site.items():
        if key.startswith("sitemaps/posts-"):
            in_sitemaps |= set(re.findall(r"/posts/([a-z0-9-]+)/</loc>", body.decode()))
    assert in_sitemaps == slugs


def _tags_of(slug: str) -> set[str]:
    number = int(slug.split("-")[1])
    return {TAGS[number % 5], TAGS[(number + 2) % 5]}


def assert_failure_queues_empty(stack: LocalStack) -> None:
    assert {name: records for name, records in stack.failed_events().items() if records} == {}


def test_concurrent_uploads_are_all_published_and_announced_once(stack: LocalStack):
    posts = generated(POSTS)

    upload_concurrently(stack, posts)
    stats = stack.run_until_quiet()

    assert stats.failures == []
    outcomes = stack.outcomes()
    assert len(outcomes) == POSTS
    assert {outcome.status.value for outcome in outcomes} == {"published"}
    assert len(stack.announcements()) == POSTS
    assert_site_complete(stack, {key[6:-3] for key in posts})
    assert_failure_queues_empty(stack)


def test_with_s3_throttled_and_webhooks_failing_everything_arrives_once(receiver: WebhookReceiver):
    posts = generated(POSTS)
    failing = random.Random(7)
    receiver.replies = [500 if failing.random() < 0.1 else 200 for _ in range(POSTS * 3)]

    with LocalStack(TEMPLATE, site_url=SITE_URL, webhooks=[receiver.url], s3_throttle_rate=0.1) as stack:
        upload_concurrently(stack, posts)
        stats = stack.run_until_quiet()
        if stack.failed_events().get("NotifyFunction"):  # nine 500s in a row are possible
            stack.redrive()
            stack.run_until_quiet()

        assert stack.s3_throttling is not None
        assert stack.s3_throttling.throttled > 0  # the faults really happened
        assert any(r["status"] == 500 for r in receiver.requests)
        assert {outcome.status.value for outcome in stack.outcomes()} == {"published"}
        assert_site_complete(stack, {key[6:-3] for key in posts})
        assert len(stack.announcements()) == POSTS  # SNS: once each
        delivered = [r["headers"]["X-Pressroom-Delivery"] for r in receiver.delivered]
        assert len(delivered) == len(set(delivered)) == POSTS  # each webhook delivery once
        assert_failure_queues_empty(stack)
        assert all(i.succeeded for i in stats.invocations if i.function != "NotifyFunction")


def test_events_delivered_twice_and_in_reverse_leave_the_newest_versions(stack: LocalStack):
    keys = [f"posts/disorder-{n}.md" for n in range(5)]
    for version in (1, 2, 3):
        for key in keys:
            body = f"---\ntitle: {key[6:-3]} version {version}\ndate: 2024-05-01\n---\n\nVersion {version}.\n"
            stack.upload(key, body.encode())
    stack.upload("posts/gone.md", b"---\ntitle: Gone\ndate: 2024-05-01\n---\n\nSoon deleted.\n")
    stack.delete("posts/gone.md")
    events = stack.pending_events("ValidateFunction")
    assert len(events) == 3 * len(keys) + 2

    for event in [*reversed(events), *reversed(events)]:  # newest first, then all again
        stack.invoke("ValidateFunction", event)
    stats = stack.run_until_quiet()

    assert stats.failures == []
    site = stack.site_objects()
    for key in keys:
        page = site[f"posts/{key[6:-3]}/index.html"]["body"].decode()
        assert "version 3" in page
        assert "version 1" not in page
        assert "version 2" not in page
    assert "posts/gone/index.html" not in site  # the late PUT did not bring it back
    index = site["index.html"]["body"].decode()
    assert index.count("version 3") == len(keys)
    published = [a for a in stack.announcements() if a.kind == "published"]
    assert len(published) == len(keys)  # the newest version of each, once


def test_the_report_counts_every_post(tmp_path: Any):
    from pressroom_tools.cli import main

    source = tmp_path / "posts"
    source.mkdir()
    for key, body in generated(POSTS).items():
        (source / key.split("/")[1]).write_bytes(body)

    status = main(["local", "--posts", str(source), "--out", str(tmp_path / "site"), "--report",
                   str(tmp_path / "report.json"), "--template", str(TEMPLATE)])  # fmt: skip

    report = json.loads((tmp_path / "report.json").read_text())
    assert status == 0
    assert len(report["posts"]) == POSTS
    assert {post["status"] for post in report["posts"]} == {"published"}
    assert len(report["announcements"]) == POSTS
