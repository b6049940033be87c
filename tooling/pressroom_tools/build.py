"""`pressroom build`: a folder of posts to the site the pipeline would publish, on this machine.

The same validation, stages, theme and aggregate rules as the Lambdas, over the in-memory ports
(pressroom_tools.memory) instead of S3, DynamoDB and SQS. Posts are rendered ahead on every core
while the stages apply them one by one, in order, exactly as the functions would (finding each
page already rendered). The ports are kept between runs in a cache, with a digest of each
file: a later run hands the stages only the files that changed, and the aggregate rules
rebuild only the pages those changes make stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pressroom
from pressroom.adapters.pillow_codec import PillowCodec
from pressroom.events import (
    Contract,
    DetailType,
    PostDue,
)
from pressroom.filenames import is_markdown
from pressroom.model import Post, PostStatus
from pressroom.pipeline.aggregate import AggregateStage
from pressroom.pipeline.assets import AssetsStage
from pressroom.pipeline.images import ImagesStage
from pressroom.pipeline.pages import PostPages, navigation_links, page_fingerprint
from pressroom.pipeline.publishing import Publication, RenderPorts
from pressroom.pipeline.rendering import Rendering
from pressroom.pipeline.validate import UploadChange, UploadChangeKind, ValidateStage
from pressroom.reading.markdown import DEFAULT_EMBED_PREFIXES, MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme
from pressroom.theme.sandbox import TemplateRefusedError
from pressroom.views import Link, SiteInfo
from pressroom_tools.clock import clock_from_environment
from pressroom_tools.local.report import OutcomeBook, PostOutcome
from pressroom_tools.local.watch import site_files
from pressroom_tools.memory import (
    MemoryBus,
    MemoryCatalogue,
    MemoryImageRecords,
    MemoryListings,
    MemorySchedules,
    MemorySite,
    MemoryStalePages,
    MemoryUploads,
)

UPLOADS_BUCKET = "uploads"
CACHE_FORMAT = 1
RENDER_TAKES_ITS_OWN = frozenset({DetailType.SLUG_RELEASED})  # template.yaml's SlugHandover rule
# Below this many posts to render, starting worker processes costs more than it saves.
MIN_POSTS_PER_WORKER = 8

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class BuildSettings:
    """What the functions read from their environment; the defaults are template.yaml's."""

    site_url: str = "http://127.0.0.1:8000"
    title: str = "pressroom"
    description: str = ""
    page_size: int = 10
    timezone: str = "UTC"
    max_post_bytes: int = 1_000_000
    embed_prefixes: tuple[str, ...] = DEFAULT_EMBED_PREFIXES

    def rules(self) -> ValidationRules:
        from zoneinfo import ZoneInfo

        return ValidationRules(timezone=ZoneInfo(self.timezone), max_bytes=self.max_post_bytes)

    def site(self) -> SiteInfo:
        return SiteInfo(title=self.title, base_url=self.site_url.rstrip("/"), description=self.description)


@dataclass
class _Ports:
    """Everything a build keeps between runs: the stores, a digest of each file applied, and
    each post's outcome so far."""

    uploads: MemoryUploads = field(default_factory=MemoryUploads)
    catalogue: MemoryCatalogue = field(default_factory=MemoryCatalogue)
    listings: MemoryListings = field(default_factory=MemoryListings)
    schedules: MemorySchedules = field(default_factory=MemorySchedules)
    site: MemorySite = field(default_factory=MemorySite)
    images: MemoryImageRecords = field(default_factory=MemoryImageRecords)
    digests: dict[str, str] = field(default_factory=dict)
    book: OutcomeBook = field(default_factory=OutcomeBook)

    def __post_init__(self) -> None:
        self.site.uploads = self.uploads


@dataclass(frozen=True)
class BuildResult:
    changed: list[str]  # the keys of the files added, changed or removed since the last run
    rendered_ahead: int
    written: list[str]
    removed: list[str]
    outcomes: list[PostOutcome]
    full: bool


