"""On the local stack: an uploaded template that tries to run code is refused and changes nothing.

The first test is the reproduction from the security report (a command's output in a post's
page); the second replays every technique of tests/unit/fixtures/sandbox on one stack; the
last two plant templates that pass the upload check and misbehave only on real posts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import EXAMPLES, theme_override

from pressroom_tools.local.stack import LocalStack

FIXTURES = Path(__file__).parents[1] / "unit" / "fixtures" / "sandbox"
ESCAPES: dict[str, dict[str, str]] = yaml.safe_load((FIXTURES / "escapes.yaml").read_text(encoding="utf-8"))
EXHAUSTION: dict[str, str] = yaml.safe_load((FIXTURES / "exhaustion.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def site(stack: LocalStack) -> Any:
    stack.upload_posts(EXAMPLES)
    assert stack.run_until_quiet().failures == []
    stack.observed_events()  # start the next test's record afresh
    return stack


def upload_template(stack: LocalStack, name: str, source: str) -> None:
    stack.upload(f"theme/{name}", source.encode())


def site_bodies(stack: LocalStack) -> dict[str, bytes]:
    return {key: item["body"] for key, item in stack.site_objects().items()}


def test_the_reported_injection_is_refused_and_runs_nothing(site: Any, tmp_path: Path):
    # GIVEN the template from the report: a command run in the render process, its output in the page
    marker = tmp_path / "command-ran"
    before = site_bodies(site)
    payload = f'{{{{ cycler.__init__.__globals__.os.popen("id > {marker}; echo PWNED").read() }}}}'

    # WHEN it is uploaded as theme/post.html.j2
    upload_template(site, "post.html.j2", theme_override(payload))
    stats = site.run_until_quiet()

    # THEN ValidateFunction refuses it, naming the line, and nothing else happens
    assert stats.failures == []
    events = site.observed_events()
    assert [event["detail-type"] for event in events] == ["Post Rejected"]
    reasons = [reason["message"] for reason in events[0]["detail"]["reasons"]]
    assert reasons == [
        "post.html.j2, line 8: __globals__: names like this are Python's internals",
        "post.html.j2, line 8: __init__: names like this are Python's internals",
    ]
    assert not marker.exists()
    assert site_bodies(site) == before
    notice = site.announcements()[-1]
    assert (notice.kind, notice.subject) == ("rejected", "Not published: post.html.j2")


def test_every_injection_technique_is_refused_on_the_stack_without_retries(site: Any, tmp_path: Path):
    marker = tmp_path / "ran"
    before = site_bodies(site)
    payloads = {name: technique["payload"] for name, technique in ESCAPES.items()} | EXHAUSTION

    for name, payload in payloads.items():
        upload_template(site, "post.html.j2", theme_override(payload.replace("MARKER", str(marker))))
        stats = site.run_until_quiet()

        assert stats.failures == [], name
        events = site.observed_events()
        assert [event["detail-type"] for event in events] == ["Post Rejected"], name
        assert all("post.html.j2" in reason["message"] for reason in events[0]["detail"]["reasons"]), name

    assert not marker.exists()
    assert site_bodies(site) == before
    assert all(not waiting for waiting in site.failed_events().values())


# Passes the upload check (the sample post's slug is "sample") and misbehaves on every real post.
POST_TRAP = theme_override(
    '{% if post.slug != "sample" %}{% set u = "_" * 2 %}{{ post|attr(u ~ "class" ~ u) }}{% endif %}'
)
LIST_TRAP = theme_override(
    '{% if listing.entries and listing.entries[0].title != "A sample post" %}{{ range(10**6) }}{% endif %}',
    view="listing",
    og_type="website",
)


def test_a_post_template_that_fails_on_real_posts_leaves_them_as_they_were(
    site: Any, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("pressroom.adapters.theme_overrides.RECHECK_SECONDS", 0.0)  # no warm copies
    before = site_bodies(site)

    # WHEN a template that only misbehaves on real posts is uploaded, and the site republishes
    upload_template(site, "post.html.j2", POST_TRAP)
    stats = site.run_until_quiet()

    # THEN no invocation failed or was retried; every live page is as it was
    assert stats.failures == []
    assert "Republish Requested" in [event["detail-type"] for event in site.observed_events()]
    assert site_bodies(site) == before

    # AND a new post is refused with the theme's reason, not published, and the author is told
    site.upload("posts/new-post.md", b"---\ntitle: A new post\ndate: 2024-06-01\n---\n\nHello.\n")
    stats = site.run_until_quiet()

    assert stats.failures == []
    rejected = [event for event in site.observed_events() if event["detail-type"] == "Post Rejected"]
    assert len(rejected) == 1
    (reason,) = rejected[0]["detail"]["reasons"]
    assert reason["field"] == "theme"
    assert reason["message"].startswith(
        "the site's theme could not render this post: post.html.j2, line 8: PostView.__class__:"
    )
    assert "posts/a-new-post/index.html" not in site.site_objects()
    assert site.announcements()[-1].kind == "rejected"


def test_a_listing_template_that_fails_on_real_listings_leaves_the_live_pages(site: Any):
    before = site_bodies(site)

    upload_template(site, "list.html.j2", LIST_TRAP)
    stats = site.run_until_quiet()

    assert stats.failures == []
    assert site_bodies(site) == before
    assert all(not waiting for waiting in site.failed_events().values())


def test_front_matter_and_body_are_data_and_never_evaluated(site: Any, tmp_path: Path):
    # GIVEN a post whose every field is template, format-string or YAML-tag syntax
    marker = tmp_path / "ran"
    post = f"""---
title: "{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
date: 2024-06-01
tags: ["{{% for x in range(10**9) %}}{{% endfor %}}"]
summary: "{{0.__class__}} %s %(x)s"
payload: "{{{{ 7*7 }}}}"
---
Body with {{{{ 7*7 }}}}, {{% raw %}} and {{0.real.imag}}.

```python startinline=True
print("{{{{ 7*7 }}}}")
```
"""
    # WHEN it is uploaded and published with the packaged theme
    site.upload("posts/injection.md", post.encode())
    assert site.run_until_quiet().failures == []

    # THEN it is published, and every field shows as the text it is
    page = site.site_objects()["posts/injection/index.html"]["body"].decode()
    assert "<h1>{{ cycler.__init__.__globals__.os.popen(" in page
    assert "{% for x in range(10**9) %}{% endfor %}" in page
    assert "{0.__class__} %s %(x)s" in page
    assert "<p>Body with {{ 7*7 }}, {% raw %} and {0.real.imag}.</p>" in page
    # (the marker's path is shown as written, and the temporary folder's name may contain 49)
    assert "49" not in page.split("<main", 1)[1].replace(str(marker), "")
    assert not marker.exists()
