"""The site's Jinja2 theme: pages, feeds and the stylesheet from plain values, escaped whatever they hold.

Templates see only the views in `pressroom.views` and `site`, and run in the bounded sandbox of
`pressroom.theme.sandbox`: the packaged theme and every template a site owner uploads alike. Every
value a template prints goes through `escape_text`; the one exception is a post's body, which
the Markdown renderer has already sanitised. Pages link one stylesheet, fingerprinted by its
content, and carry no script but their JSON-LD data.

Each name below is imported from its module when it is first read, so that importing this
package (for THEME_PREFIX, or the Theme class a stage is built with) loads neither Jinja2 nor
the checks of uploaded templates.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pressroom.theme.body import EXCERPT_LENGTH, excerpt, table_of_contents
    from pressroom.theme.checked_loader import CheckedLoader
    from pressroom.theme.checks import MAX_TEMPLATE_CHARS, SAMPLE_RENDER_LIMITS, template_problems
    from pressroom.theme.escaping import escape_text
    from pressroom.theme.filters import format_date, html_text, one_line, rfc822_datetime, w3c_datetime
    from pressroom.theme.loaders import STYLESHEET_OVERRIDE, THEME_PREFIX, packaged_templates
    from pressroom.theme.refusals import TemplateRefusedError
    from pressroom.theme.rendering import ATOM_PATH, RSS_PATH, Theme
    from pressroom.theme.stylesheet import (
        DARK_CODE_STYLE,
        LIGHT_CODE_STYLE,
        STYLESHEET_KEY_PREFIX,
        build_stylesheet,
    )

_MODULES = {
    "body": ("EXCERPT_LENGTH", "excerpt", "table_of_contents"),
    "checked_loader": ("CheckedLoader",),
    "checks": ("MAX_TEMPLATE_CHARS", "SAMPLE_RENDER_LIMITS", "template_problems"),
    "escaping": ("escape_text",),
    "filters": ("format_date", "html_text", "one_line", "rfc822_datetime", "w3c_datetime"),
    "loaders": ("STYLESHEET_OVERRIDE", "THEME_PREFIX", "packaged_templates"),
    "refusals": ("TemplateRefusedError",),
    "rendering": ("ATOM_PATH", "RSS_PATH", "Theme"),
    "stylesheet": ("DARK_CODE_STYLE", "LIGHT_CODE_STYLE", "STYLESHEET_KEY_PREFIX", "build_stylesheet"),
}
_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "ATOM_PATH", "DARK_CODE_STYLE", "EXCERPT_LENGTH", "LIGHT_CODE_STYLE", "MAX_TEMPLATE_CHARS", "RSS_PATH",
    "SAMPLE_RENDER_LIMITS", "STYLESHEET_KEY_PREFIX", "STYLESHEET_OVERRIDE", "THEME_PREFIX", "CheckedLoader",
    "TemplateRefusedError",
    "Theme", "build_stylesheet", "escape_text", "excerpt", "format_date", "html_text", "one_line",
    "packaged_templates", "rfc822_datetime", "table_of_contents", "template_problems", "w3c_datetime",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # read once: the next read finds it here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
