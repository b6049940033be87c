"""Markdown file names, whatever the case of their extension: `Post.MD` is a post like `post.md`.

Cameras, Windows and CMS exports write upper-case extensions; S3 keeps the case, and the upload
events reach validation whatever it is, so every place that asks "is this Markdown?" asks here.
"""

from __future__ import annotations

MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(name: str) -> bool:
    """Whether a file name or key ends in .md or .markdown, in any case."""
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def markdown_stem(name: str) -> str:
    """The name without its Markdown extension (`2024-01-02-Hello.MD` → `2024-01-02-Hello`);
    any other name as it is."""
    lowered = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name
