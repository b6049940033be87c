"""Which version a republish shows: for each post, the version its page shows now, never a newer
upload that was refused and never an older one, read from S3 by version."""

from __future__ import annotations

from pressroom_tools.local.stack import LocalStack

PAGES = {"posts/edited.md": "posts/edited/index.html", "posts/kept.md": "posts/kept/index.html"}


def post(title: str, body: str) -> bytes:
    return f"---\ntitle: {title}\ndate: 2024-03-01\n---\n\n{body}\n".encode()


def page_text(stack: LocalStack, key: str) -> str:
    text: str = stack.site_objects()[key]["body"].decode()
    return text


def test_a_republish_shows_each_posts_newest_accepted_version(stack: LocalStack):
    # GIVEN a post edited once (both versions accepted), and a post whose edit was refused
    stack.upload("posts/edited.md", post("Edited", "The first draft."))
    stack.run_until_quiet()
    stack.upload("posts/edited.md", post("Edited", "The second draft, as it stands."))
    stack.upload("posts/kept.md", post("Kept", "The accepted text."))
    stack.run_until_quiet()
    stack.upload("posts/kept.md", b"---\ntitle: Kept\ndate: 2024-13-45\n---\n\nThe refused text.\n")
    stack.run_until_quiet()
    statuses = [(outcome.source, outcome.status.value) for outcome in stack.outcomes()]
    assert ("posts/kept.md", "rejected") in statuses
    # ... and their pages gone from the hosting bucket, so that only the republish can write them
    for page in PAGES.values():
        stack.s3.delete_object(Bucket=stack.output("HostingBucketName"), Key=page)

    # WHEN the whole site is republished
    stack.request_republish("theme change")
    assert stack.run_until_quiet().failures == []

    # THEN each page shows the version that was live: the second draft, and the accepted text
    edited = page_text(stack, PAGES["posts/edited.md"])
    assert "The second draft, as it stands." in edited
    assert "The first draft." not in edited
    kept = page_text(stack, PAGES["posts/kept.md"])
    assert "The accepted text." in kept
    assert "The refused text." not in kept
