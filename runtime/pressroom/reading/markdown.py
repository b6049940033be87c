"""Markdown to safe HTML: GitHub-flavoured CommonMark by markdown-it-py, sanitised by nh3.

Tables, strikethrough, autolinks, task lists, alerts and footnotes come from mdit-py-plugins'
GFM plugin; headings get ids (for links and the table of contents); fenced code is highlighted
by Pygments on the server, so pages need no script. Raw HTML is allowed in posts, which is why
every render ends in nh3 with an allowlist: what authors legitimately use stays, scripts,
event handlers and unsafe URLs go.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from html import escape
from typing import TYPE_CHECKING, Any

from pressroom.budgets import OverBudgetError, time_limit
from pressroom.model import Problem
from pressroom.slugs import slugify
from pressroom.views import Heading

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

# Schemes a link or image in a post may use; relative URLs are always allowed.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Iframes are kept only when they embed one of these players.
DEFAULT_EMBED_PREFIXES = (
    "https://www.youtube.com/embed/",
    "https://www.youtube-nocookie.com/embed/",
    "https://player.vimeo.com/video/",
)
WORDS_PER_MINUTE = 220
# Larger code blocks are shown plain: highlighting them would cost more than they are worth.
MAX_HIGHLIGHTED_CODE = 100_000
# CPU time one body's code blocks may take to highlight, in all: a lexer that backtracks on a few
# dozen characters (an open class of Pygments bugs) is stopped, and the blocks left are shown
# without colours. See docs/limits.md for how these budgets fit the functions' timeouts.
HIGHLIGHT_SECONDS = 1.0
# CPU time parsing, rendering and sanitising one body may take; past it the body is published as
# its plain text, in paragraphs. No body CommonMark reads in linear time comes near it.
MARKDOWN_SECONDS = 4.0
# How deep a body's raw HTML may nest elements. The sanitiser takes time that grows with the
# square of the depth (40,000 nested <div>s: 8 s, in Rust code no budget can interrupt), and no
# page needs more than a few dozen; a deeper body is published as its plain text.
MAX_HTML_NESTING = 256
CODE_CSS_CLASS = "highlight"

_EXTRA_TAGS = {
    "input",
    "section",
    "iframe",
    "figure",
    "figcaption",
    "details",
    "summary",
    "picture",
    "source",
}
_EXTRA_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "lang", "title", "aria-label", "aria-hidden", "role"},
    "a": {"href", "hreflang", "title", "rel", "data-footnote-ref", "data-footnote-backref"},
    "img": {"src", "alt", "title", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "source": {"srcset", "type", "media", "sizes"},
    "th": {"style", "align", "scope"},
    "td": {"style", "align"},
    "ol": {"start", "type"},
    "input": {"type", "checked", "disabled"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "time": {"datetime"},
}
# Elements that never hold others (void), or that the next of their kind closes (optional end
# tags): neither makes the tree deeper.
_NOT_NESTING = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
        "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
        "optgroup", "rp", "rt", "colgroup",
    }
)  # fmt: skip
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")
_CLASS_OF_CODE = re.compile(r"language-[A-Za-z0-9_+#-]{1,40}")


@dataclass(frozen=True)
class RenderedBody:
    """A post body as HTML, with what the page around it needs to know about it.

    `text` is the text of its paragraphs as a reader sees them (not code, tables, footnotes or
    alert titles), read from the Markdown's tokens, as the headings' texts in `toc` are; None
    when the body holds raw HTML or a construct whose shown text only the HTML tells, and then
    the theme reads both from `html`.
    """

    html: str
    toc: tuple[Heading, ...] = ()
    words: int = 0
    text: str | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class MarkdownRenderer:
    """Configured once per container: the parser, the sanitiser's allowlist and the embeds.

    The parser and the allowlist are made by the first render, and markdown-it-py and nh3
    imported then: a cold start that renders nothing does not load them.
    """

    embed_prefixes: tuple[str, ...] = DEFAULT_EMBED_PREFIXES

    @cached_property
    def _parser(self) -> MarkdownIt:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.anchors import anchors_plugin
        from mdit_py_plugins.gfm import gfm_plugin

        parser = MarkdownIt("commonmark", {"html": True, "highlight": _highlight})
        parser.use(gfm_plugin)
        # The page's title is its only h1: a body that uses # headings is moved down a level.
        parser.core.ruler.push("pressroom_demote_headings", _demote_headings)
        parser.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_slug)
        parser.core.ruler.push("pressroom_label_task_items", _label_task_items)
        parser.add_render_rule("list_item_open", _render_list_item_open)
        parser.add_render_rule("fence", _render_fence)
        return parser

    @cached_property
    def _clean(self) -> Callable[..., str]:
        """nh3 with the allowlist, configured once: every page is sanitised with it."""
        import nh3

        attributes = {tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()}
        for tag, values in _EXTRA_ATTRIBUTES.items():
            attributes[tag] = attributes.get(tag, set()) | values
        return partial(
            nh3.clean,
            tags=set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS,
            clean_content_tags={"script", "style", "template", "noscript"},
            attributes=attributes,
            attribute_filter=self._filter_attribute,
            url_schemes=set(ALLOWED_URL_SCHEMES),
            filter_style_properties={"text-align"},
            link_rel=None,
        )

    def render(self, body: str) -> RenderedBody:
        """Render a post body; entities such as `&#39;` come out as the characters they name.

        Work is bounded (HIGHLIGHT_SECONDS, MARKDOWN_SECONDS): what runs over is shown plainer,
        and `warnings` says what and where.
        """
        highlighting = _Highlighting(remaining=HIGHLIGHT_SECONDS)
        reset = _HIGHLIGHTING.set(highlighting)
        try:
            with time_limit(MARKDOWN_SECONDS, "rendering Markdown"):
                tokens = self._parser.parse(body)
                html = self._parser.renderer.render(tokens, self._parser.options, {})
                if html_depth(html) > MAX_HTML_NESTING:
                    return _plain_body(body, f"its HTML nests elements more than {MAX_HTML_NESTING} deep")
                rendered = RenderedBody(
                    html=self._allowlisted(html),  # its depth was checked just above
                    toc=tuple(_headings(tokens)),
                    words=_count_words(tokens),
                    text=_paragraph_text(tokens),
                    warnings=tuple(highlighting.warnings),
                )
        except OverBudgetError as over:
            if over.step != "rendering Markdown":
                raise
            return _plain_body(body)
        finally:
            _HIGHLIGHTING.reset(reset)
        return rendered

    def sanitize(self, html: str) -> str:
        """Keep only allowlisted tags, attributes, classes, URL schemes and embeds (only the text,
        of HTML nested more than MAX_HTML_NESTING deep)."""
        if html_depth(html) > MAX_HTML_NESTING:
            return str(self._clean(html, tags=set()))
        return self._allowlisted(html)

    def _allowlisted(self, html: str) -> str:
        """`sanitize` for HTML whose depth is known to be within MAX_HTML_NESTING."""
        clean = self._clean(html)
        return _EMPTY_IFRAME.sub("", clean)  # an embed from a player not allowed lost its src

    def _filter_attribute(self, tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src":
            return value if value.startswith(self.embed_prefixes) else None
        if tag == "input" and attribute == "type":
            return value if value == "checkbox" else None
        if attribute == "class" and tag == "code":
            return value if _CLASS_OF_CODE.fullmatch(value) else None
        return value


def render_markdown(body: str) -> str:
    """Render a post body to safe HTML with the default settings."""
    return _DEFAULT.render(body).html


def sanitize_html(html: str) -> str:
    return _DEFAULT.sanitize(html)


def code_stylesheet(style: str = "friendly") -> str:
    """The CSS for highlighted code, scoped to its blocks."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style=style).get_style_defs(f".{CODE_CSS_CLASS}"))  # type: ignore[no-untyped-call]


