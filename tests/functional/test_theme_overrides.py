"""A site owner overrides a template by uploading it under theme/; the site is republished."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import EXAMPLES

from pressroom.theme import packaged_templates
from pressroom_tools.local.stack import LocalStack

CUSTOM_POST = """{% extends "base.html.j2" %}
{% set page_title = post.title %}
{% set description = post.summary or post.title %}
{% set canonical = post.url %}
{% set og_type = "article" %}
{% set nav_current = "" %}
{% block content %}
<article class="custom">
  <h1>{{ post.title }}</h1>
  <p class="byline">Custom byline for {{ post.title }}</p>
  {{ content }}
</article>
{% endblock %}
"""


@pytest.fixture
def site(stack: LocalStack) -> Any:
    stack.upload_posts(EXAMPLES)
    assert stack.run_until_quiet().failures == []
    return stack


def upload_template(stack: LocalStack, name: str, source: str) -> None:
    stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=f"theme/{name}", Body=source.encode())


def post_pages(stack: LocalStack) -> dict[str, str]:
    return {
        key: item["body"].decode()
        for key, item in stack.site_objects().items()
        if key.startswith("posts/") and key.endswith("/index.html")
    }


def test_an_uploaded_template_is_checked_then_every_post_is_rendered_with_it(site: Any):
    upload_template(site, "post.html.j2", CUSTOM_POST)
    stats = site.run_until_quiet()

    assert stats.failures == []
    events = [event["detail-type"] for event in site.observed_events()]
    assert "Republish Requested" in events
    pages = post_pages(site)
    assert len(pages) == 3  # the published examples: the CMS, Hugo and Jekyll posts
    for html in pages.values():
        assert '<p class="byline">Custom byline for' in html
    assert "Custom byline for Our Response to the UK Government's AI Opportunities Action Plan" in "".join(
        pages.values()
    )
    # the aggregate pages were rebuilt too (the listing template was not overridden)
    assert (
        'href="/posts/uk-ai-opportunities-action-plan/"' in site.site_objects()["index.html"]["body"].decode()
    )


def test_removing_the_override_restores_the_packaged_template(site: Any):
    upload_template(site, "post.html.j2", CUSTOM_POST)
    site.run_until_quiet()

    site.delete("theme/post.html.j2")
    site.run_until_quiet()

    for html in post_pages(site).values():
        assert "Custom byline" not in html


@pytest.mark.parametrize(
    ("name", "source", "message"),
    [
        (
            "post.html.j2",
            "{% block content %}<p title='{{ post.title }}'>x</p>{% endblock %}",
            "double quotes",
        ),
        ("post.html.j2", "{% block content %}{{ post.title }{% endblock %}", "line 1"),
        ("fancy.html.j2", "<p>unused</p>", "no such template"),
        # parses, but base.html.j2 needs page_title: it would fail every page it renders
        ("post.html.j2", '{% extends "base.html.j2" %}{% block content %}x{% endblock %}', "undefined"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_and_changes_nothing(
    site: Any, name: str, source: str, message: str
):
    before = post_pages(site)
    site.observed_events()

    upload_template(site, name, source)
    site.run_until_quiet()

    events = site.observed_events()
    assert [event["detail-type"] for event in events] == ["Post Rejected"]
    (reason,) = events[0]["detail"]["reasons"]
    assert message in reason["message"]
    assert post_pages(site) == before
    notice = site.announcements()[-1]
    assert notice.kind == "rejected"
    assert f"theme/{name} was not published" in notice.message


def test_every_packaged_template_may_be_overridden_by_name():
    names = set(packaged_templates().list_templates())
    assert {"post.html.j2", "list.html.j2", "base.html.j2", "atom.xml.j2", "404.html.j2"} <= names


OWNER_CSS = "body { font-family: 'Owner Sans', serif; color: #102030; }\n"


def linked_stylesheets(stack: LocalStack) -> set[str]:
    return {
        match
        for html in post_pages(stack).values()
        for match in re.findall(r'href="/(assets/theme/style\.[0-9a-f]+\.css)"', html)
    }


def test_an_uploaded_stylesheet_replaces_the_packaged_one_on_every_page(site: Any):
    (packaged_key,) = linked_stylesheets(site)

    upload_template(site, "style.css", OWNER_CSS)
    assert site.run_until_quiet().failures == []

    (owner_key,) = linked_stylesheets(site)
    assert owner_key != packaged_key
    objects = site.site_objects()
    stylesheet = objects[owner_key]
    assert stylesheet["body"].decode().startswith(OWNER_CSS.rstrip())
    assert ".highlight" in stylesheet["body"].decode()  # the code colours still follow it
    assert stylesheet["content_type"] == "text/css; charset=utf-8"
    assert "immutable" in stylesheet["cache_control"]
    assert packaged_key in objects  # pages cached at the edge may still link the old one

    site.s3.delete_object(Bucket=site.output("UploadsBucketName"), Key="theme/style.css")
    assert site.run_until_quiet().failures == []

    assert linked_stylesheets(site) == {packaged_key}


def test_a_stylesheet_under_another_name_is_refused_and_changes_nothing(site: Any):
    before = linked_stylesheets(site)

    upload_template(site, "extra.css", OWNER_CSS)
    site.run_until_quiet()

    assert linked_stylesheets(site) == before
    rejected = [a for a in site.announcements() if a.kind == "rejected"]
    assert "only theme/style.css replaces the site's stylesheet" in rejected[-1].message


def test_a_refused_stylesheet_left_in_the_bucket_is_never_used(site: Any):
    (packaged_key,) = linked_stylesheets(site)
    bucket = site.output("UploadsBucketName")

    site.s3.put_object(Bucket=bucket, Key="theme/style.css", Body=b"\xff\xfe body { color: red }")
    site.upload(
        "posts/after-the-refusal.md", b"---\ntitle: After the refusal\ndate: 2024-06-02\n---\n\nBody.\n"
    )
    stats = site.run_until_quiet()

    assert stats.failures == []
    assert linked_stylesheets(site) == {packaged_key}
    rejected = [a for a in site.announcements() if a.kind == "rejected"]
    assert "the stylesheet must be UTF-8 text" in rejected[-1].message


def test_removing_a_css_file_that_never_replaced_the_stylesheet_republishes_nothing(site: Any):
    bucket = site.output("UploadsBucketName")
    upload_template(site, "extra.css", OWNER_CSS)
    site.run_until_quiet()
    republishes = [e for e in site.observed_events() if e["detail-type"] == "Republish Requested"]

    site.s3.delete_object(Bucket=bucket, Key="theme/extra.css")
    site.run_until_quiet()

    assert [e for e in site.observed_events() if e["detail-type"] == "Republish Requested"] == republishes
