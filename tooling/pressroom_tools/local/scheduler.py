"""EventBridge Scheduler, played locally: moto stores schedules but never fires them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3


def fire_due_schedules(session: boto3.Session, groups: Sequence[str], now: datetime) -> list[str]:
    """Do what EventBridge Scheduler would by `now`: run every one-time schedule then due.

    moto stores schedules but never fires them. Each due schedule's target (an EventBridge
    bus) gets its event, and the schedule is deleted as ActionAfterCompletion DELETE says.
    Returns the names of the schedules fired; run_until_quiet() then carries on.
    """
    scheduler = session.client("scheduler")
    events = session.client("events")
    fired = []
    for group in groups:
        for summary in scheduler.list_schedules(GroupName=group).get("Schedules", []):
            schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=group)
            due = _one_time_due(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
            if due is None or due > now:
                continue
            target = schedule["Target"]
            parameters = target.get("EventBridgeParameters", {})
            events.put_events(
                Entries=[
                    {
                        "EventBusName": target["Arn"],
                        "Source": parameters["Source"],
                        "DetailType": parameters["DetailType"],
                        "Detail": target.get("Input", "{}"),
                    }
                ]
            )
            if schedule.get("ActionAfterCompletion") == "DELETE":
                scheduler.delete_schedule(Name=summary["Name"], GroupName=group)
            fired.append(summary["Name"])
    return fired


def _one_time_due(expression: str, timezone: str | None) -> datetime | None:
    """The moment an `at(yyyy-mm-ddThh:mm:ss)` schedule fires; None for rate() and cron()."""
    if not (expression.startswith("at(") and expression.endswith(")")):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=ZoneInfo(timezone or "UTC"))
