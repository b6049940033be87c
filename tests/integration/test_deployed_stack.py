"""The pipeline on a deployed stack: upload a post, see it on the site, delete it, see it go.

Not part of `make test`: it needs AWS credentials and a stack deployed with `make deploy`.
Run it with `make integration STACK=<stack name>`; without both, every test here is skipped.
"""

from __future__ import annotations

import os
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.integration

STACK = os.environ.get("PRESSROOM_STACK", "")
TIMEOUT_SECONDS = 180


def _credentials_available() -> bool:
    try:
        import boto3

        return boto3.Session().get_credentials() is not None
    except Exception:
        return False


if not STACK or not _credentials_available():
    pytest.skip("needs AWS credentials and PRESSROOM_STACK=<deployed stack name>", allow_module_level=True)


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    import boto3

    stack = boto3.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(3)
    pytest.fail(f"gave up after {TIMEOUT_SECONDS}s waiting for {what}")


@pytest.fixture
def post(outputs: dict[str, str]) -> Iterator[dict[str, Any]]:
    import boto3

    s3 = boto3.client("s3")
    slug = f"integration-{uuid.uuid4().hex[:12]}"
    key = f"posts/{slug}.md"
    body = (
        f"---\ntitle: Integration test {slug}\ndate: 2024-05-01\n---\n\nWritten by the integration suite.\n"
    )
    s3.put_object(Bucket=outputs["UploadsBucketName"], Key=key, Body=body.encode())
    try:
        yield {"slug": slug, "key": key, "page": f"posts/{slug}/index.html"}
    finally:
        s3.delete_object(Bucket=outputs["UploadsBucketName"], Key=key)


def exists(bucket: str, key: str) -> bool:
    import boto3
    from botocore.exceptions import ClientError

    try:
        boto3.client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def test_an_uploaded_post_is_published_and_served(outputs: dict[str, str], post: dict[str, Any]):
    wait_for(lambda: exists(outputs["HostingBucketName"], post["page"]), "the post's page")

    with urllib.request.urlopen(f"{outputs['SiteUrl']}/posts/{post['slug']}/", timeout=30) as response:
        assert response.status == 200
        assert f"Integration test {post['slug']}" in response.read().decode()


def test_a_deleted_post_is_unpublished(outputs: dict[str, str], post: dict[str, Any]):
    import boto3

    wait_for(lambda: exists(outputs["HostingBucketName"], post["page"]), "the post's page")
    boto3.client("s3").delete_object(Bucket=outputs["UploadsBucketName"], Key=post["key"])

    wait_for(lambda: not exists(outputs["HostingBucketName"], post["page"]), "the page to be removed")
