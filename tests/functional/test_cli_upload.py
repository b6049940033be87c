"""`pressroom upload` against a stack emulated by moto: check, upload the valid posts, say where each goes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from helpers import SHARED_POST
from moto import mock_aws

from pressroom_tools.cli import main

REGION = "eu-west-2"
STACK = "pressroom-test"
SITE = "https://blog.example.com"
# The smallest stack `upload --stack` can use: the two outputs it reads, as the real template names them.
TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {"UploadsBucket": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {
        "UploadsBucketName": {"Value": {"Ref": "UploadsBucket"}},
        "SiteUrl": {"Value": SITE},
    },
}
BROKEN = b"---\ntitle: no\ndate: 2024-13-45\n---\n\nA title YAML reads as false, and a date with month 13.\n"


@dataclass(frozen=True)
class Deployed:
    stack: str
    bucket: str
    s3: Any

    def keys(self) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Fake credentials and region, no profile or config of the user's, and moto for every AWS call."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


@pytest.fixture
def deployed(aws: None) -> Deployed:
    """A CloudFormation stack whose outputs name its uploads bucket and the site's URL."""
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName=STACK, TemplateBody=json.dumps(TEMPLATE))
    outputs = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    bucket = {output["OutputKey"]: output["OutputValue"] for output in outputs}["UploadsBucketName"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.head_bucket(Bucket=bucket)  # the stack made it
    return Deployed(stack=STACK, bucket=bucket, s3=s3)


def write(directory: Path, name: str, body: bytes) -> Path:
    path = directory / name
    path.write_bytes(body)
    return path


def test_valid_posts_are_uploaded_and_invalid_ones_are_not(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN the shared CMS export and a broken post
    broken = write(tmp_path, "broken.md", BROKEN)

    # WHEN both are uploaded to the stack
    status = main(["upload", str(SHARED_POST), str(broken), "--stack", deployed.stack])

    # THEN the run fails because of the broken post…
    out = capsys.readouterr().out
    assert status == 1

    # …the valid post is in the uploads bucket under posts/<its file name>, byte for byte, as Markdown…
    key = f"posts/{SHARED_POST.name}"
    assert deployed.keys() == [key]
    uploaded = deployed.s3.get_object(Bucket=deployed.bucket, Key=key)
    assert uploaded["Body"].read() == SHARED_POST.read_bytes()
    assert uploaded["ContentType"].split(";")[0] == "text/markdown"

    # …and the author is told where it will appear, and why the other was not uploaded
    assert f"uploaded {SHARED_POST} → s3://{deployed.bucket}/{key}" in out
    assert f"will appear at {SITE}/posts/uk-ai-opportunities-action-plan/" in out
    broken_report = out[out.index(f"invalid  {broken}") :]
    assert "title: YAML reads `no` as False" in broken_report
    assert "date: '2024-13-45' is not a real date" in broken_report
    assert broken_report.rstrip().endswith("not uploaded")


def test_all_valid_posts_upload_with_exit_status_0(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN two valid posts
    second = write(tmp_path, "second-post.md", b"---\ntitle: Second post\ndate: 2024-05-01\n---\n\nHello.\n")

    # WHEN both are uploaded
    status = main(["upload", str(SHARED_POST), str(second), "--stack", deployed.stack])

    # THEN both are in the bucket, each with where it will appear
    out = capsys.readouterr().out
    assert status == 0, out
    assert deployed.keys() == ["posts/second-post.md", f"posts/{SHARED_POST.name}"]
    assert f"will appear at {SITE}/posts/second-post/ within seconds" in out
    assert "not uploaded" not in out


def test_a_bucket_and_site_url_can_be_given_instead_of_a_stack(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN the bucket's name and a site URL, without the stack
    post = write(tmp_path, "by-bucket.md", b"---\ntitle: By bucket\ndate: 2024-05-01\n---\n\nHello.\n")

    # WHEN the post is uploaded there
    status = main(
        ["upload", str(post), "--bucket", deployed.bucket, "--site-url", "https://www.example.org/"]
    )

    # THEN it is uploaded, and its address is built from the URL given (one slash between the parts)
    out = capsys.readouterr().out
    assert status == 0, out
    assert deployed.keys() == ["posts/by-bucket.md"]
    assert "will appear at https://www.example.org/posts/by-bucket/ within seconds" in out


def test_a_future_dated_post_says_when_it_will_appear(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a post dated in 2099
    post = write(tmp_path, "later.md", b"---\ntitle: Later\ndate: 2099-01-01T09:00:00Z\n---\n\nNot yet.\n")

    # WHEN it is uploaded
    status = main(["upload", str(post), "--stack", deployed.stack])

    # THEN it is uploaded now, to be published on its date
    out = capsys.readouterr().out
    assert status == 0, out
    assert deployed.keys() == ["posts/later.md"]
    assert f"will appear at {SITE}/posts/later/ on 2099-01-01T09:00:00+00:00" in out


def test_a_draft_is_uploaded_but_said_to_be_a_draft(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    post = write(tmp_path, "draft.md", b"---\ntitle: Draft\ndate: 2024-05-01\ndraft: true\n---\n\nNot yet.\n")

    status = main(["upload", str(post), "--stack", deployed.stack])

    out = capsys.readouterr().out
    assert status == 0, out
    assert deployed.keys() == ["posts/draft.md"]
    assert "is a draft" in out
    assert "will appear" not in out


def test_an_expired_post_is_uploaded_but_said_to_have_expired(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    body = b"---\ntitle: Gone\ndate: 2024-05-01\nexpiryDate: 2024-06-01\n---\n\nOver.\n"
    post = write(tmp_path, "gone.md", body)

    status = main(["upload", str(post), "--stack", deployed.stack])

    out = capsys.readouterr().out
    assert status == 0, out
    assert deployed.keys() == ["posts/gone.md"]
    assert "has expired" in out
    assert "will appear" not in out


def test_an_unknown_stack_is_a_usage_error_and_nothing_is_uploaded(
    deployed: Deployed, capsys: pytest.CaptureFixture[str]
):
    # WHEN the stack named does not exist
    status = main(["upload", str(SHARED_POST), "--stack", "no-such-stack"])

    # THEN the command stops with status 2 and says which stack, in which region, it looked for
    captured = capsys.readouterr()
    assert status == 2
    assert f"no stack named 'no-such-stack' in {REGION}" in captured.err
    assert "uploaded" not in captured.out
    assert deployed.keys() == []


def test_a_stack_without_an_uploads_bucket_is_not_taken_for_a_pressroom_stack(
    aws: None, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a stack with no UploadsBucketName output
    template = {"Resources": {"Other": {"Type": "AWS::S3::Bucket"}}, "Outputs": {"SiteUrl": {"Value": SITE}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="not-pressroom", TemplateBody=json.dumps(template)
    )

    status = main(["upload", str(SHARED_POST), "--stack", "not-pressroom"])

    assert status == 2
    assert "has no UploadsBucketName output" in capsys.readouterr().err


def test_a_failed_upload_is_reported_and_fails_the_run(aws: None, capsys: pytest.CaptureFixture[str]):
    # GIVEN a bucket name that does not exist
    status = main(["upload", str(SHARED_POST), "--bucket", "no-such-bucket"])

    # THEN the valid post is reported as not uploaded, with the reason
    out = capsys.readouterr().out
    assert status == 1
    assert f"failed   {SHARED_POST}: could not upload to s3://no-such-bucket/posts/{SHARED_POST.name}" in out
    assert "NoSuchBucket" in out


def test_a_site_folder_is_uploaded_as_its_keys_pages_included_and_broken_files_held_back(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a site folder with a post, a page, a broken post, an image and a stray file
    site = tmp_path / "blog"
    for folder in ("posts", "pages", "assets"):
        (site / folder).mkdir(parents=True)
    write(site / "posts", SHARED_POST.name, SHARED_POST.read_bytes())
    write(site / "posts", "broken.md", BROKEN)
    write(site / "pages", "about.md", b"---\ntitle: About\nmenu: main\n---\n\nWho we are.\n")
    write(site / "assets", "chart.png", b"\x89PNG\r\n\x1a\n")
    write(site, "notes.txt", b"not part of the site")

    # WHEN the folder is uploaded
    status = main(["upload", "--site", str(site), "--stack", deployed.stack])

    # THEN everything valid is under its own key, with its type, and the broken post is not
    out = capsys.readouterr().out
    assert status == 1
    assert deployed.keys() == ["assets/chart.png", "pages/about.md", f"posts/{SHARED_POST.name}"]
    image = deployed.s3.get_object(Bucket=deployed.bucket, Key="assets/chart.png")
    assert image["ContentType"] == "image/png"
    assert f"will appear at {SITE}/about/ within seconds" in out
    assert f"invalid  {site / 'posts' / 'broken.md'}" in out


def test_files_and_a_site_folder_cannot_be_given_together(
    deployed: Deployed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    status = main(["upload", str(SHARED_POST), "--site", str(tmp_path), "--stack", deployed.stack])

    assert status == 2
    assert "not both" in capsys.readouterr().err
    assert deployed.keys() == []
