"""Everything RenderFunction does, reached one way: an event's contract in, what was done out.

One table maps each contract to the stage method that answers it. RenderFunction's handler,
`pressroom build` and the tests all call `Rendering.handle`; none of them routes by event type.
Answering a new event is one entry in `Rendering.routes` and the method it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pressroom.events import (
    AuthorValidated,
    Contract,
    DetailType,
    ImageProcessed,
    PostDue,
    PostRejected,
    PostValidated,
    PostWithdrawn,
    RepublishRequested,
    SlugReleased,
)
from pressroom.pipeline.authors import AuthorStage
from pressroom.pipeline.handover import SlugHandoverStage
from pressroom.pipeline.pages import PostPages
from pressroom.pipeline.publishing import Publication, RenderPorts
from pressroom.pipeline.render import RenderStage
from pressroom.pipeline.republish import RepublishStage
from pressroom.reading.profiles import is_profile_key


class UnhandledEventError(ValueError):
    """An event RenderFunction has no route for (the bus rule sent it something new)."""


@dataclass(frozen=True)
class Handled:
    """What was done with one event, as RenderFunction answers its invocation."""

    emitted: DetailType | None = None  # what the stage put on the bus about the post
    recorded: str | None = None  # what was noted without rendering: "author", "rejection"
    republish: str | None = None  # the republish it started

    def response(self) -> dict[str, str | None]:
        if self.republish is not None:
            return {"republish": self.republish}
        if self.recorded is not None:
            return {"recorded": self.recorded}
        return {"emitted": self.emitted.value if self.emitted else None}


Route = Callable[[Any, datetime], Handled]


class Rendering:
    """The render, author-profile, slug hand-over and republish stages behind one entry point.

    `republish` builds the republish stage when a "Republish Requested" first arrives (a function
    without a republish queue never needs one); without it, such an event is an error.
    """

    def __init__(
        self,
        render: RenderStage,
        authors: AuthorStage,
        handover: SlugHandoverStage,
        republish: Callable[[], RepublishStage] | None = None,
    ) -> None:
        self.render = render
        self.authors = authors
        self.handover = handover
        self._build_republish = republish
        self._republish: RepublishStage | None = None
        self.routes: dict[type[Contract], Route] = {
            PostValidated: _emitting(render.on_validated),
            PostDue: _emitting(render.on_due),
            PostWithdrawn: self._withdrawn,
            SlugReleased: _emitting(handover.on_slug_released),
            AuthorValidated: self._author_validated,
            PostRejected: self._rejected,
            RepublishRequested: self._republish_requested,
            ImageProcessed: _emitting(render.on_image_processed),
        }

    @classmethod
    def over(
        cls,
        ports: RenderPorts,
        pages: PostPages,
        publication: Publication,
        republish: Callable[[RenderStage], RepublishStage] | None = None,
    ) -> Rendering:
        """The stages over one set of ports, sharing one render stage."""
        render = RenderStage(ports, pages, publication)
        return cls(
            render,
            AuthorStage(render),
            SlugHandoverStage(render, ports.catalogue, render.releases),
            (lambda: republish(render)) if republish else None,
        )

    def handle(self, detail: Contract, now: datetime) -> Handled:
        route = self.routes.get(type(detail))
        if route is None:
            raise UnhandledEventError(f"RenderFunction does not handle {type(detail).__name__} events")
        return route(detail, now)

    def _withdrawn(self, event: PostWithdrawn, now: datetime) -> Handled:
        if is_profile_key(event.source.key):
            self.authors.on_withdrawn(event, now)
            return Handled()
        return Handled(emitted=self.render.on_withdrawn(event, now))

    def _author_validated(self, event: AuthorValidated, now: datetime) -> Handled:
        self.authors.on_author_validated(event, now)
        return Handled(recorded="author")

    def _rejected(self, event: PostRejected, _now: datetime) -> Handled:
        self.render.on_rejected(event)
        return Handled(recorded="rejection")

    def _republish_requested(self, event: RepublishRequested, _now: datetime) -> Handled:
        if self._republish is None:
            if self._build_republish is None:
                raise UnhandledEventError("this function has no republish queue: it cannot start a republish")
            self._republish = self._build_republish()
        return Handled(republish=self._republish.start(event))


def _emitting(method: Callable[[Any, datetime], DetailType | None]) -> Route:
    def route(event: Any, now: datetime) -> Handled:
        return Handled(emitted=method(event, now))

    return route
