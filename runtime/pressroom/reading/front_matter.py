"""Splitting an upload into YAML front matter and Markdown body, with located errors."""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from pressroom.model import Problem, quoted

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"
# About 4,000 decimal digits: more than any number in a post, less than Python will print.
MAX_INTEGER_BITS = 13_000
# More values than any post's metadata needs: the bound that stops alias bombs.
MAX_FRONT_MATTER_VALUES = 10_000


class FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, minus the surprises that matter for front matter.

    Timestamps stay strings so that dates are parsed once, by rules the project documents
    (PyYAML would turn `2024-13-45` into an exception and `2024-05-01` into a `date`),
    and a key given twice is an error rather than a silent overwrite.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Keys written here, not those merged in with `<<: *anchor` (which they may override).
        own_keys = [key_node for key_node, _ in node.value if key_node.tag != MERGE_TAG]
        seen: set[Any] = set()
        for key_node in own_keys:
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
                    f"the key {quoted(key)} is given more than once",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: FrontMatterLoader, node: yaml.ScalarNode) -> int:
    too_long = yaml.constructor.ConstructorError(
        None, None, "this number has too many digits: put it in quotes", node.start_mark
    )
    try:
        value: int = yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError as error:  # Python refuses to convert decimal integers of over 4,300 digits
        raise too_long from error
    if value.bit_length() > MAX_INTEGER_BITS:  # hexadecimal and base-60 ones it builds regardless
        raise too_long
    return value


FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml is laxer than PyYAML's own parser with tabs (`key:<tab>value`) and characters YAML calls
# unprintable: front matter with either is read by PyYAML's parser alone.
_SAME_IN_BOTH_PARSERS = re.compile("[\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")

try:  # PyYAML built with libyaml, as every wheel on PyPI is
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a source build without libyaml
    _CParser = None  # type: ignore[assignment, misc]
_FastLoader: type[FrontMatterLoader] | None = None
if _CParser is not None:

    class _CFrontMatterLoader(_CParser, FrontMatterLoader):
        """The same loader with libyaml parsing (4x faster): the node graph is the same, and the
        resolving and constructing above are the same Python code. Errors are reported by the
        Python parser, whose messages and marks the project's cases pin."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FastLoader = _CFrontMatterLoader


@dataclass(frozen=True)
class SplitPost:
    """The parts of an upload: its front matter as read, and the Markdown body."""

    front_matter: dict[str, Any]
    body: str
    raw_front_matter: str = ""


MAX_REASON_LENGTH = 200
# Where YAML only notices a missing closing bracket or quote at the end, point at its opening.
_UNCLOSED = {
    "flow sequence": "the [ list that opens here is never closed with ]",
    "flow mapping": "the { mapping that opens here is never closed with }",
    "quoted scalar": "the quoted text that starts here never ends: add the closing quote",
}


def _yaml_problem(error: yaml.MarkedYAMLError, lines_before: int) -> Problem:
    mark = error.problem_mark or error.context_mark
    reason = error.problem or "invalid YAML"
    unknown_tag = re.search(r"could not determine a constructor for the tag '([^']*)'", reason)
    if unknown_tag:
        tag = unknown_tag[1].replace("tag:yaml.org,2002:", "!!")
        reason = f"the tag {tag} is not allowed: front matter holds plain text, numbers, lists and mappings"
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
    if len(reason) > MAX_REASON_LENGTH:  # YAML quotes tag and alias names, which may be huge
        reason = reason[: MAX_REASON_LENGTH - 1] + "…"
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
        front_matter = _load(raw_front_matter, lines_before)
    except RecursionError as error:
        raise FrontMatterError(
            Problem("the front matter is nested too deeply to be a post's metadata", line=1)
        ) from error
    except yaml.MarkedYAMLError as error:
        raise FrontMatterError(_yaml_problem(error, lines_before)) from error
    except FrontMatterError:
        raise
    except (ValueError, TypeError, OverflowError) as error:  # a value YAML parsed but Python cannot hold
        raise FrontMatterError(Problem(f"the front matter cannot be read: {str(error)[:200]}")) from error
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
        front_matter={str(key): _plain(value, str(key)) for key, value in front_matter.items()},
        body=body,
        raw_front_matter=raw_front_matter,
    )


def _load(raw_front_matter: str, lines_before: int) -> Any:
    """Compose the YAML, refuse it if aliases make it explode, and only then build values."""
    if _FastLoader is not None and _SAME_IN_BOTH_PARSERS.fullmatch(raw_front_matter):
        try:
            return _load_with(_FastLoader, raw_front_matter, lines_before)
        except (yaml.YAMLError, FrontMatterError, RecursionError, ValueError, TypeError, OverflowError):
            pass  # read again below, so that the problem is told as it always is
    return _load_with(FrontMatterLoader, raw_front_matter, lines_before)


def _load_with(loader_type: type[FrontMatterLoader], raw_front_matter: str, lines_before: int) -> Any:
    loader = loader_type(raw_front_matter)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_FRONT_MATTER_VALUES:
            raise FrontMatterError(
                Problem(
                    f"the front matter expands to more than {MAX_FRONT_MATTER_VALUES:,} values, "
                    "through YAML aliases (*name) repeating anchors (&name): write the values out",
                    line=lines_before + 2,
                )
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node) -> int:
    """How many values the node graph holds once every alias is expanded (capped, cycle-safe)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in visiting:
            return MAX_FRONT_MATTER_VALUES + 1  # an anchor that contains itself never ends
        visiting.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        total = 1
        for child in children:
            total = min(total + size(child), MAX_FRONT_MATTER_VALUES + 1)
        visiting.discard(id(node))
        sizes[id(node)] = total
        return total

    return size(root)


def _plain(value: Any, path: str) -> Any:
    """A JSON-safe copy of a front-matter value, for templates and events."""
    if isinstance(value, dict):
        return {str(key): _plain(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, set):
        return sorted(str(item) for item in value)
    if isinstance(value, bytes):
        raise FrontMatterError(Problem("binary data (!!binary) has no place in front matter", field=path))
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, date):  # an explicit !!timestamp tag
        return value.isoformat()
    return value
