"""Property: every upload ends published, held back or rejected with reasons; none crashes the pipeline.

Hypothesis writes hostile but plausible posts and pages (front matter built from the fields
pressroom reads, raw front matter YAML cannot read, bodies mixing Markdown, HTML, Hugo shortcodes
and Jekyll's Liquid) under varied keys, and drives each through `pressroom build`'s stages:
validate, render and aggregate, on the in-memory ports. Each example starts from the same site,
one post already published (loaded from a build cache, so an example costs a few milliseconds).

Whatever the upload, the stages raise nothing, and it ends in one state the site agrees with:
published (its page written, the catalogue naming it live under its slug), held back (a draft,
scheduled or expired post: no page, no slug), or rejected (every reason a readable sentence, and
nothing changed: no page, no slug claimed, the post already there as it was).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.catalogue import CatalogueEntry, SourceState, SourceStateKind
from pressroom.model import content_page_key, kind_of_key
from pressroom.pipeline.pages import navigation_links
from pressroom.reading.markdown import DEFAULT_EMBED_PREFIXES
from pressroom.slugs import RESERVED_SLUGS
from pressroom.views import Link
from pressroom_tools.build import BuildSettings, SiteBuild
from pressroom_tools.local.report import OutcomeStatus, PostOutcome
from pressroom_tools.memory import SiteObject

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SETTINGS = BuildSettings()
FIRST_KEY = "posts/first-post.md"
FIRST_SLUG = "first-post"
FIRST_POST = b"---\ntitle: First post\ndate: 2024-01-01\ntags: [news]\nauthor: Ada\n---\nOn the site.\n"
# Derandomised, as the project's other property tests: the same examples every run (pytest-randomly
# reseeds Hypothesis otherwise), so a red build always means a real regression.
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEQUENCES = settings(PROPERTY, max_examples=40)
HELD_BACK = {
    OutcomeStatus.DRAFT: SourceStateKind.DRAFT,
    OutcomeStatus.SCHEDULED: SourceStateKind.SCHEDULED,
    OutcomeStatus.EXPIRED: SourceStateKind.EXPIRED,
}

# --------------------------------------------------------------------------- front matter values


@dataclass(frozen=True)
class Raw:
    """A value as an author types it after `key: `, unquoted: YAML decides what it is."""

    text: str


def yaml_scalar(value: object) -> str:
    """`value` as YAML writes it inline after `key: ` (quoted or escaped where it must be)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def chance(percent: int) -> st.SearchStrategy[bool]:
    """True `percent` per cent of the time (at most 98).

    The rolls that say True are in the middle of the range: Hypothesis favours a range's ends, and
    often draws the same end for every roll in an example, which would make everything rare at once.
    """
    band = range(50 - percent // 2, 50 + (percent + 1) // 2)
    return st.integers(1, 100).map(lambda roll: roll in band)


def mostly(
    usual: st.SearchStrategy[Any], *unusual: st.SearchStrategy[Any], percent: int = 8
) -> st.SearchStrategy[Any]:
    """`usual`, and one of `unusual` `percent` per cent of the time: most uploads are wrong in one
    place or two, not everywhere, so that they get past the first checks to the ones after them."""
    return chance(percent).flatmap(lambda rare: st.one_of(*unusual) if rare else usual)


# Words as authors write them, in any script; and text with anything but surrogates (see LONE).
WORDS = st.text(st.characters(categories=["L", "N", "P", "Zs", "So", "Sm"]), min_size=1, max_size=30)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
LONE = st.sampled_from(["\ud800", "x\udfff", "\udbff"])  # written as YAML "\uD800" escapes
NAMES = mostly(
    st.one_of(
        st.sampled_from(["C", "C#", "C++", "c#", "F#", ".NET", "Go", "news", "News", "🚀", "🚀🔥",
                         "Иван Петров", "张伟", "محمد", "José Núñez", "ﬁ", "a b"]),
        WORDS,
    ),
    st.sampled_from(["", " ", "#", "+", "-", "\u200b", "\x00", "a,b", "x" * 201]),
    TEXT,
    LONE,
)  # fmt: skip
NAME_LISTS = mostly(
    st.lists(NAMES, max_size=6),
    st.lists(st.one_of(st.integers(), st.booleans(), st.none(), st.lists(NAMES, max_size=2)), max_size=3),
    st.lists(st.builds(lambda name, ref: {"name": name, "id": ref}, NAMES, NAMES), max_size=3),
    st.builds(lambda count: [f"t{number}" for number in range(count)], st.integers(40, 70)),
    NAMES,
    st.sampled_from([Raw("[C#, C++, C]"), Raw("C#, C++"), Raw("{a: 1}"), Raw("[[nested]]"), Raw("~")]),
)
DATES = mostly(
    st.sampled_from(
        ["2024-05-01", "2024-05-01T10:30:00Z", "2024-05-01T10:30:00+05:30", "2024-05-01 10:30:00 +0530",
         "May 1, 2024", "1 May 2024 10:00", "Wed, 01 May 2024 10:00:00 +0100", "2024/05/01", "01.05.2024",
         "2025-12-31T23:59:59Z", Raw("2024-05-01"), Raw("2024-05-01 10:30:00")]
    ),
    st.sampled_from(
        ["2030-01-01", "1899-12-31", "9999-12-31", "0000-00-00", "2024-13-45", "2024-02-30", "now",
         "yesterday", "May 2024", "10:30", "2024-05-01 EST", "2024-05-01 UTC+3", "", "20240501", "1e10",
         "2024-05-01T25:61:00", Raw("20240501"), Raw("[2024, 5, 1]"), Raw("!!timestamp 2024-05-01"), Raw("~"),
         Raw("no"), Raw("{y: 2024}")]
    ),
    TEXT,
)  # fmt: skip
SLUGS = mostly(
    st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}", fullmatch=True),
    st.sampled_from(sorted(RESERVED_SLUGS)),
    st.sampled_from(
        [FIRST_SLUG, "a--b", "-a", "a-", "Hello World", "hello\nworld", "hello world", "café", "日本語",
         "../etc/passwd", "a/b", "%2e%2e", "x" * 81, "x" * 80, "index.html", "hello_world",
         Raw("123"), Raw("1.5"), Raw("true"), Raw("[a]"), Raw("~")]
    ),
    TEXT,
    LONE,
)  # fmt: skip
URLS = mostly(
    st.sampled_from(["/images/a.png", "https://cdn.example.com/a.png", "http://example.com/b.jpg", "a.png"]),
    st.sampled_from(
        ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "vbscript:x",
         "data:text/html,<script>alert(1)</script>", "data:image/png;base64,AAAA", "//evil.example/a.png", "",
         " ", "../../etc/passwd", "https://x/\"><script>alert(1)</script>", "https://x/a b.png", "mailto:a@b",
         "http://x"]
    ),
)  # fmt: skip
DIMENSIONS = mostly(
    st.integers(1, 5000),
    st.sampled_from([10**30, 2**63, 100_001, 0, -5, True, "100", None, 1.5]),
)
IMAGES = st.one_of(
    URLS,
    st.fixed_dictionaries(
        {"path": URLS},
        optional={"alt": st.one_of(WORDS, st.just("")), "width": DIMENSIONS, "height": DIMENSIONS,
                  "url": URLS},
    ),
    st.lists(URLS, max_size=3),
)  # fmt: skip
MENUS = st.one_of(
    st.sampled_from(["main", "footer", ["main", "footer"], True, False, "", None, 3]),
    st.fixed_dictionaries(
        {"main": st.fixed_dictionaries({}, optional={
            "name": st.one_of(NAMES, st.just("x" * 41)),
            "weight": mostly(st.integers(-10, 10), st.sampled_from([10**40, -(10**12), 1.5, "heavy", True])),
        })}
    ),
)  # fmt: skip
FLAGS = mostly(st.booleans(), st.sampled_from([Raw("yes"), Raw("no"), Raw("maybe"), Raw('"true"'), Raw("~")]))
SUMMARIES = mostly(WORDS, st.just("s" * 3_001), st.integers(), st.lists(TEXT, max_size=2), TEXT, LONE)
# Any other key, with any value: front matter carries fields no dialect defines.
EXTRA_KEYS = st.one_of(
    st.sampled_from(["layout", "sys", "weight", "canonicalURL", "lastmod", "expiryDate", "aliases", "images",
                     "featuredImage", "publishDate", "publicationDate", "published", "menus", "keywords",
                     "contentType", "<<"]),
    WORDS,
    TEXT,
)  # fmt: skip
EXTRA_VALUES = st.one_of(
    WORDS, TEXT, DATES, URLS, st.lists(URLS, max_size=3), st.integers(), st.floats(), st.none(),
    st.booleans(), st.dictionaries(WORDS, WORDS, max_size=3),
)  # fmt: skip
FIELDS = {
    "title": mostly(
        WORDS,
        st.sampled_from(["<script>alert(1)</script>", "x" * 301, "", "  ", "{{ page.title }}", "a\x01b"]),
        st.sampled_from([Raw("no"), Raw("123"), Raw("~"), Raw("[a, b]"), Raw("{a: 1}"), Raw("'quoted'")]),
        TEXT,
        LONE,
    ),
    "date": DATES,
    "slug": SLUGS,
    "tags": NAME_LISTS,
    "categories": NAME_LISTS,
    "authors": NAME_LISTS,
    "author": NAMES,
    "draft": FLAGS,
    "summary": SUMMARIES,
    "description": SUMMARIES,
    "image": IMAGES,
    "menu": MENUS,
}
# How often each field is missing, in per cent: a title and a date seldom, a draft flag nearly always.
ABSENCE = {"title": 4, "date": 8, "draft": 80, "tags": 50}  # any other field: 75


