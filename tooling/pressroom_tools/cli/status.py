"""`pressroom status --stack NAME`: published posts, posts not live and why, failure queues."""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pressroom.catalogue import STATUS_STATES
from pressroom_tools.cli.exits import EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.upload import TargetError, stack_outputs
from pressroom_tools.operations import FailureQueues
from pressroom_tools.status import format_status, site_status


def run(args: argparse.Namespace) -> int:
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    try:
        outputs = stack_outputs(session, args.stack)
        queues = FailureQueues(
            outputs, session.client("sqs"), session.client("lambda"), session.client("events")
        )
        status = site_status(
            session.client("dynamodb"),
            outputs["PostsTableName"],
            outputs.get("SiteUrl", ""),
            args.newest,
            {name: queues.depth(name) for name in queues.names()},
            states=args.state or STATUS_STATES,
            tag=args.tag,
        )
    except (TargetError, KeyError, ValueError, BotoCoreError, ClientError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps(status.to_json(), indent=2, default=str))
    else:
        print(format_status(status))
    return EXIT_OK
