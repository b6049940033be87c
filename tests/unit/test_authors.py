"""Author profiles (authors/<key>.md): checked, recorded, and what a change to one renders again."""

from __future__ import annotations

import pytest
from world import BUCKET, NOW, RULES, World, post_file

from pressroom.aggregates import Stale
from pressroom.events import AuthorMetadata, AuthorValidated, DetailType, PostPublished, PostWithdrawn
from pressroom.model import Rejection
from pressroom.pipeline.validate import UploadChange, UploadChangeKind, ValidateStage
from pressroom.reading.profiles import AuthorProfile, resolve, validate_profile

CMS_ID = "4dBOgUlI09p9cQ3p5W2EtI"
ADA = f"""---
name: Ada Lovelace
bio: Writes about engines that compute.
avatar: /assets/ada.png
id: {CMS_ID}
links:
  - name: Website
    url: https://ada.example.com
  - https://social.example.com/@ada
---

The first **programmer**, by most accounts.
""".encode()
CMS_POST = post_file("Notes on the engine", extra=f"author:\n  - id: {CMS_ID}\n    contentType: teamMember")


@pytest.fixture
def world() -> World:
    return World()


def record(world: World, data: bytes, key: str = "authors/ada.md") -> None:
    source = world.upload(key, data)
    profile = validate_profile(key, data, RULES.max_bytes)
    assert isinstance(profile, AuthorProfile), profile
    event = AuthorValidated(
        source=source, author=AuthorMetadata(key=profile.key, name=profile.name, ids=list(profile.ids))
    )
    world.authors.on_author_validated(event, now=NOW)


def published(world: World) -> list[PostPublished]:
    return [
        d
        for kind, d in world.bus.events
        if kind is DetailType.POST_PUBLISHED and isinstance(d, PostPublished)
    ]


# ------------------------------------------------------------------ profiles


def test_a_profile_gives_a_name_bio_avatar_links_ids_and_a_longer_bio():
    profile = validate_profile("authors/ada.md", ADA, RULES.max_bytes)

    assert profile == AuthorProfile(
        source_key="authors/ada.md",
        key="ada",
        name="Ada Lovelace",
        bio="Writes about engines that compute.",
        avatar="/assets/ada.png",
        links=(
            ("Website", "https://ada.example.com"),
            ("https://social.example.com/@ada", "https://social.example.com/@ada"),
        ),
        ids=(CMS_ID,),
        body="The first **programmer**, by most accounts.",
    )


@pytest.mark.parametrize(
    ("front_matter", "says"),
    [
        ("bio: No name", "a profile needs a `name`"),
        ("name: Ada\navatar: javascript:alert(1)", "javascript: URLs are not allowed"),
        ("name: Ada\nlinks: 3", "`links` must be a list"),
        ("name: Ada\nlinks: {Site: 'data:text/html,x'}", "data: URLs are not allowed"),
        ("name: Ada\nid: {nested: true}", "`id` must be the CMS's id"),
        ("name: [Ada]", "`name` must be text"),
    ],
)
def test_a_profile_with_a_mistake_is_refused_with_its_reason(front_matter: str, says: str):
    refused = validate_profile("authors/ada.md", f"---\n{front_matter}\n---\n".encode(), RULES.max_bytes)

    assert isinstance(refused, Rejection)
    assert any(says in problem.message for problem in refused.problems), refused.problems


def test_a_post_names_its_author_by_cms_id_by_name_or_by_the_profiles_key():
    ada = AuthorProfile(source_key="authors/ada.md", key="ada", name="Ada Lovelace", ids=(CMS_ID,))
    grace = AuthorProfile(source_key="authors/grace.md", key="grace", name="Grace Hopper")

    assert resolve([], [CMS_ID], [ada, grace]).names == ("Ada Lovelace",)
    assert resolve(["grace hopper"], [], [ada, grace]).names == ("Grace Hopper",)
    assert resolve(["ada", "Someone Else"], [], [ada, grace]).names == ("Ada Lovelace", "Someone Else")
    unknown = resolve([], ["nobody"], [ada])
    assert unknown.names == ()
    assert "the author reference 'nobody' matches no profile" in unknown.warnings[0].message


