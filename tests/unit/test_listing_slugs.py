"""Tag and author listings in any script: one page per name, at one URL that links, the sitemap,
the feeds, the bucket key and the CloudFront invalidation all agree on."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import unquote_plus

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from world import World, post_file

from pressroom.adapters.cdn import Invalidator
from pressroom.aggregates import author_listing, listing_path, page_key, tag_listing
from pressroom.slugs import MAX_SLUG_LENGTH, name_slug, slugify

# RFC 3986 path characters (pchar and "/"), without "+": S3 would read a "+" as a space.
URL_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*,;=:@/]|%[0-9A-F]{2})*")
HREF = re.compile(r'href="(/(?:tags|authors)/[^"]*)"')


def s3_object(url_path: str) -> str:
    """The bucket key S3 reads a URL path as ("/a%23b" is "a#b"; a bare "+" would be a space)."""
    return unquote_plus(url_path).lstrip("/")


def s3_key(url_path: str) -> str:
    """The key serving a directory URL, once the viewer-request function added index.html."""
    return s3_object(url_path) + "index.html"


# Names whose slugs sites already have (fixtures, golden pages, today's URLs): they must not move.
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("AI", "ai"),
        ("ai", "ai"),
        ("Ada Lovelace", "ada-lovelace"),
        ("Grace Hopper", "grace-hopper"),
        ("Policy & Law", "policy-law"),
        ("Machine Learning", "machine-learning"),
        ("machine-learning", "machine-learning"),
        ("Node.js", "node-js"),
        ("Ada's notes", "ada-s-notes"),
        ("snake_case", "snake-case"),
        ("Release notes: pressroom 0.1", "release-notes-pressroom-0-1"),
        ("  --Hello--  ", "hello"),
        ("C + Python", "c-python"),
        ("José Núñez", "jose-nunez"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("ﬁnancial report Ⅻ", "financial-report-xii"),
        ("\N{FULLWIDTH LATIN CAPITAL LETTER C}AFE", "cafe"),
        (" ".join(["abcdefghi"] * 10), "-".join(["abcdefghi"] * 8)),
    ],
)
def test_names_that_had_a_slug_keep_it(name: str, slug: str):
    assert slugify(name) == slug  # what the listing was named by until now
    assert name_slug(name) == slug
    assert listing_path(tag_listing(name)) == f"/tags/{slug}/"


@pytest.mark.parametrize(
    ("names", "paths"),
    [
        pytest.param(
            ["Иван Петров", "张伟", "王芳", "Ελένη"],
            [
                "/authors/%D0%B8%D0%B2%D0%B0%D0%BD-%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2/",
                "/authors/%E5%BC%A0%E4%BC%9F/",
                "/authors/%E7%8E%8B%E8%8A%B3/",
                "/authors/%CE%B5%CE%BB%CE%AD%CE%BD%CE%B7/",
            ],
            id="scripts",
        ),
        pytest.param(
            ["Łukasz", "Ukasz", "Straße", "Strae"],
            ["/authors/%C5%82ukasz/", "/authors/ukasz/", "/authors/stra%C3%9Fe/", "/authors/strae/"],
            id="latin-letters-with-no-ascii-form",
        ),
    ],
)
def test_names_in_any_script_get_pages_of_their_own(names: list[str], paths: list[str]):
    assert [listing_path(author_listing(name)) for name in names] == paths


@pytest.mark.parametrize(
    ("name", "same"),
    [
        ("Иван Петров", "иван петров"),
        ("Иван Петров", "  Иван   Петров "),
        ("Иван Петров", "Иван-Петров"),
        ("Ελένη", unicodedata.normalize("NFD", "Ελένη")),  # as macOS file names and some editors send it
        ("张伟", "张伟\u3000"),  # an ideographic space
        ("C#", "\N{FULLWIDTH LATIN CAPITAL LETTER C}\N{FULLWIDTH NUMBER SIGN}"),
    ],
)
def test_a_name_written_another_way_finds_the_same_page(name: str, same: str):
    assert author_listing(same) == author_listing(name)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("C", "/tags/c/"),
        ("C#", "/tags/c%23/"),
        ("C++", "/tags/c%2B%2B/"),
        ("F#", "/tags/f%23/"),
        ("F", "/tags/f/"),
        ("Notepad++", "/tags/notepad%2B%2B/"),
        ("#hashtag", "/tags/%23hashtag/"),
        ("hashtag", "/tags/hashtag/"),
        ("C# / .NET", "/tags/c%23-net/"),
        ("!!!", "/tags/u21-u21-u21/"),
        ("???", "/tags/u3f-u3f-u3f/"),
        ("🚀", "/tags/u1f680/"),
        ("🦀", "/tags/u1f980/"),
    ],
)
def test_tags_that_differ_only_in_symbols_get_pages_of_their_own(name: str, path: str):
    assert listing_path(tag_listing(name)) == path


def test_a_blank_name_still_has_a_page():
    assert listing_path(tag_listing(" \t")) == "/tags/untitled/"


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(min_size=1, max_size=200))
def test_every_name_has_a_url_path_that_leads_to_its_key(name: str):
    slug = name_slug(name)
    path = listing_path(tag_listing(name))

    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug or all(unicodedata.category(c)[0] in "ZMC" for c in unicodedata.normalize("NFKC", name))
    assert name_slug(slug) == slug  # a slug names the same listing again (authors.py relies on it)
    assert not set(slug) & set("/\\.%?:|")
    assert not slug.startswith("-")
    assert "--" not in slug
    assert URL_PATH.fullmatch(path)
    assert s3_key(path) == page_key(path) == f"tags/{slug or 'untitled'}/index.html"


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(
        st.text(st.characters(categories=["L", "N"], include_characters="#+"), min_size=1, max_size=6),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.text(st.characters(categories=["L", "N"], include_characters="#+"), max_size=6), max_size=4),
)
@example(["Иван", "Петров"], ["张伟"])
@example(["C#"], ["C++"])
def test_names_whose_words_differ_get_different_slugs(first: list[str], second: list[str]):
    def words(name: list[str]) -> list[str]:
        """The words the slug keeps: lower-cased, accents gone where the word is ASCII without them."""
        kept = []
        for word in " ".join(name).split():
            folded = unicodedata.normalize("NFKD", word.lower())
            if any(c.isalnum() for c in folded) and not any(c.isalnum() and not c.isascii() for c in folded):
                kept.append(folded.encode("ascii", "ignore").decode())
            elif any(c.isalnum() for c in word):
                kept.append(unicodedata.normalize("NFKC", word.lower()))
        return kept

    if words(first) != words(second) and words(first) and words(second):
        assert name_slug(" ".join(first)) != name_slug(" ".join(second))


# ------------------------------------------------------------------ one URL everywhere
class RecordingCloudFront:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def create_invalidation(self, **request: Any) -> dict[str, Any]:
        self.paths += request["InvalidationBatch"]["Paths"]["Items"]
        return {"Invalidation": {"Id": "I1"}}


@pytest.fixture(scope="module")
def site() -> tuple[World, list[str]]:
    world = World()
    world.publish(
        "posts/languages.md",
        post_file("Languages", tags=('"C#"', '"C++"', "C"), extra="author: Иван Петров"),
    )
    world.publish(
        "posts/chinese.md", post_file("Chinese", "2024-05-02", tags=("中文",), extra="author: 张伟")
    )
    return world, world.rebuild()


EXPECTED = {
    "tags/c/index.html": "/tags/c/",
    "tags/c#/index.html": "/tags/c%23/",
    "tags/c++/index.html": "/tags/c%2B%2B/",
    "tags/中文/index.html": "/tags/%E4%B8%AD%E6%96%87/",
    "authors/иван-петров/index.html": (
        "/authors/%D0%B8%D0%B2%D0%B0%D0%BD-%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2/"
    ),
    "authors/张伟/index.html": "/authors/%E5%BC%A0%E4%BC%9F/",
}


def test_each_listing_is_written_under_its_own_key(site: tuple[World, list[str]]):
    world, changed = site

    listing_keys = {key for key in world.site.objects if key.startswith(("tags/", "authors/"))}

    archive_pages = {key.replace("/index.html", "/page/1/index.html") for key in EXPECTED}
    assert listing_keys == {*EXPECTED, *archive_pages, "tags/index.html", "authors/index.html"}
    assert set(EXPECTED) <= set(changed)


def test_every_link_to_a_listing_leads_to_its_key(site: tuple[World, list[str]]):
    world, _ = site
    pages = {key: world.site.text(key) for key in world.site.objects if key.endswith("index.html")}

    links = {href for page in pages.values() for href in HREF.findall(page)}

    assert links == {"/tags/", "/authors/", *EXPECTED.values()}
    for href in links - {"/tags/", "/authors/"}:
        assert URL_PATH.fullmatch(href)
        assert s3_key(href) in world.site.objects, href


def test_sitemap_and_feeds_name_the_same_urls(site: tuple[World, list[str]]):
    world, _ = site
    sitemap, atom = world.site.text("sitemaps/pages.xml"), world.site.text("atom.xml")

    for path in EXPECTED.values():
        assert f"<loc>https://blog.example.com{path}</loc>" in sitemap
    assert f"<uri>https://blog.example.com{EXPECTED['authors/张伟/index.html']}</uri>" in atom


def test_cloudfront_is_told_the_urls_browsers_ask_for(site: tuple[World, list[str]]):
    _, changed = site
    cloudfront = RecordingCloudFront()

    Invalidator(cloudfront, "E1").invalidate(changed)  # type: ignore[arg-type]

    assert {path + "index.html" for path in EXPECTED.values()} <= set(cloudfront.paths)
    for path in cloudfront.paths:
        assert URL_PATH.fullmatch(path), path
        assert s3_object(path) in changed, path


def test_a_tag_url_keeps_the_characters_a_path_may_hold_and_encodes_the_rest():
    from pressroom.aggregates import url_path

    assert url_path("/tags/r&d:notes@home!/") == "/tags/r&d:notes@home!/"
    assert url_path("/tags/c#/") == "/tags/c%23/"
    assert url_path("/tags/a b?/") == "/tags/a%20b%3F/"
