"""Every page `pressroom build` writes, byte for byte, against the pages captured before a change.

The other tests say what a page must show; this one says that a change meant to leave pages alone
(a refactoring of the stages, a faster code path) did. Three sites: the examples, a generated corpus,
and that corpus after a round of edits that takes the slug hand-over, profile and withdrawal paths
(a post renamed onto a deleted post's slug, a page added to the menu, a profile added, tags changed).

A deliberate change to pages: `PRESSROOM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/e2e/test_site_snapshot.py`
rewrites tests/e2e/fixtures/site_snapshot.json (refused where CI is set); say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import EXAMPLES

from pressroom_tools.build import BuildSettings, SiteBuild, read_files

REPOSITORY = Path(__file__).parents[2]
SNAPSHOT = Path(__file__).parent / "fixtures" / "site_snapshot.json"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the pages do not depend on the day the suite runs


def digests(build: SiteBuild) -> dict[str, str]:
    return {key: hashlib.sha256(body).hexdigest() for key, body in sorted(build.objects().items())}


def generated(count: int, directory: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "generate-posts"), str(count), str(directory)],
        check=True,
    )
    return read_files([directory])


def edited(files: dict[str, bytes]) -> dict[str, bytes]:
    """A round of edits an author might make in one sitting."""
    posts = sorted(key for key in files if key.startswith("posts/"))
    changed = dict(files)
    deleted, renamed, retagged = posts[3], posts[5], posts[8]
    taken_slug = Path(deleted).stem
    del changed[deleted]
    text = changed[renamed].decode()
    changed[renamed] = text.replace("---\n", f"---\nslug: {taken_slug}\n", 1).encode()
    text = changed[retagged].decode()
    changed[retagged] = text.replace("tags: [", "tags: [moved-in, ", 1).encode()
    changed["pages/colophon.md"] = (
        b"---\ntitle: Colophon\nmenu:\n  main:\n    name: Colophon\n    weight: 2\n---\n\nHow this is made.\n"
    )
    changed["authors/ada-lovelace.md"] = b"---\nname: Ada Lovelace\nbio: The first program.\n---\n\nHello.\n"
    return changed


def examples(_tmp_path: Path) -> dict[str, str]:
    build = SiteBuild(BuildSettings(), cache=None, jobs=1)
    build.run(read_files([EXAMPLES]), NOW)
    return digests(build)


def corpus(tmp_path: Path) -> dict[str, str]:
    build = SiteBuild(BuildSettings(), cache=None, jobs=1)
    build.run(generated(120, tmp_path / "posts"), NOW)
    return digests(build)


def corpus_after_edits(tmp_path: Path) -> dict[str, str]:
    files = generated(120, tmp_path / "posts")
    build = SiteBuild(BuildSettings(), cache=None, jobs=1)
    build.run(files, NOW)
    build.run(edited(files), NOW)
    pages = build.objects()
    # the edits took the paths they are here for: the renamed post waited for, then took, the slug
    assert b"Generated post 6" in pages["posts/generated-000004/index.html"]
    assert {"tags/moved-in/index.html", "colophon/index.html", "authors/ada-lovelace/index.html"} <= {*pages}
    return digests(build)


SITES: dict[str, Callable[[Path], dict[str, str]]] = {
    "examples": examples,
    "corpus": corpus,
    "corpus after edits": corpus_after_edits,
}


@pytest.mark.parametrize("site", SITES)
def test_every_page_is_byte_for_byte_what_it_was_when_captured(site: str, tmp_path: Path):
    actual = SITES[site](tmp_path)
    snapshot: dict[str, dict[str, str]] = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
    if os.environ.get("PRESSROOM_UPDATE_GOLDEN") == "1":
        assert not os.environ.get("CI"), "PRESSROOM_UPDATE_GOLDEN is refused where CI is set"
        snapshot[site] = actual
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(dict(sorted(snapshot.items())), indent=1, sort_keys=True) + "\n")
    expected = snapshot[site]

    assert sorted(set(expected) - set(actual)) == [], "pages the build no longer writes"
    assert sorted(set(actual) - set(expected)) == [], "pages the build writes that it did not"
    assert [key for key in expected if actual[key] != expected[key]] == [], "pages whose bytes changed"
