"""Pages (pages/<name>.md): published at /<slug>/ without a date, in no listing, in the sitemap,
and in the navigation every page shows when their front matter puts them in the main menu."""

from __future__ import annotations

import pytest
from world import BUCKET, NOW, RULES, World, post_file

from pressroom.aggregates import ALL, Stale
from pressroom.events import DetailType, PostPublished, PostUnpublished, PostWithdrawn, RepublishRequested
from pressroom.model import MenuEntry, Post, PostKind, Rejection
from pressroom.reading.validation import validate_post


def page_file(title: str = "About", extra: str = "", body: str = "Who we are.") -> bytes:
    return (f'---\ntitle: "{title}"\n{extra}\n---\n\n{body}\n').encode()


def valid_page(data: bytes, key: str = "pages/about.md") -> Post:
    page = validate_post(key, data, RULES, NOW)
    assert isinstance(page, Post), page
    return page


@pytest.fixture
def world() -> World:
    return World()


# ------------------------------------------------------------------ validation


def test_a_page_needs_no_date_and_lives_at_its_slug():
    page = valid_page(page_file())

    assert (page.kind, page.slug, page.path, page.page_key) == (
        PostKind.PAGE,
        "about",
        "/about/",
        "about/index.html",
    )
    assert not page.dated
    assert page.date_read_as == "no date: a page needs none"


def test_the_same_file_under_posts_is_refused_for_its_missing_date():
    refused = validate_post("posts/about.md", page_file(), RULES, NOW)

    assert isinstance(refused, Rejection)
    assert [problem.field for problem in refused.problems] == ["date"]


def test_a_dated_page_keeps_its_date_and_a_future_one_is_scheduled():
    assert valid_page(page_file(extra="date: 2024-05-01")).dated
    assert valid_page(page_file(extra="date: 2999-01-01")).status.value == "scheduled"


@pytest.mark.parametrize(
    ("front_matter", "entry"),
    [
        ("menu: main", MenuEntry("About", 0)),
        ("menu: true", MenuEntry("About", 0)),  # the CMS export's
        ("menus: main", MenuEntry("About", 0)),  # Hugo's other spelling
        ("menu: [footer, main]\nweight: 3", MenuEntry("About", 3)),
        ("menu:\n  main:\n    name: About us\n    weight: -2", MenuEntry("About us", -2)),
        ("menu:\n  main:", MenuEntry("About", 0)),
        ("menu: footer", None),
        ("menu: false", None),
        ("menu: {footer: {weight: 1}}", None),
        ("", None),
    ],
)
def test_a_menu_entry_is_read_in_hugos_forms_and_the_cms_exports(front_matter: str, entry: MenuEntry | None):
    assert valid_page(page_file(extra=front_matter)).menu == entry


@pytest.mark.parametrize(
    ("front_matter", "says"),
    [
        ("menu: 3", "`menu` must be `main`"),
        ("menu: {main: [1]}", "must hold `name` and `weight`"),
        ("menu: {main: {weight: heavy}}", "the menu weight must be a whole number"),
        ("menu: {main: {name: ''}}", "the menu name must be text"),
        ("menu: {main: {name: " + "x" * 41 + "}}", "at most 40 characters"),
    ],
)
def test_a_menu_entry_that_cannot_be_read_is_refused_with_its_reason(front_matter: str, says: str):
    refused = validate_post("pages/about.md", page_file(extra=front_matter), RULES, NOW)

    assert isinstance(refused, Rejection)
    assert any(says in problem.message for problem in refused.problems), refused.problems


@pytest.mark.parametrize("slug", ["posts", "tags", "authors", "page", "assets", "sitemaps"])
def test_a_page_may_not_take_a_folder_the_site_keeps_for_itself(slug: str):
    refused = validate_post("pages/x.md", page_file(extra=f"slug: {slug}"), RULES, NOW)

    assert isinstance(refused, Rejection)
    assert refused.problems[0].field == "slug"
    assert "is reserved for the site's own pages" in refused.problems[0].message


# ------------------------------------------------------------------ rendering


def test_a_page_is_rendered_with_the_page_template_and_in_no_listing(world: World):
    outcome = world.publish("pages/about.md", page_file(body="We **write**."))

    assert outcome is DetailType.POST_PUBLISHED
    html = world.site.text("about/index.html")
    assert '<article class="page">' in html
    assert "<strong>write</strong>" in html
    assert '"@type": "WebPage"' in html
    assert "datePublished" not in html
    assert "1970" not in html
    assert world.listings.newest(ALL, 10) == []
    assert [page.path for page in world.listings.site_pages()] == ["/about/"]
    published = next(d for kind, d in world.bus.events if kind is DetailType.POST_PUBLISHED)
    assert isinstance(published, PostPublished)
    assert (published.path, published.post.kind, published.post.date) == ("/about/", PostKind.PAGE, None)
    notes = world.stale.take()
    assert {Stale.PAGES_SITEMAP, Stale.purge("about/index.html")} <= notes
    assert Stale.FEEDS not in notes
    assert Stale.front(ALL) not in notes
    assert Stale.NAVIGATION not in notes  # not in the menu: no other page changes


