"""`pressroom upload`: check post and page files (or a whole site folder), then put the valid
ones in a deployed stack's uploads bucket."""

from __future__ import annotations

import argparse
import mimetypes
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pressroom.filenames import is_markdown
from pressroom.model import Post, PostStatus
from pressroom_tools.cli.check import check_file, print_result, rules_from, upload_key_of
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.clock import clock_from_environment
from pressroom_tools.local.watch import site_uploads


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
    if bool(args.files) == bool(args.site):
        print("pressroom: name the files to upload, or a site folder with --site, not both.",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if args.site and not args.site.is_dir():
        print(f"pressroom: --site {args.site} is not a directory.", file=sys.stderr)
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
    now = clock_from_environment().now()
    uploads = site_uploads(args.site) if args.site else [(upload_key_of(path), path) for path in args.files]
    failed = False
    for key, path in uploads:
        if not is_markdown(key) and args.site:
            failed |= not _put(s3, bucket, key, path.read_bytes(), path)
            continue
        result = check_file(path, rules, now, key)
        if result.post is None:
            print_result(result)
            print("           not uploaded")
            failed = True
            continue
        if _put(s3, bucket, key, result.data, path, "text/markdown; charset=utf-8"):
            print(f"{'uploaded':<9}{path} → s3://{bucket}/{key}; {where(result.post, site_url)}")
        else:
            failed = True
    return EXIT_FAILED if failed else EXIT_OK


def _put(s3: Any, bucket: str, key: str, body: bytes, path: Path, content_type: str | None = None) -> bool:
    """Upload one file; say so, or why not. False if it failed."""
    content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
    except (ClientError, BotoCoreError) as error:
        print(f"{'failed':<9}{path}: could not upload to s3://{bucket}/{key}: {error}")
        return False
    if not is_markdown(key):
        print(f"{'uploaded':<9}{path} → s3://{bucket}/{key}")
    return True
