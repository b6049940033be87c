"""`pressroom destroy`: the site's bucket emptied, the stack deleted, the authors' uploads kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pressroom_tools.cli import main

STACK = "pressroom-dev"
# The two resources a teardown touches, with the outputs it reads them from.
TEMPLATE = {
    "Resources": {
        "HostingBucket": {"Type": "AWS::S3::Bucket"},
        "UploadsBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
    },
    "Outputs": {
        "HostingBucketName": {"Value": {"Ref": "HostingBucket"}},
        "UploadsBucketName": {"Value": {"Ref": "UploadsBucket"}},
    },
}


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, dict[str, str]]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        cloudformation = boto3.client("cloudformation")
        cloudformation.create_stack(StackName=STACK, TemplateBody=json.dumps(TEMPLATE))
        outputs = {
            output["OutputKey"]: output["OutputValue"]
            for output in cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
        }
        s3 = boto3.client("s3")
        s3.put_bucket_versioning(
            Bucket=outputs["UploadsBucketName"], VersioningConfiguration={"Status": "Enabled"}
        )
        for number in range(1205):  # more than one DeleteObjects batch
            s3.put_object(Bucket=outputs["HostingBucketName"], Key=f"posts/p{number}/index.html", Body=b"<p>")
        for version in range(3):
            s3.put_object(
                Bucket=outputs["UploadsBucketName"], Key="posts/hello.md", Body=f"v{version}".encode()
            )
        yield s3, outputs


def stack_exists() -> bool:
    stacks = boto3.client("cloudformation").list_stacks()["StackSummaries"]
    return any(s["StackName"] == STACK and s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)


def objects_in(s3: Any, bucket: str) -> int:
    response = s3.list_object_versions(Bucket=bucket)
    return len(response.get("Versions", [])) + len(response.get("DeleteMarkers", []))


def test_without_yes_it_says_what_it_would_do_and_deletes_nothing(
    deployed, capsys: pytest.CaptureFixture[str]
):
    s3, outputs = deployed
    assert main(["destroy", "--stack", STACK]) == 2
    out, err = capsys.readouterr()
    assert f"empty the hosting bucket {outputs['HostingBucketName']}" in out
    assert f"keep the uploads bucket {outputs['UploadsBucketName']}" in out
    assert "Nothing was deleted" in err
    assert stack_exists()
    assert objects_in(s3, outputs["HostingBucketName"]) == 1000  # one page of the listing: still full


def test_it_empties_the_site_deletes_the_stack_and_keeps_every_upload(
    deployed, capsys: pytest.CaptureFixture[str]
):
    s3, outputs = deployed
    assert main(["destroy", "--stack", STACK, "--yes"]) == 0
    assert not stack_exists()
    hosting = outputs["HostingBucketName"]
    buckets = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert hosting not in buckets or objects_in(s3, hosting) == 0
    assert objects_in(s3, outputs["UploadsBucketName"]) == 3  # every version of the author's post
    assert "1,205 site objects" in capsys.readouterr().out


def test_delete_uploads_removes_every_version_and_the_bucket(deployed):
    s3, outputs = deployed
    assert main(["destroy", "--stack", STACK, "--yes", "--delete-uploads"]) == 0
    assert outputs["UploadsBucketName"] not in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}


def test_a_stack_that_is_not_there_is_a_clear_error(deployed, capsys: pytest.CaptureFixture[str]):
    assert main(["destroy", "--stack", "no-such-stack", "--yes"]) == 2
    assert "no stack named 'no-such-stack'" in capsys.readouterr().err


class LateWritesSession:
    """moto's S3, and a CloudFormation whose first deletion fails as AWS's does when a function
    wrote a page after the site was emptied: the bucket is not empty, DELETE_FAILED."""

    def __init__(self, s3: Any, hosting: str) -> None:
        from botocore.stub import Stubber

        self.s3 = s3
        self.cloudformation = boto3.client("cloudformation")
        late_write = {"done": False}

        def write_a_page_late(**_: Any) -> None:
            if not late_write["done"]:
                late_write["done"] = True
                s3.put_object(Bucket=hosting, Key="posts/late/index.html", Body=b"<p>")

        self.cloudformation.meta.events.register(
            "before-parameter-build.cloudformation.DeleteStack", write_a_page_late
        )
        stub = Stubber(self.cloudformation)
        failed = {
            "Stacks": [{"StackName": STACK, "StackStatus": "DELETE_FAILED", "CreationTime": "2026-01-01"}]
        }
        stub.add_response("delete_stack", {}, {"StackName": STACK})
        stub.add_response("describe_stacks", failed)  # the waiter: a failure state, no waiting
        stub.add_response("describe_stacks", failed)
        stub.add_response(
            "describe_stack_events",
            {"StackEvents": [{
                "StackId": "id", "EventId": "e1", "StackName": STACK, "Timestamp": "2026-01-01",
                "LogicalResourceId": "HostingBucket", "ResourceStatus": "DELETE_FAILED",
                "ResourceStatusReason": "The bucket you tried to delete is not empty",
            }]},
        )  # fmt: skip
        stub.add_response("delete_stack", {}, {"StackName": STACK})
        stub.add_client_error("describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist")
        stub.activate()
        self.stub = stub

    def client(self, name: str) -> Any:
        return {"s3": self.s3, "cloudformation": self.cloudformation}[name]


def test_a_page_written_while_the_stack_is_deleted_is_removed_and_the_deletion_retried(deployed):
    from pressroom_tools.teardown import plan_teardown, tear_down

    s3, outputs = deployed
    session = LateWritesSession(s3, outputs["HostingBucketName"])
    said: list[str] = []

    result = tear_down(session, plan_teardown(outputs, STACK, delete_uploads=False), said.append)  # type: ignore[arg-type]

    session.stub.assert_no_pending_responses()
    assert objects_in(s3, outputs["HostingBucketName"]) == 0
    assert result.site_objects_removed == 1205 + 1
    assert any("HostingBucket: The bucket you tried to delete is not empty" in line for line in said)
