"""The local stack: template.yaml's resources in moto, its functions run as Lambda would run them.

Nothing here repeats template.yaml: provisioning.py creates its resources, sam.py its functions
and their events, lambda_service.py delivers what is queued to them (retries, batches, failure
records), scheduler.py fires due schedules, observer.py collects what the report says. The
functions run in this process, or through an Invoker in Lambda containers.
"""

from __future__ import annotations

import json
import mimetypes
import os
import secrets
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

import boto3
from botocore.config import Config
from moto import mock_aws

from pressroom.clock import SystemClock
from pressroom.filenames import is_markdown
from pressroom_tools.clock import clock_from_environment
from pressroom_tools.local.aws_calls import Account, open_stack_log, recording_calls
from pressroom_tools.local.faults import S3Throttling
from pressroom_tools.local.invokers import (
    ACCOUNT_ID,
    InProcessInvoker,
    Invoker,
    LocalFunction,
)
from pressroom_tools.local.lambda_service import Invocation, LambdaService, RunStats
from pressroom_tools.local.moto_speed import faster_moto
from pressroom_tools.local.observer import Observer
from pressroom_tools.local.provisioning import Provisioner
from pressroom_tools.local.report import AnnouncementRecord, OutcomeBook, PostOutcome
from pressroom_tools.local.s3_events import faithful_s3_notifications
from pressroom_tools.local.sam import SamWiring
from pressroom_tools.local.scheduler import fire_due_schedules
from pressroom_tools.local.template import Resolver, load_template
from pressroom_tools.local.watch import not_uploaded_reason, site_uploads

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

ProgressCallback = Callable[[str], None]


