"""Hugo's built-in shortcodes in a post body, expanded to the Markdown and HTML Hugo would give.

A post written for Hugo uses `{{< figure src="a.jpg" >}}`, `{{< youtube id >}}`, `{{< ref "x.md" >}}`,
paired `{{< highlight go >}}…{{< /highlight >}}` and `{{< details >}}…{{< /details >}}`. Left
alone they would reach readers as raw syntax. `expand` rewrites the ones pressroom renders
(`figure`, `youtube`, `vimeo`, `highlight`, `ref`, `relref`, `details`) before the body goes to
Markdown (whose HTML is then sanitised as any post's), and leaves out every other shortcode
with a warning naming it and its line; a paired one keeps what it encloses.

Inside fenced code blocks shortcodes are shown as written, except that Hugo's escaped form
`{{</* name */>}}` becomes `{{< name >}}` there and everywhere else, as in Hugo.

The body comes from an upload, so the work stays in proportion to its size: each part of the
text is read a bounded number of times, without recursion, and shortcodes nested more than
MAX_SHORTCODE_DEPTH deep are left in the page as written, with a warning naming the line.
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
MAX_SHORTCODE_DEPTH = 20  # Hugo sites nest two or three deep

# Openings, each with what closes it; what lies between is the shortcode's inside.
_TAGS = {"{{<": ">}}", "{{%": "%}}"}
_ESCAPED = {"{{</*": "*/>}}", "{{%/*": "*/%}}"}
_NAME = re.compile(r"\s*+(?:(?P<closing>/)\s*+)?(?P<name>[A-Za-z][\w.-]*+)(?P<arguments>.*)", re.DOTALL)
_NOT_SPACE = re.compile(r"\S")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")


def _argument_pattern(quoted: bool, backticked: bool) -> re.Pattern[str]:
    values = [r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'] * quoted + ["`[^`]*+`"] * backticked + [r'[^\s"`]++']
    return re.compile(rf"\s*+(?:(?P<key>[A-Za-z_][\w-]*+)=)?(?P<value>{'|'.join(values)})", re.DOTALL)


# An argument is key=value or a value: "quoted" (with \ escapes), in `backticks`, or bare. Once a
# quote or backtick has been found to have none closing it, no later one has, so the patterns
# without that form are used from there on.
_ARGUMENT = {
    (quoted, backticked): _argument_pattern(quoted, backticked)
    for quoted in (True, False)
    for backticked in (True, False)
}


@dataclass(frozen=True, slots=True)
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
            parts.append(_unescape(text, 0, len(text)))
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


def _delimited(text: str, start: int, end: int, tags: dict[str, str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, opening) of each tag in text[start:end] that opens with one of `tags` and ends
    with the first closing after it, left to right, as a lazy regular expression finds them.

    Each character is read once or twice: an opening with no closing after it is not searched
    for again, since no later one can have one either.
    """
    unclosed: set[str] = set()
    position = text.find("{{", start, end)
    while position >= 0:
        after = position + 1
        for opening, closing in tags.items():
            if text.startswith(opening, position, end) and opening not in unclosed:
                close = text.find(closing, position + len(opening), end)
                if close < 0:
                    unclosed.add(opening)
                else:
                    after = close + len(closing)
                    yield position, after, opening
                break
        position = text.find("{{", after, end)


def _unescape(text: str, start: int, end: int) -> str:
    """text[start:end] with Hugo's escaped shortcodes as what they write: `{{</* x */>}}` as `{{< x >}}`."""
    parts: list[str] = []
    position = start
    for tag_start, tag_end, opening in _delimited(text, start, end, _ESCAPED):
        inside = text[tag_start + len(opening) : tag_end - len(_ESCAPED[opening])]
        parts += (text[position:tag_start], opening[:3], inside, _TAGS[opening[:3]])
        position = tag_end
    parts.append(text[position:end])
    return "".join(parts)


@dataclass
class _Enclosing:
    """A paired shortcode being expanded (None: the whole text), up to the index of its closing one."""

    opener: Shortcode | None
    closer: int
    depth: int
    parts: list[str] = field(default_factory=list)
    position: int = 0  # how much of the text `parts` has taken in


