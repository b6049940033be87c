"""The operations dashboard: valid CloudWatch JSON, covering every function and failure queue."""

from __future__ import annotations

import json
import re
from typing import Any

METRICS_WE_EMIT = {"PostPublished", "PostRejected", "PostUnpublished", "PagesRebuilt", "Announcements"}


def dashboard(translated: dict[str, Any]) -> dict[str, Any]:
    body = translated["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    resolved = re.sub(r"\$\{([A-Za-z:]+)(?:\.([A-Za-z]+))?\}", lambda m: f"<{m.group(1)}>", body)
    parsed: dict[str, Any] = json.loads(resolved)
    return parsed


def metric_rows(translated: dict[str, Any]) -> list[list[Any]]:
    return [row for widget in dashboard(translated)["widgets"] for row in widget["properties"]["metrics"]]


def test_every_function_has_its_errors_and_throttles_shown(translated: dict[str, Any]):
    functions = {n for n, r in translated["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}
    for metric in ("Errors", "Throttles"):
        shown = {row[3] for row in metric_rows(translated) if row[:2] == ["AWS/Lambda", metric]}
        assert shown == {f"<{name}>" for name in functions}, metric


def test_every_failure_queue_has_its_depth_shown(translated: dict[str, Any]):
    queues = {
        name
        for name, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue" and name.endswith("FailuresQueue")
    }
    shown = {row[3] for row in metric_rows(translated) if row[1] == "ApproximateNumberOfMessagesVisible"}
    assert shown == {f"<{name}>" for name in queues}


def test_the_pipelines_own_metrics_are_shown_under_its_namespace_and_service(translated: dict[str, Any]):
    ours = [row for row in metric_rows(translated) if row[0] == "Pressroom"]
    assert {row[1] for row in ours} >= METRICS_WE_EMIT
    assert {tuple(row[2:4]) for row in ours} == {("service", "pressroom")}
    function = translated["Resources"]["RenderFunction"]["Properties"]["Environment"]["Variables"]
    assert (function["POWERTOOLS_METRICS_NAMESPACE"], function["POWERTOOLS_SERVICE_NAME"]) == (
        "Pressroom",
        "pressroom",
    )
