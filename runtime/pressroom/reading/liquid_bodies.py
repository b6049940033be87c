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

Bounded work: python-liquid's own limits count less than their names say (loop iterations per
nest of loops, not in all; names by their shallow size, so a range or a list holding one string
a thousand times costs nothing; no filter result at all), so the work is counted here, before it
is done: loop iterations in all, includes' too; numbers in a range; the bytes of every value a
filter or an assignment makes; output; nesting. A body past any limit, or past LIQUID_SECONDS, is
published as one Liquid cannot run, its warning naming the limit; `warnings_in` evaluates the
body the same way, so its author learns it at validation. What Liquid prints holds no character
a page cannot (a lone surrogate, a control character): those are dropped, as the theme drops them.

python-liquid is imported only for a body that holds Liquid: most posts never load it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, wraps
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from pressroom.budgets import OverBudgetError, time_limit
from pressroom.model import Problem
from pressroom.reading.fields import MAX_PROBLEMS
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
# The tags that open a block, each closed by `end` and its name.
_BLOCKS = frozenset(
    {"capture", "case", "comment", "for", "highlight", "if", "ifchanged", "tablerow", "unless"}
)
_OPENING = re.compile(r"\{[{%]")
_CLOSING = {"{{": "}}", "{%": "%}"}
_TAG_NAME = re.compile(r"\{%-?\s*(#|[A-Za-z_]\w*)")
_END_RAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_INCLUDE_ARGUMENT = re.compile(r"""(?P<key>\w+)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
# What no page can hold (as pressroom.theme.escaping.UNPRINTABLE): C0 and C1 controls but tab,
# line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Work a post's Liquid may do. The limits are checked before the work they bound is done, and
# LIQUID_SECONDS is the last line of defence (a 1 MB body of `{{x}}` alone takes seconds to parse).
LIQUID_SECONDS = 2.0
LOOP_ITERATION_LIMIT = 10_000  # in all: nested or one after another, in includes too
RANGE_LIMIT = 100_000  # numbers in one `(a..b)`
LOCAL_NAMESPACE_LIMIT = 1_000_000  # bytes, roughly: any one value made, and all assigned ones together
NUMBER_DIGIT_LIMIT = 1_000
OUTPUT_LIMIT = 2_000_000  # bytes of UTF-8
NESTING_LIMIT = 30  # blocks inside one another
INCLUDE_DEPTH_LIMIT = 10  # snippets including snippets
_STEP = "a Jekyll post's Liquid"
_NUMBER_BITS = int(NUMBER_DIGIT_LIMIT * 3.3219)  # 3.32 bits a decimal digit
_SPLIT_PIECE_BYTES = 57  # a list slot and a short string: what each piece `split` makes costs
_TOO_DEEP = "is nested too deeply to evaluate (nesting limit reached)"
_TOO_LONG = f"took too long to run (over {LIQUID_SECONDS:g} s)"
_TOO_MANY_ITERATIONS = (
    f"runs its loops more than {LOOP_ITERATION_LIMIT:,} times in all (loop iteration limit reached)"
)
_TOO_LONG_RANGE = f"makes a range of more than {RANGE_LIMIT:,} numbers (range limit reached)"
_TOO_LARGE_VALUE = f"builds values of more than {LOCAL_NAMESPACE_LIMIT:,} bytes (value size limit reached)"
_TOO_LARGE_NUMBER = f"makes a number of more than {NUMBER_DIGIT_LIMIT:,} digits (number size limit reached)"
_TOO_MUCH_OUTPUT = f"writes more than {OUTPUT_LIMIT:,} bytes (output limit reached)"
_TOO_DEEP_INCLUDES = (
    f"includes snippets more than {INCLUDE_DEPTH_LIMIT} deep, or nests loops and includes too deeply "
    "(depth limit reached)"
)
Includes = Callable[[str], str | None]


@dataclass
class Evaluated:
    body: str
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Rendering:
    """What one body's evaluation shares across its tags and includes (not a template value)."""

    includes: Includes | None
    iterations: int = 0
    include_depth: int = 0
    snippets: dict[str, Any] = field(default_factory=dict)

    def snippet(self, name: str) -> Any:
        """The owner's snippet `name`, parsed (once per body), or None if there is none."""
        if name not in self.snippets:
            text = self.includes(name) if self.includes is not None else None
            self.snippets[name] = None if text is None else _environment().from_string(text)
        return self.snippets[name]


_RENDERING: ContextVar[_Rendering] = ContextVar("pressroom_liquid_rendering")


class _Construct(NamedTuple):
    start: int
    end: int
    line: int
    tag: str | None  # the tag's name ("" if it has none); None for an output, `{{ … }}`


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
    rendering = _RENDERING.set(_Rendering(includes))
    try:
        with time_limit(LIQUID_SECONDS, _STEP):
            source = _without_unknown_tags(body, warnings)
            too_deep = _nesting_problem(source)
            if too_deep is not None:
                return Evaluated(_without_liquid(body), [*warnings, too_deep])
            rendered = _environment().from_string(source).render(site=dict(site), page=dict(page))
    except (LiquidError, OverBudgetError, RecursionError) as error:
        cause = _root_cause(error)
        if isinstance(cause, OverBudgetError) and cause.step != _STEP:
            raise cause from None  # an outer budget's: its caller decides
        warnings.append(_unevaluated(error, cause))
        return Evaluated(_without_liquid(body), warnings)
    finally:
        _RENDERING.reset(rendering)
    return Evaluated(rendered, warnings)


def warnings_in(body: str) -> list[Problem]:
    """What `render` would leave out of this body (includes are assumed to exist), limits included."""
    return render(body, {}, {}, includes=lambda _name: "").warnings


def parse_problem(source: str) -> str | None:
    """Why Liquid cannot parse `source` (a snippet an owner uploaded), or None if it can."""
    from liquid.exceptions import Error as LiquidError

    try:
        _environment().from_string(source)
    except LiquidError as error:
        return f"line {error.linenum}: {_reason(error)}" if error.linenum else _reason(error)
    return None


def _constructs(body: str) -> Iterator[_Construct]:
    """Each `{% tag %}` and `{{ output }}` in the body, in order, found in one pass.

    A raw block's content is not looked into. An opening never closed is passed over (Liquid
    refuses such a body); once no closing of a kind is left, it is not searched for again, so
    that a body of openings alone takes no longer than one of text.
    """
    none_left: set[str] = set()  # the kinds of opening no closing follows any more
    raw_ends_left = True
    position, line, counted = 0, 1, 0
    while opening := _OPENING.search(body, position):
        start, kind = opening.start(), opening.group()
        closing = -1 if kind in none_left else body.find(_CLOSING[kind], start + 2)
        if closing == -1:
            none_left.add(kind)
            position = start + 1
            continue
        end = position = closing + 2
        line += body.count("\n", counted, start)
        counted = start
        if kind == "{{":
            yield _Construct(start, end, line, None)
            continue
        name = _TAG_NAME.match(body, start, end)
        yield _Construct(start, end, line, name[1] if name else "")
        if name and name[1] == "raw" and raw_ends_left:
            raw_end = _END_RAW.search(body, end)
            if raw_end is None:
                raw_ends_left = False
                continue
            line += body.count("\n", counted, raw_end.start())
            counted = raw_end.start()
            yield _Construct(raw_end.start(), raw_end.end(), line, "endraw")
            position = raw_end.end()


def _without_unknown_tags(body: str, warnings: list[Problem]) -> str:
    """The body with every tag Liquid would refuse (a Jekyll plugin's) blanked out, line for line."""
    pieces: list[str] = []
    position = 0
    unknown = 0
    for construct in _constructs(body):
        name = construct.tag
        if not name or name in _KNOWN:
            continue
        pieces.append(body[position : construct.start])
        pieces.append("\n" * body.count("\n", construct.start, construct.end))  # keeps later line numbers
        position = construct.end
        if name.startswith("end"):
            continue
        unknown += 1
        if unknown <= MAX_PROBLEMS:
            warnings.append(
                Problem(
                    f"the Liquid tag `{name}` is not one pressroom evaluates (a Jekyll plugin's?): it was "
                    "left out of the page; pressroom evaluates Liquid's tags and highlight, raw, link, "
                    "post_url and include",
                    field="body",
                    line=construct.line,
                )
            )
    if unknown > MAX_PROBLEMS:
        more = unknown - MAX_PROBLEMS
        warnings.append(Problem(f"… and {more} more tags like these were left out", field="body"))
    pieces.append(body[position:])
    return "".join(pieces)


def _without_liquid(body: str) -> str:
    """The body with every Liquid tag and output taken out (a raw block keeps its text)."""
    pieces: list[str] = []
    position = 0
    for construct in _constructs(body):
        pieces.append(body[position : construct.start])
        position = construct.end
    pieces.append(body[position:])
    return "".join(pieces)


def _nesting_problem(source: str) -> Problem | None:
    """A warning if blocks nest more than NESTING_LIMIT deep (python-liquid parses them by
    recursion), naming the line of the first one too deep; None otherwise."""
    depth = 0
    for construct in _constructs(source):
        for line, name in _tag_names(source, construct):
            if name in _BLOCKS:
                depth += 1
                if depth > NESTING_LIMIT:
                    return Problem(
                        f"this post's Liquid nests blocks more than {NESTING_LIMIT} deep (nesting limit "
                        "reached): it was taken out of the page",
                        field="body",
                        line=line,
                    )
            elif name.startswith("end") and name[3:] in _BLOCKS:
                depth = max(depth - 1, 0)
    return None


def _tag_names(source: str, construct: _Construct) -> Iterator[tuple[int, str]]:
    """(line, name) of the tag, or of each tag a `{% liquid %}` tag holds, one a line."""
    if not construct.tag:
        return
    if construct.tag != "liquid":
        yield construct.line, construct.tag
        return
    name = _TAG_NAME.match(source, construct.start, construct.end)
    markup = source[name.end() if name else construct.start : construct.end - 2]
    for offset, text in enumerate(markup.split("\n")):
        words = text.split(maxsplit=1)
        if words:
            yield construct.line + offset, words[0]


def _root_cause(error: BaseException) -> BaseException:
    """What python-liquid wrapped as "unexpected error" (a budget's OverBudgetError, a RecursionError)."""
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def _unevaluated(error: BaseException, cause: BaseException) -> Problem:
    """The warning for a body taken out: the limit it went past, or why Liquid could not run it."""
    line = getattr(error, "linenum", None)
    if isinstance(cause, OverBudgetError):
        overrun: str | None = _TOO_LONG
        line = None  # known only if time ran out inside a filter: no line is said rather than sometimes one
    elif isinstance(cause, RecursionError):
        overrun = _TOO_DEEP
    else:
        overrun = _overrun(error)
    if overrun is not None:
        return Problem(f"this post's Liquid {overrun}: it was taken out of the page", field="body", line=line)
    return Problem(
        f"the Liquid in this post could not be evaluated ({_reason(error)}): it was taken out of the page",
        field="body",
        line=line,
    )


def _overrun(error: BaseException) -> str | None:
    """Which limit a python-liquid error says the body went past, or None if it is no limit's."""
    from liquid.exceptions import ContextDepthError, ResourceLimitError

    if isinstance(error, ContextDepthError):
        return _TOO_DEEP_INCLUDES
    if isinstance(error, ResourceLimitError):
        return _reason(error)  # raised here, with its limit's text
    return None


def _reason(error: BaseException) -> str:
    """The error's message without python-liquid's ", on line N" (the warning says the line)."""
    message = str(error.args[0]) if error.args else type(error).__name__
    return message.splitlines()[0] if message else type(error).__name__


def _built_size(value: object) -> int:
    """Roughly the bytes `value` takes, with all it holds, each time it holds it (a list holding one
    string a thousand times makes a thousand strings, joined); a value past LOCAL_NAMESPACE_LIMIT,
    a range past RANGE_LIMIT or a number past NUMBER_DIGIT_LIMIT digits is refused."""
    from liquid.exceptions import LocalNamespaceLimitError

    size = 0
    pending = [value]
    while pending:
        item = pending.pop()
        size += sys.getsizeof(item, 64)
        if size > LOCAL_NAMESPACE_LIMIT:
            raise LocalNamespaceLimitError(_TOO_LARGE_VALUE)
        if isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, range):
            _check_range(item)
        elif isinstance(item, int) and item.bit_length() > _NUMBER_BITS:
            raise LocalNamespaceLimitError(_TOO_LARGE_NUMBER)
    return size


