"""What a theme template's filters, text methods and operators would build is measured before
they run: a template that would build more than a page may hold is refused, naming the filter,
method or operator and the line, without the memory being taken first (issue 28)."""

from __future__ import annotations

import pprint
import tracemalloc
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader
from markupsafe import Markup

from pressroom.theme.sandbox import RenderLimits, TemplateRefusedError, ThemeSandbox

NAME = "page.html.j2"
TEXT = "a" * 100_000


def sandbox(
    source: str, limits: RenderLimits | None = None, autoescape: bool = True, **options: Any
) -> ThemeSandbox:
    templates = {
        NAME: source,
        "part.html.j2": "{% for i in range(100) %}{{ text }}{% endfor %}",
        "count.html.j2": "{% for i in range(3) %}{{ i }}{{ x }}{% endfor %}",
    }
    return ThemeSandbox(loader=DictLoader(templates), limits=limits, autoescape=autoescape, **options)


def render(source: str, limits: RenderLimits | None = None, autoescape: bool = True, **values: Any) -> str:
    return sandbox(source, limits, autoescape).render_page(NAME, **values)


def refusal(source: str, limits: RenderLimits | None = None, autoescape: bool = True, **values: Any) -> str:
    with pytest.raises(TemplateRefusedError) as refused:
        render(source, limits, autoescape, **values)
    return refused.value.describe()


def page_or_reason(source: str, limits: RenderLimits, **values: Any) -> str:
    try:
        return render(source, limits, **values)
    except TemplateRefusedError as refused:
        return refused.reason


def would_build(maker: str | None, size: int, limit: int) -> str:
    built = "the template built" if maker is None else f"{maker} would build"
    return (
        f"{NAME}, line 1: {built} a value of {size:,} items or characters, "
        f"more than the {limit:,} a page may hold"
    )


# ------------------------------------------------------------------ the attacks, refused before they allocate

LIMITS = RenderLimits(value_chars=1_000_000, output_chars=2_000_000)


# (source, values, what the refusal says after "page.html.j2, line 1: "). Each would build 5 to 50
# million characters (or items) if it ran; the limit is 1 million.
ATTACKS: list[tuple[str, dict[str, Any], str]] = [
    ("{{ 'x' | center(10**7) }}", {}, "10,000,000 is too large a width or count for the center filter"),
    ("{{ t | indent(1000) }}", {"t": "a\n" * 10_000}, "the indent filter would build"),
    ("{{ t | indent(w) }}", {"t": "a\n" * 1_000, "w": "-" * 10_000}, "the indent filter would build"),
    ("{{ d | tojson(indent=10**7) }}", {"d": [1]}, "10,000,000 is too large a width or count for the tojson"),
    ("{{ d | tojson(indent=10000) }}", {"d": [0] * 2_000}, "the tojson filter would build"),
    ("{{ ([t] * 100) | tojson }}", {"t": TEXT}, "the tojson filter would build"),
    ("{{ t | tojson }}", {"t": "<" * 900_000}, "the tojson filter would build"),
    (
        "{{ '%*d' | format(10**7, 1) }}",
        {},
        "the format '%*' asks for a width or precision larger than 10,000",
    ),
    ("{{ f | format(*n) }}", {"f": "%10000s" * 1_000, "n": (1,) * 1_000}, "the format filter would build"),
    ("{{ f % t }}", {"f": "%s" * 100, "t": (TEXT,) * 100}, "the % operator would build"),
    ("{{ f % d }}", {"f": "%(a)s" * 100, "d": {"a": TEXT}}, "the % operator would build"),
    (
        "{{ f % d }}",
        {"f": "%(a(b))10000000s", "d": {"a(b)": 1}},
        "the format '%(a(b)' has a key with a parenthesis",
    ),
    ("{{ 'x' * 10**7 }}", {}, "the template built a value of 10,000,000 items or characters"),
    (
        "{{ t | wordwrap(1, wrapstring=w) }}",
        {"t": "a " * 1_000, "w": "x" * 10_000},
        "the wordwrap filter would",
    ),
    (
        "{{ t | truncate(10**7) }}",
        {"t": "a"},
        "10,000,000 is too large a width or count for the truncate filter",
    ),
    ("{{ t.ljust(10**6) }}", {"t": "a"}, "1,000,000 is too large a width for str.ljust"),
    ("{{ t.zfill(10**6) }}", {"t": "1"}, "1,000,000 is too large a width for str.zfill"),
    ("{{ t.expandtabs(10000) }}", {"t": "\t" * 1_000}, "str.expandtabs would build"),
    ("{{ t.expandtabs() }}", {"t": "\t" * 900_000}, "str.expandtabs would build"),
    (
        "{{ t | replace(old='a', new=w) }}",
        {"t": "a" * 1_000, "w": "b" * 10_000},
        "the replace filter would build",
    ),
    ("{{ range(10000) | join(w) }}", {"w": "x" * 1_000}, "the join filter would build"),
    ("{{ range(10**9) }}", {}, "1,000,000,000 is too large a number to pass to a call in a template"),
    ("{{ [t] * 100 }}", {"t": TEXT}, "the template would write more than 2,000,000 characters"),
    ("{{ t }}", {"t": "&" * 900_000}, "the template would write more than 2,000,000 characters"),
    ("{{ ([t] * 100) ~ '' }}", {"t": TEXT}, "the ~ operator would build"),
    ("{{ ([t] * 100) | string }}", {"t": TEXT}, "the string filter would build"),
    ("{{ ([t] * 100) | lower }}", {"t": TEXT}, "the lower filter would build"),
    ("{{ t | e }}", {"t": "&" * 900_000}, "the e filter would build"),
    (
        "{{ ('' | safe) + t }}",
        {"t": "&" * 900_000},
        "the template built a value of 4,500,000 items or characters",
    ),
    (
        "{{ (t | safe).replace('a', w) }}",
        {"t": "a" * 1_000, "w": "b" * 10_000},
        "the template built a value of",
    ),
    ("{{ (t | safe).replace('a', w) }}", {"t": "a" * 99, "w": "&" * 10_000}, "the template built a value of"),
    ("{{ (',' | safe).join([t] * 100) }}", {"t": TEXT}, "the template built a value of"),
    ("{{ (t | safe).expandtabs(10000) }}", {"t": "\t" * 1_000}, "str.expandtabs would build"),
    ("{{ (s | sum(start=[])) | length }}", {"s": [list(range(600_000))] * 2}, "the sum filter would build"),
    ("{{ ([t] * 100) | pprint }}", {"t": TEXT}, "the pprint filter would build"),
    (
        "{{ t | urlize(target=w) }}",
        {"t": "ab.com " * 1_000, "w": "x" * 10_000},
        "the urlize filter would build",
    ),
    ("{{ t | urlencode }}", {"t": "\U0001f600" * 1_000_000}, "the urlencode filter would build"),
    ("{{ {'a': [t] * 100} | xmlattr }}", {"t": TEXT}, "the xmlattr filter would build"),
    ("{{ t.upper() }}", {"t": "\u0390" * 900_000}, "str.upper would build"),
    ("{{ t.translate({97: w}) }}", {"t": "a" * 1_000, "w": "x" * 10_000}, "str.translate would build"),
    ("{{ t.encode('unicode_escape') }}", {"t": "\U0001f600" * 900_000}, "str.encode would build"),
    ("{{ d.strftime(f) }}", {"d": date(2024, 5, 1), "f": "%_2000Y" * 1_000}, "strftime would build"),
    (
        "{% set ns = namespace(a=[t] * 100) %}{{ ns }}",
        {"t": TEXT},
        "the template would write more than 2,000,000",
    ),
    (
        "{% import 'part.html.j2' as m with context %}",
        {"text": TEXT},
        "the template wrote more than 2,000,000",
    ),
]


