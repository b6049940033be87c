"""Escaping: every value a template prints is made safe for HTML and XML text and double-quoted
attributes, and templates that put a value where that is not enough are refused (CheckedLoader,
in `pressroom.theme.checked_loader`)."""

from __future__ import annotations

import re

from markupsafe import Markup

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
