"""The stylesheet: fingerprinted by content, code colours at AA contrast in both schemes."""

from __future__ import annotations

import hashlib
import re

import pytest
from theme_fixtures import SITE, THEME_DIR, parse

import pressroom
import pressroom.theme.stylesheet
from pressroom.reading.markdown import code_stylesheet
from pressroom.theme import DARK_CODE_STYLE, LIGHT_CODE_STYLE, Theme, build_stylesheet
from pressroom.theme.rendering import STYLESHEET_RECHECK_SECONDS
from pressroom.theme.stylesheet import MAX_STYLESHEET_BYTES, site_css, stylesheet_problems


def test_stylesheet_key_is_the_fingerprint_of_its_body(theme: Theme):
    key, body = theme.stylesheet()

    assert re.fullmatch(r"assets/theme/style\.[0-9a-f]{12}\.css", key)
    assert key == f"assets/theme/style.{hashlib.sha256(body).hexdigest()[:12]}.css"
    assert theme.site.stylesheet == "/" + key
    assert theme.site.title == SITE.title
    assert theme.site.base_url == SITE.base_url
    assert SITE.stylesheet == "/assets/theme/style.css"  # the SiteInfo passed in is left as it was


def test_stylesheet_is_the_theme_css_then_light_then_dark_code_colours(theme: Theme):
    _, body = theme.stylesheet()
    css = body.decode("utf-8")

    site_css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")
    assert css.startswith(site_css.rstrip())
    light = code_stylesheet(LIGHT_CODE_STYLE)
    assert light.strip() in css
    dark_block = css[css.rindex("@media (prefers-color-scheme: dark)") :]
    assert css.index(light.strip()) < css.index(dark_block)
    dark_rules = {line.strip() for line in dark_block.splitlines()[1:-1]}
    assert dark_rules == {
        line.strip() for line in code_stylesheet(DARK_CODE_STYLE).splitlines() if line.startswith(".")
    }


def test_every_coloured_code_token_gets_a_dark_colour():
    # Otherwise a light scheme colour would stay on the dark code background
    def coloured(css: str) -> set[str]:
        return {m[1] for m in re.finditer(r"^\s*(\.highlight[^{]*?) \{[^}]*\bcolor:", css, re.MULTILINE)}

    assert coloured(code_stylesheet(LIGHT_CODE_STYLE)) <= coloured(code_stylesheet(DARK_CODE_STYLE))


def test_stylesheet_key_changes_when_the_css_changes(monkeypatch: pytest.MonkeyPatch):
    before = build_stylesheet("body { color: black; }")
    after = build_stylesheet("body { color: #111; }")

    assert before[0] != after[0]
    assert build_stylesheet("body { color: black; }") == before

    # A new Pygments version (different code CSS) is a new file, and pages follow it
    original = Theme(SITE).stylesheet()[0]  # read by the first use, not when the Theme is made

    def other_colours(style: str) -> str:
        return f".highlight .k {{ color: #000 }} /* {style} */"

    monkeypatch.setattr(pressroom.theme.stylesheet, "code_stylesheet", other_colours)
    changed = Theme(SITE)
    assert changed.stylesheet()[0] != original
    page = parse(changed.render_not_found())
    assert page.one("link", rel="stylesheet").attrs["href"] == "/" + changed.stylesheet()[0]


def test_templates_and_css_carry_no_script_or_inline_style():
    templates = {p.name: p.read_text(encoding="utf-8") for p in (THEME_DIR / "templates").glob("*.j2")}
    css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")

    for name, source in templates.items():
        assert re.findall(r"<script[^>]*>", source) in ([], ['<script type="application/ld+json">']), name
        assert "<style" not in source, name
        assert " style=" not in source, name
        assert not re.search(r"\son[a-z]+=", source), name
    assert "javascript:" not in css.lower()
    assert "expression(" not in css.lower()
    assert "@import" not in css


# ---------------------------------------------------------------- colour contrast


