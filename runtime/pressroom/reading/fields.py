"""Reading typed values out of front matter, with a Problem for each field that cannot be read.

A FieldReader never raises for a bad value: it notes the Problem (naming the field) and goes on,
so one upload is answered with every reason to refuse it at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime, tzinfo
from typing import Any

from pressroom.model import Problem, quoted
from pressroom.reading.dates import DateError, parse_date
from pressroom.urls import url_fields, url_problem

_TAG_SEPARATORS = re.compile(r"[,\s]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Limits that keep a post's metadata well inside EventBridge's 256 KB events and a reader's patience.
MAX_SUMMARY_LENGTH = 3_000
MAX_LIST_ENTRIES = 50
MAX_ENTRY_LENGTH = 200
MAX_PROBLEMS = 20


class FieldReader:
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

    def optional_date(self, fields: tuple[str, ...], zone: tzinfo) -> datetime | None:
        for field in fields:
            if self.front_matter.get(field) not in (None, ""):
                try:
                    return parse_date(self.front_matter[field], zone)
                except DateError as error:
                    self._refuse(field, str(error))
                    return None
        return None

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
            self._refuse(field, f"{field} must be text, not a {kind_of(value)}: put it in quotes")
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
            self._refuse(field, f"{field} must be a list such as [news, ai], not a {kind_of(value)}")
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

    def check_characters(self) -> None:
        """Refuse half a UTF-16 surrogate pair anywhere in the front matter, names included: YAML's
        \\u escapes can write one, and no UTF-8 page, event or table can hold it."""
        for path, text in _strings(self.front_matter):
            found = _SURROGATE.search(text)
            if found:
                self._refuse(
                    printable(path),
                    f"`{printable(found.group())}` is not a character (half of a UTF-16 surrogate pair, "
                    "as a YAML \\u escape can write): remove it",
                )


def printable(text: str) -> str:
    """Text safe to put in a message, an event or a page: a lone surrogate as its \\u escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every string in a YAML value, mapping keys included."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield name, key
            yield from _strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def kind_of(value: object) -> str:
    """How a problem names a value's YAML type: a mapping, a list, a true/false value, an int…"""
    return {dict: "mapping", list: "list", bool: "true/false value"}.get(type(value), type(value).__name__)
