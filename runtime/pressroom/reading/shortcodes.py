"""Hugo's built-in shortcodes in a post body, expanded to the Markdown and HTML Hugo would give.

A post written for Hugo uses `{{< figure src="a.jpg" >}}`, `{{< youtube id >}}`, `{{< ref "x.md" >}}`,
paired `{{< highlight go >}}…{{< /highlight >}}` and `{{< details >}}…{{< /details >}}`. Left
alone they would reach readers as raw syntax. `expand` rewrites the ones pressroom renders
(`figure`, `youtube`, `vimeo`, `highlight`, `ref`, `relref`, `details`) before the body goes to
Markdown (whose HTML is then sanitised as any post's), and leaves out every other shortcode
with a warning naming it and its line; a paired one keeps what it encloses.

Inside fenced code blocks shortcodes are shown as written, except that Hugo's escaped form
`{{</* name */>}}` becomes `{{< name >}}` there and everywhere else, as in Hugo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import PurePosixPath

from pressroom.filenames import markdown_stem
from pressroom.model import Problem
from pressroom.slugs import slugify, split_file_name

RENDERED = ("figure", "youtube", "vimeo", "highlight", "ref", "relref", "details")
PAIRED = frozenset({"highlight", "details"})

_SHORTCODE = re.compile(r"\{\{(?:<(?P<angle>.*?)>|%(?P<percent>.*?)%)\}\}", re.DOTALL)
_ESCAPED = re.compile(r"\{\{(?:</\*(?P<angle>.*?)\*/>|%/\*(?P<percent>.*?)\*/%)\}\}", re.DOTALL)
_NAME = re.compile(r"\s*(?P<closing>/)?\s*(?P<name>[A-Za-z][\w.-]*)(?P<arguments>.*)", re.DOTALL)
_ARGUMENT = re.compile(
    r"""(?:(?P<key>[A-Za-z_][\w-]*)=)?(?P<value>"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)""", re.DOTALL
)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")


@dataclass(frozen=True)
class Shortcode:
    name: str
    closing: bool
    positional: tuple[str, ...]
    named: dict[str, str]
    start: int
    end: int
    line: int

    def get(self, key: str, position: int | None = None) -> str:
        """A named argument, or (if the shortcode uses none by that name) a positional one."""
        if key in self.named:
            return self.named[key]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return ""


@dataclass
class Expansion:
    body: str
    warnings: list[Problem] = field(default_factory=list)


def expand(body: str) -> Expansion:
    """The body with Hugo's shortcodes expanded (see the module's docstring), and what was left out."""
    if "{{" not in body:
        return Expansion(body)
    parts: list[str] = []
    warnings: list[Problem] = []
    lines_before = 0
    for text, in_code in _segments(body):
        if in_code:
            parts.append(_unescape(text))
        else:
            expanded, found = _expand_prose(text, line_offset=lines_before)
            parts.append(expanded)
            warnings += found
        lines_before += text.count("\n")
    return Expansion("".join(parts), warnings)


def warnings_in(body: str) -> list[Problem]:
    """What `expand` would leave out of this body, for validation to report."""
    return expand(body).warnings


def _segments(body: str) -> Iterator[tuple[str, bool]]:
    """The body as runs of prose and of fenced code (True), in order, joined back unchanged."""
    lines = body.splitlines(keepends=True)
    run: list[str] = []
    fence: str | None = None
    for line in lines:
        opening = _FENCE.match(line)
        if fence is None and opening:
            if run:
                yield "".join(run), False
            run, fence = [line], opening.group("fence")
        elif fence is not None and _closes(line, fence):
            run.append(line)
            yield "".join(run), True
            run, fence = [], None
        else:
            run.append(line)
    if run:
        yield "".join(run), fence is not None


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _unescape(text: str) -> str:
    return _ESCAPED.sub(
        lambda m: "{{<" + m["angle"] + ">}}" if m["angle"] is not None else "{{%" + m["percent"] + "%}}", text
    )