# Pygments is imported, and each language's lexer found, on the first block that needs it: a
# container whose posts have no code never loads it.
@cache
def _formatter() -> HtmlFormatter[str]:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


@cache
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


@dataclass
class _Highlighting:
    """One body's highlighting: the time its code blocks have left, the line of the block being
    rendered, and the blocks shown without colours."""

    remaining: float
    line: int | None = None
    warnings: list[Problem] = field(default_factory=list)


_HIGHLIGHTING: ContextVar[_Highlighting | None] = ContextVar("pressroom_highlighting", default=None)


def _render_fence(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any) -> str:
    """The default fence rule, noting the block's line for a warning about its highlighting."""
    highlighting = _HIGHLIGHTING.get()
    token_map = tokens[index].map
    if highlighting is not None and token_map:
        highlighting.line = token_map[0] + 1
    return str(type(renderer).fence(renderer, tokens, index, options, env))


def _highlight(code: str, language: str, _attributes: Any) -> str:
    if not language or len(code) > MAX_HIGHLIGHTED_CODE or len(language) > 40:
        return ""
    lexer = _lexer(language.lower())
    if lexer is None:
        return ""
    highlighting = _HIGHLIGHTING.get() or _Highlighting(remaining=HIGHLIGHT_SECONDS)
    if highlighting.remaining <= 0:
        return ""
    from pygments import highlight

    started = time.process_time()
    try:
        with time_limit(highlighting.remaining, "highlighting code"):
            spans = highlight(code, lexer, _formatter())
    except OverBudgetError as over:
        if over.step != "highlighting code":
            raise
        highlighting.remaining = 0
        highlighting.warnings.append(
            Problem(
                f"this {language} code block took too long to highlight (over {HIGHLIGHT_SECONDS:g} s "
                "for the post's code in all): it and the code blocks after it are shown without colours",
                line=highlighting.line,
            )
        )
        return ""
    highlighting.remaining -= time.process_time() - started
    language_class = escape(f"language-{language}", quote=True)
    return f'<pre class="{CODE_CSS_CLASS}"><code class="{language_class}">{spans}</code></pre>\n'


