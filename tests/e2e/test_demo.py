"""`pressroom local` on examples/posts, end to end: what `make demo` does, asserted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import EXAMPLES, TEMPLATE

from pressroom_tools.cli import main

SHARED_PAGE = Path("posts/uk-ai-opportunities-action-plan/index.html")
TITLE = "Our Response to the UK Government's AI Opportunities Action Plan"


def run_demo(site: Path, *extra: str) -> int:
    return main(
        [
            "local",
            "--posts", str(EXAMPLES),
            "--out", str(site),
            "--report", str(site / "report.json"),
            "--template", str(TEMPLATE),
            *extra,
        ]
    )  # fmt: skip


def test_the_demo_publishes_the_examples_and_reports_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    site = tmp_path / "_site"

    status = run_demo(site)

    assert status == 0
    printed = capsys.readouterr().out

    # The shared CMS post: its page, its title with a real apostrophe, its headings
    page = (site / SHARED_PAGE).read_text(encoding="utf-8")
    assert f"<title>{TITLE}" in page
    assert f"<h1>{TITLE}</h1>" in page
    assert "&#39;" not in page
    assert "&amp;#39;" not in page
    assert (
        '<h2 id="our-position-on-the-plan-s-core-elements">Our Position on the Plan\'s Core Elements</h2>'
        in page
    )
    assert '<h3 id="strategic-vision">Strategic Vision</h3>' in page

    # The index links to every published post, newest first
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    published = [post for post in report["posts"] if post["status"] == "published"]
    assert {post["path"] for post in published} == {
        "/posts/uk-ai-opportunities-action-plan/",
        "/posts/pressroom-0-1-release-notes/",
        "/posts/writing-in-jekyll-style/",
    }
    index = (site / "index.html").read_text(encoding="utf-8")
    links = list(dict.fromkeys(re.findall(r'href="(/posts/[^"]+)"', index)))
    assert links == [
        "/posts/uk-ai-opportunities-action-plan/",  # 2025-01-14
        "/posts/writing-in-jekyll-style/",  # 2024-05-01
        "/posts/pressroom-0-1-release-notes/",  # 2024-03-10
    ]
    for post in published:
        assert (site / post["path"].strip("/") / "index.html").is_file()

    # The invalid example: rejected, with its reasons, and no page
    (rejected,) = [post for post in report["posts"] if post["status"] == "rejected"]
    assert rejected["source"] == "posts/broken-post.md"
    assert any(reason.startswith("title:") for reason in rejected["reasons"])
    assert any(reason.startswith("date:") and "2024-13-45" in reason for reason in rejected["reasons"])
    assert rejected["path"] is None
    assert not (site / "posts" / "broken-post").exists()

    # The draft and the future-dated post are reported as such, and have no page
    statuses = {post["source"]: post["status"] for post in report["posts"]}
    assert statuses["posts/draft-ideas.md"] == "draft"
    assert statuses["posts/from-the-future.md"] == "scheduled"
    assert not (site / "posts" / "from-the-future").exists()
    assert not (site / "posts" / "ideas-for-next-month").exists()

    # One announcement per published post, one notice for the rejected one
    kinds = sorted(announcement["kind"] for announcement in report["announcements"])
    assert kinds == ["published", "published", "published", "rejected"]

    # What was printed says the same
    assert re.search(
        r"published\s+posts/uk-ai-opportunities-action-plan\.md\s+/posts/uk-ai-opportunities-action-plan/",
        printed,
    )
    assert re.search(r"rejected\s+posts/broken-post\.md", printed)
    assert "- date: '2024-13-45' is not a real date" in printed
    assert f"[published] New post: {TITLE}" in printed


def test_now_fires_the_schedules_due_and_publishes_the_future_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    site = tmp_path / "_site"

    assert run_demo(site, "--now", "2099-06-01T09:00:00Z") == 0

    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    statuses = {post["source"]: post["status"] for post in report["posts"]}
    assert statuses["posts/from-the-future.md"] == "published"
    assert (site / "posts" / "from-the-future" / "index.html").is_file()
    subjects = [announcement["subject"] for announcement in report["announcements"]]
    assert subjects.count("New post: A post from the future") == 1
    assert "Fired 1 schedule due by 2099-06-01T09:00:00+00:00" in capsys.readouterr().err


def test_strict_exits_1_when_a_post_is_rejected(tmp_path: Path):
    assert run_demo(tmp_path / "_site", "--strict") == 1


def test_a_second_run_replaces_the_previous_site(tmp_path: Path):
    site = tmp_path / "_site"
    run_demo(site)
    (site / "posts" / "stale.html").write_text("left over")

    assert run_demo(site) == 0
    assert not (site / "posts" / "stale.html").exists()


def test_a_directory_pressroom_did_not_write_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")

    status = run_demo(precious)

    assert status == 2
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert "already holds files pressroom did not write" in capsys.readouterr().err


def test_a_missing_posts_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    status = main(
        [
            "local",
            "--posts",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
            "--template",
            str(TEMPLATE),
        ]
    )

    assert status == 2
    assert "is not a directory" in capsys.readouterr().err