def _variables(css: str, selector_start: int) -> dict[str, str]:
    block = css[css.index("{", css.index(":root", selector_start)) :]
    block = block[: block.index("}")]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", block))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _schemes() -> dict[str, dict[str, str]]:
    css = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")
    light = _variables(css, 0)
    dark = {**light, **_variables(css, css.index("@media (prefers-color-scheme: dark)"))}
    return {"light": light, "dark": dark}


TEXT_PAIRS = [
    (fg, bg)
    for fg in ("text", "heading", "muted", "accent", "accent-hover")
    for bg in ("bg", "surface", "surface-2")
] + [
    ("text", "code-bg"),
    ("text", "code-inline-bg"),
    ("bg", "accent"),
    ("bg", "heading"),
    ("bg", "accent-hover"),
    ("mark-text", "mark-bg"),
    *[(f"alert-{kind}", "surface-2") for kind in ("note", "tip", "important", "warning", "caution")],
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_meet_wcag_aa_in_both_schemes(scheme: str):
    colours = _schemes()[scheme]

    low = {
        (fg, bg): round(_contrast(colours[fg], colours[bg]), 2)
        for fg, bg in TEXT_PAIRS
        if _contrast(colours[fg], colours[bg]) < 4.5
    }
    assert low == {}
    assert _contrast(colours["focus"], colours["bg"]) >= 3  # the focus ring, a non-text indicator


@pytest.mark.parametrize(("scheme", "style"), [("light", LIGHT_CODE_STYLE), ("dark", DARK_CODE_STYLE)])
def test_code_token_colours_meet_wcag_aa_on_the_code_background(scheme: str, style: str):
    background = _schemes()[scheme]["code-bg"]
    css = code_stylesheet(style)

    low = {
        selector: colour
        for selector, colour in re.findall(
            r"^(\.highlight \.\w+) \{ color: (#[0-9A-Fa-f]{3,6})", css, re.MULTILINE
        )
        if selector != ".highlight .w"  # whitespace
        and _contrast(_six(colour), background) < 4.5
    }
    assert low == {}


def _six(colour: str) -> str:
    digits = colour.lstrip("#")
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def test_an_uploaded_stylesheet_replaces_the_packaged_css_and_is_read_again_after_a_while(
    monkeypatch: pytest.MonkeyPatch,
):
    uploads: list[str | None] = ["body { color: #123; }"]
    reads: list[int] = []

    def uploaded() -> str | None:
        reads.append(1)
        return uploads[-1]

    clock = [1000.0]
    monkeypatch.setattr("pressroom.theme.rendering.time.monotonic", lambda: clock[0])
    theme = Theme(SITE, uploaded_css=uploaded)

    key, body = theme.stylesheet()
    assert body.decode().startswith("body { color: #123; }")
    assert theme.site.stylesheet == "/" + key
    theme.refresh_stylesheet()
    assert theme.stylesheet()[0] == key
    assert len(reads) == 1  # trusted for a while

    uploads.append(None)  # the owner deleted theme/style.css
    clock[0] += STYLESHEET_RECHECK_SECONDS
    assert theme.stylesheet()[0] == key  # never changed behind a stage's back: only when it asks
    theme.refresh_stylesheet()
    assert theme.stylesheet() == build_stylesheet(site_css())
    assert len(reads) == 2

    uploads.append("body { color: #456; }")
    theme.forget_templates()  # a republish reads it at once
    assert theme.stylesheet()[1].decode().startswith("body { color: #456; }")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("style.css", b"body { color: red; }", None),
        ("print.css", b"body {}", "only theme/style.css replaces the site's stylesheet"),
        ("style.css", b"\xff\xfe body", "must be UTF-8 text"),
        ("style.css", b" " * (MAX_STYLESHEET_BYTES + 1), "too large for the stylesheet"),
    ],
)
def test_an_uploaded_stylesheet_is_checked(name: str, data: bytes, problem: str | None):
    problems = stylesheet_problems(name, data)

    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1
        assert problem in problems[0]
