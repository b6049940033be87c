"""`pressroom upload`: check post files, then put the valid ones in a deployed stack's uploads bucket."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pressroom.model import Post, PostStatus
from pressroom_tools.cli.check import check_file, print_result, rules_from
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE


class TargetError(RuntimeError):
    """The stack or bucket to upload to cannot be found."""


def stack_outputs(session: boto3.Session, stack: str) -> dict[str, str]:
    try:
        description = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as error:
        region = session.region_name or "your default region"
        raise TargetError(
            f"no stack named {stack!r} in {region} ({error.response['Error']['Message']})"
        ) from error
    outputs = {output["OutputKey"]: output["OutputValue"] for output in description.get("Outputs", [])}
    if "UploadsBucketName" not in outputs:
        raise TargetError(f"stack {stack!r} has no UploadsBucketName output: is it a pressroom stack?")
    return outputs


def where(post: Post, site_url: str | None) -> str:
    """Where, and when, an uploaded post will be on the site."""
    address = f"{site_url.rstrip('/')}{post.path}" if site_url else post.path
    if post.status is PostStatus.PUBLISHED:
        return f"will appear at {address} within seconds"
    if post.status is PostStatus.SCHEDULED:
        return f"will appear at {address} on {post.date.isoformat()}"
    if post.status is PostStatus.DRAFT:
        return "is a draft: validated, not published"
    return "has expired: validated, not published"


def run(args: argparse.Namespace) -> int:
    """pressroom upload: check, upload the valid files, say where each will appear."""
    rules = rules_from(args)
    if rules is None:
        return EXIT_USAGE
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    try:
        if args.stack:
            outputs = stack_outputs(session, args.stack)
            bucket, site_url = outputs["UploadsBucketName"], outputs.get("SiteUrl")
        else:
            bucket, site_url = args.bucket, args.site_url
    except (TargetError, BotoCoreError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    s3 = session.client("s3")
    now = datetime.now(UTC)
    failed = False
    for path in args.files:
        result = check_file(path, rules, now)
        if result.post is None:
            print_result(result)
            print("           not uploaded")
            failed = True
            continue
        key = f"posts/{path.name}"
        try:
            s3.put_object(
                Bucket=bucket, Key=key, Body=result.data, ContentType="text/markdown; charset=utf-8"
            )
        except (ClientError, BotoCoreError) as error:
            print(f"{'failed':<9}{path}: could not upload to s3://{bucket}/{key}: {error}")
            failed = True
            continue
        print(f"{'uploaded':<9}{path} → s3://{bucket}/{key}; {where(result.post, site_url)}")
    return EXIT_FAILED if failed else EXIT_OK
