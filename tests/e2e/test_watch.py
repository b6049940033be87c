"""`pressroom local --watch`: the site follows the posts directory while the stack stays up."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import EXAMPLES, TEMPLATE

from pressroom_tools.cli import local as local_command
from pressroom_tools.cli.progress import Progress


def test_edits_additions_and_deletions_reach_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    posts = tmp_path / "posts"
    shutil.copytree(EXAMPLES, posts)
    out = tmp_path / "site"
    hugo = posts / "hugo-style-release-notes.md"
    steps: list[Callable[[], object]] = [
        lambda: hugo.write_text(
            hugo.read_text().replace("publishes itself", "publishes itself, live"), "utf-8"
        ),
        lambda: (posts / "fresh.md").write_text(
            "---\ntitle: Fresh\ndate: 2024-06-01\n---\n\nJust written.\n"
        ),
        lambda: (posts / "2024-05-01-writing-in-jekyll-style.markdown").unlink(),
    ]
    monkeypatch.setattr("pressroom_tools.local.watch.time.sleep", lambda _: steps.pop(0)())
    args = argparse.Namespace(
        posts=[posts], site=None, out=out, template=TEMPLATE, log_level="WARNING", webhook=None, serve=False,
        host="127.0.0.1", port=0, watch_interval=0, sam=False,
    )  # fmt: skip

    status = local_command._watch(args, "http://127.0.0.1:8000", Progress(), rounds=3)

    assert status == 0
    assert "publishes itself, live" in (out / "posts/pressroom-0-1-release-notes/index.html").read_text()
    assert (out / "posts/fresh/index.html").is_file()
    assert not (out / "posts/writing-in-jekyll-style").exists()
    assert "/posts/fresh/" in (out / "index.html").read_text()
    printed = capsys.readouterr().out
    assert "published  posts/fresh.md  /posts/fresh/" in printed
    assert "withdrawn  posts/2024-05-01-writing-in-jekyll-style.markdown" in printed
