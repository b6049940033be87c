"""Jekyll posts' Liquid, evaluated as Jekyll would, in python-liquid (made for untrusted templates).

A Jekyll post (its file named `YYYY-MM-DD-title.md`, as Jekyll requires) may use Liquid in its
body: `{% highlight ruby %}…{% endhighlight %}`, `{% raw %}`, `{% link _posts/… %}`,
`{% post_url 2010-07-21-name %}`, `{% include note.html %}` of a snippet the site's owner
uploaded, `{% assign %}` and `{% for %}` building reference links, `{{ site.title }}` and
`{{ page.title }}`. `render` evaluates it with those tags, bounded work, and `site` and `page`
as the only values; the result goes to Markdown (and the sanitiser) as any body does.

What cannot be evaluated is never shown raw: an unknown tag (a Jekyll plugin's) is left out
with a warning naming it and its line (a block's content is kept), and a body Liquid cannot
parse or run at all is published with every Liquid construct taken out, and a warning.

python-liquid is imported only for a body that holds Liquid: most posts never load it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TextIO

from pressroom.model import Problem
from pressroom.reading.shortcodes import fenced_code, site_path
from pressroom.slugs import split_file_name

__all__ = ["Evaluated", "holds_liquid", "is_jekyll_post", "render", "site_path", "warnings_in"]

if TYPE_CHECKING:
    from liquid import Environment

# The tags Liquid itself and pressroom's Jekyll tags define, with their inner and closing tags.
_KNOWN = frozenset(
    {
        "assign", "capture", "endcapture", "case", "when", "endcase", "comment", "endcomment",
        "cycle", "decrement", "increment", "echo", "for", "break", "continue", "endfor", "else",
        "if", "elsif", "endif", "unless", "endunless", "ifchanged", "endifchanged", "include",
        "liquid", "raw", "endraw", "render", "tablerow", "endtablerow", "doc", "enddoc", "#",
        "highlight", "endhighlight", "link", "post_url",
    }
)  # fmt: skip
_TAG = re.compile(r"\{%-?\s*(?P<name>#|[A-Za-z_]\w*)(?P<markup>.*?)-?%\}", re.DOTALL)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_ANY_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_INCLUDE_ARGUMENT = re.compile(r"""(?P<key>\w+)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
# Work a post's Liquid may do: loops, names, output.
LOOP_ITERATION_LIMIT = 10_000
LOCAL_NAMESPACE_LIMIT = 100_000
OUTPUT_LIMIT = 2_000_000
Includes = Callable[[str], str | None]
# Where `include` finds the owner's snippets while one body renders (not a template value).
_INCLUDES: ContextVar[Includes | None] = ContextVar("pressroom_liquid_includes", default=None)


@dataclass
class Evaluated:
    body: str
    warnings: list[Problem] = field(default_factory=list)


def holds_liquid(body: str) -> bool:
    return "{%" in body or "{{" in body


def is_jekyll_post(source_key: str) -> bool:
    """Jekyll names every post `YYYY-MM-DD-title.<ext>`: that name marks a body as Jekyll's."""
    name = PurePosixPath(source_key).name
    date, _ = split_file_name(name.rsplit(".", 1)[0])
    return date is not None


def render(
    body: str,
    site: Mapping[str, Any],
    page: Mapping[str, Any],
    includes: Includes | None = None,
) -> Evaluated:
    """The body with its Liquid evaluated (see the module's docstring), and what was left out."""
    if not holds_liquid(body):
        return Evaluated(body)
    from liquid.exceptions import Error as LiquidError

    warnings: list[Problem] = []
    source = _without_unknown_tags(body, warnings)
    reading = _INCLUDES.set(includes)
    try:
        template = _environment().from_string(source)
        rendered = template.render(site=dict(site), page=dict(page))
    except LiquidError as error:
        line = error.linenum
        reason = _reason(error)
        warnings.append(
            Problem(
                f"the Liquid in this post could not be evaluated ({reason}): it was taken out of the page",
                field="body",
                line=line,
            )
        )
        return Evaluated(_ANY_LIQUID.sub("", body), warnings)
    finally:
        _INCLUDES.reset(reading)
    return Evaluated(rendered, warnings)


def warnings_in(body: str) -> list[Problem]:
    """What `render` would leave out of this body (includes are assumed to exist)."""
    return render(body, {}, {}, includes=lambda _name: "").warnings


def parse_problem(source: str) -> str | None:
    """Why Liquid cannot parse `source` (a snippet an owner uploaded), or None if it can."""
    from liquid.exceptions import Error as LiquidError

    try:
        _environment().from_string(source)
    except LiquidError as error:
        return f"line {error.linenum}: {_reason(error)}" if error.linenum else _reason(error)
    return None


def _without_unknown_tags(body: str, warnings: list[Problem]) -> str:
    """The body with every tag Liquid would refuse (a Jekyll plugin's) blanked out, line for line."""
    raw_spans = [(m.start(), m.end()) for m in _RAW.finditer(body)]
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(body):
        name = match["name"]
        if name in _KNOWN or any(start <= match.start() < end for start, end in raw_spans):
            continue
        pieces.append(body[position : match.start()])
        pieces.append("\n" * match.group(0).count("\n"))  # keeps every later line number
        position = match.end()
        if not name.startswith("end"):
            warnings.append(
                Problem(
                    f"the Liquid tag `{name}` is not one pressroom evaluates (a Jekyll plugin's?): it was "
                    "left out of the page; pressroom evaluates Liquid's tags and highlight, raw, link, "
                    "post_url and include",
                    field="body",
                    line=body.count("\n", 0, match.start()) + 1,
                )
            )
    pieces.append(body[position:])
    return "".join(pieces)


