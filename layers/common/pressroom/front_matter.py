"""Splitting an upload into YAML front matter and Markdown body, with located errors."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from pressroom.model import Problem

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, minus the surprises that matter for front matter.

    Timestamps stay strings so that dates are parsed once, by rules the project documents
    (PyYAML would turn `2024-13-45` into an exception and `2024-05-01` into a `date`),
    and a key given twice is an error rather than a silent overwrite.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # resolve `<<: *anchor` merges before looking at keys
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while reading front matter",
                    node.start_mark,
                    "a key must be a plain word or text, not a list or mapping",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading front matter",
                    node.start_mark,
                    f"the key {key!r} is given more than once",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class SplitPost:
    """The parts of an upload: its front matter as read, and the Markdown body."""

    front_matter: dict[str, Any]
    body: str
    raw_front_matter: str = ""


# Where YAML only notices a missing closing bracket or quote at the end, point at its opening.
_UNCLOSED = {
    "flow sequence": "the [ list that opens here is never closed with ]",
    "flow mapping": "the { mapping that opens here is never closed with }",
    "quoted scalar": "the quoted text that starts here never ends: add the closing quote",
}


def _yaml_problem(error: yaml.MarkedYAMLError, lines_before: int) -> Problem:
    mark = error.problem_mark or error.context_mark
    reason = error.problem or "invalid YAML"
    if (
        error.context_mark
        and error.context
        and "end of stream" in reason.replace("<stream end>", "end of stream")
    ):
        unclosed = next((text for kind, text in _UNCLOSED.items() if kind in error.context), None)
        if unclosed:
            mark, reason = error.context_mark, unclosed
    line = lines_before + mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(f"the front matter is not valid YAML: {reason}", line=line, column=column)


class FrontMatterError(ValueError):
    """The upload's front matter cannot be read; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.describe())
        self.problem = problem


_HANDLER = YAMLHandler()


def split_post(text: str) -> SplitPost:
    """Separate YAML front matter from the body, raising FrontMatterError with a location."""
    if not _HANDLER.detect(text):
        raise FrontMatterError(
            Problem(
                "the file has no front matter: start it with a line of three dashes (---), "
                "then YAML such as `title: My post`, then another --- line",
                line=1,
            )
        )
    try:
        raw_front_matter, body = _HANDLER.split(text)
    except ValueError as error:
        raise FrontMatterError(
            Problem(
                "the front matter is never closed: add a line of three dashes (---) after it",
                line=1,
            )
        ) from error
    # python-frontmatter's split swallows blank lines after the opening ---; count them back.
    lines_before = text[: text.index(raw_front_matter, 3)].count("\n")
    try:
        front_matter = yaml.load(raw_front_matter, Loader=FrontMatterLoader)  # noqa: S506
    except RecursionError as error:
        raise FrontMatterError(
            Problem("the front matter is nested too deeply to be a post's metadata", line=1)
        ) from error
    except yaml.MarkedYAMLError as error:
        raise FrontMatterError(_yaml_problem(error, lines_before)) from error
    except yaml.YAMLError as error:
        raise FrontMatterError(Problem(f"the front matter is not valid YAML: {error}")) from error
    if front_matter is None:
        front_matter = {}
    if not isinstance(front_matter, dict):
        raise FrontMatterError(
            Problem(
                f"the front matter must be a set of `key: value` lines, not a {type(front_matter).__name__}",
                line=2,
            )
        )
    return SplitPost(
        front_matter={str(key): value for key, value in front_matter.items()},
        body=body,
        raw_front_matter=raw_front_matter,
    )