class SiteBuild:
    """The pipeline's stages over in-memory ports, kept (with `cache`) from one run to the next."""

    def __init__(self, settings: BuildSettings, cache: Path | None = None, jobs: int | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.identity = _identity(settings)
        loaded = self._load()
        self.full = loaded is None
        self.ports = loaded or _Ports()
        self.stale = MemoryStalePages()
        # Two buses, as the rules tell sources apart: RenderFunction takes the rejections
        # ValidateFunction announces, never its own.
        self.validate_bus, self.bus = MemoryBus(), MemoryBus()
        self.images_bus = MemoryBus()  # what ImagesFunction announces: recorded, as the stack's observer does
        rules = settings.rules()
        theme = _theme(settings, cache)
        self.pages = PostPages(theme, MarkdownRenderer(embed_prefixes=settings.embed_prefixes))
        ports = self.ports
        self.validate = ValidateStage(uploads=ports.uploads, bus=self.validate_bus, rules=rules)
        self.rendering = Rendering.over(
            RenderPorts(
                uploads=ports.uploads, site=ports.site, catalogue=ports.catalogue, listings=ports.listings,
                stale_pages=self.stale, bus=self.bus, schedules=ports.schedules, images=ports.images,
            ),
            self.pages,
            Publication(rules=rules, page_size=settings.page_size, uploads_bucket=UPLOADS_BUCKET),
        )  # fmt: skip
        self.aggregate = AggregateStage(
            site=ports.site,
            listings=ports.listings,
            theme=theme,
            page_size=settings.page_size,
            invalidator=None,
        )
        self.assets = AssetsStage(site=ports.site, uploads=ports.uploads, invalidator=None)
        self.images = ImagesStage(ports.site, ports.uploads, ports.images, PillowCodec(), self.images_bus)

    # ----------------------------------------------------------------------------- the run

    def run(
        self,
        files: Mapping[str, bytes],
        now: datetime | None = None,
        progress: ProgressCallback | None = None,
    ) -> BuildResult:
        """Make the site match `files` (key to bytes: every file there is now) as of `now`."""
        now = now or clock_from_environment().now()
        say = progress or (lambda _message: None)
        digests = {key: hashlib.sha256(data).hexdigest() for key, data in files.items()}
        # Images and other files first, as ImagesFunction has made an image's copies by the time a
        # post that shows it is rendered (the order of the posts among themselves is unchanged).
        changed = sorted(
            (key for key, digest in digests.items() if self.ports.digests.get(key) != digest),
            key=lambda key: (is_markdown(key), key),
        )
        removed = sorted(key for key in self.ports.digests if key not in files)
        first_write = len(self.ports.site.writes)
        posts = [key for key in changed if is_markdown(key)]
        rendered_ahead = 0
        with self._rendering_ahead([(key, files[key]) for key in posts], now, say) as pages_ahead:
            for number, key in enumerate(changed, start=1):
                if pages_ahead is not None and is_markdown(key):
                    ahead = next(pages_ahead)  # this post's: the workers answer in the order asked
                    self.pages.prerendered = dict([ahead]) if ahead else {}
                    rendered_ahead += ahead is not None
                source = self.ports.uploads.put(UPLOADS_BUCKET, key, files[key])
                self._apply(UploadChange(UploadChangeKind.CREATED, source), now)
                self.ports.digests[key] = digests[key]
                if number % max(1, len(changed) // 10) == 0 or number == len(changed):
                    say(f"Applied {number:,}/{len(changed):,} changed files")
        for key in removed:
            source = self.ports.uploads.delete(UPLOADS_BUCKET, key)
            self._apply(UploadChange(UploadChangeKind.REMOVED, source), now)
            del self.ports.digests[key]
        self._fire_due_schedules(now)
        self.pages.prerendered = {}
        refs = self.stale.take()
        if refs:
            say(f"Rebuilding the {len(refs):,} listing pages, feeds and sitemaps the changes made stale")
            self.aggregate.rebuild(refs, now=now)
        writes = self.ports.site.writes[first_write:]
        del self.ports.site.writes[:]  # what a later run wrote is all it needs to know
        self._save()
        objects = self.ports.site.objects
        return BuildResult(
            changed=sorted(changed + removed),
            rendered_ahead=rendered_ahead,
            written=sorted({key for key in writes if key in objects}),
            removed=sorted({key for key in writes if key not in objects}),
            outcomes=self.outcomes(),
            full=self.full,
        )

    def objects(self) -> dict[str, bytes]:
        return {key: value.body for key, value in self.ports.site.objects.items()}

    def outcomes(self) -> list[PostOutcome]:
        return self.ports.book.outcomes()

    def _apply(self, change: UploadChange, now: datetime) -> None:
        """One upload change through the stages, as S3, EventBridge and the functions would take it."""
        key = change.source.key
        if not is_markdown(key):
            self.assets.sync(UPLOADS_BUCKET, key)
            self.images.sync(UPLOADS_BUCKET, key)
            for detail_type, detail in self.images_bus.events:
                self._record(detail_type, detail)
            self.images_bus.events.clear()
            return
        self.validate.handle(change, now)
        self._dispatch(now)

    def _dispatch(self, now: datetime) -> None:
        """Deliver what the stages put on the bus, in order, where RenderFunction's two rules would:
        everything ValidateFunction announces, and of RenderFunction's own events only the ones it
        answers itself (a slug handed over), never its own rejections."""
        while self.validate_bus.events or self.bus.events:
            from_validate = bool(self.validate_bus.events)
            detail_type, detail = (self.validate_bus if from_validate else self.bus).events.pop(0)
            self._record(detail_type, detail)
            if from_validate or detail_type in RENDER_TAKES_ITS_OWN:
                self.rendering.handle(detail, now)

    def _record(self, detail_type: DetailType, detail: Contract) -> None:
        envelope = {"detail-type": detail_type.value, "detail": json.loads(detail.to_json())}
        self.ports.book.record_event(envelope)

    def _fire_due_schedules(self, now: datetime) -> None:
        """Posts whose date or expiry has come since they were applied, as Scheduler would fire them."""
        for key, (source, due) in sorted(self.ports.schedules.due.items()):
            if due <= now:
                del self.ports.schedules.due[key]
                self.rendering.handle(PostDue(source=source, due_at=due), now)
                self._dispatch(now)

    # ----------------------------------------------------------------------------- ahead, in parallel

    @contextmanager
    def _rendering_ahead(
        self, posts: Sequence[tuple[str, bytes]], now: datetime, say: ProgressCallback
    ) -> Iterator[Iterator[tuple[str, str] | None] | None]:
        """The changed posts' pages, rendered on every core while the stages apply the posts
        before them: (fingerprint, page) or None for each post, in order. None when one process
        would be quicker than starting workers."""
        workers = min(self.jobs, len(posts) // MIN_POSTS_PER_WORKER)
        if workers < 2:
            yield None
            return
        say(f"Rendering {len(posts):,} posts on {workers} cores while the stages apply them")
        chunk = max(1, min(32, len(posts) // (workers * 8)))
        with ProcessPoolExecutor(
            workers, initializer=_start_worker, initargs=(self.settings, self.cache)
        ) as pool:
            # with the menu as it is now: a page that changes it in this run makes the stage
            # render the posts after it itself, as their fingerprints no longer match
            menu = navigation_links(self.ports.listings.site_pages())
            yield pool.map(_render_one, posts, [now] * len(posts), [menu] * len(posts), chunksize=chunk)

    # ----------------------------------------------------------------------------- the cache

    def _load(self) -> _Ports | None:
        if self.cache is None or not self.cache.is_file():
            return None
        try:
            with self.cache.open("rb") as stream:
                saved = pickle.load(stream)  # noqa: S301 - this build's own cache, in the user's directory
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(saved, dict) or saved.get("identity") != self.identity:
            return None  # another pressroom, theme or settings: build everything again
        ports = saved.get("ports")
        return ports if isinstance(ports, _Ports) else None

    def _save(self) -> None:
        if self.cache is None:
            return
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache.with_suffix(".partial")
        with partial.open("wb") as stream:
            pickle.dump(
                {"identity": self.identity, "ports": self.ports}, stream, protocol=pickle.HIGHEST_PROTOCOL
            )
        partial.replace(self.cache)


def _identity(settings: BuildSettings) -> str:
    """Changes whenever a page could come out differently: the runtime's code, its theme, the settings."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{settings!r}\n".encode())
    package = Path(pressroom.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------------- worker processes

_worker: tuple[ValidationRules, PostPages] | None = None


def _start_worker(settings: BuildSettings, cache: Path | None) -> None:
    global _worker
    _worker = (
        settings.rules(),
        PostPages(_theme(settings, cache), MarkdownRenderer(embed_prefixes=settings.embed_prefixes)),
    )


def _theme(settings: BuildSettings, cache: Path | None) -> Theme:
    """The theme, its compiled templates kept beside the cache: every process need not compile them."""
    if cache is None:
        return Theme(settings.site())
    from jinja2 import FileSystemBytecodeCache

    compiled = cache.parent / "templates"
    compiled.mkdir(parents=True, exist_ok=True)
    return Theme(settings.site(), bytecode_cache=FileSystemBytecodeCache(str(compiled)))


def _render_one(post_file: tuple[str, bytes], now: datetime, menu: Sequence[Link]) -> tuple[str, str] | None:
    """(fingerprint, page) of a post that will be published; None for any other file."""
    assert _worker is not None, "the worker was not started"
    rules, pages = _worker
    key, data = post_file
    post = validate_post(key, data, rules, now)
    if not isinstance(post, Post) or post.status is not PostStatus.PUBLISHED:
        return None
    try:
        return page_fingerprint(post, menu), pages.render(post, menu)
    except TemplateRefusedError:
        return None  # the stage renders it again, and rejects the post with the reason


def read_files(directories: Iterable[Path]) -> dict[str, bytes]:
    """Every file the directories hold as uploads (a later directory's file wins), read."""
    files: dict[str, bytes] = {}
    for directory in directories:
        files.update({key: path.read_bytes() for key, path in site_files(directory).items()})
    return files