@pytest.mark.parametrize(("source", "values", "reason"), ATTACKS, ids=[attack[0] for attack in ATTACKS])
def test_an_output_size_attack_is_refused_naming_what_would_build_it_before_it_allocates(
    source: str, values: dict[str, Any], reason: str
):
    tracemalloc.start()
    try:
        message = refusal(source, LIMITS, **values)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert message.startswith(f"{NAME}, line 1: {reason}")
    assert peak < 3_000_000


# ------------------------------------------------------------------ the size each would build, exactly

# (source, values, the maker the refusal names, the size predicted): the size is the result's
# length or a little more, never less; at that limit the template renders, below it is refused.
SIZES: list[tuple[str, dict[str, Any], str | None, int]] = [
    # indent: the text, the newline indent adds, and the indention on every line
    ("{{ t | indent(4) }}", {"t": "a\nb\nc"}, "the indent filter", 5 + 1 + 3 * 4),
    ("{{ t | indent(w) }}", {"t": "a\nb", "w": "--"}, "the indent filter", 3 + 1 + 2 * 2),
    ("{{ t | indent(-3) }}", {"t": "ab"}, "the indent filter", 2 + 1),
    ("{{ t | indent(1) }}", {"t": "a\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}, "the indent filter", 11 + 1 + 11),
    # wordwrap: every character may end a line, and lines are joined by the wrapstring
    ("{{ t | wordwrap(5) }}", {"t": "aaa bbb"}, "the wordwrap filter", 7 + 8 * 1),
    ("{{ t | wordwrap(5, wrapstring='--') }}", {"t": "aaa bbb"}, "the wordwrap filter", 7 + 8 * 2),
    # format and %: the format, and for each conversion its width, precision, 320 and the value
    ("{{ '%s-%5d' | format(t, 7) }}", {"t": "abc"}, "the format filter", 6 + (320 + 3) + (5 + 320 + 3)),
    ("{{ '%.3f' | format(2.5) }}", {}, "the format filter", 4 + 3 + 320 + 24),
    ("{{ '%r' | format(t) }}", {"t": "ab"}, "the format filter", 2 + 320 + 4),
    ("{{ '%a' | format(t) }}", {"t": "ab"}, "the format filter", 2 + 320 + 10 * 4),
    ("{{ '%d%%' | format(5) }}", {}, "the format filter", 4 + 320 + 3),
    ("{{ '%(x)s%(x)s' | format(x=t) }}", {"t": "abc"}, "the format filter", 10 + 2 * (320 + 3)),
    ("{{ ('%s' | safe) | format(t) }}", {"t": "abc"}, "the format filter", 2 + 320 + 5 * 3),
    ("{{ '%s!' % t }}", {"t": "abc"}, "the % operator", 3 + 320 + 3),
    ("{{ '%%%s' % t }}", {"t": "abc"}, "the % operator", 4 + 320 + 3),
    ("{{ '%s' % d }}", {"d": {"a": 1}}, "the % operator", 2 + 320 + (16 + (3 + 2) + (2 + 2))),
    # replace: as the filter does it, with keywords too, escaping everything once Markup is involved
    ("{{ t | replace(old='a', new='bbb') }}", {"t": "aa"}, "the replace filter", 2 + 2 * 2),
    ("{{ t | replace(old='a', new='b&') }}", {"t": "a&"}, "the replace filter", 2 + 1 * 1),
    ("{{ (t | safe) | replace('a', 'b&') }}", {"t": "aaa"}, "the replace filter", 3 + 3 * (6 - 1)),
    ("{{ t | replace(o, 'xy') }}", {"t": "a&", "o": Markup("a")}, "the replace filter", 6 + 7 * 1),
    ("{{ t | replace(old='x', new=w) }}", {"t": "a", "w": "bbbbb"}, "the replace filter", 5),
    ("{{ t | replace(old='', new='x') }}", {"t": "ab"}, "the replace filter", 2 + 3),
    ("{{ t | replace(1, 'xxx') }}", {"t": "1a1"}, "the replace filter", 3 + 4 * 3),
    # urlize: every word with . @ or : may become a link: 40 characters, rel and target, escaped
    ("{{ t | urlize }}", {"t": "a.b"}, "the urlize filter", 2 * 3 + 2 * (40 + 5 * (10 + 8))),
    ("{{ t | urlize }}", {"t": "X"}, "the urlize filter", 2 * 1 + 1 * (40 + 5 * (10 + 8))),
    (
        "{{ t | urlize(target='x', rel='me') }}",
        {"t": "a@b"},
        "the urlize filter",
        2 * 3 + 2 * (40 + 5 * 20 + 1),
    ),
    # a change of case keeps ASCII's length; elsewhere a character may become three
    ("{{ t | title }}", {"t": "\u00e9a"}, "the title filter", 6),
    ("{{ t | capitalize }}", {"t": "\u00df"}, "the capitalize filter", 3),
    ("{{ t | lower }}", {"t": "\u0130"}, "the lower filter", 3),
    # escaping: & " ' are five characters, < and > four
    ("{{ t | e }}", {"t": "a&<>\"'"}, "the e filter", 6 + 4 + 3 + 3 + 4 + 4),
    ("{{ (t | safe) | forceescape }}", {"t": "a&"}, "the forceescape filter", 2 + 4),
    # the text of a value that is not text: its repr, each item with ", " and 16 for the brackets
    ("{{ v | string }}", {"v": ["ab"]}, "the string filter", 16 + 4 + 2),
    ("{{ v | string }}", {"v": [Markup("ab")]}, "the string filter", 16 + (2 + 8 + 2) + 2),
    ("{{ v | string }}", {"v": (1, None, 2.5, True)}, "the string filter", 16 + (2 + 2) + 3 * (24 + 2)),
    ("{{ v | string }}", {"v": {"a": 1}}, "the string filter", 16 + (3 + 2) + (2 + 2)),
    ("{{ v | string }}", {"v": frozenset({1})}, "the string filter", 16 + 2 + 2),
    ("{{ v | string }}", {"v": 2**100}, "the string filter", 101 // 3 + 2),
    ("{{ v | string }}", {"v": ["it's"]}, "the string filter", 16 + (2 + 4 + 1) + 2),
    ("{{ v | string }}", {"v": [["abc"]] * 2}, "the string filter", 16 + 2 * ((16 + 5 + 2) + 2)),
    (
        "{{ v | string }}",
        {"v": [date(2024, 5, 1)]},
        "the string filter",
        16 + len("datetime.date(2024, 5, 1)") + 2,
    ),
    ("{{ v | safe }}", {"v": date(2024, 5, 1)}, "the safe filter", len("2024-05-01")),
    ("{% set ns = namespace(a=1) %}{{ ns | string }}", {}, "the string filter", 16 + (3 + 2) + (2 + 2)),
    (
        "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns | string }}",
        {},
        "the string filter",
        16 + (4 + 2) + (16 + 5 + 2),  # repr writes <Namespace {...}> for the namespace inside itself
    ),
    # join: the items' text, or escaped text if Markup is among them, and separators between
    ("{{ v | join(',') }}", {"v": ["ab", "c"]}, "the join filter", 3 + 1),
    ("{{ t | join('-') }}", {"t": "abc"}, "the join filter", 3 + 2),
    ("{{ t | join('-') }}", {"t": "a&"}, "the join filter", 2 + 1),
    ("{{ v | join(w) }}", {"v": ["ab"], "w": "xyz"}, "the join filter", 3),
    ("{{ t | join(s) }}", {"t": "a&", "s": Markup("-")}, "the join filter", 2 + 4 + 1),
    ("{{ v | join(',') }}", {"v": [Markup("a"), "&"]}, "the join filter", 1 + 5 + 1),
    ("{{ v | join(w) }}", {"v": [], "w": "xyz"}, "the join filter", 3),
    (
        "{{ v | join(',', attribute='name') }}",
        {"v": [{"name": "ab"}, {"name": "c"}]},
        "the join filter",
        3 + 1,
    ),
    # tojson: quotes, \u escapes and 6 characters for each of < > & ', ", " after each item, and
    # with an indent a new line and the indention before each item and the closing bracket
    (
        "{{ d | tojson }}",
        {"d": {"a": [1, "<"]}},
        "the tojson filter",
        2 + (3 + 2 + (2 + (2 + 2) + (8 + 2)) + 2),
    ),
    ("{{ d | tojson(indent=2) }}", {"d": [[1]]}, "the tojson filter", 2 + (14 + 2 + 3) + 1),
    ("{{ d | tojson(indent=2) }}", {"d": {"a": [1]}}, "the tojson filter", 2 + (3 + 2 + 14 + 2 + 3) + 1),
    ("{{ d | tojson(indent='---') }}", {"d": [1]}, "the tojson filter", 2 + (2 + 2 + 4) + 1),
    ("{{ d | tojson(indent=-1) }}", {"d": [1]}, "the tojson filter", 2 + (2 + 2 + 1) + 1),
    ("{{ d | tojson(indent=2) }}", {"d": []}, "the tojson filter", 2),
    ("{{ d | tojson }}", {"d": {1: 2}}, "the tojson filter", 2 + ((2 + 2) + 2 + 2 + 2)),
    ("{{ t | tojson }}", {"t": "\u00e9\n<"}, "the tojson filter", 2 + 6 + 2 + 6),
    ("{{ d | tojson }}", {"d": [None, True, 1.5]}, "the tojson filter", 2 + 3 * (24 + 2)),
    # urlencode: three characters a byte, up to four bytes a character outside ASCII
    ("{{ t | urlencode }}", {"t": "a b"}, "the urlencode filter", 3 * 3),
    ("{{ t | urlencode }}", {"t": "\u00e9"}, "the urlencode filter", 12),
    ("{{ d | urlencode }}", {"d": {"a": "b"}}, "the urlencode filter", 3 + 3 + 2),
    ("{{ 5 | urlencode }}", {}, "the urlencode filter", 12 * 3),
    ("{{ d | xmlattr }}", {"d": {"a": "b&"}}, "the xmlattr filter", 1 + (1 + 6 + 4)),
    ("{{ d | xmlattr }}", {"d": {"a": 1}}, "the xmlattr filter", 1 + (1 + 5 * 2 + 4)),
    # sum: the items of the lists summed, and of the start
    ("{{ v | sum(start=[]) | length }}", {"v": [[1, 2], [3]]}, "the sum filter", 3),
    ("{{ v | sum(start=s) | length }}", {"v": [[1, 2], [3]], "s": [0]}, "the sum filter", 4),
    (
        "{{ v | sum(attribute='t', start=[]) | length }}",
        {"v": [{"t": [1, 2]}, {"t": [3]}]},
        "the sum filter",
        3,
    ),
    # pprint: its repr first, which pformat builds whole; then what pformat writes
    ("{{ v | pprint }}", {"v": ["ab", "cd"]}, "the pprint filter", 16 + 2 * (4 + 2)),
    ("{{ d | pprint }}", {"d": {"k" * 40: ["a" * 40, "b" * 40]}}, "the pprint filter", 0),  # see below
    # a ~ b: the pieces' text, escaped if Markup is among them
    ("{{ t ~ n }}", {"t": "ab", "n": 12}, "the ~ operator", 2 + 3),
    ("{{ m ~ t }}", {"m": Markup("<b>"), "t": "&"}, "the ~ operator", 3 + 5),
    # + with Markup escapes the other side
    ("{{ m + t }}", {"m": Markup("x"), "t": "&"}, None, 1 + 5),
    ("{{ t + u }}", {"t": "&", "u": "b"}, None, 1 + 1),
    # text methods
    ("{{ t.expandtabs(4) }}", {"t": "a\tb\t"}, "str.expandtabs", 4 + 2 * 3),
    ("{{ t.expandtabs() }}", {"t": "a\tb\t"}, "str.expandtabs", 4 + 2 * 7),
    ("{{ t.expandtabs(tabsize=3) }}", {"t": "a\tb\t"}, "str.expandtabs", 4 + 2 * 2),
    ("{{ t.expandtabs(-2) }}", {"t": "a\tb\t"}, "str.expandtabs", 4),
    ("{{ m.expandtabs(2) }}", {"m": Markup("\t\t\t")}, "str.expandtabs", 3 + 3),
    ("{{ t.upper() }}", {"t": "\u00e9"}, "str.upper", 3),
    ("{{ t.casefold() }}", {"t": "\u00df"}, "str.casefold", 3),
    ("{{ t.encode() | length }}", {"t": "ab"}, "str.encode", 10 * 2 + 4),
    ("{{ t.translate(table) }}", {"t": "ab", "table": {97: "xyz"}}, "str.translate", 2 * 3),
    ("{{ t.translate(table) }}", {"t": "abcd", "table": [None, 65]}, "str.translate", 4),
    ("{{ m.replace('a', '&') }}", {"m": Markup("aa")}, None, 2 + 2 * 4),
    ("{{ t.replace('a', '&') }}", {"t": "aa"}, None, 2),
    ("{{ ','.join(v) }}", {"v": ["&", "b"]}, None, 1 * 2 + 1 + 1),
    ("{{ m.replace('&', 'xx') }}", {"m": Markup("&amp;&amp;")}, None, 10 + 2 * 1),
    ("{{ m.join(v) }}", {"m": Markup(","), "v": ["&", "b"]}, None, 1 * 2 + 5 + 1),
    ("{{ d.strftime('%Y') }}", {"d": date(2024, 5, 1)}, "strftime", 5_120 * (2 + 1)),
    ("{{ d.strftime(format='%Y') }}", {"d": date(2024, 5, 1)}, "strftime", 5_120 * (2 + 1)),
]
# pformat indents the second item of the list under the first, past the key: longer than the repr
SIZES = [
    (source, values, maker, size or len(pprint.pformat(values["d"]))) for source, values, maker, size in SIZES
]


@pytest.mark.parametrize(("source", "values", "maker", "size"), SIZES, ids=[row[0] for row in SIZES])
def test_what_would_be_built_is_measured_to_the_character_before_it_is_built(
    source: str, values: dict[str, Any], maker: str | None, size: int
):
    assert refusal(source, RenderLimits(value_chars=size - 1), **values) == would_build(maker, size, size - 1)
    render(source, RenderLimits(value_chars=size), **values)


@pytest.mark.parametrize(
    ("source", "values", "size"),
    [
        ("{{ v | join(',') }}", {"v": [Markup("a"), "&"]}, 1 + 1 + 1),
        ("{{ m ~ t }}", {"m": Markup("<b>"), "t": "&"}, 3 + 1),
    ],
)
def test_without_autoescaping_text_is_measured_unescaped(source: str, values: dict[str, Any], size: int):
    limits = RenderLimits(value_chars=size - 1)
    assert refusal(source, limits, autoescape=False, **values).endswith(
        f"a value of {size:,} items or characters, more than the {size - 1:,} a page may hold"
    )
    render(source, RenderLimits(value_chars=size), autoescape=False, **values)


def test_a_change_of_case_keeps_the_length_of_ascii_text():
    assert render("{{ t | upper }}", RenderLimits(value_chars=3), t="abc") == "ABC"


def test_markup_is_not_escaped_again_so_escaping_it_needs_no_more_room():
    assert render("{{ (t | safe) | e }}", RenderLimits(value_chars=4), t="&&&&") == "&&&&"


# ------------------------------------------------------------------ what is given as text, and what is not


def test_a_filter_that_turns_a_list_into_text_gives_the_lists_text():
    assert render("{{ v | upper }}", v=["ab"]) == "[&#39;AB&#39;]"


def test_indenting_a_list_indents_its_text_and_leaves_the_list_as_it_was():
    items = ["a"]
    assert render("{{ v | indent }}", v=items) == "[&#39;a&#39;]"
    assert items == ["a"]


def site_filters(source: str) -> ThemeSandbox:
    theme = sandbox(source, RenderLimits(value_chars=1_000_000))
    theme.add_filter("year", lambda value: value.year)
    theme.add_filter("shout", lambda value: str(value).upper())
    return theme


def test_a_filter_the_site_adds_has_the_text_of_a_value_that_is_not_text_measured_first():
    with pytest.raises(TemplateRefusedError) as refused:
        site_filters("{{ ([t] * 100) | shout }}").render_page(NAME, t=TEXT)

    assert refused.value.reason.startswith("the shout filter would build a value of 10,000,416 items")


def test_a_filter_the_site_adds_gets_the_value_itself_not_its_text():
    assert site_filters("{{ d | year }}").render_page(NAME, d=date(2024, 5, 1)) == "2024"


BIG = [{"n": 1, "t": TEXT}] * 100  # its text is 10 million characters


@pytest.mark.parametrize(
    "source",
    [
        "{{ big | abs }}",
        "{{ big | attr('x') }}",
        "{{ big | batch(3) | list | length }}",
        "{{ big | count }}",
        "{{ big | d('x') | length }}",
        "{{ big | default('x') | length }}",
        "{{ {'a': big} | dictsort | length }}",
        "{{ big | filesizeformat }}",
        "{{ (big | first).n }}",
        "{{ big | float }}",
        "{{ big | groupby('n') | length }}",
        "{{ big | int }}",
        "{{ {'a': big} | items | list | length }}",
        "{{ big | join(',', attribute='n') | length }}",
        "{{ (big | last).n }}",
        "{{ big | length }}",
        "{{ big | list | length }}",
        "{{ big | map(attribute='n') | list | length }}",
        "{{ (big | max(attribute='n')).n }}",
        "{{ (big | min(attribute='n')).n }}",
        "{{ (big | random).n }}",
        "{{ big | reject('none') | list | length }}",
        "{{ big | rejectattr('n') | list | length }}",
        "{{ big | reverse | list | length }}",
        "{{ big | round }}",
        "{{ big | select('defined') | list | length }}",
        "{{ big | selectattr('n') | list | length }}",
        "{{ big | slice(3) | list | length }}",
        "{{ big | sort(attribute='n') | length }}",
        "{{ big | sum(attribute='n') }}",
        "{% set ns = namespace(a=big) %}{{ [ns] | tojson }}",
        "{{ big | truncate(5) }}",
        "{{ big | unique(attribute='n') | list | length }}",
    ],
)
def test_filters_that_take_a_list_as_it_is_do_not_measure_its_text(source: str):
    # Some refuse a list (abs, round, truncate…): for their own reason, not its size.
    assert "would build" not in page_or_reason(source, RenderLimits(value_chars=1_000_000), big=BIG)


def test_the_sites_default_target_for_links_is_measured_in_each_link():
    theme = sandbox("{{ t | urlize }}", RenderLimits(value_chars=2 * 3 + 2 * (40 + 90 + 6) - 1))
    theme.policies["urlize.target"] = "_blank"

    with pytest.raises(TemplateRefusedError) as refused:
        theme.render_page(NAME, t="a.b")

    assert refused.value.reason.startswith("the urlize filter would build a value of 278 items")


def test_summing_no_lists_is_not_measured():
    assert render("{{ v | sum }}", RenderLimits(value_chars=0), v=()) == "0"


def test_summing_a_list_with_something_else_is_refused_in_pythons_own_words():
    assert refusal("{{ v | sum(start=[]) }}", RenderLimits(value_chars=2), v=[[1, 2], 5]).endswith(
        'TypeError: can only concatenate list (not "int") to list'
    )


def test_a_value_whose_repr_fits_is_still_refused_if_pformat_would_not():
    # its repr is at most 16 + 44 + 106 = 166 characters; pformat indents the second item past the key
    value = {"k" * 40: ["a" * 40, "b" * 40]}
    assert refusal("{{ d | pprint }}", RenderLimits(value_chars=166), d=value) == would_build(
        "the pprint filter", len(pprint.pformat(value)), 166
    )


def test_a_value_json_cannot_hold_is_refused_by_tojson_in_its_own_words():
    # a list of one such value would be [] and ", " at most: 4 characters
    assert refusal("{{ d | tojson }}", RenderLimits(value_chars=4), d=[date(2024, 5, 1)]).endswith(
        "TypeError: Object of type date is not JSON serializable"
    )


def test_a_generator_given_to_urlencode_or_sum_is_measured_and_still_encoded_or_summed():
    assert render("{{ v | map('list') | urlencode }}", v=[("a", "b")]) == "a=b"
    assert render("{{ v | map('list') | sum(start=[]) | length }}", v=[[1], [2, 3]]) == "3"


def test_arguments_a_filter_refuses_are_refused_in_the_filters_own_words():
    assert "do_indent() takes from 1 to 4 positional arguments" in refusal(
        "{{ t | indent(1, 2, 3, 4) }}", t="a"
    )


def test_a_tab_width_that_is_not_a_number_is_refused_in_pythons_own_words():
    assert refusal("{{ t.expandtabs('x') }}", t="\t").endswith(
        "TypeError: 'str' object cannot be interpreted as an integer"
    )


# ------------------------------------------------------------------ formats


def test_a_format_key_with_a_parenthesis_is_refused_as_only_python_knows_where_it_ends():
    assert refusal("{{ '%(a(b))s' % d }}", d={"a(b)": 1}) == (
        f"{NAME}, line 1: the format '%(a(b)' has a key with a parenthesis in it"
    )


def test_a_percent_sign_written_twice_is_not_mistaken_for_a_width():
    assert render("{{ '%%10001d' % () }}") == "%10001d"


def test_another_operator_on_a_format_is_refused_in_pythons_own_words():
    assert refusal("{{ '%10001d' ** 2 }}").endswith(
        "TypeError: unsupported operand type(s) for ** or pow(): 'str' and 'int'"
    )


def test_joining_with_more_than_the_items_is_refused_in_pythons_own_words():
    assert refusal("{{ ','.join(v, 1) }}", v=["a"]).endswith(
        "TypeError: str.join() takes exactly one argument (2 given)"
    )


def test_a_format_that_ends_in_a_lone_percent_sign_is_refused_in_pythons_own_words():
    assert refusal("{{ 'ab%' % () }}", RenderLimits(value_chars=3)).endswith("ValueError: incomplete format")


def test_a_format_given_too_few_values_is_refused_in_pythons_own_words():
    assert refusal("{{ '%s%s' % (1,) }}").endswith("TypeError: not enough arguments for format string")


def test_a_width_of_ten_thousand_is_allowed_in_a_format_of_many():
    assert render("{{ ('%10000s%s' % (1, 2)) | length }}") == "10001"


# ------------------------------------------------------------------ writing


def test_a_value_whose_escaped_text_would_pass_the_output_limit_is_refused_before_it_is_escaped():
    assert refusal("{{ t }}", RenderLimits(output_chars=49), t="&" * 10) == (
        f"{NAME}, line 1: the template would write more than 49 characters"
    )
    assert render("{{ t }}", RenderLimits(output_chars=50), t="&" * 10) == "&amp;" * 10


def test_markup_is_written_as_it_is_so_it_may_fill_the_output():
    assert render("{{ m }}", RenderLimits(output_chars=5), m=Markup("&&&&&")) == "&&&&&"


def test_without_autoescaping_a_value_is_measured_as_it_is_written():
    assert render("{{ t }}", RenderLimits(output_chars=10), autoescape=False, t="&" * 10) == "&" * 10


def test_the_output_left_is_what_a_value_is_measured_against():
    # 4 characters written, then 16 + 4 + 2 = 22 for the list's text
    source, values = "{{ t }}{{ v }}", {"t": "aaaa", "v": ["ab"]}
    assert refusal(source, RenderLimits(output_chars=25), autoescape=False, **values) == (
        f"{NAME}, line 1: the template would write more than 25 characters"
    )
    assert render(source, RenderLimits(output_chars=26), autoescape=False, **values) == "aaaa['ab']"


def test_the_sites_own_finalize_still_prepares_each_value_written():
    theme = sandbox("{{ t }}", autoescape=False, finalize=lambda value: f"[{value}]")
    assert theme.render_page(NAME, t="a") == "[a]"


def test_a_templates_module_made_from_python_outside_a_render_still_has_its_text():
    assert str(sandbox("{{ '<' }}").get_template(NAME).module) == "&lt;"


def test_a_templates_module_may_be_made_from_python_with_its_values_given_by_name():
    assert str(sandbox("{{ x }}").get_template(NAME).make_module(vars={"x": "a"})) == "a"


def test_an_imported_templates_text_is_its_output():
    source = "{% import 'part.html.j2' as m with context %}{{ m | string | length }}"
    assert render(source, RenderLimits(value_chars=1_000), text="abcdefghij") == "1000"
    assert refusal(source, RenderLimits(value_chars=999), text="abcdefghij") == would_build(
        "the string filter", 1_000, 999
    )


def test_a_template_imported_without_its_context_still_sees_the_globals():
    assert render("{% import 'count.html.j2' as m %}{{ m }}") == "012"


def test_a_template_imported_with_its_context_sees_the_loop_it_is_imported_in():
    source = "{% for x in ['a'] %}{% import 'count.html.j2' as m with context %}{{ m }}{% endfor %}"
    assert render(source) == "0a1a2a"


def test_a_namespace_holding_itself_is_written_as_python_writes_it():
    source = "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}"
    assert render(source, autoescape=False) == "<Namespace {'me': <Namespace {...}>}>"


# ------------------------------------------------------------------ ~ joins as Jinja joins


def test_a_tilde_join_escapes_text_beside_markup_as_jinja_does():
    assert render("{{ m ~ t }}", m=Markup("<b>"), t="&") == "<b>&amp;"
    assert render("{{ m ~ t }}", autoescape=False, m=Markup("<b>"), t="&") == "<b>&"
    assert render("{{ 'a' ~ 1 ~ none }}") == "a1None"


# ------------------------------------------------------------------ the work of measuring


@pytest.mark.parametrize(
    "source", ["{% set x = ([t] * 100) | tojson %}", "{% set x = ([t] * 100) | string %}"]
)
def test_a_string_repeated_in_a_list_is_measured_once(source: str):
    # 100 items of 16,000 characters: a few steps per item, and 1,000 for the one string
    assert render(source, RenderLimits(steps=2_000), t="a" * 16_000) == ""


@pytest.mark.parametrize(
    "source", ["{% set x = ([v] * 1000) | tojson %}", "{% set x = ([v] * 1000) | string %}"]
)
def test_a_list_repeated_in_a_list_is_measured_once(source: str):
    # a million items in all, of which a thousand and one are different
    assert render(source, RenderLimits(steps=5_000), v=list(range(1_000))) == ""


def fewest_steps(source: str, **values: Any) -> int:
    """The smallest step budget `source` renders within."""
    low, high = 1, 10_000
    while low < high:
        middle = (low + high) // 2
        try:
            render(source, RenderLimits(steps=middle), **values)
        except TemplateRefusedError:
            low = middle + 1
        else:
            high = middle
    return low


@pytest.mark.parametrize(
    ("source", "more", "fewer", "steps"),
    [
        # the filter's step per item, and the measuring's: two for each entry of a mapping
        ("{% set x = v | string %}", list(range(100)), [], 100 + 100),
        ("{% set x = v | string %}", {i: i for i in range(100)}, {}, 100 + 2 * 100),
        ("{% set x = v | tojson %}", list(range(100)), [], 100 + 100),
        ("{% set x = v | tojson %}", {str(i): i for i in range(100)}, {}, 100 + 100),
        # a string in a list is measured a step per 16 characters
        ("{% set x = v | string %}", ["a" * 1_600], [""], 100),
        ("{% set x = v | tojson %}", ["a" * 1_600], [""], 100),
        # pformat's pieces cost a step each and one per 16 characters: a 301-digit number is 1 + 18
        ("{% set x = v | pprint %}", 10**300, 1, 18),
        # summing lists costs a step per 16 items copied: 16, then 32
        ("{% set x = v | sum(start=[]) %}", [[0] * 15], [[]], 0),
        ("{% set x = v | sum(start=[]) %}", [[0] * 16] * 2, [[], []], 3),
        # a format costs a step per conversion
        ("{% set x = f % v %}", ("%s" * 100, (1,) * 100), ("", ()), 100),
    ],
)
def test_measuring_costs_a_step_per_item_and_per_16_characters(
    source: str, more: Any, fewer: Any, steps: int
):
    def cost(value: Any) -> int:
        if source.startswith("{% set x = f"):
            return fewest_steps(source, f=value[0], v=value[1])
        return fewest_steps(source, v=value)

    assert cost(more) - cost(fewer) == steps


def test_summing_many_lists_is_charged_for_the_copying_it_does():
    lists = [[0] * 1_000] * 1_000  # a million items, copied half a billion times over
    assert "did more than 1,000,000 steps" in refusal("{% set x = v | sum(start=[]) %}", v=lists)


def test_printing_a_value_prettily_is_charged_for_what_it_writes():
    # about 200 steps for the list and its repr, and as many again for the pieces pformat writes
    source = "{% set x = v | pprint %}{{ x | length }}"
    assert "did more than 300 steps" in refusal(source, RenderLimits(steps=300), v=list(range(100)))
    assert render(source, RenderLimits(steps=450), v=list(range(100))) == str(
        len(pprint.pformat(list(range(100))))
    )


def test_a_translation_table_of_text_maps_each_character_to_one_and_is_not_walked():
    assert render("{{ t.translate(table) }}", RenderLimits(steps=1_000), t="ab", table="x" * 10_000) == "xx"


def test_a_date_formatted_without_a_format_is_refused_in_pythons_own_words():
    assert "TypeError: strftime() missing required argument 'format'" in refusal(
        "{{ d.strftime() }}", RenderLimits(value_chars=5_120), d=date(2024, 5, 1)
    )


def test_a_date_is_still_formatted():
    assert render("{{ d.strftime('%Y-%m') }}", d=date(2024, 5, 1)) == "2024-05"


# ------------------------------------------------------------------ never less than what is built

TRICKY = st.text(
    st.sampled_from("a Z.@:&<>\"'\\\n\t\r\x00\x85\u2028\u00e9\u00df\u0390\ufb03\U0001f600%"), max_size=12
)
SCALARS = TRICKY | st.builds(Markup, TRICKY) | st.integers() | st.floats() | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(TRICKY | st.integers(), inner, max_size=3)
    ),
    max_leaves=12,
)
JSON = st.recursive(
    TRICKY | st.integers(-(10**20), 10**20) | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=3),
    max_leaves=12,
)
GENERATED = settings(max_examples=80, deadline=None, database=None, derandomize=True)

