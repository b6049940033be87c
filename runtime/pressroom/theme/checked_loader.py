"""Templates that put a value where `escape_text` cannot protect it are refused as they load."""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import BaseLoader, Environment, TemplateSyntaxError

# An expression inside a single-quoted or an unquoted attribute value, e.g. title='{{ x }}'.
_SINGLE_QUOTED_VALUE = re.compile(r"=\s*'([^']*)'", re.DOTALL)
_UNQUOTED_EXPRESSION = re.compile(r"=\s*\{\{")


class CheckedLoader(BaseLoader):
    """Wraps a loader and refuses templates whose attribute values escape_text cannot protect."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        unsafe = [m.start() for m in _SINGLE_QUOTED_VALUE.finditer(source) if "{{" in m[1]]
        unsafe += [m.start() for m in _UNQUOTED_EXPRESSION.finditer(source)]
        if unsafe:
            line = source.count("\n", 0, min(unsafe)) + 1
            raise TemplateSyntaxError(
                "put attribute values that contain {{ … }} in double quotes", line, template, filename
            )
        return source, filename, uptodate