def _check_range(numbers: range) -> None:
    """Refuse a range longer than RANGE_LIMIT (counted without `len`, which fails past 2**63)."""
    from liquid.exceptions import ResourceLimitError

    if numbers.stop - numbers.start > RANGE_LIMIT:
        raise ResourceLimitError(_TOO_LONG_RANGE)


def _bounded_filter(name: str, function: Callable[..., object]) -> Callable[..., object]:
    """`function` (the filter `name`) refusing a range past RANGE_LIMIT, a result its arguments say
    will be past LOCAL_NAMESPACE_LIMIT before it is built, and any other such result after."""

    @wraps(function)  # keeps python-liquid's with_context and with_environment marks
    def bounded(value: object, *args: object, **kwargs: object) -> object:
        for argument in (value, *args):
            if isinstance(argument, range):
                _check_range(argument)
        if _growth(name, value, args) > LOCAL_NAMESPACE_LIMIT:
            from liquid.exceptions import LocalNamespaceLimitError

            raise LocalNamespaceLimitError(_TOO_LARGE_VALUE)
        result = function(value, *args, **kwargs)
        _built_size(result)
        return result

    return bounded


def _growth(name: str, value: object, args: tuple[object, ...]) -> int:
    """What the filters that multiply their input will build, in bytes (roughly); 0 for the rest,
    whose results are at most a few times what they are given."""
    if name == "join" and isinstance(value, list | tuple | range):
        separator = str(args[0]) if args else " "
        return max(len(value) - 1, 0) * len(separator)
    if name not in ("replace", "split") or not args:
        return 0
    text = value if isinstance(value, str) else str(value)  # as python-liquid's string filters take it
    if name == "replace":
        old = str(args[0])
        new = str(args[1]) if len(args) > 1 else ""
        found = len(text) + 1 if not old else text.count(old)
        return len(text) + found * (len(new) - len(old))
    separator = str(args[0])
    pieces = len(text) if not separator else text.count(separator) + 1
    return len(text) + pieces * _SPLIT_PIECE_BYTES