# (what builds the value, who the refusal would name); t is text, v any value, j JSON
BUILDERS = [
    ("[v, v] | string", "the string filter"),
    ("v | pprint", "the pprint filter"),
    ("v ~ t", "the ~ operator"),
    ("'%s|%r|%a|%5.2s' % (t, v, t, t)", "the % operator"),
    ("j | tojson", "the tojson filter"),
    ("j | tojson(indent=2)", "the tojson filter"),
    ("t | e", "the e filter"),
    ("t | forceescape", "the forceescape filter"),
    ("t | indent(2, true, true)", "the indent filter"),
    ("t | wordwrap(3, false)", "the wordwrap filter"),
    ("t | urlize(target='_x')", "the urlize filter"),
    ("t | upper", "the upper filter"),
    ("t | title", "the title filter"),
    ("t | urlencode", "the urlencode filter"),
    ("t | replace('a', 'b&')", "the replace filter"),
    ("(t | safe) | replace('a', 'b&')", "the replace filter"),
    ("t | join('&')", "the join filter"),
    ("[t, v] | join(t | safe)", "the join filter"),
    ("t.expandtabs(3)", "str.expandtabs"),
    ("t.swapcase()", "str.swapcase"),
]


@pytest.mark.parametrize(("builder", "maker"), BUILDERS, ids=[builder for builder, _ in BUILDERS])
@GENERATED
@given(t=TRICKY, v=VALUES, j=JSON)
def test_what_is_predicted_is_never_less_than_what_is_built(builder: str, maker: str, t: str, v: Any, j: Any):
    predicted: list[int] = []
    check_size = ThemeSandbox._check_size

    def recording(self: ThemeSandbox, size: int, made_by: str | None = None) -> None:
        if made_by == maker:
            predicted.append(size)
        check_size(self, size, made_by)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(ThemeSandbox, "_check_size", recording)
        try:
            built = int(render(f"{{% set x = {builder} %}}{{{{ x | length }}}}", t=t, v=v, j=j))
        except TemplateRefusedError:
            return  # a value the filter or Python refuses, say a float json cannot write

    assert predicted
    assert max(predicted) >= built
