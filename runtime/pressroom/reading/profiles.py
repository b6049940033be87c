"""Author profiles (authors/<key>.md): who writes, and how a post's author is found among them.

A profile's front matter gives `name` (required), `bio`, `avatar`, `links` and `id` (the CMS's
ids for this person, so that a post exported with `author: [{id: …}]` finds its author); its
body is a longer biography in Markdown. A post names its authors by name or by CMS id; each is
resolved to a profile's name when one matches, and a CMS id that matches none is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pressroom.filenames import is_markdown, markdown_stem
from pressroom.model import Problem, Rejection, quoted
from pressroom.reading.fields import MAX_PROBLEMS, FieldReader
from pressroom.slugs import slugify
from pressroom.urls import url_problem

AUTHORS_PREFIX = "authors/"
MAX_NAME_LENGTH = 120
MAX_BIO_LENGTH = 1_000
MAX_BODY_LENGTH = 20_000
MAX_LINKS = 20
MAX_IDS = 20


@dataclass(frozen=True)
class AuthorProfile:
    """A valid profile, as uploaded."""

    key: str  # the file's stem, as a slug: authors/ada.md is "ada"
    name: str
    bio: str = ""
    avatar: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (label, URL)
    ids: tuple[str, ...] = ()
    body: str = ""
    bio_html: str = ""  # the body as sanitised HTML, rendered when the profile is recorded


@dataclass(frozen=True)
class Resolution:
    """A post's authors as the site shows them, and the references no profile answered."""

    names: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()


def is_profile_key(key: str) -> bool:
    return key.startswith(AUTHORS_PREFIX) and is_markdown(key)


def profile_key(source_key: str) -> str:
    return slugify(markdown_stem(PurePosixPath(source_key).name))


def validate_profile(source_key: str, data: bytes, max_bytes: int) -> AuthorProfile | Rejection:
    """Check an uploaded profile; every problem found, or the profile."""
    from pressroom.reading.front_matter import FrontMatterError, split_post  # YAML: the render layer's

    if len(data) > max_bytes:
        return Rejection(
            source_key, (Problem(f"the file is {len(data):,} bytes; the limit is {max_bytes:,}"),)
        )
    try:
        split = split_post(data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n"))
    except UnicodeDecodeError:
        return Rejection(source_key, (Problem("the file is not UTF-8 text: save it with UTF-8 encoding"),))
    except FrontMatterError as error:
        return Rejection(source_key, (error.problem,))
    fields = split.front_matter
    characters = FieldReader(fields, split.raw_front_matter)
    characters.check_characters()
    if characters.problems:  # alone: the other checks would quote those values back
        return Rejection(source_key, tuple(characters.problems[:MAX_PROBLEMS]))
    problems: list[Problem] = []
    key = profile_key(source_key)
    if not key:
        problems.append(Problem("the file name makes no key: name it like authors/ada-lovelace.md"))
    name = _text(fields, "name", MAX_NAME_LENGTH, problems, required=True)
    bio = _text(fields, "bio", MAX_BIO_LENGTH, problems) or ""
    avatar = _text(fields, "avatar", 2_000, problems)
    if avatar and (problem := url_problem(avatar)):
        problems.append(Problem(problem, field="avatar"))
    links = _links(fields.get("links"), problems)
    ids = _ids(fields.get("id"), problems)
    if len(split.body) > MAX_BODY_LENGTH:
        problems.append(
            Problem(f"the biography is {len(split.body):,} characters; keep it under {MAX_BODY_LENGTH:,}")
        )
    if problems or name is None:
        return Rejection(source_key, tuple(problems))
    return AuthorProfile(
        key=key, name=name, bio=bio, avatar=avatar, links=links, ids=ids, body=split.body.strip()
    )


def resolve(names: Sequence[str], ids: Sequence[str], profiles: Iterable[AuthorProfile]) -> Resolution:
    """Each of a post's authors as its profile names them: a CMS id by the profile that lists it,
    a name by the profile of that name or key. A name without a profile stands as written; a CMS
    id without one is a warning (there is no name to show)."""
    profiles = list(profiles)
    by_id = {identifier: profile for profile in profiles for identifier in profile.ids}
    by_name = {profile.name.casefold(): profile for profile in profiles}
    by_key = {profile.key: profile for profile in profiles}
    resolved: list[str] = []
    warnings: list[Problem] = []
    for identifier in ids:
        found = by_id.get(identifier)
        if found is None:
            warnings.append(
                Problem(
                    f"the author reference {quoted(identifier)} matches no profile: the post is shown "
                    f"without that author. Upload authors/<name>.md with `id: {identifier}` to name them",
                    field="author",
                )
            )
        elif found.name not in resolved:
            resolved.append(found.name)
    for name in names:
        found = by_name.get(name.casefold()) or by_key.get(slugify(name))
        shown = found.name if found else name
        if shown not in resolved:
            resolved.append(shown)
    return Resolution(tuple(resolved), tuple(warnings))


def _text(
    fields: Mapping[str, Any], field: str, limit: int, problems: list[Problem], *, required: bool = False
) -> str | None:
    value = fields.get(field)
    if value is None or value == "":
        if required:
            problems.append(
                Problem(f"a profile needs a `{field}`, such as `{field}: Ada Lovelace`", field=field)
            )
        return None
    if not isinstance(value, str):
        problems.append(Problem(f"`{field}` must be text, not {quoted(value)}", field=field))
        return None
    if len(value.strip()) > limit:
        problems.append(
            Problem(f"`{field}` is {len(value.strip()):,} characters; keep it under {limit:,}", field=field)
        )
        return None
    return value.strip()


def _links(value: Any, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """`links` as a mapping (label: URL) or a list of {name, url} (or of URLs)."""
    if value is None:
        return ()
    pairs: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = []
        for item in value:
            if isinstance(item, Mapping):
                pairs.append((item.get("name") or item.get("title") or item.get("url"), item.get("url")))
            else:
                pairs.append((item, item))
    else:
        problems.append(
            Problem("`links` must be a list of {name, url} or a mapping of name: url", field="links")
        )
        return ()
    links: list[tuple[str, str]] = []
    for label, url in pairs[:MAX_LINKS]:
        if not isinstance(label, str) or not isinstance(url, str) or not url.strip():
            problems.append(
                Problem(f"a link needs a name and a URL, not {quoted(label)}: {quoted(url)}", field="links")
            )
            continue
        if problem := url_problem(url.strip()):
            problems.append(Problem(problem, field="links"))
            continue
        links.append((label.strip(), url.strip()))
    return tuple(links)


def _ids(value: Any, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in values):
        problems.append(Problem("`id` must be the CMS's id for this person, or a list of ids", field="id"))
        return ()
    return tuple(str(item) for item in values[:MAX_IDS])
