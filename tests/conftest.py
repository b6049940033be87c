"""Fixtures shared by the functional, e2e and artifact suites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from helpers import SITE_URL, TEMPLATE, WebhookReceiver

if TYPE_CHECKING:  # imported by the fixtures themselves: the unit suite never loads moto
    from pressroom_tools.local.stack import LocalStack


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    """A fresh local stack built from template.yaml; torn down after the test."""
    from pressroom_tools.local.stack import LocalStack

    with LocalStack(TEMPLATE, site_url=SITE_URL) as local_stack:
        yield local_stack


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A real HTTP server on 127.0.0.1 recording webhook deliveries (see helpers.WebhookReceiver)."""
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def webhook_stack(receiver: WebhookReceiver) -> Iterator[LocalStack]:
    """A local stack that also announces to `receiver` as a signed JSON webhook."""
    from pressroom_tools.local.stack import LocalStack

    with LocalStack(TEMPLATE, site_url=SITE_URL, webhooks=[receiver.url]) as local_stack:
        yield local_stack


@pytest.fixture
def hosting_writes(stack: LocalStack) -> Iterator[list[str]]:
    """The keys every PutObject and DeleteObject on the hosting bucket names, in order."""
    boto3.setup_default_session()  # the functions' clients will come from this session
    written: list[str] = []
    hosting = stack.output("HostingBucketName")

    def record(params: dict[str, Any], **_: Any) -> None:
        if params.get("Bucket") == hosting:
            written.append(params["Key"])

    events = boto3.DEFAULT_SESSION.events  # type: ignore[union-attr]
    events.register("provide-client-params.s3.PutObject", record)
    events.register("provide-client-params.s3.DeleteObject", record)
    yield written
    events.unregister("provide-client-params.s3.PutObject", record)
    events.unregister("provide-client-params.s3.DeleteObject", record)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The seconds each hostile upload's steps took (tests/*/test_hostile_uploads*.py record
    them), printed after the run: the suite shows what its bounds cost without asserting on time."""
    rows = [
        (report.nodeid.split("::")[0], value)
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "hostile_upload"
    ]
    if not rows:
        return
    terminalreporter.section("hostile uploads: seconds per step")
    for suite, steps in sorted(rows, key=lambda row: (row[0], row[1]["name"])):
        times = "  ".join(
            f"{step} {seconds:5.2f}" for step, seconds in steps.items() if step not in ("name", "step")
        )
        terminalreporter.write_line(f"{suite:48} {steps['name']:20} {steps['step']:14} {times}")
