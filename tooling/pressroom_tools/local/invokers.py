"""How the local Lambda service runs a function: in this process, or in a `sam local` container.

The local stack decides what to invoke and when (retries, batches, on-failure records); an
Invoker only runs one invocation and returns the handler's result, raising FunctionFailedError
when the handler raised.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol
from unittest import mock

import boto3
from botocore.config import Config

from pressroom_tools.local.aws_calls import StackCallLog, calls_made_by

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

ACCOUNT_ID = "123456789012"


@dataclass
class LocalFunction:
    """One AWS::Serverless::Function, as the local Lambda service runs it."""

    logical_id: str
    name: str
    code_path: Path
    handler_name: str
    environment: dict[str, str]
    queue_url: str
    memory_mb: int
    timeout_seconds: int
    max_retries: int
    on_failure_queue_url: str | None
    sqs_batch_size: int | None = None  # set when an SQS queue triggers the function (no async retries)
    declared: frozenset[str] = field(default_factory=frozenset)  # the variables the template sets
    module: ModuleType | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.environment['AWS_REGION']}:{ACCOUNT_ID}:function:{self.name}"


class LocalContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function: LocalFunction) -> None:
        self.function_name = function.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.arn
        self.memory_limit_in_mb = function.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + function.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionFailedError(Exception):
    """The handler raised: Lambda would count a failed invocation (and retry, if asynchronous)."""


class Invoker(Protocol):
    def invoke(self, function: LocalFunction, event: dict[str, Any]) -> Any:
        """Run `function` once on `event` and return its result; raise FunctionFailedError if it failed."""
        ...


class InProcessInvoker:
    """Imports each handler once, like a warm container, and calls it with the function's environment.

    With a `call_log`, the AWS calls each invocation makes are written down as its function's.
    """

    def __init__(self, module_prefix: str, call_log: StackCallLog | None = None) -> None:
        self.module_prefix = module_prefix
        self.call_log = call_log

    def invoke(self, function: LocalFunction, event: dict[str, Any]) -> Any:
        try:
            with self._environment(function), calls_made_by(function.logical_id, self.call_log):
                handler = getattr(self._module(function), function.handler_name)
                return handler(event, LocalContext(function))
        except Exception as exception:
            raise FunctionFailedError(
                "".join(traceback.format_exception_only(exception)).strip()
            ) from exception

    @contextmanager
    def _environment(self, function: LocalFunction) -> Iterator[None]:
        with mock.patch.dict(os.environ, function.environment):
            yield

    def _module(self, function: LocalFunction) -> ModuleType:
        if function.module is None:
            module_name = f"{self.module_prefix}_{function.logical_id}"
            spec = importlib.util.spec_from_file_location(module_name, function.code_path)
            if spec is None or spec.loader is None:
                raise FunctionFailedError(f"cannot load {function.code_path} for {function.logical_id}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module  # as an import would: dataclasses look themselves up there
            spec.loader.exec_module(module)
            function.module = module
        return function.module


class LambdaEndpointInvoker:
    """Invokes through a Lambda API endpoint: `sam local start-lambda`, which runs each function
    from `sam build`'s output in a Lambda container (the functions' own endpoint settings say
    where the emulated stack is)."""

    def __init__(self, endpoint_url: str, region: str) -> None:
        # A cold container can take a while to start; Lambda's own retries are the stack's to make.
        config = Config(read_timeout=300, connect_timeout=10, retries={"max_attempts": 0})
        self.client: LambdaClient = boto3.client(
            "lambda", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def invoke(self, function: LocalFunction, event: dict[str, Any]) -> Any:
        response = self.client.invoke(FunctionName=function.logical_id, Payload=json.dumps(event).encode())
        payload = response["Payload"].read()
        result = json.loads(payload) if payload else None
        if response.get("FunctionError"):
            details = result if isinstance(result, dict) else {}
            kind = details.get("errorType", "Error")
            raise FunctionFailedError(
                f"{kind}: {details.get('errorMessage', payload.decode(errors='replace'))}"
            )
        return result


class RecordingInvoker:
    """Another invoker, keeping the first event each function received (real events to replay)."""

    def __init__(self, inner: Invoker) -> None:
        self.inner = inner
        self.first_events: dict[str, dict[str, Any]] = {}

    def invoke(self, function: LocalFunction, event: dict[str, Any]) -> Any:
        self.first_events.setdefault(function.logical_id, event)
        return self.inner.invoke(function, event)
