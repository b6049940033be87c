"""Uploads a hostile author makes: one or more of each class of attack pressroom bounds.

Each is a post of at most 1 MB (MAX_POST_BYTES) that, before pressroom bounded the step it aims
at, kept a function busy for minutes, exhausted its memory, crashed it into retries, or published
something it should not have. The test suites run every one through the pipeline (on the
in-memory ports and on the local stack) and `make bench` times each step against the function's
timeout; docs/limits.md explains the budget each meets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_POST_BYTES = 1_000_000


class Outcome(StrEnum):
    """What must become of the upload: refused with a reason, or published as a safe page."""

    REJECTED = "rejected"
    PUBLISHED = "published"


@dataclass(frozen=True)
class HostileUpload:
    name: str
    step: str  # the step it aims at, as docs/limits.md names it
    key: str
    data: bytes
    outcome: Outcome
    published_without: str = ""  # for a published one: a text its page must not hold


def _post(title: str, body: str, extra: str = "", date: str = "2024-05-01") -> bytes:
    return f'---\ntitle: "{title}"\ndate: {date}\n{extra}---\n\n{body}\n'.encode()


def _filled(unit: str, prefix: str = "", suffix: str = "") -> str:
    """`unit` repeated to fill a post of about MAX_POST_BYTES with the front matter around it."""
    room = MAX_POST_BYTES - 200 - len(prefix.encode()) - len(suffix.encode())
    return prefix + unit * (room // len(unit.encode())) + suffix


def _jekyll(name: str) -> str:
    return f"posts/2024-05-01-{name}.md"


HOSTILE_UPLOADS: tuple[HostileUpload, ...] = (
    # Highlighting: Pygments lexers that backtrack exponentially (pygments#3311, #3320).
    HostileUpload(
        "tads3-backslashes", "highlighting", "posts/tads3.md",
        _post("Backslashes", "```tads3\nextern //" + "\\" * 60 + "\n```"), Outcome.PUBLISHED,
    ),
    HostileUpload(
        "maple-backslashes", "highlighting", "posts/maple.md",
        _post("Maple", "```maple\nx := \"" + "\\" * 60 + "\n```"), Outcome.PUBLISHED,
    ),
    # Markdown: constructs markdown-it-py reads in more than linear time.
    HostileUpload(
        "task-list", "markdown", "posts/tasks.md", _post("Tasks", _filled("- [ ] x\n")), Outcome.PUBLISHED
    ),
    HostileUpload(
        "brackets", "markdown", "posts/brackets.md", _post("Brackets", _filled("[")), Outcome.PUBLISHED
    ),
    HostileUpload(
        "open-tags", "markdown", "posts/divs.md", _post("Divs", _filled("<div>")), Outcome.PUBLISHED,
        published_without="<div><div>",
    ),
    HostileUpload(
        "footnote-refs", "markdown", "posts/footnotes.md", _post("Notes", _filled("[^a]")), Outcome.PUBLISHED
    ),
    # Liquid in a Jekyll post: loops, ranges, strings that double, numbers that grow.
    HostileUpload(
        "nested-loops", "liquid", _jekyll("loops"),
        _post("Loops", "{% tablerow a in (1..9999) %}{% for b in (1..9999) %}{% endfor %}{% endtablerow %}"),
        Outcome.PUBLISHED, published_without="tablerow",
    ),
    HostileUpload(
        "huge-range", "liquid", _jekyll("range"), _post("Range", '{{ (1..100000000) | join: "," }}'),
        Outcome.PUBLISHED, published_without="1,2,3,4",
    ),
    HostileUpload(
        "range-offset", "liquid", _jekyll("offset"),
        _post("Offset", "{% for i in (1..99999999999999) offset:99999999999990 %}{{i}}{% endfor %}"),
        Outcome.PUBLISHED,
    ),
    HostileUpload(
        "doubling-strings", "liquid", _jekyll("doubling"),
        _post(
            "Doubling",
            '{% assign s = "xxxxxxxxxx" %}' + '{% assign s = s | replace: "x", s %}' * 10 + "{{ s }}",
        ),
        Outcome.PUBLISHED, published_without="x" * 1000,
    ),
    HostileUpload(
        "many-outputs", "liquid", _jekyll("outputs"), _post("Outputs", _filled("{{x}}")), Outcome.PUBLISHED
    ),
    HostileUpload(
        "surrogate-printed", "liquid", _jekyll("surrogate"),
        _post("Printed", "{{ page.note }}", extra='note: "a\\ud800b"\n'), Outcome.REJECTED,
    ),
    # Hugo shortcodes: unbalanced, unclosed, nested past any sense.
    HostileUpload(
        "unclosed-openers", "shortcodes", "posts/openers.md", _post("Openers", _filled("{{<x ")),
        Outcome.PUBLISHED,
    ),
    HostileUpload(
        "deep-nesting", "shortcodes", "posts/nesting.md",
        _post("Nesting", "{{< details >}}\n" * 1200 + "{{< /details >}}\n" * 1200), Outcome.PUBLISHED,
    ),
    HostileUpload(
        "unclosed-quotes", "shortcodes", "posts/quotes.md",
        _post("Quotes", _filled('"\\', prefix="{{< figure ", suffix=" >}}")), Outcome.PUBLISHED,
    ),
    HostileUpload(
        "many-shortcodes", "shortcodes", "posts/many.md", _post("Many", _filled("{{<a>}}")), Outcome.PUBLISHED
    ),
    # Front matter: values no page can hold, which crashed the render after the slug was claimed.
    HostileUpload(
        "surrogate-title", "front matter", "posts/surrogate.md", _post("\\ud800", "Text."), Outcome.REJECTED
    ),
    HostileUpload(
        "huge-image-width", "front matter", "posts/width.md",
        _post("Width", "Text.", extra="image:\n  path: /a.png\n  width: " + "9" * 45 + "\n"),
        Outcome.PUBLISHED, published_without="9" * 45,
    ),
    HostileUpload(
        "huge-menu-weight", "front matter", "pages/weight.md",
        _post("Weight", "Text.", extra="menu:\n  main:\n    weight: " + "9" * 45 + "\n"), Outcome.REJECTED,
    ),
    HostileUpload(
        "slug-newline", "front matter", "posts/newline.md",
        _post("Tags", "Text.", extra='slug: "tags\\n"\n'), Outcome.REJECTED,
    ),
    HostileUpload(
        "javascript-image", "front matter", "posts/image.md",
        _post("Image", "Text.", extra='image:\n  path: "javascript:alert(1)"\n'), Outcome.REJECTED,
    ),
    # Announcements: a title written to ping a whole channel behind a disguised link.
    HostileUpload(
        "channel-ping", "announcements", "posts/ping.md",
        _post("<!channel> @everyone <https://evil.example|Sign in again>", "Text."), Outcome.PUBLISHED,
    ),
)  # fmt: skip
