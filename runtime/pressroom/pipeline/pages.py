"""A post's page: its body rendered from Markdown, in the theme's post template.

The render stage asks a PostPages for every page it writes. A build that renders posts ahead,
in other processes or in an earlier run, hands the stage a PostPages that looks them up first
(`prerendered`, by the post and the menu they were rendered with): the page is the same either
way, because the same code produced it from the same values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from aws_lambda_powertools import Logger

from pressroom.aggregates import SitePage, author_listing, listing_path, menu_of, tag_listing
from pressroom.model import Image, Post, PostKind
from pressroom.reading.liquid_bodies import holds_liquid, is_jekyll_post
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.shortcodes import expand
from pressroom.theme import Theme
from pressroom.urls import absolute
from pressroom.views import Heading, ImageView, Link, PostView

logger = Logger(child=True)


def navigation_links(pages: Iterable[SitePage]) -> tuple[Link, ...]:
    """The main menu every HTML page shows, from the site's live pages."""
    return tuple(Link(name, path) for name, path in menu_of(pages))


def page_fingerprint(post: Post, menu: Sequence[Link]) -> str:
    """A digest of everything a post's page is made from but the theme: the version as read, and
    the menu it shows."""
    return hashlib.sha256(repr((post, tuple(menu))).encode("utf-8")).hexdigest()


class PostPages:
    def __init__(self, theme: Theme, markdown: MarkdownRenderer) -> None:
        self.theme = theme
        self.markdown = markdown
        self.prerendered: Mapping[str, str] = {}

    def render(self, post: Post, menu: Sequence[Link]) -> str:
        """The post's page, its navigation listing `menu` (raises TemplateRefusedError if the theme
        cannot render it)."""
        page = self.prerendered.get(page_fingerprint(post, menu)) if self.prerendered else None
        if page is not None:
            return page
        rendered = self.markdown.render(self.body(post))
        for warning in rendered.warnings:  # the page is published, plainer where it says
            logger.warning("Post body shown plainer", source_key=post.source_key, problem=warning.describe())
        view = self.view(post, rendered.reading_minutes, rendered.toc)
        if post.kind is PostKind.PAGE:
            return self.theme.render_page(view, rendered.html, rendered.text, menu=menu)
        return self.theme.render_post(view, rendered.html, rendered.text, menu=menu)

    def body(self, post: Post) -> str:
        """The post's Markdown with its dialect's syntax evaluated: a Jekyll post's Liquid, or
        Hugo's shortcodes in any other."""
        if not is_jekyll_post(post.source_key):
            return expand(post.body).body
        if not holds_liquid(post.body):
            return post.body
        from pressroom.reading.liquid_bodies import render

        site = self.theme.site
        values = {"title": site.title, "url": site.base_url, "description": site.description, "baseurl": ""}
        page = {**post.front_matter, "title": post.title, "url": post.path, "date": post.date.isoformat()}
        return render(post.body, values, page, self.theme.snippet).body

    def view(self, post: Post, reading_minutes: int, toc: Sequence[Heading] = ()) -> PostView:
        site = self.theme.site
        return PostView(
            title=post.title,
            slug=post.slug,
            path=post.path,
            url=site.url(post.path),
            date=post.date,
            updated=post.updated,
            summary=post.summary,
            authors=[Link(name, listing_path(author_listing(name))) for name in post.authors],
            tags=[Link(name, listing_path(tag_listing(name))) for name in post.tags],
            categories=post.categories,
            image=_image_view(post.images[0], site.base_url) if post.images else None,
            reading_minutes=reading_minutes,
            toc=toc,
            params=post.front_matter,
            dated=post.dated,
        )


def _image_view(image: Image, base_url: str) -> ImageView:
    return ImageView(
        url=absolute(image.url, base_url), alt=image.alt or "", width=image.width, height=image.height
    )
