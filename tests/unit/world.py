"""Every stage over in-memory ports (pressroom_tools.memory): the pipeline without AWS or moto.

A World holds one of each port and the stages wired over them, as the functions' wiring does,
plus the few steps a test takes: upload a post, deliver its event to a stage, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import BaseLoader

from pressroom.events import DetailType, PostMetadata, PostValidated, SourceObject
from pressroom.model import Post
from pressroom.pipeline.aggregate import AggregateStage
from pressroom.pipeline.pages import PostPages
from pressroom.pipeline.publishing import Publication, RenderPorts
from pressroom.pipeline.rendering import Rendering
from pressroom.pipeline.republish import RepublishStage
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme
from pressroom.views import SiteInfo
from pressroom_tools.memory import (
    MemoryBus,
    MemoryCatalogue,
    MemoryImageRecords,
    MemoryInvalidations,
    MemoryListings,
    MemoryRepublishFailures,
    MemoryRepublishLedger,
    MemoryRepublishWork,
    MemorySchedules,
    MemorySite,
    MemoryStalePages,
    MemoryUploads,
)

BUCKET = "uploads"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
RULES = ValidationRules(timezone=ZoneInfo("UTC"), max_bytes=100_000)
SITE = SiteInfo(title="Field Notes", base_url="https://blog.example.com")


def post_file(
    title: str = "A post",
    date: str = "2024-05-01",
    *,
    slug: str | None = None,
    tags: tuple[str, ...] = (),
    extra: str = "",
    body: str = "Some text.",
) -> bytes:
    lines = [f'title: "{title}"', f"date: {date}"]
    if slug:
        lines.append(f"slug: {slug}")
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    if extra:
        lines.append(extra)
    return ("---\n" + "\n".join(lines) + f"\n---\n\n{body}\n").encode()


@dataclass
class World:
    page_size: int = 10
    loader: BaseLoader | None = None
    snippets: dict[str, str] = field(default_factory=dict)  # theme/includes/, for Jekyll's include
    uploads: MemoryUploads = field(default_factory=MemoryUploads)
    catalogue: MemoryCatalogue = field(default_factory=MemoryCatalogue)
    listings: MemoryListings = field(default_factory=MemoryListings)
    stale: MemoryStalePages = field(default_factory=MemoryStalePages)
    bus: MemoryBus = field(default_factory=MemoryBus)
    schedules: MemorySchedules = field(default_factory=MemorySchedules)
    invalidations: MemoryInvalidations = field(default_factory=MemoryInvalidations)
    ledger: MemoryRepublishLedger = field(default_factory=MemoryRepublishLedger)
    work: MemoryRepublishWork = field(default_factory=MemoryRepublishWork)
    parked: MemoryRepublishFailures = field(default_factory=MemoryRepublishFailures)
    images: MemoryImageRecords = field(default_factory=MemoryImageRecords)

    def __post_init__(self) -> None:
        self.site = MemorySite(self.uploads)
        self.theme = Theme(SITE, loader=self.loader, snippets=self.snippets.get)
        ports = RenderPorts(
            uploads=self.uploads, site=self.site, catalogue=self.catalogue, listings=self.listings,
            stale_pages=self.stale, bus=self.bus, schedules=self.schedules, images=self.images,
        )  # fmt: skip
        self.rendering = Rendering.over(
            ports,
            PostPages(self.theme, MarkdownRenderer()),
            Publication(rules=RULES, page_size=self.page_size, uploads_bucket=BUCKET),
            republish=lambda _render: self.republish,
        )
        self.render = self.rendering.render
        self.authors = self.rendering.authors
        self.handover = self.rendering.handover
        self.aggregate = AggregateStage(
            site=self.site, listings=self.listings, theme=self.theme, page_size=self.page_size,
            invalidator=self.invalidations, bus=self.bus,
        )  # fmt: skip
        self.republish = RepublishStage(
            render=self.render, ledger=self.ledger, queue=self.work, listings=self.listings,
            stale_pages=self.stale, failures=self.parked,
        )  # fmt: skip

    def upload(self, key: str, data: bytes) -> SourceObject:
        return self.uploads.put(BUCKET, key, data)

    def validated(self, source: SourceObject, now: datetime = NOW) -> PostValidated:
        data = self.uploads.read(source)
        assert data is not None
        post = validate_post(source.key, data, RULES, now)
        assert isinstance(post, Post), post
        return PostValidated(source=source, post=PostMetadata.of(post))

    def publish(self, key: str, data: bytes, now: datetime = NOW) -> DetailType | None:
        """Upload a post and have it rendered, as ValidateFunction's event would."""
        source = self.upload(key, data)
        return self.render.on_validated(self.validated(source, now), now=now)

    def rebuild(self) -> list[str]:
        """The aggregate stage's batch: every stale note queued so far, merged."""
        return self.aggregate.rebuild(self.stale.take(), now=NOW)


def published_case(post: Path) -> str:
    """A data-file case (a post file) published as posts/<its name> on a fresh world: its page.

    The snippets in an `includes` folder beside it are the owner's theme/includes/.
    """
    includes = post.parent / "includes"
    world = World(snippets={path.name: path.read_text(encoding="utf-8") for path in includes.glob("*")})
    assert world.publish(f"posts/{post.name}", post.read_bytes()) is DetailType.POST_PUBLISHED
    (page_key,) = [
        key for key in world.site.objects if key.startswith("posts/") and key.endswith("/index.html")
    ]
    return world.site.text(page_key)


def lines_missing(page: str, expected: Path) -> list[str]:
    """The non-blank lines of `expected` (an .html file beside a case) that the page lacks."""
    return [line for line in expected.read_text(encoding="utf-8").splitlines() if line and line not in page]