def _reason(error: Exception) -> str:
    """The error's message without python-liquid's ", on line N" (the warning says the line)."""
    message = str(error.args[0]) if error.args else type(error).__name__
    return message.splitlines()[0] if message else type(error).__name__


@cache
def _environment() -> Environment:
    """One environment per process: Liquid's tags, pressroom's Jekyll tags, bounded work."""
    from liquid import Environment

    class BoundedEnvironment(Environment):
        loop_iteration_limit = LOOP_ITERATION_LIMIT
        local_namespace_limit = LOCAL_NAMESPACE_LIMIT
        output_stream_limit = OUTPUT_LIMIT

    environment = BoundedEnvironment(strict_filters=True)
    for tag in _jekyll_tags():
        environment.add_tag(tag)
    return environment


def _jekyll_tags() -> Iterable[type[Any]]:
    """Jekyll's tags as python-liquid tags (defined here so python-liquid loads only when needed)."""
    from liquid import ast
    from liquid.exceptions import LiquidSyntaxError
    from liquid.parse import expect, get_parser
    from liquid.tag import Tag
    from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG

    def opening(stream: Any, name: str) -> tuple[Any, str]:
        """The tag's token and its arguments as written; the stream is left on the arguments
        (or, when there are none, on what follows)."""
        expect(stream, TOKEN_TAG, value=name)
        token = stream.current
        stream.next_token()
        return token, str(stream.current.value) if stream.current.type == TOKEN_EXPRESSION else ""

    class TextNode(ast.Node):
        __slots__ = ("text", "tok")

        def __init__(self, tok: Any, text: str) -> None:
            self.tok = tok
            self.text = text

        def render_to_output(self, context: Any, buffer: TextIO) -> bool | None:  # noqa: ARG002 - Node's signature
            buffer.write(self.text)
            return None

    class PathTag(Tag):
        block = False

        def parse(self, stream: Any) -> ast.Node:
            token, reference = opening(stream, self.name)
            path = site_path(reference)
            if path is None:
                raise LiquidSyntaxError(f"{self.name} names no post: {reference!r}", linenum=token.linenum)
            return TextNode(token, path)

    class LinkTag(PathTag):
        name = "link"

    class PostUrlTag(PathTag):
        name = "post_url"

    class HighlightNode(ast.Node):
        __slots__ = ("block", "language", "tok")

        def __init__(self, tok: Any, language: str, block: ast.BlockNode) -> None:
            self.tok = tok
            self.language = language
            self.block = block

        def render_to_output(self, context: Any, buffer: TextIO) -> bool | None:
            inner = context.get_buffer(buffer)
            self.block.render(context, inner)
            buffer.write(fenced_code(inner.getvalue(), self.language))
            return None

        def children(self) -> list[ast.ChildNode]:
            return [ast.ChildNode(linenum=self.tok.linenum, node=self.block)]

    class HighlightTag(Tag):
        name = "highlight"
        end = "endhighlight"

        def parse(self, stream: Any) -> ast.Node:
            token, arguments = opening(stream, self.name)
            if stream.current.type == TOKEN_EXPRESSION:
                stream.next_token()
            words = arguments.split()
            language = words[0] if words else ""
            block = get_parser(self.env).parse_block(stream, frozenset(("endhighlight", TOKEN_EOF)))
            expect(stream, TOKEN_TAG, value="endhighlight")
            return HighlightNode(token, language, block)

    class IncludeNode(ast.Node):
        __slots__ = ("arguments", "file", "tok")

        def __init__(self, tok: Any, file: str, arguments: dict[str, str]) -> None:
            self.tok = tok
            self.file = file
            self.arguments = arguments

        def render_to_output(self, context: Any, buffer: TextIO) -> bool | None:
            includes = _INCLUDES.get()
            snippet = includes(self.file) if includes is not None else None
            if snippet is None:
                raise LiquidSyntaxError(
                    f"include {self.file!r}: no such snippet in theme/includes/", linenum=self.tok.linenum
                )
            rendered = (
                _environment()
                .from_string(snippet)
                .render(
                    site=context.resolve("site", default={}),
                    page=context.resolve("page", default={}),
                    include=self.arguments,
                )
            )
            buffer.write(rendered)
            return None

    class JekyllIncludeTag(Tag):
        """Jekyll's include: `{% include note.html key="value" %}`, the values as `include.key`."""

        name = "include"
        block = False

        def parse(self, stream: Any) -> ast.Node:
            token, text = opening(stream, self.name)
            file, _, rest = text.strip().partition(" ")
            arguments = {
                m["key"]: m["double"] if m["double"] is not None else m["single"]
                for m in _INCLUDE_ARGUMENT.finditer(rest)
            }
            return IncludeNode(token, file.strip("\"'"), arguments)

    return (LinkTag, PostUrlTag, HighlightTag, JekyllIncludeTag)