def _expand_prose(text: str, line_offset: int) -> tuple[str, list[Problem]]:
    warnings: list[Problem] = []
    shortcodes = list(_shortcodes(text, line_offset))
    out: list[str] = []
    position = 0
    index = 0
    while index < len(shortcodes):
        code = shortcodes[index]
        out.append(_unescape(text[position : code.start]))
        position = code.end
        index += 1
        if code.closing:
            warnings.append(
                _warning(code, f"`{{{{< /{code.name} >}}}}` closes a shortcode that was never opened")
            )
            continue
        inner = None
        closer = _closer(shortcodes, index, code.name)
        if closer is not None:
            inner = text[code.end : shortcodes[closer].start]
            if code.name == "highlight":
                inner = _unescape(inner)  # code, shown as written
            else:
                inner, enclosed = _expand_prose(inner, line_offset + text[: code.end].count("\n"))
                warnings += enclosed
            position = shortcodes[closer].end
            index = closer + 1
        elif code.name in PAIRED:
            warnings.append(_warning(code, f"`{code.name}` has no closing `{{{{< /{code.name} >}}}}`"))
            inner = ""
        rendered, problem = _render(code, inner)
        if problem:
            warnings.append(_warning(code, problem))
        out.append(rendered)
    out.append(_unescape(text[position:]))
    return "".join(out), warnings


def _shortcodes(text: str, line_offset: int) -> Iterator[Shortcode]:
    escaped = [(m.start(), m.end()) for m in _ESCAPED.finditer(text)]
    for match in _SHORTCODE.finditer(text):
        if any(start <= match.start() < end for start, end in escaped):
            continue
        if _in_code_span(text, match.start()):
            continue
        inside = match["angle"] if match["angle"] is not None else match["percent"]
        parsed = _NAME.fullmatch(inside)
        if parsed is None:
            continue
        positional: list[str] = []
        named: dict[str, str] = {}
        for argument in _ARGUMENT.finditer(parsed["arguments"]):
            value = _unquote(argument["value"])
            if argument["key"]:
                named[argument["key"]] = value
            else:
                positional.append(value)
        yield Shortcode(
            name=parsed["name"],
            closing=bool(parsed["closing"]),
            positional=tuple(positional),
            named=named,
            start=match.start(),
            end=match.end(),
            line=line_offset + text[: match.start()].count("\n") + 1,
        )


