"""Validate stage: an S3 change to an uploaded post becomes a bus event.

S3 sends every change in the uploads bucket to EventBridge; ValidateFunction's rule passes it
those whose key ends in .md or .markdown, in any case, and everything under theme/. What is
neither a post, a page, a profile nor a theme file is ignored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent

from pressroom.events import (
    AuthorMetadata,
    AuthorValidated,
    DetailType,
    PostMetadata,
    PostRejected,
    PostValidated,
    PostWithdrawn,
    Reason,
    RepublishRequested,
    SourceObject,
)
from pressroom.model import Problem, Rejection
from pressroom.pipeline.versions import judge_version
from pressroom.ports import EventBus, Uploads
from pressroom.reading.profiles import is_profile_key, validate_profile
from pressroom.reading.validation import ValidationRules, is_post_key, size_problem
from pressroom.theme import STYLESHEET_OVERRIDE, THEME_PREFIX

logger = Logger(child=True)
# Snippets for Jekyll's `{% include %}` in posts (theme/includes/<name>): Liquid, not Jinja2.
SNIPPETS_FOLDER = "includes/"


class UploadChangeKind(StrEnum):
    CREATED = "created"
    REMOVED = "removed"


@dataclass(frozen=True)
class UploadChange:
    kind: UploadChangeKind
    source: SourceObject


def upload_change(event: S3EventBridgeNotificationEvent) -> UploadChange:
    """Read S3's "Object Created" or "Object Deleted" event, as EventBridge delivers it (its key
    arrives URL-encoded, as in every S3 notification; Powertools decodes it)."""
    obj = event.detail.object
    kind = UploadChangeKind.REMOVED if event.detail_type == "Object Deleted" else UploadChangeKind.CREATED
    return UploadChange(
        kind=kind,
        source=SourceObject(
            bucket=event.detail.bucket.name,
            key=obj.key,
            version_id=obj.get("version-id"),
            sequencer=obj.get("sequencer"),
            etag=obj.etag or None,
            size=obj.size,
        ),
    )


def is_theme_file(key: str) -> bool:
    """What a site owner may put under theme/: templates (*.j2), stylesheets (*.css) and Jekyll
    include snippets (includes/*.html). Anything else there is not the pipeline's."""
    name = key.removeprefix(THEME_PREFIX)
    return name.endswith((".j2", ".css")) or (name.startswith(SNIPPETS_FOLDER) and name.endswith(".html"))


class ValidateStage:
    def __init__(self, uploads: Uploads, bus: EventBus, rules: ValidationRules) -> None:
        self.uploads = uploads
        self.bus = bus
        self.rules = rules

    def handle(self, change: UploadChange, now: datetime) -> DetailType | None:
        """Validate or withdraw one uploaded post; returns the detail-type emitted, if any."""
        source = change.source
        if source.key.startswith(THEME_PREFIX):
            if not is_theme_file(source.key):
                logger.info("ignoring a theme file that is no template, stylesheet or snippet")
                return None
            return self._theme_changed(change)
        if is_profile_key(source.key):
            return self._profile_changed(change)
        if not is_post_key(source.key):
            logger.info("ignoring a Markdown file outside posts/, pages/ and authors/")
            return None
        remaining = self._version_left(change)
        if remaining is None:
            return DetailType.POST_WITHDRAWN
        source = remaining
        oversize = size_problem(source.size or 0, self.rules)
        if oversize:
            return self._reject(source, (oversize,))
        result = judge_version(self.uploads, source, self.rules, now)
        if result is None:
            logger.info("upload vanished before validation", extra={"key": source.key})
            return None
        if isinstance(result, Rejection):
            return self._reject(source, result.problems)
        self.bus.emit(DetailType.POST_VALIDATED, PostValidated(source=source, post=PostMetadata.of(result)))
        return DetailType.POST_VALIDATED

    def _version_left(self, change: UploadChange) -> SourceObject | None:
        """The version to judge: the one created, or after a removal the key's current version (an
        old version deleted, or a delete marker removed to restore it). None, once "Post
        Withdrawn" is said, if the key has no version left."""
        source = change.source
        if change.kind is UploadChangeKind.CREATED:
            return source
        current = self.uploads.current(source.bucket, source.key)
        if current is None:
            self.bus.emit(DetailType.POST_WITHDRAWN, PostWithdrawn(source=source))
            return None
        return source.replace(version_id=current.version_id, etag=current.etag, size=current.size)

    def _profile_changed(self, change: UploadChange) -> DetailType | None:
        """An author profile: checked like a post, and said so ("Author Validated"), or withdrawn."""
        source = self._version_left(change)
        if source is None:
            return DetailType.POST_WITHDRAWN
        data = self.uploads.read(source)
        if data is None:
            return None
        profile = validate_profile(source.key, data, self.rules.max_bytes)
        if isinstance(profile, Rejection):
            return self._reject(source, profile.problems)
        self.bus.emit(
            DetailType.AUTHOR_VALIDATED,
            AuthorValidated(
                source=source,
                author=AuthorMetadata(key=profile.key, name=profile.name, ids=list(profile.ids)),
            ),
        )
        return DetailType.AUTHOR_VALIDATED

    def _theme_changed(self, change: UploadChange) -> DetailType | None:
        """A site owner uploaded (or removed) a template: check it, then ask for a republish."""
        source = change.source
        name = source.key.removeprefix(THEME_PREFIX)
        stylesheet = name.endswith(".css")
        snippet = name.startswith(SNIPPETS_FOLDER)
        if stylesheet and change.kind is UploadChangeKind.REMOVED and name != STYLESHEET_OVERRIDE:
            return None  # a file that never replaced the stylesheet: its removal changes nothing
        if change.kind is UploadChangeKind.CREATED:
            data = self.uploads.read(source)
            if data is None:
                problems = [f"{source.key} vanished before it could be checked"]
            elif snippet:
                problems = _snippet_problems(name, data)
            elif stylesheet:
                from pressroom.theme.stylesheet import stylesheet_problems  # only for theme uploads

                problems = stylesheet_problems(name, data)
            else:
                from pressroom.theme.checks import template_problems  # Jinja2: only for theme uploads

                try:
                    problems = template_problems(name, data.decode("utf-8"))
                except UnicodeDecodeError:
                    problems = [f"{name}: a template must be UTF-8 text"]
            if problems:
                return self._reject(source, tuple(Problem(problem, field="theme") for problem in problems))
        verb = "removed" if change.kind is UploadChangeKind.REMOVED else "uploaded"
        what = "stylesheet" if stylesheet else "snippet" if snippet else "template"
        self.bus.emit(
            DetailType.REPUBLISH_REQUESTED,
            RepublishRequested(reason=f"theme {what} {name} {verb}", source=source),
        )
        return DetailType.REPUBLISH_REQUESTED

    def _reject(self, source: SourceObject, problems: tuple[Problem, ...]) -> DetailType:
        logger.info("post rejected", extra={"key": source.key, "problems": [p.describe() for p in problems]})
        self.bus.emit(
            DetailType.POST_REJECTED,
            PostRejected(source=source, reasons=[Reason.of(problem) for problem in problems]),
        )
        return DetailType.POST_REJECTED


def _snippet_problems(name: str, data: bytes) -> list[str]:
    """A snippet is Liquid text a post includes: it must be UTF-8 and parse."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [f"{name}: a snippet must be UTF-8 text"]
    from pressroom.reading.liquid_bodies import parse_problem  # python-liquid: only for snippet uploads

    problem = parse_problem(text)
    return [f"{name}: {problem}"] if problem else []
