"""Publishing decided as data: whether a version is new, a retry to resume, or the live bytes again,
and what its plan writes, without a store or a theme in sight."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world import NOW, RULES, post_file

from pressroom.aggregates import SitePage, Stale, site_page_key
from pressroom.catalogue import Pending, PostRecord, SourceState, SourceStateKind
from pressroom.events import SourceObject
from pressroom.model import Post, PostKind
from pressroom.pipeline.publishing import (
    Fresh,
    PublishRequest,
    Resumed,
    Unchanged,
    listing_changes,
    publish_plan,
    resolve_publication,
    take_down_changes,
)
from pressroom.reading.validation import validate_post

KEY = "posts/hello.md"
RECORDED_WORK = Pending(deletes=(("LIST#all", "2024-05-01#old"),), stale=("feeds",))


def post(key: str = KEY, slug: str | None = None) -> Post:
    parsed = validate_post(key, post_file("Hello", slug=slug), RULES, NOW)
    assert isinstance(parsed, Post), parsed
    return parsed


def source(sequencer: str = "0002", etag: str = "new-bytes", key: str = KEY) -> SourceObject:
    return SourceObject(bucket="uploads", key=key, version_id="v", sequencer=sequencer, etag=etag)


def live(slug: str = "hello", sequencer: str = "0001", etag: str = "old-bytes") -> SourceState:
    return SourceState(
        key=KEY,
        state=SourceStateKind.LIVE,
        slug=slug,
        sequencer=sequencer,
        update=True,
        released_slug="old-name",
        etag=etag,
        pending=RECORDED_WORK,
    )


RECORD = PostRecord(
    slug="hello", source_key=KEY, listings={"all": 4, "tag:ai": 2}, date_key="2024-05-01#hello"
)


def test_a_first_version_is_planned_afresh_and_is_not_an_update():
    assert resolve_publication(PublishRequest(source(), post()), None, None) == Fresh(
        update=False, released=None
    )


def test_a_new_version_of_a_live_post_is_an_update():
    assert resolve_publication(PublishRequest(source(), post()), live(), RECORD) == Fresh(
        update=True, released=None
    )


def test_a_retry_of_the_recorded_event_resumes_the_recorded_plan():
    request = PublishRequest(source(sequencer="0001"), post())

    assert resolve_publication(request, live(sequencer="0001"), RECORD) == Resumed(
        update=True, released="old-name", listings={"all": 4, "tag:ai": 2}, pending=RECORDED_WORK
    )


def test_a_retry_whose_slug_record_is_gone_is_planned_afresh():
    request = PublishRequest(source(sequencer="0001"), post())

    assert resolve_publication(request, live(sequencer="0001"), None) == Fresh(update=True, released=None)


def test_the_same_event_for_a_renamed_post_is_not_a_retry_of_the_old_name():
    request = PublishRequest(source(sequencer="0001"), post(slug="hello-again"))

    assert resolve_publication(request, live(sequencer="0001"), RECORD) == Fresh(
        update=True, released="hello"
    )


def test_the_live_bytes_again_only_record_the_new_sequencer():
    request = PublishRequest(source(sequencer="0003", etag="old-bytes"), post())

    assert resolve_publication(request, live(), RECORD) == Unchanged(replace(live(), sequencer="0003"))


def test_the_live_bytes_under_a_new_slug_are_a_rename_not_unchanged():
    request = PublishRequest(source(etag="old-bytes"), post(slug="hello-again"))

    assert resolve_publication(request, live(), RECORD) == Fresh(update=True, released="hello")


@pytest.mark.parametrize(
    "state", [SourceStateKind.REJECTED, SourceStateKind.DRAFT, SourceStateKind.WITHDRAWN], ids=str
)
def test_bytes_that_were_not_live_are_published_not_skipped(state: SourceStateKind):
    previous = replace(live(etag="old-bytes"), state=state)

    resolution = resolve_publication(PublishRequest(source(etag="old-bytes"), post()), previous, None)

    assert resolution == Fresh(update=False, released=None)


def test_a_replan_never_resumes_and_never_skips():
    replan = PublishRequest(source(sequencer="0001", etag="old-bytes"), post(), replan=True)

    assert resolve_publication(replan, live(sequencer="0001"), RECORD) == Fresh(update=True, released=None)


def test_an_upload_handed_a_live_page_publishes_it_as_an_update():
    request = PublishRequest(source(), post(), succeeds_live_page=True)

    assert resolve_publication(request, None, None) == Fresh(update=True, released=None)


def test_the_plan_announces_unless_it_is_a_replan():
    plan = publish_plan(PublishRequest(source(), post()), True, None, {"all": 1}, RECORDED_WORK)
    replan = publish_plan(
        PublishRequest(source(), post(), replan=True), True, None, {"all": 1}, RECORDED_WORK
    )

    assert (plan.announce, replan.announce) == (True, False)
    assert (plan.entry.listings, plan.entry.sequencer, plan.pending) == ({"all": 1}, "0002", RECORDED_WORK)
    assert (plan.state.state, plan.state.slug, plan.state.update) == (SourceStateKind.LIVE, "hello", True)
    assert plan.site_page is None


def test_a_pages_plan_carries_its_navigation_row():
    page = post("pages/about.md")

    plan = publish_plan(PublishRequest(source(key="pages/about.md"), page), False, None, {}, Pending())

    assert plan.site_page is not None
    assert (plan.site_page.slug, plan.site_page.title) == ("about", "Hello")


def test_a_renamed_post_leaves_its_old_rows_and_pages_stale():
    renamed = post(slug="hello-again")
    old = PostRecord(slug="hello", source_key=KEY, listings={"all": 4}, date_key="2024-05-01#hello")

    pending = listing_changes(renamed, None, old, {"all": 4}, [], page_size=10)

    assert set(pending.deletes) == {
        ("LIST#all", "2024-05-01#hello"),
        ("LISTPAGE#all#1", "2024-05-01#hello"),
        ("SITEMAP#1", "hello"),
    }
    assert Stale.purge("posts/hello/index.html") in pending.stale
    assert Stale.purge("posts/hello-again/index.html") in pending.stale


def test_taking_down_a_page_in_the_menu_makes_the_navigation_stale_and_one_outside_it_does_not():
    about = SitePage(slug="about", title="About", date=None, updated=None, menu_name="About")
    colophon = SitePage(slug="colophon", title="Colophon", date=None, updated=None)
    record = PostRecord(slug="about", source_key="pages/about.md", listings={}, date_key="")
    quiet = PostRecord(slug="colophon", source_key="pages/colophon.md", listings={}, date_key="")

    in_menu = take_down_changes(PostKind.PAGE, record, [about, colophon], page_size=10)
    outside = take_down_changes(PostKind.PAGE, quiet, [about, colophon], page_size=10)

    assert Stale.NAVIGATION in in_menu.stale
    assert Stale.NAVIGATION not in outside.stale
    assert in_menu.deletes == (site_page_key("about"),)