def _expand_prose(text: str, line_offset: int) -> tuple[str, list[Problem]]:
    """Prose with its shortcodes expanded, innermost first, with a stack of the paired ones open
    around the current one instead of recursion."""
    warnings: list[Problem] = []
    shortcodes = _shortcodes(text, line_offset)
    closers = _closers(shortcodes)
    stack = [_Enclosing(None, len(shortcodes), depth=0)]
    index = 0
    while True:
        enclosing = stack[-1]
        if index == enclosing.closer:
            ends_at = shortcodes[index].start if enclosing.opener else len(text)
            enclosing.parts.append(_unescape(text, enclosing.position, ends_at))
            if enclosing.opener is None:
                return "".join(enclosing.parts), warnings
            stack.pop()
            stack[-1].parts.append(_rendered(enclosing.opener, "".join(enclosing.parts), warnings))
            stack[-1].position = shortcodes[index].end
            index += 1
            continue
        code = shortcodes[index]
        enclosing.parts.append(_unescape(text, enclosing.position, code.start))
        enclosing.position = code.end
        closer = closers[index]
        if closer is not None and closer >= enclosing.closer:  # closed only outside what encloses it
            closer = None
        index += 1
        if code.closing:
            warnings.append(
                _warning(code, f"`{{{{< /{code.name} >}}}}` closes a shortcode that was never opened")
            )
        elif enclosing.depth >= MAX_SHORTCODE_DEPTH:
            ends_at = code.end if closer is None else shortcodes[closer].end
            enclosing.parts.append(_unescape(text, code.start, ends_at))
            enclosing.position = ends_at
            if closer is not None:
                index = closer + 1
            warnings.append(_warning(code, _too_deep(code, encloses=closer is not None)))
        elif closer is not None and code.name == "highlight":
            inner = _unescape(text, code.end, shortcodes[closer].start)  # code, shown as written
            enclosing.parts.append(_rendered(code, inner, warnings))
            enclosing.position = shortcodes[closer].end
            index = closer + 1
        elif closer is not None:
            stack.append(_Enclosing(code, closer, enclosing.depth + 1, position=code.end))
        elif code.name in PAIRED:
            warnings.append(_warning(code, f"`{code.name}` has no closing `{{{{< /{code.name} >}}}}`"))
            enclosing.parts.append(_rendered(code, "", warnings))
        else:
            enclosing.parts.append(_rendered(code, None, warnings))


def _rendered(code: Shortcode, inner: str | None, warnings: list[Problem]) -> str:
    rendered, problem = _render(code, inner)
    if problem:
        warnings.append(_warning(code, problem))
    return rendered


def _too_deep(code: Shortcode, encloses: bool) -> str:
    return (
        f"`{code.name}` is nested inside {MAX_SHORTCODE_DEPTH} other shortcodes, and pressroom expands "
        f"shortcodes at most {MAX_SHORTCODE_DEPTH} deep: it was left in the page as written"
        f"{', with what it encloses' if encloses else ''}; nest the shortcodes less deeply"
    )


def _shortcodes(text: str, line_offset: int) -> list[Shortcode]:
    """The shortcodes in prose, in order; not those in Hugo's escaped form or in an inline code span."""
    found: list[Shortcode] = []
    escapes = _delimited(text, 0, len(text), _ESCAPED)
    escape = next(escapes, None)
    lines = _LineReader(text, line_offset)
    for start, end, opening in _delimited(text, 0, len(text), _TAGS):
        while escape is not None and escape[1] <= start:
            escape = next(escapes, None)
        if escape is not None and escape[0] <= start:
            continue
        lines.move_to(start)
        if lines.in_code_span:
            continue
        parsed = _NAME.fullmatch(text, start + len(opening), end - len(_TAGS[opening]))
        if parsed is None:
            continue
        positional, named = _arguments(parsed["arguments"])
        found.append(
            Shortcode(
                name=parsed["name"],
                closing=bool(parsed["closing"]),
                positional=positional,
                named=named,
                start=start,
                end=end,
                line=lines.line,
            )
        )
    return found


class _LineReader:
    """The line number at an offset, and whether it is inside an inline code span (an odd number
    of backticks before it on its line), for offsets that only grow: each character is read once."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.line = line_offset + 1
        self.offset = 0
        self.backticks = 0  # on the line, before the offset

    def move_to(self, offset: int) -> None:
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.backticks = self.text.count("`", self.text.rfind("\n", self.offset, offset) + 1, offset)
        else:
            self.backticks += self.text.count("`", self.offset, offset)
        self.offset = offset

    @property
    def in_code_span(self) -> bool:
        return self.backticks % 2 == 1


def _arguments(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """A shortcode's positional and named arguments. A quote or backtick that nothing closes is skipped."""
    positional: list[str] = []
    named: dict[str, str] = {}
    closable = {'"': True, "`": True}
    position = 0
    while True:
        argument = _ARGUMENT[closable['"'], closable["`"]].match(text, position)
        if argument is None:
            unclosed = _NOT_SPACE.search(text, position)  # a quote or backtick, if not the end
            if unclosed is None:
                return tuple(positional), named
            closable[unclosed[0]] = False
            position = unclosed.end()
            continue
        value = _unquote(argument["value"])
        if argument["key"]:
            named[argument["key"]] = value
        else:
            positional.append(value)
        position = argument.end()


def _closers(shortcodes: list[Shortcode]) -> list[int | None]:
    """For each opening shortcode, the index of the first closing one of its name after it that
    no opening one of that name in between claims, or None."""
    closers: list[int | None] = [None] * len(shortcodes)
    unclosed: dict[str, list[int]] = {}
    for index, code in enumerate(shortcodes):
        if not code.closing:
            unclosed.setdefault(code.name, []).append(index)
        elif unclosed.get(code.name):
            closers[unclosed[code.name].pop()] = index
    return closers


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
    longest_run = max((len(run) for run in _BACKTICKS.findall(source)), default=0)
    fence = "`" * max(3, longest_run + 1)
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
