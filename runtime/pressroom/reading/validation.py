"""Validation: an upload's bytes in, a normalised Post or every reason to refuse it out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import PurePosixPath

from pressroom.filenames import is_markdown, markdown_stem
from pressroom.model import (
    Post,
    PostKind,
    PostStatus,
    Problem,
    Rejection,
    kind_of_key,
)
from pressroom.reading.fields import MAX_PROBLEMS
from pressroom.reading.front_matter import FrontMatterError, split_post
from pressroom.reading.liquid_bodies import holds_liquid, is_jekyll_post
from pressroom.reading.post_fields import EXPIRY_FIELDS, UPDATED_FIELDS, PostFields
from pressroom.reading.shortcodes import warnings_in as shortcode_warnings
from pressroom.slugs import split_file_name


@dataclass(frozen=True)
class ValidationRules:
    """What the site accepts; built from the function's settings by its wiring."""

    timezone: tzinfo
    max_bytes: int


def size_problem(size: int, rules: ValidationRules) -> Problem | None:
    """Refuse an oversize upload from its declared size, before reading it."""
    if size > rules.max_bytes:
        return Problem(
            f"the file is {size:,} bytes; the limit is {rules.max_bytes:,} bytes. "
            "Move large images beside the post instead of embedding them."
        )
    return None


def validate_post(source_key: str, data: bytes, rules: ValidationRules, now: datetime) -> Post | Rejection:
    """Check an uploaded post and normalise its front matter, whatever dialect wrote it."""
    oversize = size_problem(len(data), rules)
    if oversize:
        return Rejection(source_key, (oversize,))
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return Rejection(source_key, (Problem("the file is empty: a post needs front matter and a body"),))
    try:
        text = _decode(data)
        split = split_post(text)
    except FrontMatterError as error:
        return Rejection(source_key, (error.problem,))

    kind = kind_of_key(source_key)
    reader = PostFields(split.front_matter, split.raw_front_matter)
    reader.check_characters()
    if reader.problems:  # first, alone: the other checks would quote those values back
        return Rejection(source_key, _at_most(reader.problems, MAX_PROBLEMS))
    title = reader.title()
    date_from_name, name_rest = split_file_name(_stem(source_key))
    if kind is PostKind.PAGE:
        date_reading = reader.page_date(rules.timezone)
        menu = reader.menu(title)
    else:
        date_reading, menu = reader.date(date_from_name, rules.timezone), None
    published_at = date_reading.value if date_reading else None
    slug = reader.slug(name_rest if kind is PostKind.POST else _stem(source_key), title)
    draft = reader.is_draft()
    summary = reader.text("summary") or reader.text("description")
    tags = reader.string_list("tags")
    categories = reader.string_list("categories")
    authors, author_ids = reader.authors()
    updated = reader.optional_date(UPDATED_FIELDS, rules.timezone)
    expires = reader.optional_date(EXPIRY_FIELDS, rules.timezone)
    images = reader.images()
    aliases = reader.aliases()
    reader.check_urls()
    if not split.body.strip():
        reader.problems.append(Problem("the post has no body: write the post below the closing ---"))
    if reader.problems or title is None or date_reading is None or published_at is None or slug is None:
        return Rejection(source_key, _at_most(reader.problems, MAX_PROBLEMS))
    body_starts_after = text[: len(text) - len(split.body)].count("\n") if text.endswith(split.body) else 0
    warnings = tuple(
        replace(warning, line=(warning.line or 0) + body_starts_after)
        for warning in _body_warnings(source_key, split.body)
    )
    return Post(
        source_key=source_key,
        slug=slug,
        title=title,
        date=published_at,
        date_read_as=date_reading.how,
        body=split.body,
        status=_status(draft, published_at, expires, now),
        summary=summary,
        tags=tags,
        categories=categories,
        authors=authors,
        author_ids=author_ids,
        updated=updated,
        expires=expires,
        images=images,
        aliases=aliases,
        front_matter=split.front_matter,
        kind=kind,
        menu=menu,
        warnings=_at_most(list(warnings), MAX_PROBLEMS),
    )


def _body_warnings(source_key: str, body: str) -> list[Problem]:
    """What the page will leave out of the body: Liquid a Jekyll post's file name promises, or
    Hugo shortcodes in any other."""
    if is_jekyll_post(source_key):
        if not holds_liquid(body):
            return []
        from pressroom.reading.liquid_bodies import warnings_in as liquid_warnings  # python-liquid: only then

        return liquid_warnings(body)
    return shortcode_warnings(body)


def _at_most(problems: list[Problem], limit: int) -> tuple[Problem, ...]:
    if len(problems) <= limit:
        return tuple(problems)
    rest = len(problems) - (limit - 1)
    return (*problems[: limit - 1], Problem(f"… and {rest} more problems like these"))


def _status(draft: bool, published_at: datetime, expires: datetime | None, now: datetime) -> PostStatus:
    if draft:
        return PostStatus.DRAFT
    if expires is not None and expires <= now:
        return PostStatus.EXPIRED
    if published_at > now:
        return PostStatus.SCHEDULED
    return PostStatus.PUBLISHED


def is_post_key(key: str) -> bool:
    """Whether a key is a post under posts/, or a page under pages/ (.md or .markdown, any case)."""
    return key.startswith(("posts/", "pages/")) and is_markdown(key)


def _stem(source_key: str) -> str:
    return markdown_stem(PurePosixPath(source_key).name)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FrontMatterError(Problem("the file is UTF-16 text: save it with UTF-8 encoding", line=1))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FrontMatterError(
            Problem("the file contains a NUL byte: it is binary, not a Markdown post", line=line)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FrontMatterError(
            Problem(
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}): save it with UTF-8 encoding",
                line=line,
            )
        ) from error
    # Editors on Windows add a byte-order mark and CRLF line ends; both would hide the front matter.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
