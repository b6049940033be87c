"""`pressroom dlq list|redrive --stack NAME`: failed work in a deployed stack's failure queues."""

from __future__ import annotations

import argparse
import sys

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.upload import TargetError, stack_outputs
from pressroom_tools.operations import FailureQueues


def failure_queues(args: argparse.Namespace) -> FailureQueues:
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    outputs = stack_outputs(session, args.stack)
    return FailureQueues(outputs, session.client("sqs"), session.client("lambda"), session.client("events"))


def run_list(args: argparse.Namespace) -> int:
    try:
        queues = failure_queues(args)
        waiting = 0
        for name in queues.names():
            depth = queues.depth(name)
            waiting += depth
            print(f"{name}: {depth} waiting")
            for item in queues.peek(name) if depth else []:
                print(f"  - {item.kind} for {item.subject or '(no post)'} → {item.target}: {item.reason}")
    except (TargetError, BotoCoreError, ClientError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    if waiting:
        print(
            f"\n{waiting} item(s) wait; `pressroom dlq redrive --stack {args.stack}` sends them round again."
        )
    return EXIT_OK


def run_redrive(args: argparse.Namespace) -> int:
    try:
        queues = failure_queues(args)
        names = [args.queue] if args.queue else queues.names()
        failed = 0
        for name in names:
            report = queues.redrive(name)
            failed += report.failed
            print(f"{name}: {report.redriven} redriven, {report.failed} could not be sent")
    except (TargetError, KeyError, BotoCoreError, ClientError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK
