"""RenderFunction's one way in: every event its rules deliver has a route, and nothing else routes."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest
from helpers import REPO, TEMPLATE
from world import BUCKET, NOW, World, post_file

from pressroom.events import (
    DETAIL_MODELS,
    Contract,
    DetailType,
    PostPublished,
    PostRejected,
    PostWithdrawn,
    Reason,
    RepublishRequested,
)
from pressroom.pipeline.rendering import Handled, Rendering, UnhandledEventError
from pressroom_tools.local.template import load_template

ROUTING_FREE = [REPO / "functions" / "render" / "app.py", REPO / "tooling" / "pressroom_tools" / "build.py"]


def delivered_to_render_function() -> set[DetailType]:
    function = load_template(TEMPLATE)["Resources"]["RenderFunction"]["Properties"]
    return {
        DetailType(name)
        for event in function["Events"].values()
        if event["Type"] == "EventBridgeRule"
        for name in event["Properties"]["Pattern"]["detail-type"]
    }


def test_every_event_the_rules_deliver_has_a_route_and_no_other_does():
    routed = {type_ for type_, model in DETAIL_MODELS.items() if model in World().rendering.routes}

    assert routed == delivered_to_render_function()
    assert routed == {
        DetailType.POST_VALIDATED,
        DetailType.POST_WITHDRAWN,
        DetailType.POST_DUE,
        DetailType.REPUBLISH_REQUESTED,
        DetailType.POST_REJECTED,
        DetailType.AUTHOR_VALIDATED,
        DetailType.SLUG_RELEASED,
        DetailType.IMAGE_PROCESSED,
    }


def test_an_event_without_a_route_is_refused_by_name():
    world = World()
    world.publish("posts/a.md", post_file("A"))
    (event,) = [detail for _, detail in world.bus.events if isinstance(detail, PostPublished)]

    with pytest.raises(UnhandledEventError, match="RenderFunction does not handle PostPublished events"):
        world.rendering.handle(event, NOW)


def test_a_new_event_is_one_table_entry_and_its_method():
    class PostPinned(Contract, frozen=True, kw_only=True):
        slug: str

    pinned: list[str] = []

    def on_pinned(event: PostPinned, _now: datetime) -> Handled:
        pinned.append(event.slug)
        return Handled(recorded="pin")

    world = World()
    world.rendering.routes[PostPinned] = on_pinned

    assert world.rendering.handle(PostPinned(slug="hello"), NOW).response() == {"recorded": "pin"}
    assert pinned == ["hello"]


def test_each_route_answers_as_renderfunction_responds():
    world = World()
    source = world.upload("posts/hello.md", post_file("Hello"))

    published = world.rendering.handle(world.validated(source), NOW)
    withdrawn = world.rendering.handle(
        PostWithdrawn(source=world.uploads.delete(BUCKET, "posts/hello.md")), NOW
    )
    rejected = world.rendering.handle(PostRejected(source=source, reasons=[Reason(message="no")]), NOW)
    republish = world.rendering.handle(RepublishRequested(reason="theme changed"), NOW)

    assert published.response() == {"emitted": "Post Published"}
    assert withdrawn.response() == {"emitted": "Post Unpublished"}
    assert rejected.response() == {"recorded": "rejection"}
    assert republish.response() == {"republish": republish.republish}
    assert republish.republish in world.ledger.republishes


def test_without_a_republish_stage_a_republish_is_refused():
    world = World()
    rendering = Rendering(world.render, world.authors, world.handover)

    with pytest.raises(UnhandledEventError, match="cannot start a republish"):
        rendering.handle(RepublishRequested(reason="theme changed"), NOW)


@pytest.mark.parametrize("path", ROUTING_FREE, ids=lambda path: Path(path).name)
def test_neither_the_handler_nor_pressroom_build_routes_on_event_types(path: Path):
    contracts = {model.__name__ for model in DETAIL_MODELS.values()}
    tree = ast.parse(path.read_text())

    type_checks = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and any(isinstance(name, ast.Name) and name.id in contracts for name in ast.walk(node.args[1]))
    ]
    assert type_checks == []
