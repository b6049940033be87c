"""The fields of a post's or a page's front matter, in the dialects pressroom reads: a CMS export,
Hugo and Jekyll each name a post's date, authors, images and menu entry their own way."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from pressroom.model import UNDATED, Image, MenuEntry, quoted
from pressroom.reading.dates import DATE_FORMAT_HINT, DateError, DateReading, read_date
from pressroom.reading.fields import MAX_ENTRY_LENGTH, MAX_LIST_ENTRIES, FieldReader, kind_of
from pressroom.slugs import slug_problem, slugify
from pressroom.urls import MAX_URL_LENGTH

# Front-matter fields that may carry the publication date, strongest claim first:
# the CMS export's publicationDate, Hugo's publishDate, then everyone's date.
DATE_FIELDS = ("publicationDate", "publishDate", "date")
UPDATED_FIELDS = ("lastmod", "last_modified_at")  # Hugo, Jekyll (the CMS's sys timestamps are not trusted)
EXPIRY_FIELDS = ("expiryDate",)  # Hugo
MAX_TITLE_LENGTH = 300
# The menu a page joins to appear in the site navigation (Hugo's name for it).
MAIN_MENU = "main"
MAX_MENU_NAME_LENGTH = 40
MAX_MENU_WEIGHT = 1_000_000_000
MAX_IMAGE_DIMENSION = 100_000  # pixels: a larger width or height is a typing slip, left out


class PostFields(FieldReader):
    """A post's or a page's own fields: its title, slug, dates, draft flag, menu entry, images,
    aliases and authors."""

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
            self._refuse("title", f"the title must be text, not a {kind_of(value)}")
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
                self._refuse(
                    field, f"`{field}.main` must hold `name` and `weight`, not a {kind_of(settings)}"
                )
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
        if abs(weight) > MAX_MENU_WEIGHT:  # DynamoDB stores at most 38 digits
            self._refuse(
                field,
                f"the menu weight must be a whole number from {-MAX_MENU_WEIGHT:,} to {MAX_MENU_WEIGHT:,}, "
                f"not {quoted(weight)}",
            )
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
                self._refuse("slug", f"the slug must be text, not a {kind_of(declared)}")
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
            self._refuse("images", f"images must be a list of image addresses, not a {kind_of(images)}")
        return tuple(found)

    def aliases(self) -> tuple[str, ...]:
        """Hugo's aliases: other paths on this site that should lead to the post."""
        aliases = self.string_list("aliases")
        for alias in aliases:
            if not alias.startswith("/") or alias.startswith("//") or "://" in alias:
                self._refuse("aliases", f"{quoted(alias)} is not a path on this site: aliases start with /")
        return aliases

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
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_IMAGE_DIMENSION:
        return value
    return None
