"""`pressroom local --site DIR`: a folder laid out like the uploads bucket, through the whole
pipeline on the local stack, pages and navigation included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, TEMPLATE

from pressroom_tools.cli import main

SITE_URL = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "blog"
    shutil.copytree(EXAMPLES, folder / "posts")
    shutil.copytree(EXAMPLES.parent / "pages", folder / "pages")
    shutil.copytree(EXAMPLES.parent / "authors", folder / "authors")
    (folder / "assets").mkdir()
    (folder / "assets" / "press-kit.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "notes.txt").write_text("not part of the site\n", encoding="utf-8")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "idea.md").write_text("---\ntitle: Idea\n---\n\nLater.\n", encoding="utf-8")
    (folder / "pages" / ".DS_Store").write_bytes(b"\x00\x01")
    hugo = b'---\ntitle: From Hugo\ndate: 2024-05-01\n---\n\nHi.\n\n{{< tweet user="x" id="1" >}}\n'
    (folder / "posts" / "from-hugo.md").write_bytes(hugo)
    return folder


@pytest.fixture(scope="module")
def published(site_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("out") / "site"
    report = out.parent / "report.json"
    status = main(
        [
            "local", "--site", str(site_folder), "--out", str(out), "--report", str(report),
            "--site-url", SITE_URL, "--template", str(TEMPLATE),
        ]
    )  # fmt: skip
    assert status == 0
    return out, json.loads(report.read_text(encoding="utf-8"))


def outcome(report: dict[str, Any], source: str) -> dict[str, Any]:
    return next(entry for entry in report["posts"] if entry["source"] == source)


def test_pages_are_published_at_their_slug_and_listed_in_the_report_like_posts(
    published: tuple[Path, dict[str, Any]],
):
    out, report = published

    about = outcome(report, "pages/about.md")
    assert (about["status"], about["slug"], about["path"]) == ("published", "about", "/about/")
    assert outcome(report, "pages/contact.md")["path"] == "/contact/"
    assert "<h1>About this blog</h1>" in (out / "about" / "index.html").read_text(encoding="utf-8")
    assert outcome(report, "posts/uk-ai-opportunities-action-plan.md")["status"] == "published"


def test_every_page_shows_the_navigation_after_the_republish_a_new_menu_asks_for(
    published: tuple[Path, dict[str, Any]],
):
    out, _ = published
    pages = [
        "index.html",
        "about/index.html",
        "posts/uk-ai-opportunities-action-plan/index.html",
        "tags/index.html",
        "404.html",
    ]
    for key in pages:
        html = (out / key).read_text(encoding="utf-8")
        assert '<a href="/about/"' in html, key
        assert '<a href="/contact/"' in html, key
        assert html.index('href="/about/"') < html.index('href="/contact/"'), key  # by weight


def test_pages_are_in_the_sitemap_and_never_in_feeds_or_listings(published: tuple[Path, dict[str, Any]]):
    out, _ = published

    assert f"<loc>{SITE_URL}/about/</loc>" in (out / "sitemaps" / "pages.xml").read_text(encoding="utf-8")
    for key in ("atom.xml", "rss.xml", "index.html"):
        text = (out / key).read_text(encoding="utf-8")
        assert "About this blog" not in text, key
    assert not any("about" in path.name for path in (out / "sitemaps").glob("posts-*.xml"))


def test_assets_are_copied_and_what_is_not_part_of_a_site_is_reported_as_skipped(
    published: tuple[Path, dict[str, Any]],
):
    out, report = published

    assert (out / "assets" / "press-kit.pdf").read_bytes() == b"%PDF-1.4\n%%EOF\n"
    for name in ("notes.txt", "drafts/idea.md", "pages/.DS_Store"):
        skipped = outcome(report, name)
        assert skipped["status"] == "skipped", name
        assert skipped["reasons"][0].startswith("not uploaded"), name


def test_a_page_is_announced_never_but_a_refused_page_is(
    published: tuple[Path, dict[str, Any]],
):
    _, report = published

    subjects = [announcement["subject"] for announcement in report["announcements"]]
    assert not any("About this blog" in subject or "Contact" in subject for subject in subjects)
    assert any("Our Response" in subject for subject in subjects)


def test_site_and_posts_cannot_be_given_together(
    site_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    with pytest.raises(SystemExit) as exit_info:
        main(["local", "--site", str(site_folder), "--posts", str(EXAMPLES), "--out", str(tmp_path / "o")])

    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_post_published_with_something_left_out_carries_the_warning_in_the_report(
    published: tuple[Path, dict[str, Any]],
):
    out, report = published

    from_hugo = outcome(report, "posts/from-hugo.md")
    assert from_hugo["status"] == "published"
    assert from_hugo["warnings"] == [
        "body (line 8): the Hugo shortcode `tweet` is not one pressroom renders: it was left out of the "
        "page; pressroom renders figure, youtube, vimeo, highlight, ref, relref, details"
    ]
    assert "tweet" not in (out / "posts" / "from-hugo" / "index.html").read_text(encoding="utf-8")


def test_the_seed_posts_cms_reference_shows_the_profiles_name_linked_to_its_page(
    published: tuple[Path, dict[str, Any]],
):
    out, report = published

    post = (out / "posts" / "uk-ai-opportunities-action-plan" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/authors/the-editorial-team/" rel="author">The Editorial Team</a>' in post
    assert outcome(report, "posts/uk-ai-opportunities-action-plan.md")["warnings"] == []
    author_page = (out / "authors" / "the-editorial-team" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Posts by The Editorial Team</h1>" in author_page
    assert "<strong>The Editorial Team</strong>" in author_page  # the profile's body
    assert "/posts/uk-ai-opportunities-action-plan/" in author_page
    assert "<name>The Editorial Team</name>" in (out / "atom.xml").read_text(encoding="utf-8")
    profile = outcome(report, "authors/editorial-team.md")
    assert (profile["status"], profile["path"]) == ("published", "/authors/the-editorial-team/")
