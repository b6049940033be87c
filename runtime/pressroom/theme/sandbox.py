"""The Jinja2 sandbox every theme template renders in, and the bound on the work one render may do.

A site owner can replace any template by uploading it under theme/, so templates are untrusted
code. They render in Jinja2's ImmutableSandboxedEnvironment, made stricter: a template reads
attributes only of the values the theme gives it (the views, text, numbers, dates, lists,
mappings, and Jinja's own loop, macro and namespace objects), never a name starting with `_`,
never `str.format`/`format_map`; it cannot change what it is given. Every render is bounded:
each loop turn, call, attribute read, operator and filter is a step, every value and the output
have a size limit, and there is a deadline; a template that exceeds one is refused, not left
running. What a filter, a text method or an operator would build is measured before it runs
(`_Sizer`): `[text] * 1000 | tojson` or `text | indent(w)` is refused before it allocates, not
after. Refusals are `TemplateRefusedError`, naming the template and the line.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import itertools
import pprint
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from datetime import time as time_of_day
from json.encoder import encode_basestring_ascii
from typing import Any

from jinja2 import nodes, pass_context, pass_eval_context
from jinja2.environment import Template, TemplateModule
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.filters import make_attrgetter
from jinja2.nodes import EvalContext
from jinja2.runtime import (
    BlockReference,
    Context,
    LoopContext,
    Macro,
    TemplateReference,
    markup_join,
    str_join,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, modifies_known_mutable, safe_range
from jinja2.utils import Cycler, Joiner, Namespace, _PassArg, generate_lorem_ipsum
from markupsafe import Markup

from pressroom.theme.refusals import RenderLimits as RenderLimits  # re-exported: imported from here too
from pressroom.theme.refusals import TemplateRefusedError as TemplateRefusedError

COUNTED_LOOP_FILTER = "pressroom_counted_loop"
JOINED_TEXT_FILTER = "pressroom_joined_text"  # what `a ~ b` becomes: its pieces, joined once measured
# Widths and counts a filter or method would multiply into text: center(10**9) is refused
# before it allocates a gigabyte.
MAX_FORMAT_WIDTH = 10_000
MAX_INT_BITS = 100_000
_SIZED_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "tojson"})
# Filters that take their value as it is: a list, a mapping, a number. Any other filter, the site's
# own included, is taken to turn a value that is not text into text: that text is measured first.
_VALUE_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "count", "d", "default", "dictsort", "filesizeformat", "first", "float",
        "groupby", "int", "items", "join", "last", "length", "list", "map", "max", "min", "pprint",
        "random", "reject", "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort",
        "sum", "tojson", "truncate", "unique", "urlencode", "xmlattr",
    }
)  # fmt: skip
_CASE_METHODS = frozenset({"capitalize", "casefold", "lower", "swapcase", "title", "upper"})
# Filters that do Python-level work per item or character cost a step for each; the rest run at
# C speed over text and cost a step per 16 characters. Either is charged before the filter runs.
_PER_ITEM_FILTERS = frozenset(
    {
        "batch", "dictsort", "groupby", "join", "list", "map", "max", "min", "reject", "rejectattr",
        "select", "selectattr", "slice", "sort", "sum", "unique", "urlize", "wordwrap", "xmlattr",
    }
)  # fmt: skip
_CHARACTERS_PER_STEP = 16
_MAX_VERDICTS = 10_000
_PYTHON_INTERNAL = re.compile(r"__|_[A-Za-z]\w*__")
_PERCENT_SPEC = re.compile(
    r"(?P<spec>%(?:\((?P<key>[^)]*)\))?[#0\- +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?)"
    r"[hlL]?(?P<kind>.?)",
    re.DOTALL,
)
# What one %-conversion may write besides its width, precision and the value's text:
# "%f" % -1e308 is 317 characters.
_CONVERSION_ALLOWANCE = 320
# strftime writes into a buffer at most 512 times as long as the format it is given (2,048 at
# least), and datetime first writes %z and %Z as up to 10 times as many: "%_2047Y" is 2,047 long.
_STRFTIME_GROWTH = 5_120
_MEASURED_SLICE = 4_096  # a long string is measured a slice at a time, never copied whole
_HTML_UNSAFE_IN_JSON = ("<", ">", "&", "'")  # tojson writes each as a 6-character \u escape
_LINE_BREAKS = ("\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")  # str.splitlines'
_JINJA_OBJECTS = (
    LoopContext,
    Namespace,
    Cycler,
    Joiner,
    Macro,
    TemplateReference,
    BlockReference,
    TemplateModule,
)
_PLAIN_VALUES = (str, int, float, list, tuple, dict, types.MappingProxyType, datetime, date, time_of_day)
_READABLE_TYPES = _PLAIN_VALUES + _JINJA_OBJECTS
_CONTAINERS = (list, tuple, set, frozenset, dict, types.MappingProxyType, Namespace)  # see _items


class WorkLimitError(SecurityError):
    """A render did more work than its RenderLimits allow."""


# The exceptions a template's own code can cause. Anything else (an S3 error while loading a
# template, say) is the infrastructure's and propagates, so the invocation is retried.
TEMPLATE_FAULTS: tuple[type[BaseException], ...] = (
    TemplateError,
    RecursionError,
    MemoryError,
    ArithmeticError,
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
)


def refusal(error: BaseException, template: str) -> TemplateRefusedError:
    """`error`, raised while rendering `template`, as a refusal naming the innermost template line."""
    if isinstance(error, TemplateRefusedError):
        return error
    name, line = template, getattr(error, "lineno", None)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            name, line = filename.rsplit("/", 1)[-1], traceback.tb_lineno
        elif filename == "<template>":
            name, line = template, traceback.tb_lineno
        traceback = traceback.tb_next
    if name == template and getattr(error, "name", None):
        name = str(getattr(error, "name"))  # noqa: B009 - a TemplateSyntaxError names its template
    reason = str(error) if isinstance(error, SecurityError | TemplateError) else _python_fault(error)
    return TemplateRefusedError(name, line, reason)


def _python_fault(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "the template calls itself without end (a macro or a recursive loop never stops)"
    if isinstance(error, MemoryError):
        return "the template needs more memory than a page may take"
    return f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------- the budget


class _Budget:
    __slots__ = ("deadline", "limits", "next_clock_check", "output", "steps")

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.steps = 0
        self.output = 0
        self.next_clock_check = 1_000
        self.deadline = time.monotonic() + limits.seconds

    def charge(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > self.limits.steps:
            raise WorkLimitError(
                f"the template did more than {self.limits.steps:,} steps of work (loop turns, calls, "
                "attribute reads): a loop or a macro runs far more often than a page needs"
            )
        if self.steps >= self.next_clock_check:
            self.next_clock_check = self.steps + 1_000
            if time.monotonic() > self.deadline:
                raise WorkLimitError(f"the template took more than {self.limits.seconds:g} seconds to render")

    def write(self, characters: int) -> None:
        self.charge()
        self.output += characters
        if self.output > self.limits.output_chars:
            raise WorkLimitError(f"the template wrote more than {self.limits.output_chars:,} characters")

    def make_room(self, characters: int) -> None:
        """Refuse, before it is built, text that writing would take past the output limit."""
        if self.output + characters > self.limits.output_chars:
            raise WorkLimitError(
                f"the template would write more than {self.limits.output_chars:,} characters"
            )


_active: ContextVar[_Budget | None] = ContextVar("pressroom_template_budget", default=None)


def _charge(steps: int = 1) -> None:
    budget = _active.get()
    if budget is not None:
        budget.charge(steps)


@contextmanager
def bounded(limits: RenderLimits) -> Iterator[None]:
    """Renders inside share one budget of `limits`; inside another bounded block, that one's."""
    if _active.get() is not None:
        yield
        return
    token = _active.set(_Budget(limits))
    try:
        yield
    finally:
        _active.reset(token)