def _in_code_span(text: str, offset: int) -> bool:
    """Whether `offset` is inside an inline code span on its line (an odd number of backticks before)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text[line_start:offset].count("`") % 2 == 1


def _closer(shortcodes: list[Shortcode], start: int, name: str) -> int | None:
    depth = 0
    for index in range(start, len(shortcodes)):
        code = shortcodes[index]
        if code.name != name:
            continue
        if not code.closing:
            depth += 1
        elif depth == 0:
            return index
        else:
            depth -= 1
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "`":
        return value[1:-1]
    return value


def _warning(code: Shortcode, message: str) -> Problem:
    return Problem(message, field="body", line=code.line)


def _render(code: Shortcode, inner: str | None) -> tuple[str, str | None]:
    """(what replaces the shortcode, a warning or None)."""
    match code.name:
        case "figure":
            return _figure(code)
        case "youtube":
            return _video(code, _YOUTUBE_ID, "https://www.youtube-nocookie.com/embed/", "YouTube video")
        case "vimeo":
            return _video(code, _VIMEO_ID, "https://player.vimeo.com/video/", "Vimeo video")
        case "highlight":
            return _highlight(code, inner or "")
        case "ref" | "relref":
            return _ref(code)
        case "details":
            return _details(code, inner or "")
    left_out = f"the Hugo shortcode `{code.name}` is not one pressroom renders: it was left out of the page"
    if inner:
        left_out += " (what it encloses is kept)"
    return (inner or ""), left_out + f"; pressroom renders {', '.join(RENDERED)}"


def _attribute(name: str, value: str) -> str:
    return f' {name}="{escape(value, quote=True)}"' if value else ""


def _figure(code: Shortcode) -> tuple[str, str | None]:
    source = code.get("src")
    if not source:
        return "", "`figure` has no `src`, so it was left out of the page"
    image = "<img" + _attribute("src", source) + _attribute("alt", code.get("alt"))
    for name in ("width", "height", "loading"):
        image += _attribute(name, code.get(name))
    image += ">"
    link = code.get("link")
    if link:
        image = f"<a{_attribute('href', link)}{_attribute('rel', code.get('rel'))}>{image}</a>"
    caption = ""
    title, text, credit = code.get("title"), code.get("caption"), code.get("attr")
    if title or text or credit:
        caption = "\n  <figcaption>"
        if title:
            caption += f"\n    <h4>{escape(title)}</h4>"
        if text or credit:
            credit_html = escape(credit)
            if credit and code.get("attrlink"):
                credit_html = f"<a{_attribute('href', code.get('attrlink'))}>{credit_html}</a>"
            caption += f"\n    <p>{escape(text)}{credit_html}</p>"
        caption += "\n  </figcaption>"
    html = f"<figure{_attribute('class', code.get('class'))}>\n  {image}{caption}\n</figure>"
    return _block(html), None


def _video(code: Shortcode, valid: re.Pattern[str], prefix: str, title: str) -> tuple[str, str | None]:
    video = code.get("id", 0)
    if not valid.fullmatch(video):
        return "", f"`{code.name}` needs a video id, not {video!r}, so it was left out of the page"
    iframe = (
        f'<iframe src="{prefix}{video}"{_attribute("title", code.get("title") or title)} '
        'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; '
        'web-share" allowfullscreen loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )
    return _block(f'<div class="embed">\n{iframe}\n</div>'), None


def fenced_code(code: str, language: str) -> str:
    """Code as a fenced Markdown block (its fence longer than any run of backticks inside), for
    Hugo's highlight shortcode and Jekyll's highlight tag alike. An unusable language is dropped."""
    language = language if _LANGUAGE.fullmatch(language) else ""
    source = code.strip("\n")
    fence = "```"
    while fence in source:
        fence += "`"
    return f"\n\n{fence}{language}\n{source}\n{fence}\n\n"


def site_path(reference: str) -> str | None:
    """The site path of the post or page a reference names by its file, as the file name makes
    the slug: Hugo's ref and relref, Jekyll's link and post_url. `pages/…` (or Jekyll's
    `_pages/…`) names a page. None if the name makes no slug."""
    path = PurePosixPath(reference.strip().strip("/"))
    _, rest = split_file_name(markdown_stem(path.name).removesuffix(".html"))
    slug = slugify(rest)
    if not slug:
        return None
    return f"/{slug}/" if path.parts[:1] in (("pages",), ("_pages",)) else f"/posts/{slug}/"


def _highlight(code: Shortcode, inner: str) -> tuple[str, str | None]:
    return fenced_code(inner, code.get("lang", 0)), None


def _details(code: Shortcode, inner: str) -> tuple[str, str | None]:
    summary = code.get("summary") or "Details"
    opened = " open" if code.get("open").lower() == "true" else ""
    return (
        f"\n\n<details{_attribute('class', code.get('class'))}{opened}>\n"
        f"<summary>{escape(summary)}</summary>\n\n{inner.strip()}\n\n</details>\n\n"
    ), None


def _ref(code: Shortcode) -> tuple[str, str | None]:
    """The site path of the post (or page) a ref names by its file, as its file name makes the slug."""
    target = code.get("path", 0)
    path, _, anchor = target.partition("#")
    where = site_path(path)
    if where is None:
        return "", f"`{code.name}` names no post: {target!r}"
    return where + (f"#{anchor}" if anchor else ""), None


def _block(html: str) -> str:
    """HTML that stands as a block of its own in Markdown (blank lines around it)."""
    return f"\n\n{html}\n\n"
