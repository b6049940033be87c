"""The site's one stylesheet: the theme's CSS and the code colours, named by its content."""

from __future__ import annotations

import hashlib
from importlib.resources import files

from pressroom.reading.markdown import code_stylesheet
from pressroom.theme.loaders import STYLESHEET_OVERRIDE

STYLESHEET_KEY_PREFIX = "assets/theme/style."
MAX_STYLESHEET_BYTES = 256_000
# Pygments styles for highlighted code. Both keep every token at WCAG AA contrast (4.5:1) on
# their own background, which style.css uses for every code block (--code-bg).
LIGHT_CODE_STYLE = "default"
DARK_CODE_STYLE = "github-dark"


def build_stylesheet(site_css: str) -> tuple[str, bytes]:
    """The site's CSS: `site_css`, then code colours for light and, in dark mode, dark schemes.

    Returns (key, body); the key names the body's content, so the file can be cached forever.
    """
    dark = "\n".join(
        "  " + line for line in code_stylesheet(DARK_CODE_STYLE).splitlines() if line.startswith(".")
    )
    css = (
        f"{site_css.rstrip()}\n\n"
        f"/* Highlighted code: Pygments {LIGHT_CODE_STYLE!r}, and {DARK_CODE_STYLE!r} in dark mode. */\n"
        f"{code_stylesheet(LIGHT_CODE_STYLE).rstrip()}\n"
        f"@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
    body = css.encode("utf-8")
    return f"{STYLESHEET_KEY_PREFIX}{hashlib.sha256(body).hexdigest()[:12]}.css", body


def stylesheet_problems(name: str, data: bytes) -> list[str]:
    """Why an uploaded file cannot replace the site's stylesheet, or [] if it can."""
    if name != STYLESHEET_OVERRIDE:
        return [f"{name}: only theme/{STYLESHEET_OVERRIDE} replaces the site's stylesheet"]
    if len(data) > MAX_STYLESHEET_BYTES:
        return [
            f"{name}: {len(data):,} bytes is too large for the stylesheet (at most {MAX_STYLESHEET_BYTES:,})"
        ]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return [f"{name}: the stylesheet must be UTF-8 text"]
    return []


def site_css() -> str:
    return files("pressroom").joinpath("theme/static/style.css").read_text(encoding="utf-8")
