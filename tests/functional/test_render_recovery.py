"""RenderFunction finishes what a failed attempt began, and ignores what changes nothing.

Faults are injected into the hosting-bucket writes for one attempt; the local stack then
retries the invocation as Lambda does (MaximumRetryAttempts in template.yaml).
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import SHARED_POST, TEMPLATE

from pressroom.adapters.site import SiteStore
from pressroom.pipeline.notify import IDEMPOTENCY_PARTITION
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.template import load_template

KEY = "posts/uk-ai-opportunities-action-plan.md"
PAGE = "posts/uk-ai-opportunities-action-plan/index.html"


@pytest.fixture
def live(stack: LocalStack) -> Any:
    stack.upload(KEY, SHARED_POST.read_bytes())
    assert stack.run_until_quiet().failures == []
    stack.observed_events()
    return stack


@pytest.fixture
def first_delete_fails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """SiteStore.delete raises once, as S3 might; later calls work."""
    failed: list[str] = []
    real_delete = SiteStore.delete

    def flaky_delete(self: SiteStore, key: str) -> None:
        if not failed:
            failed.append(key)
            raise ConnectionError("S3 went away")
        real_delete(self, key)

    monkeypatch.setattr(SiteStore, "delete", flaky_delete)
    return failed


def render_invocations(stats: Any) -> list[Any]:
    return [i for i in stats.invocations if i.function == "RenderFunction"]


def test_a_withdrawal_that_failed_half_way_is_finished_by_the_retry(live: Any, first_delete_fails: list[str]):
    live.delete(KEY)
    stats = live.run_until_quiet()

    (render,) = render_invocations(stats)
    assert first_delete_fails == [PAGE]
    assert render.succeeded
    assert render.attempts == 2
    assert PAGE not in live.site_objects()
    assert "uk-ai-opportunities-action-plan" not in live.site_objects()["index.html"]["body"].decode()
    unpublished = [e for e in live.observed_events() if e["detail-type"] == "Post Unpublished"]
    assert len(unpublished) == 1


def test_a_slug_change_that_failed_half_way_removes_the_old_page_on_retry(
    live: Any, first_delete_fails: list[str]
):
    moved = SHARED_POST.read_bytes().replace(b'layout: "post"\n', b'layout: "post"\nslug: a-new-home\n', 1)
    live.upload(KEY, moved)
    stats = live.run_until_quiet()

    (render,) = render_invocations(stats)
    assert render.attempts == 2
    objects = live.site_objects()
    assert PAGE not in objects
    assert "posts/a-new-home/index.html" in objects


def test_a_byte_identical_reupload_publishes_and_announces_nothing(live: Any):
    announced = len(live.announcements())

    live.upload(KEY, SHARED_POST.read_bytes())
    live.run_until_quiet()

    assert [e["detail-type"] for e in live.observed_events()] == ["Post Validated"]
    assert len(live.announcements()) == announced


def test_deleting_an_old_version_keeps_the_post_live(live: Any):
    bucket = live.output("UploadsBucketName")
    first = live.s3.list_object_versions(Bucket=bucket, Prefix=KEY)["Versions"][0]["VersionId"]
    live.upload(KEY, SHARED_POST.read_bytes().replace(b"## Future Opportunities", b"## What Comes Next"))
    live.run_until_quiet()

    live.s3.delete_object(Bucket=bucket, Key=KEY, VersionId=first)
    stats = live.run_until_quiet()

    assert stats.failures == []
    assert '<h2 id="what-comes-next">What Comes Next</h2>' in live.site_objects()[PAGE]["body"].decode()


def test_removing_the_delete_marker_restores_the_post(live: Any):
    bucket = live.output("UploadsBucketName")
    marker = live.s3.delete_object(Bucket=bucket, Key=KEY)["VersionId"]
    live.run_until_quiet()
    assert PAGE not in live.site_objects()

    live.s3.delete_object(Bucket=bucket, Key=KEY, VersionId=marker)
    live.run_until_quiet()

    assert PAGE in live.site_objects()
    assert live.announcements()[-1].kind == "published"


def test_notify_may_touch_only_the_idempotency_partition():
    statements = load_template(TEMPLATE)["Resources"]["NotifyFunction"]["Properties"]["Policies"][1][
        "Statement"
    ]
    (dynamodb,) = [
        s for s in statements if "Action" in s and any(a.startswith("dynamodb:") for a in s["Action"])
    ]
    assert dynamodb["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] == [
        IDEMPOTENCY_PARTITION
    ]
