"""Validation: an upload's bytes in, a normalised Post or every reason to refuse it out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import PurePosixPath
from typing import Any

from pressroom.filenames import is_markdown, markdown_stem
from pressroom.model import (
    UNDATED,
    Image,
    MenuEntry,
    Post,
    PostKind,
    PostStatus,
    Problem,
    Rejection,
    kind_of_key,
    quoted,
)
from pressroom.reading.dates import DATE_FORMAT_HINT, DateError, DateReading, parse_date, read_date
from pressroom.reading.front_matter import FrontMatterError, split_post
from pressroom.reading.liquid_bodies import holds_liquid, is_jekyll_post
from pressroom.reading.shortcodes import warnings_in as shortcode_warnings
from pressroom.slugs import slug_problem, slugify, split_file_name
from pressroom.urls import MAX_URL_LENGTH, url_fields, url_problem

# Front-matter fields that may carry the publication date, strongest claim first:
# the CMS export's publicationDate, Hugo's publishDate, then everyone's date.
DATE_FIELDS = ("publicationDate", "publishDate", "date")
UPDATED_FIELDS = ("lastmod", "last_modified_at")  # Hugo, Jekyll (the CMS's sys timestamps are not trusted)
EXPIRY_FIELDS = ("expiryDate",)  # Hugo
_TAG_SEPARATORS = re.compile(r"[,\s]+")
# Limits that keep a post's metadata well inside EventBridge's 256 KB events and a reader's patience.
MAX_TITLE_LENGTH = 300
MAX_SUMMARY_LENGTH = 3_000
MAX_LIST_ENTRIES = 50
MAX_ENTRY_LENGTH = 200
MAX_PROBLEMS = 20
# The menu a page joins to appear in the site navigation (Hugo's name for it).
MAIN_MENU = "main"
MAX_MENU_NAME_LENGTH = 40


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
    reader = _FieldReader(split.front_matter, split.raw_front_matter)
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


class _FieldReader:
    """Reads normalised fields out of front matter, collecting a Problem per bad field."""

    def __init__(self, front_matter: Mapping[str, Any], raw_front_matter: str) -> None:
        self.front_matter = front_matter
        self.raw_front_matter = raw_front_matter
        self.problems: list[Problem] = []

    def as_written(self, field: str) -> str | None:
        """A top-level field's value exactly as typed (cut short), for hints that quote it back."""
        for line in self.raw_front_matter.splitlines():
            name, colon, value = line.partition(":")
            if colon and name.rstrip() == field:
                value = value.split(" #", 1)[0].strip()  # a YAML comment is not part of the value
                return value if len(value) <= 60 else value[:59] + "…"
        return None

    def _refuse(self, field: str, message: str) -> None:
        self.problems.append(Problem(message, field=field))

    def title(self) -> str | None:
        value = self.front_matter.get("title")
        if value is None:
            self._refuse("title", "the post has no title: add a line such as `title: My first post`")
            return None
        if isinstance(value, bool | int | float):
            typed = self.as_written("title") or str(value)
            self._refuse(
                "title",
                f"YAML reads `{typed}` as {quoted(value)}, not as text (unquoted yes/no/on/off and numbers "
                f'are not strings): put the title in quotes, as in title: "{typed}"',
            )
            return None
        if not isinstance(value, str):
            self._refuse("title", f"the title must be text, not a {_kind(value)}")
            return None
        if not value.strip():
            self._refuse("title", "the title is empty")
            return None
        if len(value.strip()) > MAX_TITLE_LENGTH:
            self._refuse(
                "title",
                f"the title is {len(value.strip()):,} characters long; keep it under {MAX_TITLE_LENGTH}",
            )
            return None
        return value.strip()

    def date(self, date_from_name: str | None, zone: tzinfo) -> DateReading | None:
        for field in DATE_FIELDS:
            if field in self.front_matter and self.front_matter[field] not in (None, ""):
                try:
                    reading = read_date(self.front_matter[field], zone)
                except DateError as error:
                    self._refuse(field, str(error))
                    return None
                return DateReading(reading.value, f"`{field}`: {reading.how}")
        if date_from_name:
            try:
                reading = read_date(date_from_name, zone)
                return DateReading(reading.value, f"the file name: {reading.how}")
            except DateError as error:
                self._refuse("date", f"the date in the file name is not valid: {error}")
                return None
        self._refuse(
            "date",
            f"the post has no date: add a line such as `date: 2024-05-01`; {DATE_FORMAT_HINT}",
        )
        return None

    def page_date(self, zone: tzinfo) -> DateReading | None:
        """A page's date is optional: without one it is published as soon as it is valid."""
        if any(self.front_matter.get(field) not in (None, "") for field in DATE_FIELDS):
            return self.date(None, zone)
        return DateReading(UNDATED, "no date: a page needs none")

    def menu(self, title: str | None) -> MenuEntry | None:
        """The page's entry in the main menu, in Hugo's forms or the CMS export's `menu: true`.

        `menu: main`, `menu: [main, footer]`, `menu: {main: {name: About us, weight: 2}}`,
        `menus: main` (Hugo's other spelling), or `menu: true`; a top-level `weight` orders it
        when the entry gives none. Other menus (footer…) are not shown by the packaged theme.
        """
        field = "menu" if "menu" in self.front_matter else "menus"
        value = self.front_matter.get(field)
        if value in (None, False, ""):
            return None
        settings: Any = {}
        if value is True or value == MAIN_MENU:
            pass
        elif isinstance(value, list) and all(isinstance(entry, str) for entry in value):
            if MAIN_MENU not in value:
                return None
        elif isinstance(value, dict):
            if MAIN_MENU not in value:
                return None
            settings = value[MAIN_MENU] if value[MAIN_MENU] is not None else {}
            if not isinstance(settings, dict):
                self._refuse(field, f"`{field}.main` must hold `name` and `weight`, not a {_kind(settings)}")
                return None
        elif isinstance(value, str):
            return None  # another menu, such as `footer`
        else:
            self._refuse(
                field,
                f"`{field}` must be `main`, a list of menu names, `true`, or Hugo's "
                f"`{{main: {{weight: 2}}}}`, not {quoted(value)}",
            )
            return None
        name = settings.get("name", title)
        if name is None and title is None:
            return None  # the missing title is the problem to report
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_MENU_NAME_LENGTH:
            self._refuse(field, f"the menu name must be text of at most {MAX_MENU_NAME_LENGTH} characters")
            return None
        weight = settings.get("weight", self.front_matter.get("weight", 0))
        if isinstance(weight, bool) or not isinstance(weight, int):
            self._refuse(field, f"the menu weight must be a whole number, not {quoted(weight)}")
            return None
        return MenuEntry(name=name.strip(), weight=weight)

    def slug(self, name_rest: str, title: str | None) -> str | None:
        declared = self.front_matter.get("slug")
        if declared is not None:
            if isinstance(declared, int | float) and not isinstance(declared, bool):
                typed = self.as_written("slug") or str(declared)
                self._refuse(
                    "slug",
                    f"YAML reads `{typed}` as a number, not as text: put the slug in quotes, "
                    f'as in slug: "{typed}"',
                )
                return None
            if not isinstance(declared, str):
                self._refuse("slug", f"the slug must be text, not a {_kind(declared)}")
                return None
            problem = slug_problem(declared)
            if problem:
                self._refuse("slug", problem)
                return None
            return declared
        for candidate in (slugify(name_rest), slugify(title or "")):
            if candidate and not slug_problem(candidate):
                return candidate
        derived = slugify(name_rest) or slugify(title or "")
        self._refuse(
            "slug",
            (slug_problem(derived) or "no slug can be made from the file name or title")
            + "; set one with a line such as `slug: my-first-post`",
        )
        return None

    def optional_date(self, fields: tuple[str, ...], zone: tzinfo) -> datetime | None:
        for field in fields:
            if self.front_matter.get(field) not in (None, ""):
                try:
                    return parse_date(self.front_matter[field], zone)
                except DateError as error:
                    self._refuse(field, str(error))
                    return None
        return None

    def is_draft(self) -> bool:
        """Hugo's `draft: true` and Jekyll's `published: false` both keep a post off the site."""
        draft = self._flag("draft")
        published = self._flag("published")
        return draft is True or published is False

    def images(self) -> tuple[Image, ...]:
        """The featured image first (CMS featuredImage, Jekyll image), then Hugo's images."""
        found: list[Image] = []
        featured = self.front_matter.get("featuredImage", self.front_matter.get("image"))
        if isinstance(featured, dict):
            url = featured.get("url") or featured.get("path")
            if isinstance(url, str) and url.strip():
                alt = featured.get("description") or featured.get("alt") or featured.get("title")
                found.append(
                    Image(
                        url=url.strip(),
                        alt=alt if isinstance(alt, str) and alt.strip() else None,
                        width=_dimension(featured.get("width")),
                        height=_dimension(featured.get("height")),
                    )
                )
        elif isinstance(featured, str) and featured.strip():
            found.append(Image(url=featured.strip()))
        images = self.front_matter.get("images")
        if isinstance(images, str):
            images = [images]
        if isinstance(images, list) and len(images) > MAX_LIST_ENTRIES:
            self._refuse(
                "images", f"images has {len(images):,} entries; at most {MAX_LIST_ENTRIES} are allowed"
            )
        elif isinstance(images, list):
            found.extend(
                Image(url=item.strip())
                for item in images
                if isinstance(item, str) and len(item) <= MAX_URL_LENGTH and item.strip()
            )
        elif images is not None:
            self._refuse("images", f"images must be a list of image addresses, not a {_kind(images)}")
        return tuple(found)

    def aliases(self) -> tuple[str, ...]:
        """Hugo's aliases: other paths on this site that should lead to the post."""
        aliases = self.string_list("aliases")
        for alias in aliases:
            if not alias.startswith("/") or alias.startswith("//") or "://" in alias:
                self._refuse("aliases", f"{quoted(alias)} is not a path on this site: aliases start with /")
        return aliases

    def check_urls(self) -> None:
        refused = 0
        for path, url in url_fields(self.front_matter):
            problem = url_problem(url)
            if problem:
                self._refuse(path, problem)
                refused += 1
                if refused > MAX_PROBLEMS:  # the rest would only be cut from the report
                    return

    def _flag(self, field: str) -> bool | None:
        value = self.front_matter.get(field)
        if value is None or isinstance(value, bool):
            return value
        self._refuse(field, f"{field} must be true or false, not {quoted(value)}")
        return None

    def text(self, field: str) -> str | None:
        value = self.front_matter.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            self._refuse(field, f"{field} must be text, not a {_kind(value)}: put it in quotes")
            return None
        if len(value.strip()) > MAX_SUMMARY_LENGTH:
            self._refuse(
                field,
                f"{field} is {len(value.strip()):,} characters long; keep it under {MAX_SUMMARY_LENGTH:,}",
            )
            return None
        return value.strip() or None

    def string_list(self, field: str) -> tuple[str, ...]:
        value = self.front_matter.get(field)
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[object] = [item for item in _TAG_SEPARATORS.split(value) if item]
        elif isinstance(value, list):
            items = value
        else:
            self._refuse(field, f"{field} must be a list such as [news, ai], not a {_kind(value)}")
            return ()
        if len(items) > MAX_LIST_ENTRIES:
            self._refuse(field, f"{field} has {len(items):,} entries; at most {MAX_LIST_ENTRIES} are allowed")
            return ()
        result: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self._refuse(field, f"every entry of {field} must be text; {quoted(item)} is not")
                continue
            text = str(item).strip()
            if len(text) > MAX_ENTRY_LENGTH:
                self._refuse(
                    field,
                    f"{quoted(text)} is too long for one of {field}: at most {MAX_ENTRY_LENGTH} characters",
                )
            elif text and text not in result:
                result.append(text)
        return tuple(result)

    def authors(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Author names, and the ids of CMS author references ({id, contentType}) given instead."""
        names: list[str] = []
        ids: list[str] = []
        for field in ("author", "authors"):
            value = self.front_matter.get(field)
            entries = value if isinstance(value, list) else [value] if value is not None else []
            if len(entries) > MAX_LIST_ENTRIES:
                self._refuse(
                    field, f"{field} has {len(entries):,} entries; at most {MAX_LIST_ENTRIES} are allowed"
                )
                continue
            for entry in entries:
                if isinstance(entry, dict):
                    name, reference = entry.get("name"), entry.get("id")
                else:
                    name, reference = entry, None
                if isinstance(name, str) and len(name.strip()) > MAX_ENTRY_LENGTH:
                    self._refuse(field, f"{quoted(name)} is too long for an author's name")
                elif isinstance(name, str) and name.strip():
                    if name.strip() not in names:
                        names.append(name.strip())
                elif isinstance(reference, str) and reference.strip():
                    if reference.strip() not in ids:
                        ids.append(reference.strip())
                else:
                    self._refuse(
                        field, f"each author must be a name or a {{id, name}} reference, not {quoted(entry)}"
                    )
        return tuple(names), tuple(ids)


def _dimension(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _kind(value: object) -> str:
    return {dict: "mapping", list: "list", bool: "true/false value"}.get(type(value), type(value).__name__)