def html_depth(html: str) -> int:
    """How deep the HTML's elements nest, as its tags say (end tags a browser would infer are not
    guessed: unclosed elements count as open); in one pass."""
    depth = deepest = 0
    for tag in _HTML_TAG.finditer(html):
        if tag[2].lower() in _NOT_NESTING:
            continue
        depth = max(depth - 1, 0) if tag[1] else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _plain_body(body: str, why: str | None = None) -> RenderedBody:
    """A body Markdown cannot render within its budget, as its text: escaped, in paragraphs.

    `why`: what in it was refused; None when it took too long to render."""
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", body)]
    html = "".join(f"<p>{escape(text)}</p>\n" for text in paragraphs if text)
    if why is None:
        why = f"its Markdown took too long to render (over {MARKDOWN_SECONDS:g} s)"
    warning = Problem(
        f"this post could not be rendered as written: {why}; it is shown as plain text. Look for "
        "very long runs of brackets, list items or unclosed HTML tags"
    )
    words = sum(len(text.split()) for text in paragraphs)
    return RenderedBody(html=html, words=words, warnings=(warning,))


def _heading_slug(text: str) -> str:
    return slugify(text) or "section"


def _demote_headings(state: StateCore) -> None:
    tokens = state.tokens
    if not any(token.type == "heading_open" and token.tag == "h1" for token in tokens):
        return
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _label_task_items(state: StateCore) -> None:
    """Note each task item's text, which names its checkbox for screen readers (see below)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "list_item_open" and token.meta and "checked" in token.meta:
            following = (tokens[at] for at in range(index + 1, len(tokens)))  # not a slice: linear
            inline = next((t for t in following if t.type == "inline"), None)
            token.meta["label"] = _plain_text(inline)[:200] if inline is not None else ""


def _render_list_item_open(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any) -> str:
    html = str(type(renderer).list_item_open(renderer, tokens, index, options, env))  # the default rule
    label = (tokens[index].meta or {}).get("label")
    if label:
        html = html.replace("<input ", f'<input aria-label="{escape(label, quote=True)}" ', 1)
    return html


def _plain_text(inline: Token) -> str:
    """An inline token's text without its Markdown: what a reader sees."""
    return "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    ).strip()


def _headings(tokens: list[Token]) -> Iterable[Heading]:
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id") and token.tag in ("h2", "h3"):
            inline = tokens[index + 1]
            shown = _shown_text(inline, footnote_refs=False)
            text = " ".join(shown.split()) if shown is not None else _plain_text(inline)
            yield Heading(level=int(token.tag[1]), id=str(token.attrGet("id")), text=text)


# Inline tokens whose shown text is their children's; any other (raw HTML, a footnote
# reference in a heading, a plugin's) makes the text the rendered HTML's to tell.
_MARKUP_TOKENS = frozenset(
    f"{name}_{side}" for name in ("em", "strong", "s", "link") for side in ("open", "close")
) | {"image"}
_TEXT_TOKENS = frozenset({"text", "text_special", "code_inline"})
_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})


def _shown_text(inline: Token, footnote_refs: bool) -> str | None:
    """An inline token's text as the rendered HTML shows it; None if only the HTML can tell.

    `footnote_refs`: the token may hold footnote references, which are left out (they are
    superscript numbers, not text).
    """
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in _BREAK_TOKENS:
            parts.append("\n")
        elif child.type == "footnote_ref" and footnote_refs:
            continue
        elif child.type not in _MARKUP_TOKENS:
            return None
    return "".join(parts)


def _paragraph_text(tokens: list[Token]) -> str | None:
    """The text of the body's visible paragraphs, each followed by a space (see RenderedBody.text)."""
    parts: list[str] = []
    in_footnotes = False
    for index, token in enumerate(tokens):
        if token.type in ("html_block", "html_inline"):
            return None
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            if _shown_text(tokens[index + 1], footnote_refs=False) is None:
                return None  # the table of contents needs the heading's text from the HTML
        elif token.type == "footnote_block_open":
            in_footnotes = True
        elif token.type == "footnote_block_close":
            in_footnotes = False
        elif token.type == "paragraph_open" and not token.hidden and not in_footnotes:
            inline = tokens[index + 1]
            shown = _shown_text(inline, footnote_refs=True) if inline.type == "inline" else ""
            if shown is None:
                return None
            parts.append(shown + " ")
        elif token.type == "inline" and any(child.type == "html_inline" for child in token.children or []):
            return None
    return "".join(parts)


def _count_words(tokens: list[Token]) -> int:
    words = 0
    for token in tokens:
        if token.type == "inline":
            words += len(token.content.split())
        elif token.type in ("fence", "code_block"):
            words += len(token.content.split()) // 2  # code is skimmed, not read word by word
    return words


_DEFAULT = MarkdownRenderer()
