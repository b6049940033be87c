"""What pages take from a rendered body: its opening words (the excerpt) and its headings' text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html.parser import HTMLParser

from pressroom.theme.filters import one_line
from pressroom.views import Heading

# A post without a summary is described by the start of its text, about this long.
EXCERPT_LENGTH = 300


class _BodyText(HTMLParser):
    """The text of a rendered body: its paragraphs (leaving out code, tables, footnotes and alert
    titles) and each heading's, by id."""

    _SKIPPED = frozenset({"pre", "table", "sup", "figcaption", "section", "script", "style", "template"})
    _HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self.skipping = 0
        self.in_paragraph = False
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag == "p":
            self.in_paragraph = "markdown-alert-title" not in (values.get("class") or "").split()
        elif tag in self._HEADINGS and values.get("id"):
            self.heading = self.headings.setdefault(str(values["id"]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "p":
            self.in_paragraph = False
            self.paragraphs.append(" ")
        elif tag in self._HEADINGS:
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif self.in_paragraph and not self.skipping:
            self.paragraphs.append(data)


def _read_body(content_html: str) -> _BodyText:
    reader = _BodyText()
    reader.feed(content_html)
    reader.close()
    return reader


def excerpt(content_html: str, length: int = EXCERPT_LENGTH) -> str:
    """The first paragraphs of a rendered body as one line of plain text, cut at a word near `length`."""
    return excerpt_of_text("".join(_read_body(content_html).paragraphs), length)


def excerpt_of_text(paragraphs: str, length: int = EXCERPT_LENGTH) -> str:
    """As `excerpt`, from the paragraphs' text already read (RenderedBody.text)."""
    return _cut(one_line(paragraphs), length)


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " ":  # the cut falls inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def table_of_contents(toc: Sequence[Heading], content_html: str) -> list[Heading]:
    """The headings with the text the body shows for them.

    A Heading's text may be its Markdown source (`&#39;`, `*emphasis*`); the rendered heading
    with the same id has the text a reader sees, so that is what the contents list.
    """
    shown = {id_: one_line("".join(parts)) for id_, parts in _read_body(content_html).headings.items()}
    return [replace(heading, text=shown.get(heading.id) or heading.text) for heading in toc]
