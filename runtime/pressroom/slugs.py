"""Slugs: the one part of a post's URL an author controls, from a strict allowlist; and the slugs
of tag and author names, which name their listing pages in any script."""

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
# Kept in a name's slug when attached to a word, as Hugo keeps them: C, C# and C++ are three tags.
_NAME_SYMBOLS = frozenset("#+")
# Far past the longest tag or author name a post may hold (200): the slug is 80 at most.
_NAME_CHARACTERS_READ = 1_000
_JEKYLL_FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<rest>.+)$")


def slugify(text: str) -> str:
    """Turn any text into slug form: ASCII lower-case words joined by hyphens, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _cut(_NOT_SLUG_CHARACTERS.sub("-", ascii_text.lower()).strip("-"))


def name_slug(name: str) -> str:
    """The slug of a tag or author name: the same for the same name, different for names that
    differ in more than case, accents and the punctuation between words, in any script.

    A name whose letters and digits are ASCII once accents go keeps the slug `slugify` gives it
    ("José Núñez" is "jose-nunez"), but a `#` or `+` attached to a word stays ("C#" is "c#",
    "C++" is "c++"). Any other name keeps its letters, lower-cased, as Hugo and Jekyll do ("Иван
    Петров" is "иван-петров", "张伟" is "张伟"). A name without a letter or digit is spelt by its
    code points ("🚀" is "u1f680"). "" only for a blank name. URLs percent-encode the result.
    """
    name = name[:_NAME_CHARACTERS_READ]
    decomposed = unicodedata.normalize("NFKD", name)
    composed = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).lower())
    if all(character.isascii() for character in decomposed if _is_letter_or_digit(character)):
        words = _words(decomposed.encode("ascii", "ignore").decode("ascii").lower())
    else:
        words = _words(composed)
    return _cut("-".join(words or _code_points(composed)))


def _words(text: str) -> list[str]:
    """The runs of letters, marks, digits and `_NAME_SYMBOLS` that hold a letter or a digit."""
    words: list[str] = []
    current: list[str] = []
    for character in f"{text} ":
        if character in _NAME_SYMBOLS or unicodedata.category(character)[0] in "LMN":
            current.append(character)
            continue
        if any(_is_letter_or_digit(kept) for kept in current):
            words.append("".join(current))
        current = []
    return words


def _code_points(text: str) -> list[str]:
    """A name of symbols alone, spelt out by code point ("u1f680" for 🚀), spaces, marks and
    controls left out."""
    return [f"u{ord(character):x}" for character in text if unicodedata.category(character)[0] not in "ZMC"]


def _is_letter_or_digit(character: str) -> bool:
    return unicodedata.category(character)[0] in "LN"


def _cut(slug: str) -> str:
    """`slug` cut to `MAX_SLUG_LENGTH` characters, after the last whole word that fits."""
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
