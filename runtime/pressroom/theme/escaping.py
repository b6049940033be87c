"""Escaping: every value a template prints is made safe for HTML and XML text and double-quoted
attributes, and templates that put a value where that is not enough are refused."""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import BaseLoader, Environment, TemplateSyntaxError
from markupsafe import Markup

# An expression inside a single-quoted or an unquoted attribute value, e.g. title='{{ x }}'.
_SINGLE_QUOTED_VALUE = re.compile(r"=\s*'([^']*)'", re.DOTALL)
_UNQUOTED_EXPRESSION = re.compile(r"=\s*\{\{")
# Characters neither XML 1.0 nor HTML accepts in a document: C0 and C1 controls (but tab, line
# feed and carriage return), lone surrogates and the two non-characters U+FFFE and U+FFFF.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape_text(value: object) -> Markup:
    """Escape for HTML (and XML) text and double-quoted attributes, leaving apostrophes as typed.

    Jinja2's default escaping writes ' as &#39;, which is safe but shows up in page sources,
    feeds and e-mails. Templates are held to double-quoted attributes (see CheckedLoader),
    where an apostrophe needs no escaping. Control characters are dropped: one would make a
    feed ill-formed XML.
    """
    if isinstance(value, Markup):
        return value
    text = UNPRINTABLE.sub("", str(value))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    return Markup(escaped)  # noqa: S704 - escaped on the line above


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