@st.composite
def front_matter_lines(draw: st.DrawFn) -> list[str]:
    """`key: value` lines for a selection of the real fields and a few others, in any order."""
    fields = [name for name in FIELDS if not draw(chance(ABSENCE.get(name, 75)))]
    pairs = [(name, draw(FIELDS[name])) for name in fields]
    extra_keys = EXTRA_KEYS.filter(lambda key: key not in FIELDS)
    pairs += draw(st.lists(st.tuples(extra_keys, EXTRA_VALUES), max_size=2, unique_by=lambda pair: pair[0]))
    pairs = draw(st.permutations(pairs))
    lines: list[str] = []
    for key, value in pairs:
        text = value.text if isinstance(value, Raw) else yaml_scalar(value)
        lines.append(f"{yaml_scalar(key) if key != '<<' else key}: {text}")
    return lines


# Front matter written by hand, wrong: what YAML cannot read, or reads differently than meant.
RAW_FRONT_MATTER = st.sampled_from(
    [
        "title: [unclosed\ndate: 2024-05-01",
        'title: "unclosed\ndate: 2024-05-01',
        "title: a: b\ndate: 2024-05-01",
        "\ttitle: Tabbed\ndate: 2024-05-01",
        "title:\tTab after colon\ndate: 2024-05-01",
        "title: Twice\ntitle: Again\ndate: 2024-05-01",
        "base: &base {title: Anchored, date: 2024-05-01}\n<<: *base",
        "t: &t Anchored\ntitle: *t\ndate: 2024-05-01\ntags: [*t, *t, *t]",
        "title: *undefined\ndate: 2024-05-01",
        "a: &a [*a]\ntitle: Self\ndate: 2024-05-01",
        "title: !!binary aGVsbG8=\ndate: 2024-05-01",
        "title: !!python/object:os.system x\ndate: 2024-05-01",
        "title: !custom x\ndate: 2024-05-01",
        '"title": "\\ud800"\ndate: 2024-05-01',
        'title: "\\x00\\x1b\\x7f"\ndate: 2024-05-01',
        "? [complex, key]\n: value\ntitle: Complex\ndate: 2024-05-01",
        "- a list\n- not a mapping",
        "just a sentence",
        "title: Fine\ndate: 2024-05-01\n...\nmore: after the end",
        "title: Fine\ndate: 2024-05-01\n---\nsecond: document",
        "title: 0x1F\ndate: 2024-05-01",
        "title: .inf\ndate: .nan",
        "title: " + "9" * 5_000 + "\ndate: 2024-05-01",
        "title: Deep\ndate: 2024-05-01\nx: " + "[" * 600 + "]" * 600,
        "",
        "# only a comment",
        "title = 'TOML'\ndate = 2024-05-01",
        '{"title": "JSON", "date": "2024-05-01"}',
    ]
)
FRONT_MATTER = mostly(front_matter_lines().map("\n".join), RAW_FRONT_MATTER, percent=10)

