"""The sanitiser's allowlist, stated literally: what raw HTML in a post keeps, and what it loses.

mutmut does not mutate module-level constants, so the lists in pressroom.reading.markdown are pinned
here, entry by entry, in the words of what an author sees on the page.
"""

from __future__ import annotations

import pytest

from pressroom.reading.markdown import MarkdownRenderer, sanitize_html


@pytest.mark.parametrize(
    "html",
    [
        '<section id="intro" class="lead" lang="en" title="t" aria-label="a" aria-hidden="true" '
        'role="note">x</section>',
        '<figure><picture><source srcset="/a.webp" type="image/webp" media="(min-width: 1px)" sizes="100vw">'
        '<img src="/a.png" alt="A" title="t" width="10" height="5" loading="lazy" decoding="async" '
        'srcset="/a.png 1x" sizes="100vw"></picture><figcaption>A cat</figcaption></figure>',
        "<details><summary>More</summary>Hidden text</details>",
        '<a href="https://example.com/" hreflang="en" title="t" rel="noopener" data-footnote-ref="">x</a>',
        '<a href="#fn1" data-footnote-backref="">↩</a>',
        '<table><tbody><tr><th style="text-align:center" align="center" scope="col">h</th>'
        '<td style="text-align:right" align="right">d</td></tr></tbody></table>',
        '<ol start="3" type="a"><li>three</li></ol>',
        '<input type="checkbox" checked="" disabled="">',
        '<time datetime="2024-05-01">1 May</time>',
        '<pre><code class="language-python">x = 1</code></pre>',
        '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" title="v" allow="autoplay" '
        'allowfullscreen="" loading="lazy" referrerpolicy="no-referrer"></iframe>',
        '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>',
        '<iframe src="https://player.vimeo.com/video/1"></iframe>',
    ],
)
def test_what_authors_legitimately_write_is_kept_as_written(html: str):
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "scheme_url",
    [
        "http://example.com/",
        "https://example.com/",
        "mailto:ada@example.com",
        "tel:+441234567890",
        "/relative",
    ],
)
def test_links_may_use_web_mail_and_telephone_addresses(scheme_url: str):
    html = f'<a href="{scheme_url}">x</a>'
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,hi">x</a>', "<a>x</a>"),
        ('<a href="ftp://example.com/">x</a>', "<a>x</a>"),
        ('<img src="vbscript:x" alt="a">', '<img alt="a">'),
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ("<p>a<style>p{}</style>b</p>", "<p>ab</p>"),
        ("<p>a<template><b>t</b></template>b</p>", "<p>ab</p>"),
        ("<p>a<noscript><b>t</b></noscript>b</p>", "<p>ab</p>"),
        ('<p onclick="alert(1)" style="color: red">x</p>', "<p>x</p>"),
        (
            '<table><tbody><tr><td style="color:red;text-align:left">x</td></tr></tbody></table>',
            '<table><tbody><tr><td style="text-align:left">x</td></tr></tbody></table>',
        ),
        ('<form action="/x"><button>go</button></form>', "go"),
        ('<input type="text" value="x">', "<input>"),
        ('<code class="hljs evil">x</code>', "<code>x</code>"),
        ('<code class="language-py\n">x</code>', "<code>x</code>"),  # a class is matched whole
        ('<span class="language-python">x</span>', '<span class="language-python">x</span>'),
        ('<iframe src="https://evil.example/embed/x"></iframe>', ""),
        ('<iframe src="https://www.youtube.com/watch?v=x"></iframe>', ""),
        ('<a href="https://example.com/" target="_blank">x</a>', '<a href="https://example.com/">x</a>'),
    ],
)
def test_scripts_handlers_and_unsafe_addresses_are_removed(html: str, kept: str):
    assert sanitize_html(html) == kept


def test_a_site_may_allow_other_embeds():
    renderer = MarkdownRenderer(embed_prefixes=("https://embed.example/",))
    allowed = '<iframe src="https://embed.example/1"></iframe>'

    assert renderer.sanitize(allowed) == allowed
    assert renderer.sanitize('<iframe src="https://www.youtube.com/embed/abc"></iframe>') == ""
