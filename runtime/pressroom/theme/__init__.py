"""The site's Jinja2 theme: pages, feeds and the stylesheet from plain values, escaped whatever they hold.

Templates see only the views in `pressroom.views` and `site`, and run in the bounded sandbox of
`pressroom.theme.sandbox`: the packaged theme and every template a site owner uploads alike. Every
value a template prints goes through `escape_text`; the one exception is a post's body, which
the Markdown renderer has already sanitised. Pages link one stylesheet, fingerprinted by its
content, and carry no script but their JSON-LD data.
"""

from pressroom.theme.body import EXCERPT_LENGTH, excerpt, table_of_contents
from pressroom.theme.checks import MAX_TEMPLATE_CHARS, SAMPLE_RENDER_LIMITS, template_problems
from pressroom.theme.escaping import CheckedLoader, escape_text
from pressroom.theme.filters import format_date, html_text, one_line, rfc822_datetime, w3c_datetime
from pressroom.theme.loaders import THEME_PREFIX, packaged_templates
from pressroom.theme.rendering import ATOM_PATH, RSS_PATH, Theme
from pressroom.theme.sandbox import TemplateRefusedError
from pressroom.theme.stylesheet import (
    DARK_CODE_STYLE,
    LIGHT_CODE_STYLE,
    STYLESHEET_KEY_PREFIX,
    build_stylesheet,
)

__all__ = [
    "ATOM_PATH", "DARK_CODE_STYLE", "EXCERPT_LENGTH", "LIGHT_CODE_STYLE", "MAX_TEMPLATE_CHARS", "RSS_PATH",
    "SAMPLE_RENDER_LIMITS", "STYLESHEET_KEY_PREFIX", "THEME_PREFIX", "CheckedLoader", "TemplateRefusedError",
    "Theme", "build_stylesheet", "escape_text", "excerpt", "format_date", "html_text", "one_line",
    "packaged_templates", "rfc822_datetime", "table_of_contents", "template_problems", "w3c_datetime",
]  # fmt: skip
