"""Folders of posts or whole sites as uploads, and watching them: which files were added,
changed or removed since the last look."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pressroom.filenames import is_markdown

# The top-level folders of the uploads bucket, which a site folder (--site) mirrors, in the
# order they are uploaded: the theme and what pages show first, then the pages and posts.
SITE_FOLDERS = ("theme", "assets", "authors", "pages", "posts")


class Layout(StrEnum):
    """How a folder on disk maps to uploads-bucket keys."""

    POSTS = "posts"  # --posts: the folder is posts/
    SITE = "site"  # --site: the folder is the bucket (posts/, pages/, authors/, assets/, theme/)


def site_folder_key(directory: Path, path: Path) -> str | None:
    """The key of a file in a site folder: its path there, if it is under one of SITE_FOLDERS.

    Hidden files (an editor's or the Finder's) are not uploaded.
    """
    relative = path.relative_to(directory)
    if len(relative.parts) < 2 or relative.parts[0] not in SITE_FOLDERS:
        return None
    if any(part.startswith(".") for part in relative.parts):
        return None
    return relative.as_posix()


def not_uploaded_reason(directory: Path, path: Path) -> str:
    """Why a file in a site folder is left out, for the report."""
    relative = path.relative_to(directory)
    if any(part.startswith(".") for part in relative.parts):
        return "not uploaded: a hidden file"
    return "not uploaded: a site folder holds " + ", ".join(f"{name}/" for name in SITE_FOLDERS)


def upload_key(directory: Path, path: Path) -> str | None:
    """The uploads-bucket key `pressroom local` gives a file under a posts directory, if any.

    Top-level .md and .markdown files are posts (posts/<name>); files in subfolders sit beside
    their post (posts/<folder>/<file>); anything else is not uploaded.
    """
    relative = path.relative_to(directory)
    if len(relative.parts) == 1:
        return f"posts/{relative.name}" if is_markdown(relative.name) else None
    return f"posts/{relative.as_posix()}"


def site_files(directory: Path, layout: Layout = Layout.POSTS) -> dict[str, Path]:
    """The uploads-bucket key of every file in `directory` that is uploaded, and its path."""
    key_of = site_folder_key if layout is Layout.SITE else upload_key
    files: dict[str, Path] = {}
    for path in sorted(directory.rglob("*")):
        key = key_of(directory, path) if path.is_file() else None
        if key is not None:
            files[key] = path
    return files


def site_uploads(directory: Path) -> list[tuple[str, Path]]:
    """A site folder's files as (key, path), in SITE_FOLDERS order: the theme first, posts last."""
    files = site_files(directory, Layout.SITE)
    return sorted(files.items(), key=lambda item: (SITE_FOLDERS.index(item[0].split("/")[0]), item[0]))


@dataclass(frozen=True)
class Changes:
    uploads: list[tuple[str, Path]]  # key, file
    removals: list[str]  # keys

    def __bool__(self) -> bool:
        return bool(self.uploads or self.removals)


class DirectoryWatcher:
    """Compares modification times and sizes between looks; no platform file-event API needed."""

    def __init__(self, directories: Sequence[Path], layout: Layout = Layout.POSTS) -> None:
        self.directories = list(directories)
        self.layout = layout
        self._seen = self._scan()

    def _scan(self) -> dict[str, tuple[Path, int, int]]:
        files: dict[str, tuple[Path, int, int]] = {}
        for directory in self.directories:  # a later directory's file wins, as in rounds
            for key, path in site_files(directory, self.layout).items():
                stat = path.stat()
                files[key] = (path, stat.st_mtime_ns, stat.st_size)
        return files

    def changes(self) -> Changes:
        now = self._scan()
        uploads = [
            (key, path)
            for key, (path, mtime, size) in now.items()
            if self._seen.get(key, (None, 0, -1))[1:] != (mtime, size)
        ]
        removals = [key for key in self._seen if key not in now]
        self._seen = now
        return Changes(uploads=sorted(uploads), removals=sorted(removals))


def watching_notice(directories: Sequence[Path]) -> str:
    return f"Watching {', '.join(map(str, directories))} for changes; press Ctrl+C to stop."


def keep_watching(
    watcher: DirectoryWatcher,
    interval: float,
    on_changes: Callable[[Changes], None],
    rounds: int | None = None,
) -> None:
    """Look at the directories every `interval` seconds and hand on what changed, until Ctrl+C.

    `rounds` limits how many looks are taken (tests); None: until Ctrl+C.
    """
    try:
        while rounds is None or rounds > 0:
            rounds = None if rounds is None else rounds - 1
            time.sleep(interval)
            changes = watcher.changes()
            if changes:
                on_changes(changes)
    except KeyboardInterrupt:
        pass
