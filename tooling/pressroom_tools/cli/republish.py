"""`pressroom republish --stack NAME`: render the whole deployed site again, watching progress."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from pressroom.adapters.republish import RepublishLedger
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.progress import Progress, bar
from pressroom_tools.cli.upload import TargetError, stack_outputs
from pressroom_tools.clock import clock_from_environment

POLL_SECONDS = 2.0


def run(args: argparse.Namespace) -> int:
    session = boto3.Session(region_name=args.region) if args.region else boto3.Session()
    try:
        outputs = stack_outputs(session, args.stack)
        request = uuid.uuid4().hex
        session.client("events").put_events(
            Entries=[
                {
                    "EventBusName": outputs["PublishingBusName"],
                    "Source": "pressroom.operator",
                    "DetailType": "Republish Requested",
                    "Detail": json.dumps({"reason": args.reason, "requestId": request}),
                }
            ]
        )
    except (TargetError, KeyError, BotoCoreError, ClientError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Republish {request} requested on {args.stack}.")
    if args.no_wait:
        return EXIT_OK
    ledger = RepublishLedger(session.client("dynamodb"), outputs["PostsTableName"], clock_from_environment())
    return watch(ledger, request, Progress(), timeout=args.timeout)


def watch(
    ledger: RepublishLedger, request: str, progress: Progress, timeout: float, poll: float = POLL_SECONDS
) -> int:
    """Show the republish's progress until it is finished (or `timeout` seconds pass)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = ledger.progress(request)
        if state is None:
            progress.step("Waiting for RenderFunction to start the republish…")
        else:
            progress.step(f"Republishing {bar(state.done, state.total, state.failed)}")
            if state.finished:
                progress.done(
                    f"Republished {state.done} posts ({state.failed} failed); aggregate pages requested."
                )
                if state.failed:
                    print("Posts that failed wait in RepublishFailuresQueue: see `pressroom dlq list`.")
                return EXIT_FAILED if state.failed else EXIT_OK
        time.sleep(poll)
    progress.done("Still running; follow it with `pressroom status`, or run again with a longer --timeout.")
    return EXIT_FAILED
