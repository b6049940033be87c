"""Every hostile upload (pressroom_tools.hostile) ends refused with a reason or published as a
safe page, on the in-memory ports, and leaves the rest of the site as it was.

The time each step took is recorded (shown at the end of the run, see tests/conftest.py);
`make bench` compares the same steps with the functions' timeouts. The suite has no timed
assertion, but each step runs under an outer `time_limit` far beyond its budget, so that a
bound that broke fails the test instead of hanging the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
import world
from world import NOW, World, post_file

from pressroom.budgets import time_limit
from pressroom.events import DetailType, PostMetadata, PostValidated
from pressroom.model import Post, Rejection
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom_tools.hostile import HOSTILE_UPLOADS, MAX_POST_BYTES, HostileUpload, Outcome

RULES = ValidationRules(timezone=world.RULES.timezone, max_bytes=MAX_POST_BYTES)
NEIGHBOUR_KEY = "posts/neighbour.md"
NEIGHBOUR_PAGE = "posts/neighbour/index.html"
# Far past any step's budget, short of hanging the run: a broken bound fails here.
STEP_CEILING_SECONDS = 45
T = TypeVar("T")


def timed(step: str, seconds: dict[str, float], work: Callable[[], T]) -> T:
    started = time.perf_counter()
    with time_limit(STEP_CEILING_SECONDS, step):
        result = work()
    seconds[step] = time.perf_counter() - started
    return result


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> World:
    """A site whose uploads may be 1 MB, holding one post by someone else."""
    monkeypatch.setattr(world, "RULES", RULES)
    site = World()
    assert site.publish(NEIGHBOUR_KEY, post_file("Neighbour", body="Untouched.")) is DetailType.POST_PUBLISHED
    site.rebuild()
    return site


def test_every_hostile_upload_is_at_most_a_megabyte_and_named_once():
    assert all(len(upload.data) <= MAX_POST_BYTES for upload in HOSTILE_UPLOADS)
    assert len({upload.name for upload in HOSTILE_UPLOADS}) == len(HOSTILE_UPLOADS)
    assert len({upload.key for upload in HOSTILE_UPLOADS}) == len(HOSTILE_UPLOADS)


@pytest.mark.parametrize("upload", HOSTILE_UPLOADS, ids=lambda upload: upload.name)
def test_a_hostile_upload_ends_refused_or_published_safely(
    site: World, upload: HostileUpload, record_property: Callable[[str, object], None]
):
    neighbour = site.site.text(NEIGHBOUR_PAGE)
    seconds: dict[str, float] = {}
    source = site.upload(upload.key, upload.data)

    outcome = timed("validate", seconds, lambda: validate_post(upload.key, upload.data, RULES, NOW))
    if isinstance(outcome, Rejection):
        assert upload.outcome is Outcome.REJECTED, outcome.problems
        assert outcome.problems
        assert all(problem.describe().strip() for problem in outcome.problems)
    else:
        assert isinstance(outcome, Post)
        validated = PostValidated(source=source, post=PostMetadata.of(outcome))
        detail = timed("render", seconds, lambda: site.render.on_validated(validated, now=NOW))
        timed("aggregate", seconds, site.rebuild)
        if upload.outcome is Outcome.REJECTED:
            assert detail is DetailType.POST_REJECTED
        else:
            assert detail is DetailType.POST_PUBLISHED
            page = site.site.text(f"{outcome.path.strip('/')}/index.html")
            assert page.count("<script") == page.count('<script type="application/ld+json">')
            if upload.published_without:
                assert upload.published_without not in page

    if upload.outcome is Outcome.REJECTED:  # no claim left on a slug
        assert [slug for slug, entry in site.catalogue.posts.items() if entry.source_key == upload.key] == []
    assert site.site.text(NEIGHBOUR_PAGE) == neighbour
    record_property("hostile_upload", {"name": upload.name, "step": upload.step, **seconds})
