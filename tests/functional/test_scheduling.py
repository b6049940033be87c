"""Future-dated and expiring posts: one EventBridge Scheduler schedule per post, kept in step."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pressroom.adapters.schedules import schedule_name

KEY = "posts/coming-soon.md"


def future_post(date: str = "2030-01-01T09:00:00Z", extra: str = "") -> bytes:
    return f"---\ntitle: Coming soon\ndate: {date}\n{extra}---\n\nNot yet.\n".encode()


def schedules(stack: Any) -> list[dict[str, Any]]:
    scheduler = stack.session.client("scheduler")
    group = stack.output("PublicationScheduleGroup")
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return [scheduler.get_schedule(Name=name, GroupName=group) for name in names]


@pytest.fixture
def scheduled(stack: Any) -> Any:
    stack.upload(KEY, future_post())
    stack.run_until_quiet()
    return stack


def test_a_future_post_is_scheduled_not_published(scheduled: Any):
    (schedule,) = schedules(scheduled)

    assert schedule["Name"] == schedule_name(KEY)
    assert schedule["ScheduleExpression"] == "at(2030-01-01T09:00:00)"
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
    assert scheduled.fire_due_schedules(datetime(2029, 12, 31, tzinfo=UTC)) == []


def test_when_its_time_comes_the_post_is_published_and_announced_once(scheduled: Any):
    fired = scheduled.fire_due_schedules(datetime(2030, 1, 1, 9, 0, tzinfo=UTC))
    scheduled.run_until_quiet()

    assert fired == [schedule_name(KEY)]
    assert "posts/coming-soon/index.html" in scheduled.site_objects()
    assert [(a.kind, a.subject) for a in scheduled.announcements()] == [
        ("published", "New post: Coming soon")
    ]
    assert schedules(scheduled) == []


def test_moving_the_date_moves_the_schedule(scheduled: Any):
    scheduled.upload(KEY, future_post("2031-06-01T12:30:00+02:00"))
    scheduled.run_until_quiet()

    (schedule,) = schedules(scheduled)
    assert schedule["ScheduleExpression"] == "at(2031-06-01T10:30:00)"


def test_publishing_it_now_removes_the_schedule(scheduled: Any):
    scheduled.upload(KEY, future_post("2024-01-01"))
    scheduled.run_until_quiet()

    assert schedules(scheduled) == []
    assert "posts/coming-soon/index.html" in scheduled.site_objects()


def test_deleting_it_removes_the_schedule(scheduled: Any):
    scheduled.delete(KEY)
    scheduled.run_until_quiet()

    assert schedules(scheduled) == []


def test_a_post_with_an_expiry_is_taken_down_when_it_expires(stack: Any):
    stack.upload(KEY, future_post("2024-01-01", extra="expiryDate: 2030-06-01T00:00:00Z\n"))
    stack.run_until_quiet()
    assert "posts/coming-soon/index.html" in stack.site_objects()
    (schedule,) = schedules(stack)
    assert schedule["ScheduleExpression"] == "at(2030-06-01T00:00:00)"

    stack.fire_due_schedules(datetime(2030, 6, 1, tzinfo=UTC))
    stack.run_until_quiet()

    assert "posts/coming-soon/index.html" not in stack.site_objects()
    (outcome,) = stack.outcomes()
    assert outcome.status.value == "expired"


def test_a_stale_schedule_for_an_older_version_changes_nothing(scheduled: Any):
    # GIVEN the schedule's event for version 1, kept aside, then version 2 published now
    (schedule,) = schedules(scheduled)
    old_due = schedule["Target"]["Input"]
    scheduled.upload(KEY, future_post("2024-01-01", extra="summary: version two\n"))
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