@cache
def _environment() -> Environment:
    """One environment per process: Liquid's tags, pressroom's Jekyll tags, bounded work."""
    from liquid import Environment

    template_class, bounded_loop = _bounded_classes()

    class BoundedEnvironment(Environment):
        loop_iteration_limit = LOOP_ITERATION_LIMIT
        local_namespace_limit = LOCAL_NAMESPACE_LIMIT
        output_stream_limit = OUTPUT_LIMIT

    BoundedEnvironment.template_class = template_class
    environment = BoundedEnvironment(strict_filters=True)
    parse_loop = environment.parse_loop_expression_value  # `for` and `tablerow` parse theirs with it
    environment.parse_loop_expression_value = lambda value, linenum: bounded_loop(parse_loop(value, linenum))
    for name, function in list(environment.filters.items()):
        environment.add_filter(name, _bounded_filter(name, function))
    for tag in _jekyll_tags():
        environment.add_tag(tag)
    return environment


def _bounded_classes() -> tuple[type[Any], Callable[[Any], Any]]:
    """The template class whose context counts work, and what makes a loop's expression bounded."""
    from io import StringIO

    from liquid import BoundTemplate, Context
    from liquid.exceptions import LocalNamespaceLimitError, LoopIterationLimitError, OutputStreamLimitError
    from liquid.expression import CONTINUE, NIL, Expression, LoopExpression
    from liquid.output import LimitedStringIO

    class Output(LimitedStringIO):
        """An output buffer counting its UTF-8 bytes, without what no page can hold (a lone
        surrogate would not even encode to be counted)."""

        def write(self, text: str) -> int:
            printable = _UNPRINTABLE.sub("", text)
            self.size += len(printable.encode("utf-8"))
            if self.size > self.limit:
                raise OutputStreamLimitError(_TOO_MUCH_OUTPUT)
            return StringIO.write(self, printable)

    class BoundedContext(Context):
        """A render context counting loop iterations in all, and assigned values by all they hold."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.value_sizes: dict[str, int] = {}
            self.values_size = 0

        def assign(self, key: str, val: Any) -> None:
            size = _built_size(val)
            self.values_size += size - self.value_sizes.get(key, 0)
            self.value_sizes[key] = size
            self.locals[key] = val
            if self.get_size_of_locals() > LOCAL_NAMESPACE_LIMIT:
                raise LocalNamespaceLimitError(_TOO_LARGE_VALUE)

        def get_size_of_locals(self) -> int:
            return self.values_size + self.local_namespace_size_carry

        def raise_for_loop_limit(self, length: int = 1) -> None:
            rendering = _RENDERING.get()
            rendering.iterations += length
            if rendering.iterations > LOOP_ITERATION_LIMIT:
                raise LoopIterationLimitError(_TOO_MANY_ITERATIONS)

        def get_buffer(self, buf: TextIO | None = None) -> StringIO:
            carry = buf.size if isinstance(buf, LimitedStringIO) else 0
            return Output(limit=OUTPUT_LIMIT - carry)

    class BoundedTemplate(BoundTemplate):
        context_class = BoundedContext

        def _get_buffer(self) -> StringIO:
            return Output(limit=OUTPUT_LIMIT)

    class CheckedRange(Expression):
        """A loop's iterable, refused if it is a range past RANGE_LIMIT (before `len` or
        `reversed` would build or count it)."""

        __slots__ = ("inner",)

        def __init__(self, inner: Expression) -> None:
            self.inner = inner

        def __str__(self) -> str:
            return str(self.inner)  # python-liquid keys `offset: continue` on it

        def evaluate(self, context: Any) -> object:
            value = self.inner.evaluate(context)
            if isinstance(value, range):
                _check_range(value)
            return value

        def children(self) -> list[Expression]:
            return [self.inner]

    class NonNegative(Expression):
        """A loop's limit or offset, an integer one held to 0…sys.maxsize (itertools.islice fails
        on any other, and walks an offset of 10**13 one item at a time)."""

        __slots__ = ("inner",)

        def __init__(self, inner: Expression) -> None:
            self.inner = inner

        def __str__(self) -> str:
            return str(self.inner)

        def evaluate(self, context: Any) -> object:
            value = self.inner.evaluate(context)
            if isinstance(value, int) and not isinstance(value, bool):
                return min(max(value, 0), sys.maxsize)
            return value

        def children(self) -> list[Expression]:
            return [self.inner]

    def bounded_loop(loop: LoopExpression) -> LoopExpression:
        limit: Any = loop.limit if loop.limit == NIL else NonNegative(loop.limit)
        offset: Any = loop.offset if loop.offset in (NIL, CONTINUE) else NonNegative(loop.offset)
        return LoopExpression(loop.name, CheckedRange(loop.iterable), limit, offset, loop.cols, loop.reversed)

    return BoundedTemplate, bounded_loop


def _jekyll_tags() -> Iterable[type[Any]]:
    """Jekyll's tags as python-liquid tags (defined here so python-liquid loads only when needed)."""
    from liquid import ast
    from liquid.exceptions import ContextDepthError, LiquidSyntaxError
    from liquid.exceptions import Error as LiquidError
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
        """Renders the snippet in the including body's context, as Jekyll does: it sees the body's
        values, and its loops, values and output count against the body's limits."""

        __slots__ = ("arguments", "file", "tok")

        def __init__(self, tok: Any, file: str, arguments: dict[str, str]) -> None:
            self.tok = tok
            self.file = file
            self.arguments = arguments

        def render_to_output(self, context: Any, buffer: TextIO) -> bool | None:
            rendering = _RENDERING.get()
            try:
                snippet = rendering.snippet(self.file)
                if snippet is None:
                    raise LiquidSyntaxError(f"include {self.file!r}: no such snippet in theme/includes/")
                if rendering.include_depth >= INCLUDE_DEPTH_LIMIT:
                    raise ContextDepthError(_TOO_DEEP_INCLUDES)
                rendering.include_depth += 1
                try:
                    with context.extend({"include": self.arguments}):
                        snippet.render_with_context(context, buffer, partial=True)
                finally:
                    rendering.include_depth -= 1
            except LiquidError as error:
                error.linenum = self.tok.linenum  # the body's line, where its author can look
                raise
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
