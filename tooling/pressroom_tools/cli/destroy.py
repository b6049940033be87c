"""`pressroom destroy --stack NAME [--delete-uploads] --yes`: empty the site, delete the stack."""

from __future__ import annotations

import argparse
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoRegionError, WaiterError

from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.upload import TargetError, stack_outputs
from pressroom_tools.teardown import plan_teardown, tear_down


def run(args: argparse.Namespace) -> int:
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    try:
        plan = plan_teardown(stack_outputs(session, args.stack), args.stack, args.delete_uploads)
    except (TargetError, KeyError, BotoCoreError, ClientError) as error:
        hint = " (pass --region, or set AWS_REGION)" if isinstance(error, NoRegionError) else ""
        print(f"pressroom: {error}{hint}", file=sys.stderr)
        return EXIT_USAGE
    print(plan.describe())
    if not args.yes:
        print("Nothing was deleted. Run the same command with --yes to go ahead.", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = tear_down(session, plan, lambda message: print(message, file=sys.stderr))
    except (BotoCoreError, ClientError, WaiterError, RuntimeError) as error:
        print(f"pressroom: the teardown stopped: {error}", file=sys.stderr)
        return EXIT_FAILED
    kept = (
        f"deleted the uploads bucket ({result.uploads_removed:,} objects)"
        if result.uploads_bucket_deleted
        else f"kept the uploads bucket {plan.uploads_bucket}"
    )
    print(f"Deleted the stack {plan.stack} and {result.site_objects_removed:,} site objects; {kept}.")
    return EXIT_OK
