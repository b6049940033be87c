"""Reading an upload: exactly the version an event names, from a versioned bucket (moto's S3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pressroom.adapters.uploads import UploadStore
from pressroom.events import SourceObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BUCKET = "uploads"


@pytest.fixture
def s3() -> Iterator[S3Client]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def upload(s3: S3Client, key: str, body: bytes) -> str:
    return s3.put_object(Bucket=BUCKET, Key=key, Body=body)["VersionId"]


def test_the_version_an_event_names_is_read_even_after_a_newer_upload(s3: S3Client):
    first = upload(s3, "posts/a.md", b"first")
    upload(s3, "posts/a.md", b"second")

    assert UploadStore(s3).read(SourceObject(bucket=BUCKET, key="posts/a.md", version_id=first)) == b"first"


def test_without_a_version_the_current_upload_is_read(s3: S3Client):
    upload(s3, "posts/a.md", b"first")
    upload(s3, "posts/a.md", b"second")

    assert UploadStore(s3).read(SourceObject(bucket=BUCKET, key="posts/a.md")) == b"second"


def test_a_version_deleted_since_its_event_reads_as_gone(s3: S3Client):
    first = upload(s3, "posts/a.md", b"first")
    upload(s3, "posts/a.md", b"second")
    s3.delete_object(Bucket=BUCKET, Key="posts/a.md", VersionId=first)

    assert UploadStore(s3).read(SourceObject(bucket=BUCKET, key="posts/a.md", version_id=first)) is None


def test_a_key_deleted_since_its_event_reads_as_gone(s3: S3Client):
    assert UploadStore(s3).read(SourceObject(bucket=BUCKET, key="posts/never.md")) is None


def test_a_failure_that_is_not_a_missing_version_is_raised(s3: S3Client):
    with pytest.raises(ClientError) as failed:
        UploadStore(s3).read(SourceObject(bucket="no-such-bucket", key="posts/a.md"))

    assert failed.value.response["Error"]["Code"] == "NoSuchBucket"
