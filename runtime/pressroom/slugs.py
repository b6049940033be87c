"""Slugs: the one part of a post's URL an author controls, from a strict allowlist."""

from __future__ import annotations

import re
import unicodedata

from pressroom.model import quoted

MAX_SLUG_LENGTH = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # whole: fullmatch, as `$` passes a final newline
# Names the site itself uses at the top level (where pages live too) or beside posts.
RESERVED_SLUGS = frozenset(
    {
        "index", "tags", "tag", "authors", "author", "feed", "feeds", "rss", "atom", "sitemap",
        "sitemaps", "assets", "static", "page", "pages", "posts", "search", "404", "robots", "theme",
    }
)  # fmt: skip
_NOT_SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")
_JEKYLL_FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<rest>.+)$")


def slugify(text: str) -> str:
    """Turn any text into slug form: ASCII lower-case words joined by hyphens, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG_CHARACTERS.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[: MAX_SLUG_LENGTH + 1].rsplit("-", 1)[0][:MAX_SLUG_LENGTH].strip("-")
    return slug


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be used, or None when it can."""
    if not slug:
        return "the slug is empty"
    if len(slug) > MAX_SLUG_LENGTH:
        return f"the slug is {len(slug)} characters long; the limit is {MAX_SLUG_LENGTH}"
    if not SLUG_PATTERN.fullmatch(slug):
        suggestion = slugify(slug)
        hint = f" such as {quoted(suggestion)}" if suggestion and not slug_problem(suggestion) else ""
        return (
            f"{quoted(slug)} is not a valid slug: use lower-case letters a-z, digits and single "
            f"hyphens between words{hint}"
        )
    if slug in RESERVED_SLUGS:
        return f"{quoted(slug)} is reserved for the site's own pages; choose another slug"
    return None


def split_file_name(stem: str) -> tuple[str | None, str]:
    """Split a Jekyll-style `YYYY-MM-DD-title` file name into its date and the rest."""
    match = _JEKYLL_FILE_NAME.match(stem)
    if match:
        return match["date"], match["rest"]
    return None, stem