class LocalStack:
    """template.yaml in moto: in this process, or in a moto server at `endpoint_url`. Use as a
    context manager; the functions run in this process unless another Invoker is given.

    A facade over the parts a reader finds by name: provisioning (the resources), sam (the
    functions and their events), lambda_service (invocations, retries, batches, failure
    records), scheduler (EventBridge Scheduler) and observer (the report's events).
    """

    def __init__(
        self,
        template_path: Path,
        *,
        site_url: str = "http://127.0.0.1:8000",
        stack_name: str = "pressroom-local",
        region: str = "us-east-1",
        parameters: Mapping[str, str] | None = None,
        log_level: str = "WARNING",
        webhooks: Sequence[str] = (),
        s3_throttle_rate: float = 0.0,
        endpoint_url: str | None = None,
        invoker: Invoker | None = None,
        stack_commands: bool | None = None,
        clock: SystemClock | None = None,
    ) -> None:
        """`endpoint_url` is an emulated stack served over HTTP (pressroom_tools.local.server), which
        this stack then provisions afresh, instead of moto in this process; `invoker` runs the
        functions (in this process by default); `stack_commands` registers a CloudFormation stack
        of this name holding the outputs, for the operator commands (by default when served);
        `clock` is the time the functions read (by default the system's, or PRESSROOM_NOW's)."""
        self.template_path = template_path.resolve()
        self.clock = clock or clock_from_environment()
        self.endpoint_url = endpoint_url
        # A CloudFormation stand-in for `pressroom status|dlq|republish --stack`: by default only
        # when served over HTTP, where such a command can reach it (moto parses it: 40 ms a stack).
        self.stack_commands = endpoint_url is not None if stack_commands is None else stack_commands
        self.invoker = invoker or InProcessInvoker(f"pressroom_local_{stack_name.replace('-', '_')}")
        self.template = load_template(self.template_path)
        self.stack_name = stack_name
        self.region = region
        self.log_level = log_level
        defaults = {
            name: str(spec.get("Default", "")) for name, spec in self.template.get("Parameters", {}).items()
        }
        self.webhooks = list(webhooks)
        self.s3_throttling = S3Throttling(s3_throttle_rate) if s3_throttle_rate else None
        self.webhook_secret = secrets.token_urlsafe(24) if webhooks else ""
        if webhooks:
            defaults["WebhooksParameterName"] = f"/{stack_name}/webhooks"
        self.resolver = Resolver(
            template=self.template,
            parameters={**defaults, "PublicSiteUrl": site_url, **(parameters or {})},
            pseudo={
                "AWS::AccountId": ACCOUNT_ID,
                "AWS::Region": region,
                "AWS::StackName": stack_name,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
                "AWS::StackId": f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{stack_name}/local",
            },
        )
        self.functions: list[LocalFunction] = []
        self.book = OutcomeBook()
        self._exit = ExitStack()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self._exit.close()  # a half-built stack must not leave moto's mocks behind
            raise

    def _start(self) -> None:
        self._exit.enter_context(
            mock.patch.dict(
                os.environ,
                {
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing",
                    "AWS_DEFAULT_REGION": self.region,
                    "AWS_REGION": self.region,
                },
            )
        )
        if self.endpoint_url:
            self._exit.enter_context(mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": self.endpoint_url}))
            _reset_server(self.endpoint_url)
        else:
            self._exit.enter_context(mock_aws())
            self._exit.enter_context(faithful_s3_notifications())
            self._exit.enter_context(faster_moto())
        self.session = boto3.Session(region_name=self.region)
        if self.s3_throttling is not None:
            boto3.setup_default_session(region_name=self.region)  # the functions' clients come from it
            self.s3_throttling.install(self.session)
            self._exit.callback(self.s3_throttling.remove, self.session)
        # Adaptive retries, as the functions use: an emulated 503 SlowDown is retried, not fatal.
        self.s3: S3Client = self.session.client(
            "s3", config=Config(retries={"mode": "adaptive", "max_attempts": 8})
        )
        self.sqs: SQSClient = self.session.client("sqs")
        self.provisioner = Provisioner(
            self.template, self.resolver, self.session, self.s3, self.sqs, self.stack_name, self.region
        )
        self.provisioner.create()
        if self.webhooks:
            self.provisioner.store_webhooks(self.webhooks, self.webhook_secret)
        wiring = SamWiring(
            self.template, self.template_path, self.resolver, self.provisioner, self.session, self.s3,
            self.sqs, region=self.region, log_level=self.log_level, endpoint_url=self.endpoint_url,
            clock=self.clock,
        )  # fmt: skip
        self.functions.extend(wiring.create_functions())
        self.observer = Observer(
            self.session, self.sqs, self.resolver, self.provisioner.resources, self.provisioner.queue_arn,
            self.stack_name, self.book,
        )  # fmt: skip
        self.lambda_service = LambdaService(
            self.sqs, self.functions, lambda: self.invoker, self.provisioner.queue_arn, self.region,
            collect=self.observer.collect, clock=self.clock,
        )  # fmt: skip
        self.lambda_service.drain_test_events()
        self._record_calls()
        self.observer.subscribe()
        if self.stack_commands:
            self._describe_in_cloudformation()

    def _record_calls(self) -> None:
        """With PRESSROOM_AWS_CALLS set, write down every AWS call the functions make here in IAM's
        terms, with the names needed to read this stack's policies (see aws_calls.py)."""
        invoker = getattr(self.invoker, "inner", self.invoker)
        if not recording_calls() or not isinstance(invoker, InProcessInvoker):
            return  # not asked for; or the functions run in containers, out of this process's sight
        names = {
            **self.resolver.pseudo,
            **self.resolver.parameters,
            **self.resolver.physical_ids,
            **{f"{resource}.{name}": value for (resource, name), value in self.resolver.attributes.items()},
        }
        for function in self.functions:  # the roles SAM makes for them
            role = self.provisioner.physical_name(f"{function.logical_id}Role")
            names[f"{function.logical_id}Role"] = role
            names[f"{function.logical_id}Role.Arn"] = f"arn:aws:iam::{ACCOUNT_ID}:role/{role}"
        account = Account(self.region, ACCOUNT_ID, self._partition_keys(), self._topic_keys())
        conditions = {name: self.resolver.condition(name) for name in self.template.get("Conditions", {})}
        invoker.call_log = open_stack_log(account, names, conditions)

    def _partition_keys(self) -> dict[str, str]:
        """Each table's name → its hash key attribute (dynamodb:LeadingKeys reads its value)."""
        return {
            self.resolver.physical_ids[logical_id]: key["AttributeName"]
            for logical_id, resource in self.provisioner.resources().items()
            if resource["Type"] == "AWS::DynamoDB::Table"
            for key in resource["Properties"]["KeySchema"]
            if key["KeyType"] == "HASH"
        }

    def _topic_keys(self) -> dict[str, str]:
        """Each encrypted topic's ARN → its key's ARN (publishing to it uses the key)."""
        return {
            self.resolver.physical_ids[logical_id]: self._key_arn(resource["Properties"]["KmsMasterKeyId"])
            for logical_id, resource in self.provisioner.resources().items()
            if resource["Type"] == "AWS::SNS::Topic" and "KmsMasterKeyId" in resource.get("Properties", {})
        }

    def _key_arn(self, key: Any) -> str:
        """A topic's KmsMasterKeyId as the key's ARN (a Ref to the template's key gives its id)."""
        if isinstance(key, dict) and set(key) == {"Ref"}:
            return self.resolver.attributes[(key["Ref"], "Arn")]
        return str(self.resolver.resolve(key))

    def _describe_in_cloudformation(self) -> None:
        """A CloudFormation stack of this name, with the template's outputs resolved: what the
        operator commands (`pressroom status|dlq|republish --stack NAME`) read to find things."""
        outputs = {
            name: {"Value": self.output(name), "Description": spec.get("Description", "")}
            for name, spec in self.template.get("Outputs", {}).items()
        }
        stand_in = {
            "Description": f"{self.stack_name}: the local stack's outputs (its resources are emulated apart)",
            "Resources": {"Outputs": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
            "Outputs": outputs,
        }
        with warnings.catch_warnings():  # moto creates nothing for the handle, and says so
            warnings.simplefilter("ignore", UserWarning)
            self.session.client("cloudformation").create_stack(
                StackName=self.stack_name, TemplateBody=json.dumps(stand_in)
            )

    def stop(self) -> None:
        self._exit.close()

    # ------------------------------------------------------------------ what a user does
    def output(self, name: str) -> str:
        """A stack output, as `sam deploy` would print it (e.g. UploadsBucketName)."""
        outputs = self.template.get("Outputs", {})
        if name not in outputs:
            raise KeyError(f"template.yaml has no output {name!r}")
        return str(self.resolver.resolve(outputs[name]["Value"]))

    def upload(self, key: str, data: bytes) -> None:
        self.s3.put_object(
            Bucket=self.output("UploadsBucketName"),
            Key=key,
            Body=data,
            ContentType="text/markdown; charset=utf-8",
        )

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.output("UploadsBucketName"), Key=key)

    def upload_posts(self, directory: Path, progress: ProgressCallback | None = None) -> list[str]:
        """Upload every .md and .markdown file in `directory` as posts/<file name>, and every file
        in its subdirectories as posts/<subdirectory>/<file> (images beside their post)."""
        files = sorted(path for path in directory.iterdir() if path.is_file())
        posts = [path for path in files if is_markdown(path.name)]
        for skipped in sorted(set(files) - set(posts)):
            self.book.skip(skipped.name, "not a post: only .md and .markdown files are uploaded")
        uploads = [(f"posts/{path.name}", path) for path in posts]
        for folder in sorted(path for path in directory.iterdir() if path.is_dir()):
            uploads += [
                (f"posts/{path.relative_to(directory).as_posix()}", path)
                for path in sorted(folder.rglob("*"))
                if path.is_file()
            ]
        keys = []
        for number, (key, path) in enumerate(uploads, start=1):
            if is_markdown(key):
                self.upload(key, path.read_bytes())
            else:
                self.s3.put_object(Bucket=self.output("UploadsBucketName"), Key=key, Body=path.read_bytes())
            keys.append(key)
            if progress:
                progress(f"uploaded {number}/{len(uploads)}: {key}")
        return keys

    def upload_site(self, directory: Path, progress: ProgressCallback | None = None) -> list[str]:
        """Upload a site folder laid out like the uploads bucket (posts/, pages/, authors/,
        assets/, theme/) as those keys: the theme first, then what pages show, then the pages
        and posts. Anything else is reported as skipped."""
        uploads = site_uploads(directory)
        uploaded = {path for _, path in uploads}
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path not in uploaded:
                self.book.skip(path.relative_to(directory).as_posix(), not_uploaded_reason(directory, path))
        keys = []
        for number, (key, path) in enumerate(uploads, start=1):
            if is_markdown(key):
                self.upload(key, path.read_bytes())
            else:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                self.s3.put_object(
                    Bucket=self.output("UploadsBucketName"),
                    Key=key,
                    Body=path.read_bytes(),
                    ContentType=content_type,
                )
            keys.append(key)
            if progress:
                progress(f"uploaded {number}/{len(uploads)}: {key}")
        return keys

    def request_republish(self, reason: str = "requested locally") -> str:
        """Put "Republish Requested" on the bus, as `pressroom republish` does; returns its id."""
        request_id = uuid.uuid4().hex
        self.session.client("events").put_events(
            Entries=[
                {
                    "EventBusName": self.output("PublishingBusName"),
                    "Source": "pressroom.operator",
                    "DetailType": "Republish Requested",
                    "Detail": json.dumps({"reason": reason, "requestId": request_id}),
                }
            ]
        )
        return request_id

    def site_objects(self) -> dict[str, dict[str, Any]]:
        """Every object in the hosting bucket: key → {body, content_type, cache_control}."""
        bucket = self.output("HostingBucketName")
        objects: dict[str, dict[str, Any]] = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                response = self.s3.get_object(Bucket=bucket, Key=item["Key"])
                objects[item["Key"]] = {
                    "body": response["Body"].read(),
                    "content_type": response.get("ContentType"),
                    "cache_control": response.get("CacheControl"),
                }
        return objects

    # ------------------------------------------------------------------ the parts, by name
    def run_until_quiet(
        self, progress: ProgressCallback | None = None, functions: Collection[str] | None = None
    ) -> RunStats:
        """Deliver queued events to the functions until none has anything left to do.

        `functions` limits the run to those logical ids (a test driving one stage by hand).
        """
        return self.lambda_service.run_until_quiet(progress, functions)

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Invocation:
        """Invoke one function directly with an event, as `sam local invoke -e` would."""
        return self.lambda_service.invoke(logical_id, event)

    def pending_events(self, logical_id: str) -> list[dict[str, Any]]:
        return self.lambda_service.pending_events(logical_id)

    def pending_sqs_batch(self, logical_id: str) -> dict[str, Any]:
        return self.lambda_service.pending_sqs_batch(logical_id)

    def redrive(self, logical_id: str | None = None) -> list[Invocation]:
        return self.lambda_service.redrive(logical_id)

    def failed_events(self) -> dict[str, list[dict[str, Any]]]:
        return self.lambda_service.failed_events()

    def fire_due_schedules(self, now: datetime) -> list[str]:
        """Do what EventBridge Scheduler would by `now` (see scheduler.py)."""
        return fire_due_schedules(self.session, self.provisioner.schedule_groups, now)

    def invalidations(self) -> list[list[str]]:
        return self.provisioner.invalidations()

    @property
    def not_emulated(self) -> dict[str, str]:
        return self.provisioner.not_emulated

    def observed_events(self) -> list[dict[str, Any]]:
        return self.observer.observed_events()

    def outcomes(self) -> list[PostOutcome]:
        return self.observer.outcomes()

    def announcements(self) -> list[AnnouncementRecord]:
        return self.observer.announcements()


def _reset_server(endpoint_url: str) -> None:
    """Empty an emulated stack server, so that this stack is provisioned on a clean slate."""
    url = f"{endpoint_url.rstrip('/')}/moto-api/reset"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP endpoint: {endpoint_url!r}")
    request = urllib.request.Request(url, method="POST")  # noqa: S310 - checked to be HTTP above
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
