"""When a post goes live and when it comes down, to the second, and what is scheduled next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from world import RULES, post_file

from pressroom.model import Post, PostStatus
from pressroom.reading.validation import validate_post

DATE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EXPIRY = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def judged(now: datetime, extra: str = "") -> Post:
    data = post_file("Timed", date="2026-03-01T09:00:00Z", extra=extra)
    post = validate_post("posts/timed.md", data, RULES, now)
    assert isinstance(post, Post), post
    return post


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (datetime(2026, 3, 1, 8, 59, 59, tzinfo=UTC), PostStatus.SCHEDULED),
        (datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC), PostStatus.PUBLISHED),  # at its date, it is live
        (datetime(2026, 3, 1, 9, 0, 1, tzinfo=UTC), PostStatus.PUBLISHED),
    ],
)
def test_a_post_goes_live_at_its_date_to_the_second(now: datetime, status: PostStatus):
    assert judged(now).status is status


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (datetime(2026, 9, 1, 8, 59, 59, tzinfo=UTC), PostStatus.PUBLISHED),
        (datetime(2026, 9, 1, 9, 0, 0, tzinfo=UTC), PostStatus.EXPIRED),  # at its expiry, it is gone
        (datetime(2026, 9, 1, 9, 0, 1, tzinfo=UTC), PostStatus.EXPIRED),
    ],
)
def test_a_post_comes_down_at_its_expiry_to_the_second(now: datetime, status: PostStatus):
    assert judged(now, extra="expiryDate: 2026-09-01T09:00:00Z").status is status


def test_a_draft_is_a_draft_whatever_its_dates():
    for now in (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    ):
        post = judged(now, extra="draft: true\nexpiryDate: 2026-09-01T09:00:00Z")
        assert post.status is PostStatus.DRAFT
        assert post.next_change() is None


def test_an_expiry_that_comes_before_the_date_means_the_post_never_goes_live():
    post = judged(datetime(2026, 1, 1, tzinfo=UTC), extra="expiryDate: 2025-12-01T00:00:00Z")
    assert post.status is PostStatus.EXPIRED
    assert post.next_change() is None


def test_a_scheduled_post_is_next_looked_at_on_its_date():
    assert (
        judged(datetime(2026, 1, 1, tzinfo=UTC), extra="expiryDate: 2026-09-01T09:00:00Z").next_change()
        == DATE
    )


def test_a_live_post_with_an_expiry_is_next_looked_at_on_its_expiry():
    assert (
        judged(datetime(2026, 6, 1, tzinfo=UTC), extra="expiryDate: 2026-09-01T09:00:00Z").next_change()
        == EXPIRY
    )


def test_a_live_post_without_an_expiry_needs_no_schedule():
    assert judged(datetime(2026, 6, 1, tzinfo=UTC)).next_change() is None


def test_an_expired_post_needs_no_schedule():
    assert (
        judged(datetime(2026, 10, 1, tzinfo=UTC), extra="expiryDate: 2026-09-01T09:00:00Z").next_change()
        is None
    )
