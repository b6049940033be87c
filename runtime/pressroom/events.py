"""The event contracts on the publishing bus: detail-types, sources and detail models.

Each stage reads and writes these models only, so a producer and its consumers cannot
disagree about a field. docs/events.md shows an example of each.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

import msgspec

from pressroom.model import Post, PostKind, PostStatus, Problem

# A detail that does not match its contract (a missing or mistyped field).
ContractError = msgspec.ValidationError


class DetailType(StrEnum):
    POST_VALIDATED = "Post Validated"
    POST_REJECTED = "Post Rejected"
    POST_WITHDRAWN = "Post Withdrawn"
    POST_PUBLISHED = "Post Published"
    POST_UNPUBLISHED = "Post Unpublished"
    POST_DUE = "Post Due"
    REPUBLISH_REQUESTED = "Republish Requested"
    SLUG_RELEASED = "Slug Released"
    AUTHOR_VALIDATED = "Author Validated"
    IMAGE_PROCESSED = "Image Processed"
    IMAGE_REJECTED = "Image Rejected"


class EventSource(StrEnum):
    VALIDATE = "pressroom.validate"
    RENDER = "pressroom.render"
    SCHEDULE = "pressroom.schedule"
    AGGREGATE = "pressroom.aggregate"  # asks for a republish when the navigation changed
    IMAGES = "pressroom.images"


class Contract(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Base of every detail: camelCase on the wire, snake_case in Python, unknown fields left out.

    msgspec (a small, fast C extension) rather than pydantic keeps the layer a function ships,
    and the time it takes to import, small.
    """

    def to_json(self) -> str:
        return msgspec.json.encode(self).decode()

    def to_wire(self) -> dict[str, Any]:
        """The detail as JSON-ready values, with the wire's camelCase names."""
        wire: dict[str, Any] = msgspec.to_builtins(self)
        return wire

    @classmethod
    def parse(cls, detail: object) -> Self:
        """Read a detail; snake_case names are accepted too. Raises ContractError."""
        return msgspec.convert(_camel_keys(detail), type=cls)

    def replace(self, **changes: Any) -> Self:
        return msgspec.structs.replace(self, **changes)


def _camel_keys(value: object) -> object:
    if isinstance(value, dict):
        return {_to_camel(str(key)): _camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel_keys(item) for item in value]
    return value


def _to_camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda match: match[1].upper(), name)


def correlation_id(key: str, version_id: str | None, sequencer: str | None = None) -> str:
    """key@version: names one upload in every function's log lines and in its announcement.

    The uploads bucket is versioned, so S3 always gives a version (a deletion's is its delete
    marker's); the sequencer stands in where an emulation gives none.
    """
    return f"{key}@{version_id or sequencer or 'unversioned'}"


class SourceObject(Contract, frozen=True, kw_only=True):
    """The uploaded object an event is about, with what orders events for its key."""

    bucket: str
    key: str
    version_id: str | None = None
    sequencer: str | None = None
    etag: str | None = None
    size: int | None = None

    @property
    def correlation_id(self) -> str:
        return correlation_id(self.key, self.version_id, self.sequencer)


class PostMetadata(Contract, frozen=True, kw_only=True):
    slug: str
    title: str
    date: datetime | None  # None only for a page whose front matter gives no date
    status: PostStatus
    summary: str | None = None
    tags: list[str] = []
    categories: list[str] = []
    authors: list[str] = []
    author_ids: list[str] = []
    updated: datetime | None = None
    expires: datetime | None = None
    kind: PostKind = PostKind.POST  # a page (About…) is published, but not announced
    warnings: list[str] = []  # what the page leaves out (a construct it cannot render), and where

    @classmethod
    def of(cls, post: Post) -> PostMetadata:
        return cls(
            slug=post.slug,
            title=post.title,
            date=post.date if post.dated else None,
            status=post.status,
            summary=post.summary,
            tags=list(post.tags),
            categories=list(post.categories),
            authors=list(post.authors),
            author_ids=list(post.author_ids),
            updated=post.updated,
            expires=post.expires,
            kind=post.kind,
            warnings=[warning.describe() for warning in post.warnings],
        )


