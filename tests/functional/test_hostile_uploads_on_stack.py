"""Hostile uploads on the local stack: every function they reach ends its work within its budget,
with no failure-queue entry, the upload refused and announced or published safely, and the
post already on the site untouched.

One or more of each class in pressroom_tools.hostile (the unit suite runs them all on the
in-memory ports). The seconds the stack took to settle are printed after the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pressroom_tools.hostile import HOSTILE_UPLOADS, HostileUpload, Outcome
from pressroom_tools.local.stack import LocalStack

ON_STACK = {
    "tads3-backslashes", "open-tags", "nested-loops", "huge-range", "unclosed-openers", "deep-nesting",
    "surrogate-title", "huge-menu-weight", "slug-newline", "javascript-image", "channel-ping",
}  # fmt: skip
NEIGHBOUR = b"---\ntitle: Neighbour\ndate: 2024-04-01\n---\n\nUntouched.\n"
NEIGHBOUR_PAGE = "posts/neighbour/index.html"


@pytest.mark.parametrize(
    "upload", [each for each in HOSTILE_UPLOADS if each.name in ON_STACK], ids=lambda upload: upload.name
)
def test_a_hostile_upload_on_the_stack_ends_without_a_failure(
    stack: LocalStack, upload: HostileUpload, record_property: Callable[[str, object], None]
):
    stack.upload("posts/neighbour.md", NEIGHBOUR)
    assert stack.run_until_quiet().failures == []
    neighbour = stack.site_objects()[NEIGHBOUR_PAGE]["body"]

    started = time.perf_counter()
    stack.upload(upload.key, upload.data)
    assert stack.run_until_quiet().failures == []
    seconds = time.perf_counter() - started

    assert all(events == [] for events in stack.failed_events().values())  # no failure-queue entry
    objects = stack.site_objects()
    assert objects[NEIGHBOUR_PAGE]["body"] == neighbour
    name = upload.key.rsplit("/", 1)[-1]
    notices = [a for a in stack.announcements() if name in a.subject]
    if upload.outcome is Outcome.REJECTED:
        assert [notice.kind for notice in notices] == ["rejected"]
        assert "\n  - " in notices[0].message  # the reasons, listed
    else:
        pages = [key for key in objects if key.startswith("posts/") and key.endswith("/index.html")]
        (page_key,) = [key for key in pages if key != NEIGHBOUR_PAGE]
        page = objects[page_key]["body"].decode("utf-8")
        assert page.count("<script") == page.count('<script type="application/ld+json">')
        if upload.published_without:
            assert upload.published_without not in page
    record_property("hostile_upload", {"name": upload.name, "step": upload.step, "stack": seconds})
