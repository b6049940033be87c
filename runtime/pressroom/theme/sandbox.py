"""The Jinja2 sandbox every theme template renders in, and the bound on the work one render may do.

A site owner can replace any template by uploading it under theme/, so templates are untrusted
code. They render in Jinja2's ImmutableSandboxedEnvironment, made stricter: a template reads
attributes only of the values the theme gives it (the views, text, numbers, dates, lists,
mappings, and Jinja's own loop, macro and namespace objects), never a name starting with `_`,
never `str.format`/`format_map`; it cannot change what it is given. Every render is bounded:
each loop turn, call, attribute read, operator and filter is a step, every value and the output
have a size limit, and there is a deadline; a template that exceeds one is refused, not left
running. Refusals are `TemplateRefusedError`, naming the template and the line.
"""

from __future__ import annotations

import dataclasses
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.environment import Template, TemplateModule
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import BlockReference, Context, LoopContext, Macro, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment, modifies_known_mutable, safe_range
from jinja2.utils import Cycler, Joiner, Namespace, _PassArg, generate_lorem_ipsum

from pressroom.theme.refusals import RenderLimits as RenderLimits  # re-exported: imported from here too
from pressroom.theme.refusals import TemplateRefusedError as TemplateRefusedError

COUNTED_LOOP_FILTER = "pressroom_counted_loop"
# Widths and counts a filter or method would multiply into text: center(10**9) is refused
# before it allocates a gigabyte.
MAX_FORMAT_WIDTH = 10_000
MAX_INT_BITS = 100_000
_SIZED_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
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
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
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
        self.globals["range"] = self._range
        self.globals["lipsum"] = self._lipsum
        for name, function in list(self.filters.items()):
            self.filters[name] = self._guarded_filter(name, function)
        self.filters[COUNTED_LOOP_FILTER] = _counted_loop

    def render_page(self, template: str, **values: Any) -> str:
        """Render `template`; a failure of the template's own making is raised as its refusal."""
        try:
            return self.get_template(template).render(**values)
        except TEMPLATE_FAULTS as error:
            raise refusal(error, template) from error

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        """Make `function` available to templates as a filter, within the same bounds."""
        self.filters[name] = self._guarded_filter(name, function)

    # Every for-loop's iterable passes through a filter that counts its turns.
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, COUNTED_LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
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
        if isinstance(__obj, types.BuiltinMethodType) and isinstance(__obj.__self__, str):
            _charge(len(__obj.__self__) // _CHARACTERS_PER_STEP)
            args = __self._precheck_text_method(__obj.__self__, __obj.__name__, args)
        return __self._checked(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _charge()
        if operator == "*":
            self._check_repetition(left, right)
        elif operator == "**" and _is_int(left) and _is_int(right) and right > 0:
            if max(abs(left).bit_length(), 1) * right > MAX_INT_BITS:
                raise SecurityError(f"{left} ** {right} is too large a number for a template")
        elif operator == "+" and _sized(left) and _sized(right):
            self._check_size(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
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

    def _range(self, *args: int) -> range:
        numbers = safe_range(*args)
        _charge(len(numbers))
        return numbers

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        _charge(n * max)
        return str(generate_lorem_ipsum(n=n, html=html, min=min, max=max))

    def _guarded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        pass_arg = _PassArg.from_obj(function)

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
            elif name == "format" and isinstance(value, str):
                _check_percent_format(value)
            elif name == "replace" and isinstance(value, str) and len(args) >= 2:
                self._check_replace(value, str(args[0]), str(args[1]))
            elif name == "join" and not isinstance(value, str):
                value = list(value) if value is not None else value
                if value is not None:
                    _charge(len(value))
            leading: tuple[Any, ...] = ()
            if pass_arg is _PassArg.context:
                leading = (context,)
            elif pass_arg is _PassArg.eval_context:
                leading = (context.eval_ctx,)
            elif pass_arg is _PassArg.environment:
                leading = (context.environment,)
            return self._checked(function(*leading, value, *args, **kwargs))

        guarded.__name__ = getattr(function, "__name__", name)
        guarded.__doc__ = function.__doc__
        return guarded

    # ------------------------------------------------------------ sizes
    def _checked(self, value: Any) -> Any:
        if _sized(value):
            self._check_size(len(value))
        return value

    def _check_size(self, size: int) -> None:
        if size > self.limits.value_chars:
            raise WorkLimitError(
                f"the template built a value of {size:,} items or characters, more than the "
                f"{self.limits.value_chars:,} a page may hold"
            )

    def _check_repetition(self, left: Any, right: Any) -> None:
        for sequence, count in ((left, right), (right, left)):
            if _sized(sequence) and _is_int(count):
                self._check_size(len(sequence) * max(count, 0))
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SecurityError("the template computed too large a number")

    def _check_replace(self, text: str, old: str, new: str) -> None:
        occurrences = len(text) + 1 if not old else text.count(old)
        self._check_size(len(text) + occurrences * max(len(new) - len(old), 0))

    def _precheck_text_method(self, text: str, method: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Refuse a str method call whose result would be far larger than its inputs."""
        if method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            self._check_replace(text, args[0], args[1])
        elif method == "join" and args:
            items = list(args[0])
            _charge(len(items))
            self._check_size(
                len(text) * len(items) + sum(len(item) for item in items if isinstance(item, str))
            )
            return (items, *args[1:])
        elif method in ("center", "ljust", "rjust", "zfill", "expandtabs"):
            for number in args:
                if _is_int(number) and abs(number) > MAX_FORMAT_WIDTH:
                    raise SecurityError(f"{number:,} is too large a width for str.{method}")
        return args


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple | dict | set | frozenset)


def _check_percent_format(text: str) -> None:
    for match in _PERCENT_SPEC.finditer(text):
        for number in match.groups():
            if number == "*" or (number is not None and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(
                    f"the format {match[0]!r} asks for a width or precision larger than {MAX_FORMAT_WIDTH:,}"
                )


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
