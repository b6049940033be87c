"""The theme and the Markdown renderer, as every function that renders pages builds them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pressroom.reading.markdown import DEFAULT_EMBED_PREFIXES, MarkdownRenderer
from pressroom.settings import PostRules, RenderSettings, SitePages
from pressroom.theme import Theme, packaged_templates
from pressroom.views import SiteInfo
from pressroom.wiring import clients

if TYPE_CHECKING:
    from jinja2 import BaseLoader

    from pressroom.reading.validation import ValidationRules


def validation_rules(settings: PostRules) -> ValidationRules:
    # Imported here, with the YAML it reads posts by: AggregateFunction reads no posts.
    from pressroom.reading.validation import ValidationRules

    return ValidationRules(timezone=settings.timezone(), max_bytes=settings.max_post_bytes)


def theme(settings: SitePages) -> Theme:
    """The packaged theme, with the templates a site owner uploaded under theme/ over it."""
    site = SiteInfo(
        title=settings.site_title, base_url=settings.base_url, description=settings.site_description
    )
    if not settings.uploads_bucket:
        return Theme(site)
    s3, bucket = clients.s3(), settings.uploads_bucket

    def uploaded_theme() -> BaseLoader:  # called by the first render, which imports Jinja2
        from pressroom.adapters.theme_overrides import UploadedThemeLoader

        return UploadedThemeLoader(s3, bucket, packaged_templates())

    def uploaded_css() -> str | None:  # called by the first render too
        from pressroom.adapters.theme_overrides import uploaded_stylesheet

        return uploaded_stylesheet(s3, bucket)

    def snippet(name: str) -> str | None:  # Jekyll's include, in a post that uses it
        from pressroom.adapters.theme_overrides import read_theme_file

        return read_theme_file(s3, bucket, f"includes/{name}")

    return Theme(site, loader=uploaded_theme, uploaded_css=uploaded_css, snippets=snippet)


def markdown(settings: RenderSettings) -> MarkdownRenderer:
    prefixes = tuple(p.strip() for p in settings.embed_prefixes.split(",") if p.strip())
    return MarkdownRenderer(embed_prefixes=prefixes or DEFAULT_EMBED_PREFIXES)