# --------------------------------------------------------------------------- bodies

MARKDOWN = st.sampled_from(
    [
        "# Heading\n", "Plain paragraph with *emphasis* and `code`.\n", "- a\n- b\n  - nested\n",
        "1. one\n2. two\n", "> quote\n> > nested\n", "```python\nprint('x')\n```\n", "```\nunclosed fence\n",
        "~~~\ntilde\n~~~\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "[link](https://example.com)\n",
        "[bad](javascript:alert(1))\n", "[bad2](JaVaScRiPt:alert(1))\n", "![img](javascript:alert(1))\n",
        "<javascript:alert(1)>\n", "[ref]\n\n[ref]: javascript:alert(1)\n", "&#106;avascript&#58;\n",
        "&#xD800; &#0; &#x110000; &amp; &lt;\n", "***\n", "    indented code\n", "Line  \nbreak\n",
        "[^1]\n\n[^1]: footnote\n", "* * *\n", "<!-- comment -->\n", "\\\n", "`unclosed code\n",
    ]
)  # fmt: skip
HTML = st.sampled_from(
    [
        "<script>alert(1)</script>\n", "<img src=x onerror=alert(1)>\n", "<iframe src=\"https://evil\"></iframe>\n",
        "<a href=\"jAvAsCrIpT:alert(1)\">x</a>\n", "<details><summary>S</summary>inside</details>\n",
        "<div>unclosed\n", "</div></div>\n", "<svg onload=alert(1)>\n", "<style>body{}</style>\n",
        "<a href=\"java&#x09;script:alert(1)\">x</a>\n",
        "<form action=\"javascript:x\"><button>b</button></form>\n",
        "<math><mi xlink:href=\"javascript:x\">m</mi></math>\n", "<object data=\"x.swf\"></object>\n",
        "<base href=\"https://evil/\">\n", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">\n",
        "<p style=\"background:url(javascript:x)\">styled</p>\n", "<scr<script>ipt>alert(1)</script>\n",
    ]
)  # fmt: skip
SHORTCODES = st.sampled_from(
    [
        '{{< figure src="/a.png" caption="A *caption*" >}}\n', '{{< figure src="javascript:alert(1)" >}}\n',
        '{{< details summary="More" >}}\ninside\n{{< /details >}}\n',
        '{{< details summary="Outer" >}}\n{{< details summary="Inner" >}}\nx\n{{< /details >}}\n'
        "{{< /details >}}\n",
        '{{< details summary="Never closed" >}}\nx\n', "{{< /details >}}\n", "{{< youtube dQw4w9WgXcQ >}}\n",
        '{{< youtube "\\"><script>" >}}\n', "{{< vimeo 1 >}}\n",
        "{{< highlight go >}}\nfunc(){}\n{{< /highlight >}}\n",
        '{{< ref "missing.md" >}}\n', "{{% notice %}}\nx\n{{% /notice %}}\n", "{{< unknown >}}\n", "{{<x\n",
        "{{< figure\n", "{{</* escaped */>}}\n", "{{< >}}\n",
        '{{< figure src="/a.png" caption="{{< x >}}" >}}\n',
    ]
)  # fmt: skip
LIQUID = st.sampled_from(
    [
        "{% for i in (1..5) %}{{ i }} {% endfor %}\n", "{% for i in (1..100000000) %}x{% endfor %}\n",
        "{{ page.title }} on {{ site.title }}\n", "{{ page.title | upcase | append: '!' }}\n",
        "{% unknown_tag arg %}\n", "{% if true %}\nunclosed if\n", "{% endif %}\n",
        "{% raw %}{{ kept }}{% endraw %}\n", "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n",
        "{% include missing.html %}\n", "{% post_url 2010-07-21-name %}\n", "{% link _posts/x.md %}\n",
        "{% assign x = 'a' | append: 'b' %}{{ x }}\n", "{% comment %}hidden{% endcomment %}\n",
        "{% capture c %}{% for i in (1..50) %}{{ i }}{% endfor %}{% endcapture %}{{ c }}\n",
        "{{ '<script>alert(1)</script>' }}\n", "{{ \"\\u0000\" }}\n", "{{ 1 | divided_by: 0 }}\n",
        "{%\n", "{{\n", "{% for %}\n", "{% liquid\nassign y = 1\necho y\n%}\n", "{{ page.missing.deeper }}\n",
    ]
)  # fmt: skip
CONTROLS = st.sampled_from(["\x01\x07\x1b", "\x7f", "\u2028\u2029", "\ufeff", "\u202e", "\x0b\x0c", "\x85"])
BLOCKS = st.one_of(MARKDOWN, MARKDOWN, HTML, SHORTCODES, LIQUID, CONTROLS, WORDS, TEXT)
BODIES = mostly(
    mostly(
        st.lists(BLOCKS, min_size=1, max_size=12).map("\n".join),
        st.builds(lambda block, count: block * count, BLOCKS, st.integers(2, 200)),
        percent=15,
    ),
    st.sampled_from(["", "\n", "   \n\t\n"]),
    percent=3,
)

# --------------------------------------------------------------------------- keys and documents

NAMES_IN_KEYS = st.one_of(
    st.sampled_from(
        ["hello", "Hello World", "first-post", "index", "tags", "Café Ünïcode", "日本語", "UPPER",
         "a b#c%d+e", "", ".hidden", "x" * 120, "sub/dir/deep"]
    ),
    # Jekyll's names: a post's Liquid is evaluated only under one
    st.builds(
        "{}-{}".format,
        st.sampled_from(["2024-01-02", "2023-12-31", "2024-13-45", "1899-01-01"]),
        st.sampled_from(["name", "first-post", "Hello World", "日本語", ""]),
    ),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/"), min_size=1, max_size=20),
)  # fmt: skip
KEYS = mostly(
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["posts/", "pages/", "posts/2024/"]),
        NAMES_IN_KEYS,
        mostly(st.just(".md"), st.sampled_from([".markdown", ".MD", ".Markdown"]), percent=30),
    ),
    st.just(FIRST_KEY),
    percent=10,
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """A whole upload: fences, front matter and body, with an editor's or a transfer's damage."""
    front_matter, body = draw(FRONT_MATTER), draw(BODIES)
    opening, closing = draw(
        mostly(
            st.just(("---", "---")),
            st.sampled_from([("---", "..."), ("---", ""), ("", ""), ("+++", "+++"), ("--- ", "---  ")]),
            percent=5,
        )
    )
    text = f"{opening}\n{front_matter}\n{closing}\n{body}" if opening else f"{front_matter}\n{body}"
    newline = draw(mostly(st.just("\n"), st.sampled_from(["\r\n", "\r\n", "\r"]), percent=20))
    data = text.replace("\n", newline).encode("utf-8", "surrogatepass")
    damages = st.sampled_from(["bom", "bom", "bom", "latin-1", "nul", "utf-16", "truncated"])
    damage = draw(mostly(st.just(""), damages))
    match damage:
        case "bom":
            data = b"\xef\xbb\xbf" + data
        case "latin-1":
            position = draw(st.integers(0, len(data)))
            data = data[:position] + b"\xe9\xff" + data[position:]
        case "nul":
            position = draw(st.integers(0, len(data)))
            data = data[:position] + b"\x00" + data[position:]
        case "utf-16":
            data = text.encode("utf-16", "surrogatepass")
        case "truncated":
            data = data[: draw(st.integers(0, len(data)))]
    return data


