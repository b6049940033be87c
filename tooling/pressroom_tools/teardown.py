"""Taking a deployed stack down: `pressroom destroy --stack NAME` (and `make destroy ENV=…`).

CloudFormation cannot delete a bucket that holds objects, so the hosting bucket (every page
of the site, which the pipeline can write again from the uploads) is emptied first, every
version of every object, and then the stack is deleted. The uploads bucket holds the authors'
sources: the template retains it, and it is kept, objects and all, unless the operator asks
for it to go too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import WaiterError

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_s3 import S3Client

ProgressCallback = Callable[[str], None]
DELETE_BATCH = 1000  # the most DeleteObjects takes at once
DELETE_ATTEMPTS = 2


@dataclass(frozen=True)
class TeardownPlan:
    stack: str
    hosting_bucket: str
    uploads_bucket: str
    delete_uploads: bool

    def describe(self) -> str:
        uploads = (
            f"empty and delete the uploads bucket {self.uploads_bucket} (the authors' sources)"
            if self.delete_uploads
            else f"keep the uploads bucket {self.uploads_bucket} and everything in it"
        )
        return (
            f"This will empty the hosting bucket {self.hosting_bucket} (the site's pages), "
            f"delete the stack {self.stack}, and {uploads}."
        )


@dataclass(frozen=True)
class TeardownResult:
    site_objects_removed: int
    uploads_removed: int
    uploads_bucket_deleted: bool


def plan_teardown(outputs: dict[str, str], stack: str, delete_uploads: bool) -> TeardownPlan:
    return TeardownPlan(
        stack=stack,
        hosting_bucket=outputs["HostingBucketName"],
        uploads_bucket=outputs["UploadsBucketName"],
        delete_uploads=delete_uploads,
    )


def empty_bucket(s3: S3Client, bucket: str, say: ProgressCallback) -> int:
    """Delete every version and delete marker in `bucket`; returns how many were removed.

    Always lists from the start again: continuing a listing past what was just deleted can
    skip what follows it.
    """
    removed = 0
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=DELETE_BATCH)
        entries = [
            {"Key": entry["Key"], "VersionId": entry["VersionId"]}
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        ][:DELETE_BATCH]
        if not entries:
            return removed
        response = s3.delete_objects(Bucket=bucket, Delete={"Objects": entries, "Quiet": True})  # type: ignore[typeddict-item]
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise RuntimeError(
                f"could not delete {len(errors)} objects from {bucket}, "
                f"first {first.get('Key')}: {first.get('Message')}"
            )
        removed += len(entries)
        say(f"Removed {removed:,} objects from {bucket}")


def tear_down(session: boto3.Session, plan: TeardownPlan, say: ProgressCallback) -> TeardownResult:
    """Empty the site, then delete the stack. A function still at work when the site was emptied
    (a republish, a late publication) can write a page before CloudFormation deletes it; the
    bucket's deletion then fails, so the site is emptied once more, with the functions gone,
    and the deletion retried."""
    s3 = session.client("s3")
    cloudformation = session.client("cloudformation")
    site_objects = empty_bucket(s3, plan.hosting_bucket, say)
    for attempt in range(1, DELETE_ATTEMPTS + 1):
        say(f"Deleting the stack {plan.stack} (CloudFront takes several minutes)")
        cloudformation.delete_stack(StackName=plan.stack)
        try:
            cloudformation.get_waiter("stack_delete_complete").wait(
                StackName=plan.stack, WaiterConfig={"Delay": 15, "MaxAttempts": 240}
            )
            break
        except WaiterError:
            if attempt == DELETE_ATTEMPTS or _stack_status(cloudformation, plan.stack) != "DELETE_FAILED":
                raise
            say(f"The stack could not be deleted yet ({_failure_reason(cloudformation, plan.stack)}); "
                "emptying the site again, now that its functions are gone")  # fmt: skip
            site_objects += empty_bucket(s3, plan.hosting_bucket, say)
    uploads = 0
    if plan.delete_uploads:
        uploads = empty_bucket(s3, plan.uploads_bucket, say)
        s3.delete_bucket(Bucket=plan.uploads_bucket)
    return TeardownResult(site_objects, uploads, plan.delete_uploads)


def _stack_status(cloudformation: CloudFormationClient, stack: str) -> str:
    return cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]


def _failure_reason(cloudformation: CloudFormationClient, stack: str) -> str:
    """What CloudFormation said of the first resource it could not delete."""
    for event in cloudformation.describe_stack_events(StackName=stack)["StackEvents"]:
        if event.get("ResourceStatus") == "DELETE_FAILED" and event.get("LogicalResourceId") != stack:
            return f"{event['LogicalResourceId']}: {event.get('ResourceStatusReason', 'no reason given')}"
    return "no reason given"
