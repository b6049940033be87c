"""The local stack's two transports and two invokers, without Docker.

`LocalStack(endpoint_url=…)` provisions an emulated stack served over HTTP (what the emulated
stack's container runs) with the same code as the in-process one, and the pipeline gives the
same outcomes there; the Lambda-endpoint invoker turns a function error into a failed
invocation, as the in-process one does.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from helpers import EXAMPLES, SITE_URL, TEMPLATE

from pressroom.clock import SystemClock
from pressroom_tools.local.containers import ContainerError, env_vars, host_architecture, host_template
from pressroom_tools.local.invokers import FunctionFailedError, LambdaEndpointInvoker
from pressroom_tools.local.server import serving
from pressroom_tools.local.stack import LocalStack


@pytest.fixture
def server() -> Iterator[str]:
    with serving("127.0.0.1", 0) as url:
        yield url


def outcomes(stack: LocalStack) -> list[tuple[str, str, str | None]]:
    return [(outcome.source, outcome.status.value, outcome.path) for outcome in stack.outcomes()]


def test_a_stack_served_over_http_runs_the_pipeline_as_the_in_process_one(server: str):
    with LocalStack(TEMPLATE, site_url=SITE_URL) as in_process:
        in_process.upload_posts(EXAMPLES)
        assert in_process.run_until_quiet().failures == []
        expected = outcomes(in_process), sorted(in_process.site_objects())

    with LocalStack(TEMPLATE, site_url=SITE_URL, endpoint_url=server) as served:
        served.upload_posts(EXAMPLES)
        assert served.run_until_quiet().failures == []

        assert (outcomes(served), sorted(served.site_objects())) == expected
        assert all(f.environment["AWS_ENDPOINT_URL"] == server for f in served.functions)


def test_a_served_stack_is_provisioned_afresh(server: str):
    with LocalStack(TEMPLATE, site_url=SITE_URL, endpoint_url=server) as first:
        first.upload("posts/left-over.md", b"---\ntitle: Left over\ndate: 2024-05-01\n---\n\nx\n")
    with LocalStack(TEMPLATE, site_url=SITE_URL, endpoint_url=server) as second:
        listed = second.s3.list_objects_v2(Bucket=second.output("UploadsBucketName"))
        assert listed.get("KeyCount", 0) == 0


def test_the_env_vars_file_sets_every_declared_variable_and_points_at_the_stack():
    ten_days = SystemClock(timedelta(days=10))
    with LocalStack(TEMPLATE, site_url=SITE_URL, clock=ten_days) as stack:
        variables = env_vars(stack, "http://pressroom-stack:5000")

    assert set(variables) == {function.logical_id for function in stack.functions}
    for function in stack.functions:
        assert set(variables[function.logical_id]) == set(function.declared)
        assert variables[function.logical_id]["AWS_ENDPOINT_URL"] == "http://pressroom-stack:5000"
        # The functions in Lambda containers run on the stack's clock.
        assert variables[function.logical_id]["PRESSROOM_CLOCK_OFFSET_SECONDS"] == "864000.0"
    assert variables["ValidateFunction"]["EVENT_BUS_NAME"] == "pressroom-local-publishing"
    assert variables["RenderFunction"]["SITE_URL"] == SITE_URL


def test_the_host_template_changes_only_the_architecture():
    source = TEMPLATE.read_text(encoding="utf-8")
    built = host_template(source)

    assert "arm64" not in built or host_architecture() == "arm64"
    assert built.replace(host_architecture(), "arm64") == source
    with pytest.raises(ContainerError, match="architecture settings changed"):
        host_template(source + "\n# arm64\n")


def stubbed(invoker: LambdaEndpointInvoker, payload: dict[str, Any], error: str | None) -> Stubber:
    body = json.dumps(payload).encode()
    response: dict[str, Any] = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))}
    if error:
        response["FunctionError"] = error
    stubber = Stubber(invoker.client)
    stubber.add_response("invoke", response, {"FunctionName": "ValidateFunction", "Payload": b"{}"})
    return stubber


def test_the_lambda_endpoint_invoker_returns_results_and_raises_for_function_errors():
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack:
        function = next(f for f in stack.functions if f.logical_id == "ValidateFunction")
    invoker = LambdaEndpointInvoker("http://127.0.0.1:9", "us-east-1")

    with stubbed(invoker, {"results": []}, None):
        assert invoker.invoke(function, {}) == {"results": []}
    with (
        stubbed(invoker, {"errorType": "ValueError", "errorMessage": "bad"}, "Unhandled"),
        pytest.raises(FunctionFailedError, match=r"^ValueError: bad$"),
    ):
        invoker.invoke(function, {})