class Reason(Contract, frozen=True, kw_only=True):
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None

    @classmethod
    def of(cls, problem: Problem) -> Reason:
        return cls(message=problem.message, field=problem.field, line=problem.line, column=problem.column)

    def describe(self) -> str:
        return Problem(self.message, self.field, self.line, self.column).describe()


class PostValidated(Contract, frozen=True, kw_only=True):
    source: SourceObject
    post: PostMetadata


class PostRejected(Contract, frozen=True, kw_only=True):
    source: SourceObject
    reasons: list[Reason]


class PostWithdrawn(Contract, frozen=True, kw_only=True):
    source: SourceObject


class PostPublished(Contract, frozen=True, kw_only=True):
    source: SourceObject
    post: PostMetadata
    url: str
    path: str
    update: bool = False


class PostUnpublished(Contract, frozen=True, kw_only=True):
    source: SourceObject
    slug: str
    path: str
    reason: str = "withdrawn"  # withdrawn (source deleted), draft, scheduled or expired


class PostDue(Contract, frozen=True, kw_only=True):
    """Put on the bus by a one-time EventBridge Scheduler schedule when a post's date or expiry comes."""

    source: SourceObject
    due_at: datetime


class SlugReleased(Contract, frozen=True, kw_only=True):
    """A slug's owner let it go while an upload waited for it (refused only because it was taken):
    RenderFunction judges that upload again, in an invocation (and retries) of its own."""

    source: SourceObject  # the upload that waits
    slug: str
    handover: bool = True  # the slug's page was left in place for it: replace it, or remove it


class AuthorMetadata(Contract, frozen=True, kw_only=True):
    key: str  # authors/ada.md is "ada"
    name: str
    ids: list[str] = []  # the CMS's ids for this person


class AuthorValidated(Contract, frozen=True, kw_only=True):
    """An author profile (authors/<key>.md) passed validation: RenderFunction records it and
    renders again the posts and pages that show it."""

    source: SourceObject
    author: AuthorMetadata


class RepublishRequested(Contract, frozen=True, kw_only=True):
    """Every page should be rendered again: the theme changed, or an operator asked."""

    reason: str
    source: SourceObject | None = None  # the uploaded template that changed, if that is why
    request_id: str | None = None  # chosen by whoever asks (the CLI), to follow its progress


class ImageProcessed(Contract, frozen=True, kw_only=True):
    """An uploaded image's variants are on the site (or its removal took its record away): the
    pages that show it can offer them."""

    source: SourceObject
    width: int | None = None  # None: the image was deleted
    height: int | None = None
    variants: int = 0


class ImageRejected(Contract, frozen=True, kw_only=True):
    """An uploaded image is on the site as uploaded, but no variants were made of it: its author
    is told why (too many pixels, not an image, truncated)."""

    source: SourceObject
    reasons: list[Reason]


DETAIL_MODELS: dict[DetailType, type[Contract]] = {
    DetailType.POST_VALIDATED: PostValidated,
    DetailType.POST_REJECTED: PostRejected,
    DetailType.POST_WITHDRAWN: PostWithdrawn,
    DetailType.POST_PUBLISHED: PostPublished,
    DetailType.POST_UNPUBLISHED: PostUnpublished,
    DetailType.POST_DUE: PostDue,
    DetailType.REPUBLISH_REQUESTED: RepublishRequested,
    DetailType.SLUG_RELEASED: SlugReleased,
    DetailType.AUTHOR_VALIDATED: AuthorValidated,
    DetailType.IMAGE_PROCESSED: ImageProcessed,
    DetailType.IMAGE_REJECTED: ImageRejected,
}


def parse_detail(detail_type: str, detail: object) -> Contract:
    """Read an event's detail into its contract model; unknown detail-types are an error."""
    try:
        model = DETAIL_MODELS[DetailType(detail_type)]
    except ValueError as error:
        raise ValueError(f"pressroom does not handle events of detail-type {detail_type!r}") from error
    return model.parse(detail)
