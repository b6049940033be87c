"""`pressroom build` writes the site the in-process pipeline publishes, page for page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import EXAMPLES, TEMPLATE

from pressroom_tools.build import BuildSettings, SiteBuild, read_files
from pressroom_tools.cli import build as build_command
from pressroom_tools.cli import build_parser, main
from pressroom_tools.cli.progress import Progress

REPOSITORY = Path(__file__).parents[2]


def files_of(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()
    }


def assert_build_equals_pipeline(posts: Path, tmp_path: Path) -> None:
    pipeline, built = tmp_path / "pipeline", tmp_path / "built"
    assert main(["local", "--posts", str(posts), "--out", str(pipeline), "--template", str(TEMPLATE)]) == 0
    assert main(["build", str(posts), "--out", str(built), "--no-cache"]) == 0
    expected, actual = files_of(pipeline), files_of(built)
    assert sorted(actual) == sorted(expected)
    assert [key for key in expected if actual[key] != expected[key]] == []


def test_build_writes_the_pipelines_site_for_the_examples(tmp_path: Path):
    assert_build_equals_pipeline(EXAMPLES, tmp_path)


def test_build_writes_the_pipelines_site_for_a_generated_corpus(tmp_path: Path):
    posts = tmp_path / "posts"
    subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "generate-posts"), "200", str(posts)], check=True
    )
    assert_build_equals_pipeline(posts, tmp_path)


def test_a_cached_rebuild_after_one_edit_writes_what_a_fresh_build_writes(tmp_path: Path):
    posts, cache = tmp_path / "posts", tmp_path / "cache.pickle"
    subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "generate-posts"), "30", str(posts)], check=True
    )
    files = read_files([posts])
    now = datetime(2026, 6, 1, tzinfo=UTC)
    SiteBuild(BuildSettings(), cache=cache, jobs=1).run(files, now)

    edited = sorted(files)[6]
    text = files[edited].decode()
    edited_text = text.replace("title: Generated post 7", "title: Edited post 7", 1) + "\nOne more line.\n"
    files[edited] = edited_text.encode()
    assert "Edited post 7" in files[edited].decode()
    rebuild = SiteBuild(BuildSettings(), cache=cache, jobs=1)
    result = rebuild.run(files, now)
    fresh = SiteBuild(BuildSettings(), cache=None, jobs=1)
    fresh.run(files, now)

    assert (result.full, result.changed) == (False, [edited])
    assert any("Edited post 7" in rebuild.objects()[key].decode() for key in result.written)
    expected, actual = fresh.objects(), rebuild.objects()
    assert sorted(actual) == sorted(expected)
    assert [key for key in expected if actual[key] != expected[key]] == []


def test_build_watch_rebuilds_what_changes_and_prints_only_those_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    posts, out = tmp_path / "posts", tmp_path / "site"
    shutil.copytree(EXAMPLES, posts)
    hugo = posts / "hugo-style-release-notes.md"
    steps: list[Callable[[], object]] = [
        lambda: hugo.write_text(
            hugo.read_text().replace("publishes itself", "publishes itself, live"), "utf-8"
        ),
        lambda: (posts / "fresh.md").write_text(
            "---\ntitle: Fresh\ndate: 2024-06-01\n---\n\nJust written.\n"
        ),
    ]
    monkeypatch.setattr("pressroom_tools.local.watch.time.sleep", lambda _: steps.pop(0)())
    args = build_parser().parse_args(["build", str(posts), "--out", str(out), "--no-cache", "--watch"])
    build = SiteBuild(BuildSettings(), cache=None, jobs=1)
    build_command._build_once(build, args, Progress())
    capsys.readouterr()

    assert build_command._watch(build, args, Progress(), rounds=2) == 0

    assert "publishes itself, live" in (out / "posts/pressroom-0-1-release-notes/index.html").read_text()
    assert "/posts/fresh/" in (out / "index.html").read_text()
    printed = capsys.readouterr().out
    assert "published  posts/fresh.md" in printed
    assert "posts/draft-ideas.md" not in printed  # unchanged posts are not listed again


def test_a_build_on_two_cores_shows_the_menu_a_page_adds_as_a_build_on_one_does(tmp_path: Path):
    # Posts rendered ahead in worker processes were once rendered without the site's navigation.
    posts = tmp_path / "posts"
    subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "generate-posts"), "24", str(posts)], check=True
    )
    files = read_files([posts])
    files["pages/about.md"] = (EXAMPLES.parent / "pages" / "about.md").read_bytes()
    now = datetime(2026, 6, 1, tzinfo=UTC)
    serial, parallel = SiteBuild(BuildSettings(), jobs=1), SiteBuild(BuildSettings(), jobs=2)
    serial.run(files, now)
    result = parallel.run(files, now)

    assert result.rendered_ahead == 25  # every post and the page went through the workers
    expected, actual = serial.objects(), parallel.objects()
    assert 'href="/about/"' in expected["posts/generated-000001/index.html"].decode()
    assert [key for key in expected if actual.get(key) != expected[key]] == []