def test_validation_says_a_profile_was_validated_and_refuses_a_bad_one(world: World):
    stage = ValidateStage(uploads=world.uploads, bus=world.bus, rules=RULES)

    good = world.upload("authors/ada.md", ADA)
    bad = world.upload("authors/nobody.md", b"---\nbio: x\n---\n")

    assert stage.handle(UploadChange(UploadChangeKind.CREATED, good), NOW) is DetailType.AUTHOR_VALIDATED
    assert stage.handle(UploadChange(UploadChangeKind.CREATED, bad), NOW) is DetailType.POST_REJECTED
    validated = world.bus.events[0][1]
    assert isinstance(validated, AuthorValidated)
    assert (validated.author.key, validated.author.ids) == ("ada", [CMS_ID])


# ------------------------------------------------------------------ rendering


def test_a_post_naming_an_unknown_reference_is_published_with_an_announced_warning(world: World):
    assert world.publish("posts/engine.md", CMS_POST) is DetailType.POST_PUBLISHED

    (event,) = published(world)
    assert event.post.authors == []
    assert event.post.warnings == [
        f"author: the author reference '{CMS_ID}' matches no profile: the post is shown without that "
        f"author. Upload authors/<name>.md with `id: {CMS_ID}` to name them"
    ]


def test_a_profile_that_answers_a_reference_shows_its_name_on_the_post_and_lists_it(world: World):
    world.publish("posts/engine.md", CMS_POST)
    world.stale.take()
    announced = len(published(world))

    record(world, ADA)

    page = world.site.text("posts/engine/index.html")
    assert '<a href="/authors/ada-lovelace/" rel="author">Ada Lovelace</a>' in page
    assert '"name": "Ada Lovelace"' in page  # JSON-LD
    assert [entry.slug for entry in world.listings.newest("author:ada-lovelace", 10)] == ["engine"]
    assert len(published(world)) == announced  # applied again, not announced again
    notes = world.stale.take()
    assert {Stale.front("author:ada-lovelace"), Stale.FEEDS} <= notes
    world.aggregate.rebuild(notes, now=NOW)
    author_page = world.site.text("authors/ada-lovelace/index.html")
    assert "<h1>Posts by Ada Lovelace</h1>" in author_page
    assert "Writes about engines that compute." in author_page
    assert "<strong>programmer</strong>" in author_page
    assert '<img class="profile-avatar" src="https://blog.example.com/assets/ada.png"' in author_page
    assert '<a href="https://ada.example.com" rel="me">Website</a>' in author_page
    assert "<name>Ada Lovelace</name>" in world.site.text("atom.xml")


def test_a_profile_published_first_names_the_post_from_its_first_page(world: World):
    record(world, ADA)

    world.publish("posts/engine.md", CMS_POST)

    (event,) = published(world)
    assert (event.post.authors, event.post.warnings) == (["Ada Lovelace"], [])


def test_a_new_bio_rebuilds_the_author_pages_and_no_post(world: World):
    record(world, ADA)
    world.publish("posts/engine.md", CMS_POST)
    world.stale.take()
    writes = len(world.site.writes)

    record(world, ADA.replace(b"engines that compute", b"analytical engines"))

    assert len(world.site.writes) == writes  # no post page written
    assert world.stale.take() == {Stale.front("author:ada-lovelace"), Stale.page("author:ada-lovelace", 1)}


def test_removing_the_profile_shows_the_post_without_the_name_again(world: World):
    record(world, ADA)
    world.publish("posts/engine.md", CMS_POST)
    marker = world.uploads.delete(BUCKET, "authors/ada.md")

    world.rendering.handle(PostWithdrawn(source=marker), NOW)

    assert "Ada Lovelace" not in world.site.text("posts/engine/index.html")
    assert world.listings.newest("author:ada-lovelace", 10) == []
    assert world.listings.authors() == []


def test_an_older_profile_arriving_late_changes_nothing(world: World):
    old = world.upload("authors/ada.md", ADA)
    record(world, ADA.replace(b"Ada Lovelace", b"Augusta Ada King"))
    event = AuthorValidated(source=old, author=AuthorMetadata(key="ada", name="Ada Lovelace"))

    world.authors.on_author_validated(event, now=NOW)

    assert [profile.name for profile in world.listings.authors()] == ["Augusta Ada King"]


def test_a_profile_with_half_a_surrogate_pair_is_refused_naming_the_field():
    verdict = validate_profile(
        "authors/ada.md", b'---\nname: "Ada \\ud800"\n---\n\nHello.\n', RULES.max_bytes
    )

    assert isinstance(verdict, Rejection)
    assert [problem.field for problem in verdict.problems] == ["name"]