# --------------------------------------------------------------------------- the site


@dataclass(frozen=True)
class Snapshot:
    """What the site and the catalogue held before an upload."""

    objects: dict[str, SiteObject]
    posts: dict[str, CatalogueEntry]
    sources: dict[str, SourceState]
    menu: tuple[Link, ...]

    @classmethod
    def of(cls, build: SiteBuild) -> Snapshot:
        catalogue = build.ports.catalogue
        return cls(
            dict(build.ports.site.objects), dict(catalogue.posts), dict(catalogue.sources), menu_of(build)
        )


def menu_of(build: SiteBuild) -> tuple[Link, ...]:
    """The site navigation, which every HTML page shows."""
    return navigation_links(build.ports.listings.site_pages())


class Sites:
    """Fresh sites holding the first post: each a copy of one build cache, loaded in milliseconds."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.baseline = folder / "baseline.pickle"
        self.made = 0
        SiteBuild(SETTINGS, cache=self.baseline, jobs=1).run({FIRST_KEY: FIRST_POST}, NOW)

    def fresh(self) -> SiteBuild:
        self.made += 1
        cache = self.folder / f"site-{self.made}.pickle"
        shutil.copyfile(self.baseline, cache)
        build = SiteBuild(SETTINGS, cache=cache, jobs=1)
        build.cache = None  # an example's site is thrown away, never saved
        cache.unlink()
        # Publishes the first post only if the cache was refused (the runtime changed meanwhile).
        build.run({FIRST_KEY: FIRST_POST}, NOW)
        return build


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return Sites(tmp_path_factory.mktemp("every-upload-ends"))


def outcome_of(build: SiteBuild, key: str) -> PostOutcome | None:
    return next((outcome for outcome in build.outcomes() if outcome.source == key), None)


def page_key(path: str) -> str:
    return path.removeprefix("/") + "index.html"


# --------------------------------------------------------------------------- what must hold


class _Dangers(HTMLParser):
    """Script a page would run that its theme did not put there: elements, handlers, script URLs."""

    URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data"})
    SCRIPT_URL = re.compile(
        r"(?:javascript|vbscript|data(?!:image/(?:png|jpeg|gif|webp)[;,])):", re.IGNORECASE
    )
    ACTIVE = frozenset({"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") != "application/ld+json":
            self.found.append(f"a <script> element: {attrs}")
        embedded = tag == "iframe" and (attributes.get("src") or "").startswith(DEFAULT_EMBED_PREFIXES)
        if tag in self.ACTIVE and not embedded:
            self.found.append(f"an <{tag}> element: {attrs}")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"a <meta http-equiv>: {attrs}")
        for name, value in attrs:
            squeezed = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on"):
                self.found.append(f"an event handler on <{tag}>: {name}={value!r}")
            elif name in self.URL_ATTRIBUTES and self.SCRIPT_URL.match(squeezed):
                self.found.append(f"a script URL on <{tag}>: {name}={value!r}")


def dangers_in(html: str) -> list[str]:
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    return parser.found


# A post's page, or a page's (at the top level, where the site's own pages have reserved names).
CONTENT_PAGE = re.compile(r"(?:posts/)?(?P<slug>[^/]+)/index\.html")


def assert_site_consistent(build: SiteBuild) -> None:
    """Every live post has its page and its slug, and every post's or page's page a live post."""
    catalogue, objects = build.ports.catalogue, build.ports.site.objects
    for slug, entry in catalogue.posts.items():
        assert content_page_key(kind_of_key(entry.source_key), slug) in objects, f"{slug}: live, no page"
        state = catalogue.sources.get(entry.source_key)
        assert state is not None, f"{slug}: live, its file unknown"
        assert (state.state, state.slug) == (SourceStateKind.LIVE, slug)
    for key, state in catalogue.sources.items():
        if state.state is SourceStateKind.LIVE:
            assert state.slug is not None, f"{key}: live without a slug"
            assert catalogue.owner_of(state.slug) == key, f"{key}: live, its slug another's"
    for name in objects:
        page = CONTENT_PAGE.fullmatch(name)
        if page is None or page["slug"] in RESERVED_SLUGS:
            continue
        owner = catalogue.owner_of(page["slug"])
        assert owner is not None, f"{name} is left over: no post holds its slug"
        assert content_page_key(kind_of_key(owner), page["slug"]) == name, f"{name} is left over"


def assert_first_post_as_it_was(build: SiteBuild, before: Snapshot) -> None:
    catalogue = build.ports.catalogue
    first_page = content_page_key(kind_of_key(FIRST_KEY), FIRST_SLUG)
    assert catalogue.posts.get(FIRST_SLUG) == before.posts[FIRST_SLUG]
    assert catalogue.sources.get(FIRST_KEY) == before.sources[FIRST_KEY]
    assert first_page in build.ports.site.objects, "its page is gone"
    if menu_of(build) == before.menu:  # a page joining or leaving the navigation changes every page
        assert build.ports.site.objects[first_page] == before.objects[first_page], "its page changed"


def assert_no_claim(build: SiteBuild, key: str) -> None:
    """`key` owns no slug, and waits only for a slug another post holds."""
    catalogue = build.ports.catalogue
    claimed = [slug for slug, entry in catalogue.posts.items() if entry.source_key == key]
    assert claimed == [], f"{key} holds the slugs {claimed}"
    for slug in catalogue.slug_waits:
        waiter = catalogue.slug_waiter(slug)
        if waiter is not None and waiter.key == key:
            assert catalogue.owner_of(slug) not in (None, key), f"{key} waits for {slug!r}, held by nobody"


def assert_readable_reasons(reasons: list[str]) -> None:
    assert reasons, "rejected without a reason"
    for reason in reasons:
        assert re.search(r"[A-Za-z]{2,}", reason), f"not a sentence: {reason!r}"
        assert not reason.rstrip().endswith(":"), f"not a sentence: {reason!r}"
        assert len(reason) <= 1_000, f"a {len(reason):,}-character reason"
        reason.encode("utf-8")  # a lone surrogate could be neither mailed nor stored


def changed_objects(build: SiteBuild, before: Snapshot) -> list[str]:
    """The keys of the objects written (not deleted) since `before`."""
    objects = build.ports.site.objects
    return sorted(key for key, item in objects.items() if before.objects.get(key) != item)


def assert_published(build: SiteBuild, key: str, outcome: PostOutcome, before: Snapshot) -> None:
    catalogue, objects = build.ports.catalogue, build.ports.site.objects
    assert outcome.slug
    assert outcome.path
    assert outcome.reasons == []
    state = catalogue.sources.get(key)
    assert state is not None
    assert (state.state, state.slug) == (SourceStateKind.LIVE, outcome.slug)
    assert catalogue.owner_of(outcome.slug) == key
    assert key not in catalogue.statuses, f"{key} is live, and listed as {catalogue.statuses[key]}"
    assert page_key(outcome.path) in objects, f"published at {outcome.path} without a page"
    if key != FIRST_KEY:
        assert_first_post_as_it_was(build, before)
    elif outcome.slug != FIRST_SLUG:
        assert content_page_key(kind_of_key(key), FIRST_SLUG) not in objects, "its old page stayed"
    for written in changed_objects(build, before):
        if written.endswith(".html"):
            assert dangers_in(build.ports.site.text(written)) == [], f"{written} runs the upload's script"
        elif written.endswith(".xml"):
            ElementTree.fromstring(objects[written].body)  # a feed or sitemap its readers can parse


def assert_held_back(build: SiteBuild, key: str, outcome: PostOutcome, before: Snapshot) -> None:
    state = build.ports.catalogue.sources.get(key)
    assert state is not None
    assert (state.state, state.slug) == (HELD_BACK[outcome.status], None)
    assert outcome.path is None
    assert_no_claim(build, key)
    if key != FIRST_KEY:
        assert build.ports.site.objects == before.objects, "a post held back changed the site"


def assert_rejected(build: SiteBuild, key: str, outcome: PostOutcome, before: Snapshot) -> None:
    catalogue = build.ports.catalogue
    assert_readable_reasons(outcome.reasons)
    status = catalogue.statuses.get(key, {})
    assert status.get("state") == SourceStateKind.REJECTED.value
    assert_readable_reasons(status.get("reasons", []))
    # Nothing changed: no page, no slug, no state; a live version under the same key stays live.
    assert catalogue.posts == before.posts
    assert catalogue.sources == before.sources
    assert build.ports.site.objects == before.objects, "a rejected upload changed the site"
    if key != FIRST_KEY:
        assert_no_claim(build, key)


def assert_ended(build: SiteBuild, key: str, before: Snapshot) -> None:
    """The upload under `key` ended in one state, and the site and catalogue agree with it."""
    outcome = outcome_of(build, key)
    assert outcome is not None, f"{key} was neither published, held back nor rejected"
    match outcome.status:
        case OutcomeStatus.PUBLISHED:
            assert_published(build, key, outcome, before)
        case OutcomeStatus.REJECTED:
            assert_rejected(build, key, outcome, before)
        case status if status in HELD_BACK:
            assert_held_back(build, key, outcome, before)
        case status:
            pytest.fail(f"{key} ended {status.value}: {outcome}")
    assert_site_consistent(build)


# --------------------------------------------------------------------------- the properties


@PROPERTY
@given(key=KEYS, data=documents())
def test_every_upload_ends_published_held_back_or_rejected(sites: Sites, key: str, data: bytes):
    # GIVEN a site with one post published
    build = sites.fresh()
    before = Snapshot.of(build)

    # WHEN a hostile upload goes through validate, render and aggregate
    build.run({FIRST_KEY: FIRST_POST, key: data}, NOW)

    # THEN it ended in one state the site agrees with, and nothing else changed unless it replaced it
    if data == FIRST_POST and key == FIRST_KEY:
        return  # the same bytes again: nothing to apply
    assert_ended(build, key, before)


def claiming(slug: str) -> st.SearchStrategy[bytes]:
    """Uploads whose front matter claims `slug`, and that may be wrong besides."""
    return st.builds(
        lambda lines, body: ("---\n" + "\n".join([f"slug: {slug}", *lines]) + "\n---\n" + body).encode(),
        front_matter_lines().map(lambda lines: [line for line in lines if not line.startswith("slug:")]),
        BODIES,
    )


@SEQUENCES
@given(
    key=st.sampled_from(["posts/hostile.md", "posts/2024-05-01-first-post.md", "pages/first-post.md"]),
    data=claiming(FIRST_SLUG),
)
def test_an_upload_claiming_a_live_slug_then_deleted_leaves_the_first_post_alone(
    sites: Sites, key: str, data: bytes
):
    # GIVEN a site with one post published, and an upload that claims its slug
    build = sites.fresh()
    before = Snapshot.of(build)
    build.run({FIRST_KEY: FIRST_POST, key: data}, NOW)
    outcome = outcome_of(build, key)
    assert outcome is not None
    assert outcome.status is not OutcomeStatus.PUBLISHED, outcome

    # WHEN the upload is deleted
    build.run({FIRST_KEY: FIRST_POST}, NOW)

    # THEN the first post is as it was, and the deleted upload holds nothing
    assert_first_post_as_it_was(build, before)
    assert_no_claim(build, key)
    assert build.ports.site.objects == before.objects

    # AND when the first post is deleted in turn, the deleted upload does not take its slug
    build.run({}, NOW)
    assert build.ports.catalogue.posts == {}
    assert_site_consistent(build)


# Keys that share slugs: by their names, or by the slugs in their front matter.
SEQUENCE_KEYS = st.sampled_from(
    [FIRST_KEY, "posts/shared.md", "posts/2024-01-02-shared.md", "pages/shared.md", "posts/other.MD"]
)
SEQUENCE_UPLOADS = st.one_of(
    st.sampled_from([FIRST_SLUG, "shared", "other"]).flatmap(claiming),
    documents(),
)


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, bytes | None]]:
    """Uploads (key, bytes) and deletes (key, None), each of a key that is there."""
    files: set[str] = {FIRST_KEY}
    taken: list[tuple[str, bytes | None]] = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(SEQUENCE_KEYS)
        if key in files and draw(chance(30)):
            files.discard(key)
            taken.append((key, None))
        else:
            files.add(key)
            taken.append((key, draw(SEQUENCE_UPLOADS)))
    return taken


def assert_key_agrees(build: SiteBuild, key: str, data: bytes | None) -> None:
    """The catalogue says of `key` what its last upload's outcome says (None: deleted)."""
    catalogue = build.ports.catalogue
    state = catalogue.sources.get(key)
    if data is None:
        assert state is None or state.state is not SourceStateKind.LIVE, f"{key} is live after its deletion"
        assert_no_claim(build, key)
        return
    outcome = outcome_of(build, key)
    assert outcome is not None, f"{key} was neither published, held back nor rejected"
    if outcome.status is OutcomeStatus.PUBLISHED:
        assert state is not None
        assert (state.state, state.slug) == (SourceStateKind.LIVE, outcome.slug)
        assert key not in catalogue.statuses, f"{key} is live, and listed as {catalogue.statuses[key]}"
    elif outcome.status in HELD_BACK:
        assert state is not None
        assert state.state is HELD_BACK[outcome.status]
        assert_no_claim(build, key)
    else:
        assert outcome.status is OutcomeStatus.REJECTED, f"{key} ended {outcome.status.value}: {outcome}"
        assert_readable_reasons(outcome.reasons)
        # an earlier version may stay live; this one is not
        assert state is None or state.etag != hashlib.md5(data).hexdigest()  # S3's ETag


@SEQUENCES
@given(steps())
def test_any_sequence_of_uploads_and_deletes_keeps_the_site_consistent(
    sites: Sites, sequence: list[tuple[str, bytes | None]]
):
    # GIVEN a site with one post published
    build = sites.fresh()
    files = {FIRST_KEY: FIRST_POST}
    known = {FIRST_KEY}
    for key, data in sequence:
        # WHEN a post is uploaded, replaced or deleted, its slug perhaps another's
        if data is None:
            del files[key]
        else:
            files[key] = data
        known.add(key)
        build.run(dict(files), NOW)

        # THEN the catalogue and the site agree with each other and with what each key last did
        assert_site_consistent(build)
        for each in sorted(known):
            assert_key_agrees(build, each, files.get(each))