def test_joining_the_menu_makes_every_page_stale_and_the_aggregates_ask_for_one_republish(world: World):
    world.publish("posts/hello.md", post_file("Hello"))
    world.stale.take()
    world.publish("pages/about.md", page_file(extra="menu: main"))
    world.publish("pages/contact.md", page_file("Contact", extra="menu: {main: {weight: 9}}"))

    notes = world.stale.take()
    assert Stale.NAVIGATION in notes
    world.aggregate.rebuild(notes, now=NOW)

    republishes = [d for kind, d in world.bus.events if kind is DetailType.REPUBLISH_REQUESTED]
    assert len(republishes) == 1  # one for the batch, however many pages joined
    assert isinstance(republishes[0], RepublishRequested)
    assert "navigation" in republishes[0].reason
    contact = world.site.text("contact/index.html")
    assert '<a href="/about/">About</a>' in contact
    assert '<a href="/contact/" aria-current="page">Contact</a>' in contact
    assert contact.index('href="/about/"') < contact.index('href="/contact/"')  # by weight


def test_a_republish_renders_the_pages_too_so_every_page_shows_the_new_menu(world: World):
    world.publish("posts/hello.md", post_file("Hello"))
    world.publish("pages/about.md", page_file(extra="menu: main"))
    assert 'href="/about/"' not in world.site.text("posts/hello/index.html")  # rendered before
    world.stale.take()

    world.republish.start(RepublishRequested(reason="the site navigation changed"))
    while (item := world.work.take()) is not None:
        if "slugs" in item:
            world.republish.render_posts(item["republish"], item["slugs"], NOW)
        else:
            world.republish.enumerate(item["republish"], item["after"])

    assert '<a href="/about/">About</a>' in world.site.text("posts/hello/index.html")
    assert '<a href="/about/" aria-current="page">About</a>' in world.site.text("about/index.html")
    assert world.stale.take() == {Stale.EVERYTHING}
    world.aggregate.rebuild({Stale.EVERYTHING}, now=NOW)
    for key in ("index.html", "tags/index.html", "404.html"):
        assert '<a href="/about/">About</a>' in world.site.text(key), key


def test_an_edit_that_keeps_the_menu_entry_rebuilds_only_the_page(world: World):
    world.publish("pages/about.md", page_file(extra="menu: main"))
    world.stale.take()

    world.publish("pages/about.md", page_file(extra="menu: main", body="New words."))

    assert Stale.NAVIGATION not in world.stale.take()
    assert "New words." in world.site.text("about/index.html")


@pytest.mark.parametrize("change", ['title: "About us"', "weight: 4", "menu: footer"])
def test_changing_the_menu_label_order_or_membership_changes_the_navigation(world: World, change: str):
    world.publish("pages/about.md", page_file(extra="menu: main"))
    world.publish("pages/contact.md", page_file("Contact", extra="menu: main\nweight: 2"))
    world.stale.take()

    extra = "menu: main\n" + change if not change.startswith("menu") else change
    title = "About us" if change.startswith("title") else "About"
    world.publish("pages/about.md", page_file(title, extra=extra.replace('title: "About us"', "")))

    assert Stale.NAVIGATION in world.stale.take()


def test_deleting_a_page_unpublishes_it_and_takes_it_out_of_the_menu_and_sitemap(world: World):
    world.publish("pages/about.md", page_file(extra="menu: main"))
    world.rebuild()
    assert "/about/" in world.site.text("sitemaps/pages.xml")

    marker = world.uploads.delete(BUCKET, "pages/about.md")
    outcome = world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)

    assert outcome is DetailType.POST_UNPUBLISHED
    assert "about/index.html" not in world.site.objects
    unpublished = next(d for kind, d in world.bus.events if kind is DetailType.POST_UNPUBLISHED)
    assert isinstance(unpublished, PostUnpublished)
    assert unpublished.path == "/about/"
    assert world.listings.site_pages() == []
    notes = world.stale.take()
    assert Stale.NAVIGATION in notes
    world.aggregate.rebuild(notes, now=NOW)
    assert "/about/" not in world.site.text("sitemaps/pages.xml")
    assert any(kind is DetailType.REPUBLISH_REQUESTED for kind, _ in world.bus.events)


def test_the_pages_sitemap_lists_each_page_with_its_date_when_it_has_one(world: World):
    world.publish("pages/about.md", page_file())
    world.publish("pages/imprint.md", page_file("Imprint", extra="date: 2024-05-01"))
    world.rebuild()

    sitemap = world.site.text("sitemaps/pages.xml")
    assert "<loc>https://blog.example.com/about/</loc>" in sitemap
    assert "<loc>https://blog.example.com/imprint/</loc>" in sitemap
    assert sitemap.count("<lastmod>") == 1
    assert "2024-05-01" in sitemap


def test_a_page_and_a_post_cannot_share_a_slug(world: World):
    world.publish("posts/about.md", post_file("About the blog", slug="about"))

    outcome = world.publish("pages/about.md", page_file())

    assert outcome is DetailType.POST_REJECTED
    assert "already used by posts/about.md" in world.catalogue.statuses["pages/about.md"]["reasons"][0]
    assert "about/index.html" not in world.site.objects


def test_a_page_waiting_for_a_posts_slug_is_published_at_its_own_path_when_the_post_goes(world: World):
    world.publish("posts/about.md", post_file("About the blog", slug="about"))
    world.publish("pages/about.md", page_file())
    marker = world.uploads.delete(BUCKET, "posts/about.md")

    world.render.on_withdrawn(PostWithdrawn(source=marker), now=NOW)
    assert "posts/about/index.html" not in world.site.objects  # a page replaces nothing there
    released = [d for kind, d in world.bus.events if kind is DetailType.SLUG_RELEASED]
    assert len(released) == 1
    outcome = world.handover.on_slug_released(released[0], now=NOW)  # type: ignore[arg-type]

    assert outcome is DetailType.POST_PUBLISHED
    assert "<h1>About</h1>" in world.site.text("about/index.html")