class BoundedTemplate(Template):
    """A template whose every render runs within its environment's RenderLimits."""

    environment: ThemeSandbox

    def render(self, *args: Any, **kwargs: Any) -> str:
        with bounded(self.environment.limits):
            return super().render(*args, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        with bounded(self.environment.limits):
            yield from super().generate(*args, **kwargs)

    def make_module(self, *args: Any, **kwargs: Any) -> TemplateModule:
        """An imported template keeps its output in its module: in a render, counted as written."""
        context = self.new_context(*args, **kwargs)
        return TemplateModule(self, context, list(_counted(self.root_render_func(context))))


def _counted(pieces: Iterable[str]) -> Iterator[str]:
    budget = _active.get()
    for piece in pieces:
        if budget is not None:
            budget.write(len(piece))
        yield piece


class _CountedLoop:
    """A `{% for %}` loop's iterable: each turn is a step; its length is the iterable's own."""

    __slots__ = ("_iterable",)

    def __init__(self, iterable: Iterable[Any]) -> None:
        self._iterable = iterable

    def __len__(self) -> int:
        return len(self._iterable)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        for item in self._iterable:
            _charge()
            yield item


@pass_context  # a context-passing filter is never evaluated at compile time, outside any budget
def _counted_loop(_context: Context, iterable: Iterable[Any]) -> _CountedLoop:
    return _CountedLoop(iterable)


# ---------------------------------------------------------------- the environment


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, narrowed to what a theme needs and bounded by RenderLimits."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *, limits: RenderLimits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or RenderLimits()
        self._verdicts: dict[tuple[type, str], bool] = {}
        self.template_class = BoundedTemplate
        self.concat = self._concat  # type: ignore[method-assign]
        self._finalize_text = self.finalize
        self.finalize = self._measured_output
        self.globals["range"] = self._range
        self.globals["lipsum"] = self._lipsum
        for name, function in list(self.filters.items()):
            self.filters[name] = self._guarded_filter(name, function)
        self.filters[COUNTED_LOOP_FILTER] = _counted_loop
        self.filters[JOINED_TEXT_FILTER] = self._joined_text

    def render_page(self, template: str, **values: Any) -> str:
        """Render `template`; a failure of the template's own making is raised as its refusal."""
        try:
            return self.get_template(template).render(**values)
        except TEMPLATE_FAULTS as error:
            raise refusal(error, template) from error

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        """Make `function` available to templates as a filter, within the same bounds."""
        self.filters[name] = self._guarded_filter(name, function)

    # Every for-loop's iterable passes through a filter that counts its turns, and the pieces of
    # every `a ~ b` through one that measures them before they are joined.
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, COUNTED_LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        for concat in tree.find_all(nodes.Concat):
            concat.nodes = [nodes.Filter(nodes.List(concat.nodes), JOINED_TEXT_FILTER, [], [], None, None)]
        tree.set_environment(self)
        return tree

    # ------------------------------------------------------------ what templates may read
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Every rule depends only on the object's type and the name, so each pair is judged once.
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value) and _readable(obj)
            if len(self._verdicts) < _MAX_VERDICTS:
                self._verdicts[key] = verdict
        return verdict

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(_why_unreadable(obj, attribute))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if (
            isinstance(value, types.MethodType | types.BuiltinMethodType)
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            raise SecurityError(
                f"str.{value.__name__} is not available in theme templates (a format string can "
                'read attributes); use the format filter, e.g. {{ "%s items" | format(n) }}'
            )
        return None

    def getattr(self, obj: Any, attribute: str) -> Any:
        _charge()
        return self._checked(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        _charge()
        return self._checked(super().getitem(obj, argument))

    # ------------------------------------------------------------ what templates may do
    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        arguments = (*args, *kwargs.values())
        _charge(1 + sum(len(value) for value in arguments if isinstance(value, list | tuple | dict)))
        for value in arguments:
            __self._checked(value)
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and abs(value) > __self.limits.value_chars
            ):
                raise SecurityError(f"{value:,} is too large a number to pass to a call in a template")
        method = isinstance(__obj, types.BuiltinMethodType | types.MethodType)
        if method and isinstance(__obj.__self__, str):  # Markup's methods are Python's, not builtins
            _charge(len(__obj.__self__) // _CHARACTERS_PER_STEP)
            args = __self._precheck_text_method(__obj.__self__, __obj.__name__, args, kwargs)
        elif method and isinstance(__obj.__self__, date | time_of_day) and __obj.__name__ == "strftime":
            form = args[0] if args else kwargs.get("format", "")
            __self._check_size(_STRFTIME_GROWTH * (_Sizer().text(form) + 1), "strftime")
        return __self._checked(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _charge()
        if operator == "*":
            self._check_repetition(left, right)
        elif operator == "**" and _is_int(left) and _is_int(right) and right > 0:
            if max(abs(left).bit_length(), 1) * right > MAX_INT_BITS:
                raise SecurityError(f"{left} ** {right} is too large a number for a template")
        elif operator == "+" and _sized(left) and _sized(right):
            markup = isinstance(left, Markup) or isinstance(right, Markup)  # it escapes the other side
            measure: Callable[[Any], int] = _Sizer().escaped if markup else len
            self._check_size(measure(left) + measure(right))
        elif operator == "%" and isinstance(left, str):
            self._check_size(_formatted_size(left, right), "the % operator")
        result = super().call_binop(context, operator, left, right)
        if _is_int(result) and result.bit_length() > MAX_INT_BITS:
            raise SecurityError("the template computed too large a number")
        return self._checked(result)

    def _concat(self, pieces: Iterable[str]) -> str:
        budget = _active.get()
        if budget is None:  # e.g. a macro called from Python through `template.module`
            raise SecurityError("a theme template may only be rendered through render_page or render")
        written: list[str] = []
        for piece in pieces:
            budget.write(len(piece))
            written.append(piece)
        return "".join(written)

    @pass_eval_context
    def _measured_output(self, eval_ctx: EvalContext, value: Any) -> Any:
        """Each {{ value }}: the text writing it would build, measured against the output left first.

        Text is counted as it is written; only what escaping would add to it is checked here.
        """
        budget = _active.get()
        if budget is not None:
            if isinstance(value, str):
                growth = _escape_growth(value) if eval_ctx.autoescape and not isinstance(value, Markup) else 0
                if growth:
                    budget.make_room(len(value) + growth)
            else:
                sizer = _Sizer()
                budget.make_room(sizer.escaped(value) if eval_ctx.autoescape else sizer.text(value))
        return value if self._finalize_text is None else self._finalize_text(value)

    @pass_eval_context
    def _joined_text(self, eval_ctx: EvalContext, pieces: list[Any]) -> str:
        """`a ~ b`: the pieces' text measured, then joined as Jinja joins them."""
        sizer = _Sizer()
        escaping = eval_ctx.autoescape and any(hasattr(piece, "__html__") for piece in pieces)
        self._check_size(sum(map(sizer.escaped if escaping else sizer.text, pieces)), "the ~ operator")
        return markup_join(pieces) if eval_ctx.autoescape else str_join(pieces)

    def _range(self, *args: int) -> range:
        numbers = safe_range(*args)
        _charge(len(numbers))
        return numbers

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        _charge(n * max)
        return str(generate_lorem_ipsum(n=n, html=html, min=min, max=max))

    def _guarded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        pass_arg = _PassArg.from_obj(function)
        predict = _FILTER_SIZES.get(name)
        predicted = (predict, inspect.signature(function)) if predict is not None else None

        @pass_context
        def guarded(context: Context, value: Any = None, *args: Any, **kwargs: Any) -> Any:
            self._checked(value)
            if _sized(value):
                per_item = name in _PER_ITEM_FILTERS or not isinstance(value, str | bytes)
                _charge(1 + (len(value) if per_item else len(value) // _CHARACTERS_PER_STEP))
            else:
                _charge()
            if name in _SIZED_FILTERS:
                for number in (*args, *kwargs.values()):
                    if _is_int(number) and abs(number) > MAX_FORMAT_WIDTH:
                        raise SecurityError(f"{number:,} is too large a width or count for the {name} filter")
            elif name == "replace" and isinstance(value, str) and len(args) >= 2 and isinstance(args[0], str):
                self._check_replace(value, args[0], _Sizer().text(args[1]))
            elif name == "join" and not isinstance(value, str):
                value = list(value) if value is not None else value
                if value is not None:
                    _charge(len(value))
            elif name in ("sum", "urlencode") and isinstance(value, Iterator):
                value = list(value)  # measured, then summed or encoded
            if name not in _VALUE_FILTERS and not isinstance(value, str):
                self._check_size(_Sizer().text(value), f"the {name} filter")
                if predicted is not None and not hasattr(value, "__html__"):
                    value = str(value)  # what the filter does first, done once measured
            leading: tuple[Any, ...] = ()
            if pass_arg is _PassArg.context:
                leading = (context,)
            elif pass_arg is _PassArg.eval_context:
                leading = (context.eval_ctx,)
            elif pass_arg is _PassArg.environment:
                leading = (context.environment,)
            if predicted is not None and (name in _VALUE_FILTERS or isinstance(value, str)):
                size, signature = predicted
                try:
                    given = signature.bind(*leading, value, *args, **kwargs)
                except TypeError:
                    pass  # the filter refuses these arguments itself, in its own words
                else:
                    given.apply_defaults()
                    self._check_size(size(context.eval_ctx, value, given.arguments), f"the {name} filter")
            return self._checked(function(*leading, value, *args, **kwargs))

        guarded.__name__ = getattr(function, "__name__", name)
        guarded.__doc__ = function.__doc__
        return guarded

    # ------------------------------------------------------------ sizes
    def _checked(self, value: Any) -> Any:
        if _sized(value):
            self._check_size(len(value))
        return value

    def _check_size(self, size: int, maker: str | None = None) -> None:
        """Refuse a value of `size` items or characters past the limit; `maker` would build it."""
        if size > self.limits.value_chars:
            built = "the template built" if maker is None else f"{maker} would build"
            raise WorkLimitError(
                f"{built} a value of {size:,} items or characters, more than the "
                f"{self.limits.value_chars:,} a page may hold"
            )

    def _check_repetition(self, left: Any, right: Any) -> None:
        for sequence, count in ((left, right), (right, left)):
            if _sized(sequence) and _is_int(count):
                self._check_size(len(sequence) * max(count, 0))
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SecurityError("the template computed too large a number")

    def _check_replace(self, text: str, old: str, new_length: int) -> None:
        occurrences = text.count(old)  # "" is found in every gap, len(text) + 1 times, as replace fills them
        self._check_size(len(text) + occurrences * max(new_length - len(old), 0))

    def _precheck_text_method(
        self, text: str, method: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> tuple[Any, ...]:
        """Refuse a str method call whose result would be far larger than its inputs.

        Markup's replace escapes the replacement, and its join the items: they are measured so.
        """
        sizer = _Sizer()
        markup = isinstance(text, Markup)
        if method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            self._check_replace(text, args[0], sizer.escaped(args[1]) if markup else len(args[1]))
        elif method == "join" and args:
            items = list(args[0])
            _charge(len(items))
            lengths = map(sizer.escaped, items) if markup else (len(i) for i in items if isinstance(i, str))
            self._check_size(len(text) * len(items) + sum(lengths))
            return (items, *args[1:])
        elif method in ("center", "ljust", "rjust", "zfill", "expandtabs"):
            for number in args:
                if _is_int(number) and abs(number) > MAX_FORMAT_WIDTH:
                    raise SecurityError(f"{number:,} is too large a width for str.{method}")
            tab = args[0] if args else kwargs.get("tabsize", 8)
            if method == "expandtabs" and _is_int(tab):
                self._check_size(len(text) + text.count("\t") * max(tab - 1, 0), "str.expandtabs")
        elif method in _CASE_METHODS:
            self._check_size(_cased_length(text), f"str.{method}")
        elif method == "encode":
            self._check_size(10 * len(text) + 4, "str.encode")  # "\U0001f600" is 10; a BOM 4
        elif method == "translate" and args and isinstance(args[0], dict | list | tuple):
            replacements = args[0].values() if isinstance(args[0], dict) else args[0]
            _charge(len(replacements))
            longest = max((len(item) for item in replacements if isinstance(item, str)), default=1)
            self._check_size(len(text) * max(longest, 1), "str.translate")
        return args


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple | dict | set | frozenset)


# ---------------------------------------------------------------- sizes, before building


class _Sizer:
    """How long a value's text, repr, escaped text or JSON would be, found without building it.

    Sizes are exact or a little more, never less. Containers are walked, a step per item; each
    distinct string and container is measured once (a long string a slice at a time), so a list
    repeating one long string, or one long list, costs a step per item, not the length each time.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[Any, ...], int] = {}
        self._open: set[int] = set()

    def text(self, value: Any) -> int:
        """len(str(value))."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, TemplateModule):  # an imported template's text is its output
            return sum(map(len, value._body_stream))
        if value is None or isinstance(value, (int, float, *_CONTAINERS)):
            return self.repr(value)
        return self._remembered(_str_length, value)

    def repr(self, value: Any) -> int:
        """len(repr(value))."""
        if isinstance(value, str):
            named = len(type(value).__name__) + 2 if type(value) is not str else 0  # Markup('…')
            return 2 + named + self._remembered(_repr_string_length, value)
        if value is None or isinstance(value, bool | float):
            return 24  # the longest float, -1.2345678901234567e-308; None, True and False are shorter
        if isinstance(value, int):
            return value.bit_length() // 3 + 2
        if not isinstance(value, _CONTAINERS):
            return self._remembered(_repr_length, value)
        if id(value) in self._open:  # inside itself: repr writes [...] or <Namespace {...}>
            return 16 + 5
        return self._remembered(self._container_repr, value)

    def _container_repr(self, container: Any) -> int:
        self._open.add(id(container))
        try:
            return 16 + sum(self.repr(item) + 2 for item in _items(container))  # frozenset({…}), ", "
        finally:
            self._open.discard(id(container))

    def escaped(self, value: Any) -> int:
        """len(escape(value)): Markup is already escaped; any other value's text is escaped whole."""
        if hasattr(value, "__html__"):
            return self.text(value)
        if isinstance(value, str):
            return len(value) + self._remembered(_escape_growth, value)
        return 5 * self.text(value)

    def json(self, value: Any, indent: int | None, level: int = 0) -> int:
        """len(tojson(value)), indented `indent` characters a level, or on one line if None."""
        if isinstance(value, str):
            return 2 + self._remembered(_json_string_length, value)
        if value is None or isinstance(value, int | float):
            return self.repr(value)
        if not isinstance(value, dict | list | tuple):
            return 0  # not JSON: json.dumps refuses it
        return self._remembered(self._container_json, value, indent, level)

    def _container_json(self, container: Any, indent: int | None, level: int) -> int:
        _charge(len(container))
        if isinstance(container, dict):
            sizes = [
                self._json_key(key) + 2 + self.json(item, indent, level + 1)
                for key, item in container.items()
            ]
        else:
            sizes = [self.json(item, indent, level + 1) for item in container]
        line = 0 if indent is None else 1 + indent * (level + 1)
        closing = 0 if indent is None or not sizes else 1 + indent * level
        return 2 + sum(size + 2 + line for size in sizes) + closing

    def _json_key(self, key: Any) -> int:
        return self.json(key, None) if isinstance(key, str) else self.repr(key) + 2  # 1 → "1"

    def _remembered(self, measure: Callable[..., int], value: Any, *more: Any) -> int:
        """measure(value, *more), measured once for each value (alive while the sizer is)."""
        key = (measure, id(value), *more)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = measure(value, *more)
        return known


def _items(container: Any) -> Iterable[Any]:
    """What a container's repr is made of (a mapping's keys and values), a step each."""
    if isinstance(container, Namespace):
        container = object.__getattribute__(container, "_Namespace__attrs")
    if isinstance(container, dict | types.MappingProxyType):
        _charge(2 * len(container))
        return itertools.chain(container.keys(), container.values())
    _charge(len(container))
    items: Iterable[Any] = container
    return items


def _sliced_length(text: str, length: Callable[[str], int]) -> int:
    _charge(len(text) // _CHARACTERS_PER_STEP)
    starts = range(0, len(text), _MEASURED_SLICE)
    return sum(length(text[start : start + _MEASURED_SLICE]) for start in starts)


def _str_length(value: Any) -> int:
    return len(str(value))


def _repr_length(value: Any) -> int:
    return len(repr(value))


def _repr_string_length(text: str) -> int:
    """A string's repr less its quotes."""
    return _sliced_length(text, _repr_piece_length)


def _repr_piece_length(piece: str) -> int:
    # A slice may be quoted with " where the whole string needs \' : count every ' as escaped.
    return len(str.__repr__(piece)) - 2 + piece.count("'")


def _json_length(piece: str) -> int:
    return len(encode_basestring_ascii(piece)) - 2


def _json_string_length(text: str) -> int:
    """A string's JSON less its quotes, with <, >, & and ' six characters each, as tojson writes them."""
    return _sliced_length(text, _json_length) + 5 * sum(map(text.count, _HTML_UNSAFE_IN_JSON))


def _escape_growth(text: str) -> int:
    """What escaping adds: &amp; &#34; &#39; are 4 characters more, &lt; and &gt; 3."""
    return 4 * (text.count("&") + text.count('"') + text.count("'")) + 3 * (text.count("<") + text.count(">"))


def _cased_length(text: str) -> int:
    """A change of case keeps ASCII's length; elsewhere a character may become three ("ﬃ" → "FFI")."""
    return len(text) if text.isascii() else 3 * len(text)


def _formatted_size(text: str, values: Any) -> int:
    """The length of `text % values`, or a little more, found without formatting it.

    Refuses a width or precision over MAX_FORMAT_WIDTH or taken from the values (`*`), and a key
    with a parenthesis in it, where only Python's own parser knows the key ends.
    """
    sizer = _Sizer()
    positional = iter(values if isinstance(values, tuple) else (values,))
    size = len(text)
    for spec in _PERCENT_SPEC.finditer(text):
        _charge()
        width, precision, key, kind = spec["width"], spec["precision"], spec["key"], spec["kind"]
        for number in (width, precision):
            if number == "*" or (number is not None and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(
                    f"the format {spec['spec']!r} asks for a width or precision larger than "
                    f"{MAX_FORMAT_WIDTH:,}"
                )
        if key is not None and "(" in key:
            raise SecurityError(f"the format {spec['spec']!r} has a key with a parenthesis in it")
        if kind in ("%", ""):
            continue
        value = values.get(key) if key is not None and isinstance(values, Mapping) else next(positional, None)
        if kind == "a":  # ascii(): a character may take 10, \U0001f600
            converted = 10 * sizer.repr(value)
        elif kind == "r":
            converted = sizer.repr(value)
        else:
            converted = sizer.text(value)
        escaping = 5 if isinstance(text, Markup) else 1  # Markup escapes what it formats
        size += int(width or 0) + int(precision or 0) + _CONVERSION_ALLOWANCE + escaping * converted
    return size


class _CharacterCounter(io.StringIO):
    """A stream that keeps only how many characters were written to it; every 16 are a step."""

    count = 0

    def write(self, text: str) -> int:
        _charge(1 + len(text) // _CHARACTERS_PER_STEP)
        self.count += len(text)
        return len(text)


# What a filter would build, from its value and its arguments by name: the value is text for
# the filters that are not _VALUE_FILTERS.
_FilterSize = Callable[[EvalContext, Any, Mapping[str, Any]], int]


def _indented_size(_context: EvalContext, text: str, given: Mapping[str, Any]) -> int:
    width = given["width"]
    indention = len(width) if isinstance(width, str) else max(width, 0)
    return len(text) + 1 + (1 + sum(map(text.count, _LINE_BREAKS))) * indention


def _wrapped_size(context: EvalContext, text: str, given: Mapping[str, Any]) -> int:
    """Each line holds a character at least; lines and paragraphs are joined by the wrapstring."""
    wrapstring = given["wrapstring"]
    separator = context.environment.newline_sequence if wrapstring is None else wrapstring
    return len(text) + (len(text) + 1) * _Sizer().text(separator)


def _replaced_size(context: EvalContext, text: str, given: Mapping[str, Any]) -> int:
    """As the replace filter does it: when autoescaping meets Markup, the text and the
    replacement are escaped, and the text is searched once escaped."""
    old, new = given["old"], given["new"]
    sizer = _Sizer()
    markup = context.autoescape and any(hasattr(side, "__html__") for side in (text, old, new))
    text_length = sizer.escaped(text) if markup else len(text)
    new_length = sizer.escaped(new) if markup else sizer.text(new)
    if not isinstance(old, str):  # its text's length is at most measured: take the worst
        occurrences, old_length = text_length + 1, 0
    elif markup and not isinstance(text, Markup):  # searched once escaped
        occurrences, old_length = text_length // max(len(old), 1) + 1, len(old)
    else:
        occurrences, old_length = text.count(old), len(old)
    return max(text_length + occurrences * max(new_length - old_length, 0), new_length)


def _urlized_size(context: EvalContext, text: str, given: Mapping[str, Any]) -> int:
    """Any word with a dot, @ or colon in it may become <a href="https://word" rel= target=>word</a>."""
    policies = context.environment.policies
    sizer = _Sizer()
    target = policies["urlize.target"] if given["target"] is None else given["target"]
    rel = sizer.text(given["rel"] or "") + len(" nofollow ") + len(policies["urlize.rel"] or "")
    link = 40 + 5 * rel + sizer.escaped(target or "")
    return 2 * sizer.escaped(text) + (1 + sum(map(text.count, ".@:"))) * link


def _joined_size(context: EvalContext, items: Any, given: Mapping[str, Any]) -> int:
    separator, attribute = given["d"], given["attribute"]
    if attribute is not None:
        items = [make_attrgetter(context.environment, attribute)(item) for item in items]
    sizer = _Sizer()
    sides = itertools.chain([separator], items)
    escaping = context.autoescape and any(hasattr(side, "__html__") for side in sides)
    measure = sizer.escaped if escaping else sizer.text
    if isinstance(items, str):  # joined character by character
        total = len(items) + (_escape_growth(items) if escaping else 0)
    else:
        total = sum(map(measure, items))
    return max(total + max(len(items) - 1, 0) * measure(separator), measure(separator))


def _json_size(_context: EvalContext, value: Any, given: Mapping[str, Any]) -> int:
    indent = given["indent"]
    width = None if indent is None else len(indent) if isinstance(indent, str) else max(indent, 0)
    return _Sizer().json(value, width)


def _url_encoded_size(_context: EvalContext, value: Any, _given: Mapping[str, Any]) -> int:
    sizer = _Sizer()
    if isinstance(value, str) or not isinstance(value, Iterable):
        return _quoted_length(sizer, value)
    pairs = value.items() if isinstance(value, dict) else value
    return sum(_quoted_length(sizer, key) + _quoted_length(sizer, item) + 2 for key, item in pairs)


def _quoted_length(sizer: _Sizer, value: Any) -> int:
    """%-encoded UTF-8: three characters a byte, and up to four bytes a character."""
    length = sizer.text(value)
    return 3 * length if isinstance(value, str) and value.isascii() else 12 * length


def _xml_attributes_size(_context: EvalContext, mapping: Any, _given: Mapping[str, Any]) -> int:
    sizer = _Sizer()
    return 1 + sum(sizer.escaped(key) + sizer.escaped(item) + 4 for key, item in mapping.items())


def _summed_size(context: EvalContext, items: Any, given: Mapping[str, Any]) -> int:
    """Summing lists copies the sum so far at each one: the result's length, and that copying charged."""
    start, attribute = given["start"], given["attribute"]
    if not isinstance(start, list | tuple):
        return 0
    if attribute is not None:
        items = map(make_attrgetter(context.environment, attribute), items)
    length, copied = len(start), 0
    for item in items:
        _charge()
        length += len(item) if _sized(item) else 0
        copied += length
    _charge(copied // _CHARACTERS_PER_STEP)
    return length


def _pretty_printed_size(context: EvalContext, value: Any, _given: Mapping[str, Any]) -> int:
    """pformat builds the whole repr first, then breaks it into lines: both are measured."""
    size = _Sizer().repr(value)
    if size > context.environment.limits.value_chars:  # type: ignore[attr-defined]  # a ThemeSandbox
        return size
    counter = _CharacterCounter()
    pprint.PrettyPrinter(stream=counter).pprint(value)
    return counter.count - 1  # pprint() ends with a newline pformat() leaves out


def _cased_size(_context: EvalContext, text: str, _given: Mapping[str, Any]) -> int:
    return _cased_length(text)


def _escaped_size(_context: EvalContext, text: str, _given: Mapping[str, Any]) -> int:
    return _Sizer().escaped(text)


def _force_escaped_size(_context: EvalContext, text: str, _given: Mapping[str, Any]) -> int:
    return len(text) + _escape_growth(text)


def _format_size(_context: EvalContext, text: str, given: Mapping[str, Any]) -> int:
    return _formatted_size(text, given["kwargs"] or given["args"])


_FILTER_SIZES: dict[str, _FilterSize] = {
    "capitalize": _cased_size,
    "e": _escaped_size,
    "escape": _escaped_size,
    "forceescape": _force_escaped_size,
    "format": _format_size,
    "indent": _indented_size,
    "join": _joined_size,
    "lower": _cased_size,
    "pprint": _pretty_printed_size,
    "replace": _replaced_size,
    "sum": _summed_size,
    "title": _cased_size,
    "tojson": _json_size,
    "upper": _cased_size,
    "urlencode": _url_encoded_size,
    "urlize": _urlized_size,
    "wordwrap": _wrapped_size,
    "xmlattr": _xml_attributes_size,
}


def _readable(obj: Any) -> bool:
    """Whether templates may read attributes of `obj`: the theme's own values and plain data."""
    if isinstance(obj, _READABLE_TYPES):
        return True
    return dataclasses.is_dataclass(obj) and type(obj).__module__.startswith("pressroom.")


def _why_unreadable(obj: Any, attribute: str) -> str:
    kind = type(obj).__name__
    if attribute.startswith("_"):
        return (
            f"{kind}.{attribute}: names starting with _ are Python's internals, which theme "
            "templates may not read"
        )
    if modifies_known_mutable(obj, attribute):
        return f"{kind}.{attribute}: templates may not change the values they are given; build a new one"
    return (
        f"{kind}.{attribute}: templates may read attributes of the site's values (post, site, listing…), "
        f"text, numbers, dates, lists and mappings, not of {kind} objects"
    )


# ---------------------------------------------------------------- before rendering


def static_problems(tree: nodes.Template, template_names: Sequence[str]) -> list[tuple[int, str]]:
    """(line, reason) for every construct a template may never use, found without rendering it.

    The sandbox refuses these at run time too; finding them here names every one, including
    those on paths the sample pages do not take. Only Python's own names are looked for (`__x`,
    and `_Class__x` as Python mangles private names): a front-matter key such as `_build` is
    data and may be read.
    """
    problems: list[tuple[int, str]] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name: object = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            first = node.args[0]
            name = first.value if isinstance(first, nodes.Const) else None
        if isinstance(name, str) and _PYTHON_INTERNAL.match(name):
            problems.append((node.lineno, f"{name}: names like this are Python's internals"))
    for statement in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        target = getattr(statement, "template", None)
        if isinstance(target, nodes.Const) and target.value not in template_names:
            problems.append(
                (statement.lineno, f"there is no template named {target.value!r}: use one of the theme's")
            )
    return sorted(problems)
