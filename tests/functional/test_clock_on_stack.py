"""The local stack's clock reaches every function: with it moved, posts are judged as of then."""

from __future__ import annotations

from datetime import timedelta

from helpers import SITE_URL, TEMPLATE

from pressroom.clock import SystemClock
from pressroom_tools.local.stack import LocalStack


def post(title: str, date: str) -> bytes:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\nBody.\n".encode()


def test_a_stack_ten_years_ahead_publishes_what_today_would_schedule():
    real = SystemClock()
    five_years_on = (real.now() + timedelta(days=5 * 365)).date().isoformat()
    fifteen_years_on = (real.now() + timedelta(days=15 * 365)).date().isoformat()

    with LocalStack(TEMPLATE, site_url=SITE_URL, clock=SystemClock(timedelta(days=10 * 365))) as stack:
        stack.upload("posts/due.md", post("Due by then", five_years_on))
        stack.upload("posts/later.md", post("Still to come", fifteen_years_on))
        assert stack.run_until_quiet().failures == []

        statuses = {outcome.source: outcome.status.value for outcome in stack.outcomes()}
        assert statuses == {"posts/due.md": "published", "posts/later.md": "scheduled"}
        pages = stack.site_objects()
        assert "posts/due/index.html" in pages
        assert "posts/later/index.html" not in pages
