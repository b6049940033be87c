"""Future-dated and expiring posts: one EventBridge Scheduler schedule per post, kept in step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from pressroom.adapters.schedules import schedule_name
from pressroom_tools.local.stack import LocalStack

KEY = "posts/coming-soon.md"


def days_from_now(stack: LocalStack, days: int) -> datetime:
    """A whole hour `days` after the stack's clock (which PRESSROOM_NOW may have moved)."""
    now: datetime = stack.clock.now()
    return (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def at(instant: datetime) -> str:
    """EventBridge Scheduler's one-time expression for `instant`, in UTC."""
    return f"at({instant.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S')})"


def future_post(date: datetime | str, extra: str = "") -> bytes:
    when = date.isoformat() if isinstance(date, datetime) else date
    return f"---\ntitle: Coming soon\ndate: {when}\n{extra}---\n\nNot yet.\n".encode()


def schedules(stack: LocalStack) -> list[dict[str, Any]]:
    scheduler = stack.session.client("scheduler")
    group = stack.output("PublicationScheduleGroup")
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return [dict(scheduler.get_schedule(Name=name, GroupName=group)) for name in names]


@pytest.fixture
def scheduled(stack: LocalStack) -> Any:
    """A post dated a year after the stack's clock, uploaded: scheduled, not published."""
    stack.upload(KEY, future_post(days_from_now(stack, 365)))
    stack.run_until_quiet()
    return stack


def test_a_future_post_is_scheduled_not_published(scheduled: Any):
    (schedule,) = schedules(scheduled)

    assert schedule["Name"] == schedule_name(KEY)
    assert schedule["ScheduleExpression"] == at(days_from_now(scheduled, 365))
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    target = schedule["Target"]
    assert target["Arn"].endswith(":event-bus/pressroom-local-publishing")
    assert target["EventBridgeParameters"] == {"DetailType": "Post Due", "Source": "pressroom.schedule"}
    assert json.loads(target["Input"])["source"]["key"] == KEY
    assert "posts/coming-soon/index.html" not in scheduled.site_objects()
    (outcome,) = scheduled.outcomes()
    assert outcome.status.value == "scheduled"
    assert scheduled.announcements() == []


def test_nothing_fires_before_its_time(scheduled: Any):
    due = days_from_now(scheduled, 365)
    assert scheduled.fire_due_schedules(due - timedelta(seconds=1)) == []


def test_when_its_time_comes_the_post_is_published_and_announced_once(scheduled: Any):
    fired = scheduled.fire_due_schedules(days_from_now(scheduled, 365))
    scheduled.run_until_quiet()

    assert fired == [schedule_name(KEY)]
    assert "posts/coming-soon/index.html" in scheduled.site_objects()
    assert [(a.kind, a.subject) for a in scheduled.announcements()] == [
        ("published", "New post: Coming soon")
    ]
    assert schedules(scheduled) == []


def test_moving_the_date_moves_the_schedule(scheduled: Any):
    later = days_from_now(scheduled, 500).replace(minute=30)
    scheduled.upload(KEY, future_post(later.astimezone(timezone(timedelta(hours=2)))))
    scheduled.run_until_quiet()

    (schedule,) = schedules(scheduled)
    assert schedule["ScheduleExpression"] == at(later)


def test_publishing_it_now_removes_the_schedule(scheduled: Any):
    scheduled.upload(KEY, future_post(days_from_now(scheduled, -1)))
    scheduled.run_until_quiet()

    assert schedules(scheduled) == []
    assert "posts/coming-soon/index.html" in scheduled.site_objects()


def test_deleting_it_removes_the_schedule(scheduled: Any):
    scheduled.delete(KEY)
    scheduled.run_until_quiet()

    assert schedules(scheduled) == []


def test_a_post_with_an_expiry_is_taken_down_when_it_expires(stack: LocalStack):
    expires = days_from_now(stack, 200)
    stack.upload(KEY, future_post(days_from_now(stack, -30), extra=f"expiryDate: {expires.isoformat()}\n"))
    stack.run_until_quiet()
    assert "posts/coming-soon/index.html" in stack.site_objects()
    (schedule,) = schedules(stack)
    assert schedule["ScheduleExpression"] == at(expires)

    stack.fire_due_schedules(expires)
    stack.run_until_quiet()

    assert "posts/coming-soon/index.html" not in stack.site_objects()
    (outcome,) = stack.outcomes()
    assert outcome.status.value == "expired"


def test_a_stale_schedule_for_an_older_version_changes_nothing(scheduled: Any):
    # GIVEN the schedule's event for version 1, kept aside, then version 2 published now
    (schedule,) = schedules(scheduled)
    old_due = schedule["Target"]["Input"]
    scheduled.upload(KEY, future_post(days_from_now(scheduled, -1), extra="summary: version two\n"))
    scheduled.run_until_quiet()
    announced_before = len(scheduled.announcements())

    # WHEN the old version's "Post Due" arrives late
    scheduled.session.client("events").put_events(
        Entries=[
            {
                "EventBusName": scheduled.output("PublishingBusName"),
                "Source": "pressroom.schedule",
                "DetailType": "Post Due",
                "Detail": old_due,
            }
        ]
    )
    stats = scheduled.run_until_quiet()

    # THEN it is discarded by the sequencer check: no new announcement, version 2 stays
    assert stats.failures == []
    assert len(scheduled.announcements()) == announced_before == 1
    assert "version two" in scheduled.site_objects()["index.html"]["body"].decode()
