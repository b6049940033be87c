"""The check an uploaded template passes before it replaces a packaged one (ValidateFunction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from jinja2 import ChoiceLoader, FunctionLoader, TemplateSyntaxError

from pressroom.theme.loaders import THEME_PREFIX, packaged_templates
from pressroom.theme.rendering import Theme
from pressroom.theme.sandbox import RenderLimits, TemplateRefusedError, bounded, refusal, static_problems
from pressroom.views import (
    EntryView,
    Heading,
    Link,
    ListingView,
    Pagination,
    PostView,
    SiteInfo,
    SitemapEntry,
    TermsView,
)

# An uploaded template larger than this is refused before it is parsed.
MAX_TEMPLATE_CHARS = 256_000
# The sample pages that check an uploaded template share one budget, well inside a Lambda timeout.
SAMPLE_RENDER_LIMITS = RenderLimits(steps=2_000_000, seconds=10.0)


def template_problems(name: str, source: str) -> list[str]:
    """Why an uploaded template cannot replace the packaged one, or [] if it can.

    Beyond parsing, the template is searched for what the sandbox refuses (each use, by line),
    and every kind of page is rendered with sample values through the theme as it would be with
    the template in place, within one bound on work: a template that only fails when used (an
    undefined variable, a missing block, a loop that never ends) is refused here, not half-way
    through a republish.
    """
    packaged = packaged_templates()
    names = packaged.list_templates()
    if not name.endswith(".j2"):
        return [f"{name}: theme templates are named like post.html.j2"]
    if name not in names:
        known = ", ".join(sorted(names))
        return [f"{name}: there is no such template to override; the theme has {known}"]
    if len(source) > MAX_TEMPLATE_CHARS:
        return [
            f"{name}: {len(source):,} characters is too large for a template (at most {MAX_TEMPLATE_CHARS:,})"
        ]
    site = SiteInfo(title="Sample site", base_url="https://example.invalid")

    def uploaded(template: str) -> tuple[str, str, Callable[[], bool]] | None:
        return (source, f"{THEME_PREFIX}{name}", lambda: True) if template == name else None

    theme = Theme(site, loader=ChoiceLoader([FunctionLoader(uploaded), packaged]))
    try:
        tree = theme.environment.parse(source, name=name, filename=f"{THEME_PREFIX}{name}")
    except TemplateSyntaxError as error:
        return [f"{name}, line {error.lineno}: {error.message}"]
    forbidden = static_problems(tree, names)
    if forbidden:
        return [f"{name}, line {line}: {reason}" for line, reason in forbidden]
    try:
        with bounded(SAMPLE_RENDER_LIMITS):
            _render_samples(theme)
    except TemplateRefusedError as refused:
        return [f"rendering a sample page failed: {refused.describe()}"]
    except Exception as error:
        return [f"rendering a sample page failed: {refusal(error, name).describe()}"]
    return []


def _render_samples(theme: Theme) -> None:
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    tag = Link("sample", "/tags/sample/")
    author = Link("A. Writer", "/authors/a-writer/")
    entry = EntryView(
        title="A sample post", path="/posts/sample/", url=theme.site.url("/posts/sample/"), date=when,
        summary="A summary.", tags=[tag], authors=[author],
    )  # fmt: skip
    post = PostView(
        title="A sample post", slug="sample", path="/posts/sample/", url=entry.url, date=when, updated=when,
        summary="A summary.", authors=[author], tags=[tag], reading_minutes=2,
        toc=[Heading(2, "one", "One"), Heading(3, "two", "Two")],
    )  # fmt: skip
    theme.render_post(post, '<h2 id="one">One</h2><h3 id="two">Two</h3><p>Text.</p>')
    for kind in ("home", "archive", "tag", "author"):
        theme.render_listing(
            ListingView(kind=kind, title="Posts", path="/", url=theme.site.url("/"), entries=[entry],
                        pagination=Pagination(newer="/", older="/page/1/", label="Page 2"))
        )  # fmt: skip
    theme.render_terms(
        TermsView(kind="tag", title="Tags", path="/tags/", url=theme.site.url("/tags/"), terms=[tag])
    )
    theme.render_atom([entry], when)
    theme.render_rss([entry], when)
    theme.render_sitemap([SitemapEntry(entry.url, when)])
    theme.render_sitemap_index([SitemapEntry(theme.site.url("/sitemaps/posts-1.xml"))])
    theme.render_robots(theme.site.url("/sitemap.xml"))
    theme.render_not_found()
