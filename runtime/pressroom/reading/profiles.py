"""Author profiles (authors/<key>.md): who writes, and how a post's author is found among them.

A profile's front matter gives `name` (required), `bio`, `avatar`, `links` and `id` (the CMS's
ids for this person, so that a post exported with `author: [{id: …}]` finds its author); its
body is a longer biography in Markdown. A post names its authors by name or by CMS id; each is
resolved to a profile's name when one matches, and a CMS id that matches none is reported.

A profile is the file as uploaded: authors/Ada.md and authors/ada.md are two files, and neither
replaces or removes the other. What finds an author (the key its file name gives, its name, its
page, each CMS id) is a claim that one profile at a time holds: a profile claiming what another
file's profile holds is refused (ClaimTakenError), and the first keeps its posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from hashlib import sha256
from pathlib import PurePosixPath
from typing import Any

from pressroom.aggregates import term_slug
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
MAX_ID_LENGTH = 200
MAX_STORED_CLAIM_BYTES = 900  # a longer claim is stored as its hash: a DynamoDB key holds 1,024 bytes


@dataclass(frozen=True)
class AuthorProfile:
    """A valid profile, as uploaded."""

    source_key: str  # the file as uploaded, which the profile is stored under: "authors/Ada.md"
    key: str  # the file's stem as a slug, a name posts may use: authors/Ada.md is "ada"
    name: str
    bio: str = ""
    avatar: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (label, URL)
    ids: tuple[str, ...] = ()
    body: str = ""
    bio_html: str = ""  # the body as sanitised HTML, rendered when the profile is recorded


class ClaimKind(StrEnum):
    """What in a profile finds its author, and so belongs to one profile at a time."""

    KEY = "key"  # the file name's slug: `author: ada` finds authors/ada.md
    PAGE = "page"  # the name's slug: the author's page, /authors/<slug>/
    NAME = "name"  # the name, case aside: `author: Ada Lovelace`
    ID = "id"  # a CMS id: `author: [{id: …}]`


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    value: str

    @property
    def stored(self) -> str:
        """The claim as a store keys it. A key and a page share one namespace: a post's
        `author: ada` and the page /authors/ada/ find either."""
        namespace = "author" if self.kind in (ClaimKind.KEY, ClaimKind.PAGE) else self.kind.value
        value = self.value.encode()
        if len(value) > MAX_STORED_CLAIM_BYTES:
            return f"{namespace}:sha256:{sha256(value).hexdigest()}"
        return f"{namespace}:{self.value}"


# What a refusal names for each kind of claim, the field it is in, and what the author can do.
_CLAIMED: dict[ClaimKind, tuple[str, str | None, str]] = {
    ClaimKind.KEY: ("the author key {value} (from the file name)", None, "rename this file"),
    ClaimKind.PAGE: ("the author page /authors/{slug}/ (from the name)", "name", "change the name"),
    ClaimKind.NAME: ("the name {name}", "name", "change the name"),
    ClaimKind.ID: ("the CMS id {value}", "id", "remove that id here"),
}


class ClaimTakenError(Exception):
    """A profile claims what another file's profile holds; `taken` pairs each such claim with
    the file that holds it."""

    def __init__(self, taken: Sequence[tuple[Claim, str]]) -> None:
        super().__init__("; ".join(f"{claim.stored} is held by {owner}" for claim, owner in taken))
        self.taken = tuple(taken)


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
        source_key=source_key,
        key=key,
        name=name,
        bio=bio,
        avatar=avatar,
        links=links,
        ids=ids,
        body=split.body.strip(),
    )


def profile_claims(profile: AuthorProfile) -> tuple[Claim, ...]:
    """Everything that finds this profile's author, each once (by its stored form)."""
    claims = [
        Claim(ClaimKind.KEY, profile.key),
        Claim(ClaimKind.PAGE, term_slug(profile.name)),
        Claim(ClaimKind.NAME, profile.name.casefold()),
        *(Claim(ClaimKind.ID, identifier) for identifier in profile.ids),
    ]
    unique: dict[str, Claim] = {}
    for claim in claims:
        unique.setdefault(claim.stored, claim)
    return tuple(unique.values())


def claim_problems(profile: AuthorProfile, taken: Sequence[tuple[Claim, str]]) -> tuple[Problem, ...]:
    """Why a profile was refused: each claim another file holds, and what its author can do."""
    same_name = {owner for claim, owner in taken if claim.kind is ClaimKind.NAME}
    return tuple(
        _claim_problem(profile, claim, owner)
        for claim, owner in taken
        if not (claim.kind is ClaimKind.PAGE and owner in same_name)  # the same name: said once
    )


def _claim_problem(profile: AuthorProfile, claim: Claim, owner: str) -> Problem:
    what, field, remedy = _CLAIMED[claim.kind]
    what = what.format(value=quoted(claim.value), slug=claim.value, name=quoted(profile.name))
    return Problem(
        f"{what} is already claimed by {owner}: {remedy}, or delete {owner} before uploading this file again",
        field=field,
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
    ids = tuple(str(item) for item in values[:MAX_IDS])
    if too_long := next((identifier for identifier in ids if len(identifier) > MAX_ID_LENGTH), None):
        problems.append(
            Problem(
                f"the id {quoted(too_long)} is {len(too_long):,} characters; a CMS id is at most "
                f"{MAX_ID_LENGTH}",
                field="id",
            )
        )
    return ids
