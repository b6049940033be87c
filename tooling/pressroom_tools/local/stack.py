"""The local stack: the template's resources created in moto, its wiring routed to the handlers.

Nothing here repeats template.yaml. Buckets, tables, buses, topics and queues are created from
its Resources; each function's S3 and EventBridge events are pointed at an SQS queue of that
function's own (moto delivers both to SQS), and `run_until_quiet` plays the Lambda service:
it takes what is queued, has its Invoker run the function (in-process with the function's
environment, or in a Lambda container through `sam local start-lambda`), retries as its
EventInvokeConfig says, and sends what still fails to its on-failure destination.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock
from zoneinfo import ZoneInfo

import boto3
from botocore.config import Config
from moto import mock_aws

from pressroom_tools.local.faults import S3Throttling
from pressroom_tools.local.invokers import (
    ACCOUNT_ID,
    FunctionFailedError,
    InProcessInvoker,
    Invoker,
    LocalFunction,
)
from pressroom_tools.local.moto_speed import faster_dynamodb
from pressroom_tools.local.report import AnnouncementRecord, OutcomeBook, PostOutcome
from pressroom_tools.local.s3_events import faithful_s3_notifications
from pressroom_tools.local.template import Resolver, TemplateError, load_template

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

POST_SUFFIXES = (".md", ".markdown")

# Resource types the local stack knows and deliberately does not create, and why.
NOT_EMULATED = {
    "AWS::Serverless::LayerVersion": "the layer's code is the installed pressroom package",
    "AWS::S3::BucketPolicy": "moto does not enforce IAM or bucket policies",
    "AWS::SQS::QueuePolicy": "moto does not enforce queue policies",
    "AWS::SNS::Subscription": "announcements are collected from a queue subscribed by the local stack",
    "AWS::Logs::LogGroup": "function logs go to the terminal",
    "AWS::CloudWatch::Alarm": "there are no metrics in the emulation; failed work is printed instead",
    "AWS::Scheduler::Schedule": "moto never fires schedules; use pressroom local --republish",
    "AWS::CloudFront::OriginAccessControl": "the site is exported to --out and served by --serve",
    "AWS::CloudFront::Function": "--serve applies the same pretty-URL rules",
}

ProgressCallback = Callable[[str], None]


@dataclass
class Invocation:
    function: str
    succeeded: bool
    attempts: int
    error: str | None = None


@dataclass
class RunStats:
    invocations: list[Invocation] = field(default_factory=list)

    @property
    def failures(self) -> list[Invocation]:
        return [invocation for invocation in self.invocations if not invocation.succeeded]


class LocalStack:
    """template.yaml in moto: in this process, or in a moto server at `endpoint_url`. Use as a
    context manager; the functions run in this process unless another Invoker is given."""

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
    ) -> None:
        """`endpoint_url` is an emulated stack served over HTTP (pressroom_tools.local.server), which
        this stack then provisions afresh, instead of moto in this process; `invoker` runs the
        functions (in this process by default)."""
        self.template_path = template_path.resolve()
        self.endpoint_url = endpoint_url
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
        self.schedule_groups: list[str] = []
        self._redrive_policies: dict[str, Any] = {}
        self._queue_arns: dict[str, str] = {}
        self.distribution_id = ""
        self.not_emulated: dict[str, str] = {}
        self.book = OutcomeBook()
        self._unread_events: list[dict[str, Any]] = []
        self._exit = ExitStack()
        self._observer_queue_url = ""
        self._inbox_queue_url = ""

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
            self._exit.enter_context(faster_dynamodb())
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
        self._create_resources()
        if self.webhooks:
            self._store_webhooks()
        self._create_functions()
        self._observe()

    def stop(self) -> None:
        self._exit.close()

    # ------------------------------------------------------------------ resources
    def _resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.template["Resources"]
        return {
            logical_id: resource
            for logical_id, resource in resources.items()
            if "Condition" not in resource or self.resolver.condition(resource["Condition"])
        }

    def _create_resources(self) -> None:
        creators: dict[str, Callable[[str, dict[str, Any]], None]] = {
            "AWS::S3::Bucket": self._create_bucket,
            "AWS::DynamoDB::Table": self._create_table,
            "AWS::Events::EventBus": self._create_bus,
            "AWS::SNS::Topic": self._create_topic,
            "AWS::SQS::Queue": self._create_queue,
            "AWS::Scheduler::ScheduleGroup": self._create_schedule_group,
            "AWS::IAM::Role": self._create_role,
            "AWS::IAM::ManagedPolicy": self._create_managed_policy,
            "AWS::CloudFront::Distribution": self._create_distribution,
        }
        resources = self._resources()
        order = list(creators)
        for logical_id, resource in sorted(
            resources.items(),
            key=lambda item: order.index(item[1]["Type"]) if item[1]["Type"] in order else len(order),
        ):
            kind = resource["Type"]
            if kind in creators:
                creators[kind](logical_id, resource.get("Properties", {}))
            elif kind in NOT_EMULATED:
                self.not_emulated[logical_id] = NOT_EMULATED[kind]
            elif kind != "AWS::Serverless::Function":
                raise TemplateError(
                    f"{logical_id} is a {kind}, which the local stack does not know how to emulate: "
                    "teach pressroom_tools/local/stack.py about it"
                )
        for url, policy in self._redrive_policies.items():
            redrive = self.resolver.resolve(policy)
            self.sqs.set_queue_attributes(
                QueueUrl=url,
                Attributes={
                    "RedrivePolicy": json.dumps(
                        {
                            "deadLetterTargetArn": redrive["deadLetterTargetArn"],
                            "maxReceiveCount": int(redrive["maxReceiveCount"]),
                        }
                    )
                },
            )

    def _store_webhooks(self) -> None:
        """The --webhook URLs as generic signed JSON webhooks, where the template says to look."""
        hooks = [
            {"name": f"local-{number}", "kind": "json", "url": url, "secret": self.webhook_secret}
            for number, url in enumerate(self.webhooks, start=1)
        ]
        self.session.client("ssm").put_parameter(
            Name=self.resolver.parameters["WebhooksParameterName"],
            Value=json.dumps(hooks),
            Type="SecureString",
            Overwrite=True,
        )

    def _physical_name(self, logical_id: str) -> str:
        return f"{self.stack_name}-{logical_id}"

    def _create_bucket(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self._physical_name(logical_id).lower()
        self.s3.create_bucket(Bucket=name)
        versioning = self.resolver.resolve(properties.get("VersioningConfiguration", {}))
        if versioning.get("Status") == "Enabled":
            self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes.update(
            {
                (logical_id, "Arn"): f"arn:aws:s3:::{name}",
                (logical_id, "RegionalDomainName"): f"{name}.s3.{self.region}.amazonaws.com",
                (logical_id, "DomainName"): f"{name}.s3.amazonaws.com",
            }
        )

    def _create_table(self, logical_id: str, properties: dict[str, Any]) -> None:
        spec = self.resolver.resolve(properties)
        name = spec.get("TableName") or self._physical_name(logical_id)
        arguments: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": spec["AttributeDefinitions"],
            "KeySchema": spec["KeySchema"],
            "BillingMode": spec.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if spec.get("GlobalSecondaryIndexes"):
            arguments["GlobalSecondaryIndexes"] = spec["GlobalSecondaryIndexes"]
        dynamodb = self.session.client("dynamodb")
        table = dynamodb.create_table(**arguments)
        ttl = spec.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = table["TableDescription"]["TableArn"]

    def _create_bus(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolver.resolve(properties.get("Name")) or self._physical_name(logical_id)
        arn = self.session.client("events").create_event_bus(Name=name)["EventBusArn"]
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes.update({(logical_id, "Arn"): arn, (logical_id, "Name"): name})

    def _create_topic(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolver.resolve(properties.get("TopicName")) or self._physical_name(logical_id)
        arn = self.session.client("sns").create_topic(Name=name)["TopicArn"]
        self.resolver.physical_ids[logical_id] = arn
        self.resolver.attributes.update({(logical_id, "TopicArn"): arn, (logical_id, "TopicName"): name})

    def _create_queue(self, logical_id: str, properties: dict[str, Any]) -> None:
        fifo = bool(self.resolver.resolve(properties.get("FifoQueue", False)))
        name = self.resolver.resolve(properties.get("QueueName")) or self._physical_name(logical_id)
        attributes = {
            "VisibilityTimeout": str(self.resolver.resolve(properties.get("VisibilityTimeout", 30)))
        }
        if fifo:
            name = name if name.endswith(".fifo") else f"{name}.fifo"
            attributes["FifoQueue"] = "true"
            attributes["ContentBasedDeduplication"] = str(
                bool(self.resolver.resolve(properties.get("ContentBasedDeduplication", False)))
            ).lower()
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
        if "RedrivePolicy" in properties:  # its dead-letter queue may come later in the template
            self._redrive_policies[url] = properties["RedrivePolicy"]
        arn = self._queue_arn(url)
        self.resolver.physical_ids[logical_id] = url
        self.resolver.attributes.update(
            {
                (logical_id, "Arn"): arn,
                (logical_id, "QueueName"): name,
                (logical_id, "QueueUrl"): url,
            }
        )

    def _create_schedule_group(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolver.resolve(properties.get("Name")) or self._physical_name(logical_id)
        arn = self.session.client("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = arn
        self.schedule_groups.append(name)

    def _create_distribution(self, logical_id: str, properties: dict[str, Any]) -> None:
        """A stand-in distribution in moto, so that invalidations are made and can be counted.

        It does not serve anything: the site is exported to --out and served by --serve.
        """
        origin = properties["DistributionConfig"]["Origins"][0]
        domain = self.resolver.resolve(origin["DomainName"])
        response = self.session.client("cloudfront").create_distribution(
            DistributionConfig={
                "CallerReference": f"{self.stack_name}-{logical_id}",
                "Comment": "pressroom local stack stand-in",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "hosting",
                            "DomainName": domain,
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {"TargetOriginId": "hosting", "ViewerProtocolPolicy": "allow-all"},
            }
        )
        distribution = response["Distribution"]
        self.resolver.physical_ids[logical_id] = distribution["Id"]
        self.resolver.attributes[(logical_id, "DomainName")] = distribution["DomainName"]
        self.distribution_id = distribution["Id"]

    def invalidations(self) -> list[list[str]]:
        """The paths of every CloudFront invalidation made so far, oldest first."""
        if not self.distribution_id:
            return []
        cloudfront = self.session.client("cloudfront")
        summaries = cloudfront.list_invalidations(DistributionId=self.distribution_id)
        items = summaries.get("InvalidationList", {}).get("Items", [])
        batches = []
        for summary in reversed(items):
            invalidation = cloudfront.get_invalidation(DistributionId=self.distribution_id, Id=summary["Id"])
            batches.append(list(invalidation["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", [])))
        return batches

    def _create_role(self, logical_id: str, properties: dict[str, Any]) -> None:
        """Roles are only named: moto does not enforce IAM, but their ARNs are passed around."""
        name = self.resolver.resolve(properties.get("RoleName")) or self._physical_name(logical_id)
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"

    def _create_managed_policy(self, logical_id: str, properties: dict[str, Any]) -> None:
        """The author and owner policies, created (moto checks their shape) so their ARNs resolve."""
        document = self.resolver.resolve(properties["PolicyDocument"])
        policy = self.session.client("iam").create_policy(
            PolicyName=self._physical_name(logical_id),
            PolicyDocument=json.dumps(document),
            Description=self.resolver.resolve(properties.get("Description", "")),
        )
        self.resolver.physical_ids[logical_id] = policy["Policy"]["Arn"]

    def _queue_arn(self, url: str) -> str:
        if url not in self._queue_arns:  # moto computes every attribute, counts included, per call
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            self._queue_arns[url] = attributes["Attributes"]["QueueArn"]
        return self._queue_arns[url]

    def _queue_url_for_arn(self, arn: str) -> str:
        return self.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]

    # ------------------------------------------------------------------ functions and wiring
    def _function_properties(self, resource: dict[str, Any]) -> dict[str, Any]:
        """A function's properties with the template's Globals applied, as SAM merges them."""
        merged = dict(self.template.get("Globals", {}).get("Function", {}))
        own = resource.get("Properties", {})
        for name, value in own.items():
            if name == "Environment":
                variables = {
                    **merged.get("Environment", {}).get("Variables", {}),
                    **value.get("Variables", {}),
                }
                merged["Environment"] = {"Variables": variables}
            else:
                merged[name] = value
        return merged

    def _create_functions(self) -> None:
        notification_targets: dict[str, list[dict[str, Any]]] = {}
        events = self.session.client("events")
        for logical_id, resource in self._resources().items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            properties = self._function_properties(resource)
            function = self._local_function(logical_id, properties)
            queue_arn = self._queue_arn(function.queue_url)
            for event_name, event in properties.get("Events", {}).items():
                event_properties = self.resolver.resolve(event.get("Properties", {}))
                if event["Type"] == "S3":
                    notification_targets.setdefault(event_properties["Bucket"], []).append(
                        {
                            "Id": f"{logical_id}{event_name}",
                            "QueueArn": queue_arn,
                            "Events": event_properties["Events"],
                            "Filter": {"Key": {"FilterRules": event_properties["Filter"]["S3Key"]["Rules"]}},
                        }
                    )
                elif event["Type"] == "SQS":
                    function.queue_url = self._queue_url_for_arn(event_properties["Queue"])
                    function.sqs_batch_size = int(event_properties.get("BatchSize", 10))
                elif event["Type"] == "EventBridgeRule":
                    rule_name = f"{function.name}-{event_name}"
                    bus = event_properties.get("EventBusName", "default")
                    events.put_rule(
                        Name=rule_name,
                        EventBusName=bus,
                        EventPattern=json.dumps(event_properties["Pattern"]),
                    )
                    events.put_targets(
                        Rule=rule_name,
                        EventBusName=bus,
                        Targets=[{"Id": "function", "Arn": queue_arn}],
                    )
                else:
                    raise TemplateError(
                        f"{logical_id}.Events.{event_name} is of type {event['Type']}, "
                        "which the local stack does not route"
                    )
            self.functions.append(function)
        for bucket, targets in notification_targets.items():
            self.s3.put_bucket_notification_configuration(
                Bucket=bucket,
                NotificationConfiguration={"QueueConfigurations": targets},  # type: ignore[typeddict-item]
            )
        self._drain_test_events()

    def _local_function(self, logical_id: str, properties: dict[str, Any]) -> LocalFunction:
        name = self._physical_name(logical_id)
        module_name, _, handler_name = properties["Handler"].rpartition(".")
        code_path = self.template_path.parent / properties["CodeUri"] / f"{module_name.replace('.', '/')}.py"
        variables = self.resolver.resolve(properties.get("Environment", {}).get("Variables", {}))
        environment = {key: str(value) for key, value in variables.items()}
        if self.endpoint_url:
            environment["AWS_ENDPOINT_URL"] = self.endpoint_url
        environment.update(
            {
                "AWS_LAMBDA_FUNCTION_NAME": name,
                "AWS_REGION": self.region,
                "POWERTOOLS_LOG_LEVEL": self.log_level,
                # Webhook retries back off for seconds in AWS; here, hundredths of a second.
                "WEBHOOK_BACKOFF_SECONDS": "0.01",
                # Metrics would print CloudWatch EMF documents into the terminal.
                "POWERTOOLS_METRICS_DISABLED": "true",
            }
        )
        invoke_config = self.resolver.resolve(properties.get("EventInvokeConfig", {}))
        on_failure = invoke_config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        queue_url = self.sqs.create_queue(QueueName=f"{name}-invocations")["QueueUrl"]
        return LocalFunction(
            logical_id=logical_id,
            name=name,
            code_path=code_path,
            handler_name=handler_name,
            environment=environment,
            queue_url=queue_url,
            memory_mb=int(properties.get("MemorySize", 128)),
            timeout_seconds=int(properties.get("Timeout", 3)),
            max_retries=int(invoke_config.get("MaximumRetryAttempts", 2)),
            on_failure_queue_url=self._queue_url_for_arn(on_failure) if on_failure else None,
            declared=frozenset(variables),
        )

    def _observe(self) -> None:
        """Subscribe the local stack's own listeners: every bus event, every announcement."""
        events = self.session.client("events")
        self._observer_queue_url = self.sqs.create_queue(QueueName=f"{self.stack_name}-observer")["QueueUrl"]
        for logical_id, resource in self._resources().items():
            if resource["Type"] == "AWS::Events::EventBus":
                bus = self.resolver.physical_ids[logical_id]
                rule = f"{self.stack_name}-observer-{logical_id}"
                events.put_rule(
                    Name=rule,
                    EventBusName=bus,
                    EventPattern=json.dumps({"source": [{"prefix": "pressroom."}]}),
                )
                events.put_targets(
                    Rule=rule,
                    EventBusName=bus,
                    Targets=[{"Id": "observer", "Arn": self._queue_arn(self._observer_queue_url)}],
                )
        self._inbox_queue_url = self.sqs.create_queue(QueueName=f"{self.stack_name}-inbox")["QueueUrl"]
        sns = self.session.client("sns")
        for logical_id, resource in self._resources().items():
            if resource["Type"] == "AWS::SNS::Topic":
                sns.subscribe(
                    TopicArn=self.resolver.physical_ids[logical_id],
                    Protocol="sqs",
                    Endpoint=self._queue_arn(self._inbox_queue_url),
                )

    def _drain_test_events(self) -> None:
        """S3 sends an s3:TestEvent to each queue it is told to notify; Lambda never sees those."""
        for function in self.functions:
            self._drain(function.queue_url)

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
        posts = [path for path in files if path.name.endswith(POST_SUFFIXES)]
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
            if key.endswith(POST_SUFFIXES):
                self.upload(key, path.read_bytes())
            else:
                self.s3.put_object(Bucket=self.output("UploadsBucketName"), Key=key, Body=path.read_bytes())
            keys.append(key)
            if progress:
                progress(f"uploaded {number}/{len(uploads)}: {key}")
        return keys

    # ------------------------------------------------------------------ the Lambda service
    def _receive(self, queue_url: str) -> list[MessageTypeDef]:
        response = self.sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=60
        )
        return list(response.get("Messages", []))

    def run_until_quiet(
        self, progress: ProgressCallback | None = None, functions: Collection[str] | None = None
    ) -> RunStats:
        """Deliver queued events to handlers until no function has anything left to do.

        `functions` limits the run to those logical ids (a test driving one stage by hand).
        """
        stats = RunStats()
        while True:
            delivered = 0
            for function in self.functions:
                if functions is not None and function.logical_id not in functions:
                    continue
                if function.sqs_batch_size is not None:
                    invocation = self._poll_queue(function)
                    if invocation is not None:
                        stats.invocations.append(invocation)
                        delivered += 1
                        if progress:
                            self._collect()
                            progress(f"{len(stats.invocations)} invocations, last: {function.logical_id}")
                    continue
                for message in self._receive(function.queue_url):
                    event = json.loads(message["Body"])
                    if not _is_s3_test_event(event):
                        stats.invocations.append(self._invoke(function, event))
                        delivered += 1
                        if progress:
                            self._collect()
                            progress(f"{len(stats.invocations)} invocations, last: {function.logical_id}")
                    self.sqs.delete_message(
                        QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )
            self._collect()  # keeps outcomes() current for progress reports
            if not delivered:
                break
        return stats

    def _sqs_batch(self, function: LocalFunction) -> tuple[list[MessageTypeDef], dict[str, Any]]:
        """Receive one batch from an SQS-triggered function's queue, shaped as Lambda passes it."""
        response = self.sqs.receive_message(
            QueueUrl=function.queue_url,
            MaxNumberOfMessages=min(function.sqs_batch_size or 10, 10),
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
            AttributeNames=["All"],
        )
        messages = list(response.get("Messages", []))
        queue_arn = self._queue_arn(function.queue_url)
        event = {
            "Records": [
                {
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "attributes": message.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": message["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue_arn,
                    "awsRegion": self.region,
                }
                for message in messages
            ]
        }
        return messages, event

    def pending_sqs_batch(self, logical_id: str) -> dict[str, Any]:
        """Take one batch from an SQS-triggered function's queue as the event Lambda would pass
        (to invoke elsewhere); the messages are removed from the queue."""
        function = self._function(logical_id)
        messages, event = self._sqs_batch(function)
        for message in messages:
            self.sqs.delete_message(QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return event

    def _poll_queue(self, function: LocalFunction) -> Invocation | None:
        """Lambda's SQS poller: one batch per invocation, partial failures made visible again."""
        messages, event = self._sqs_batch(function)
        if not messages:
            return None
        failed_ids: set[str] = set()
        error = None
        try:
            result = self.invoker.invoke(function, event)
            failures = (result or {}).get("batchItemFailures", []) if isinstance(result, dict) else []
            failed_ids = {failure["itemIdentifier"] for failure in failures}
        except FunctionFailedError as failure:
            error = str(failure)
            failed_ids = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] in failed_ids:
                self.sqs.change_message_visibility(
                    QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"])
        if failed_ids and error is None:
            error = f"{len(failed_ids)} of {len(messages)} messages reported as failed"
        return Invocation(function.logical_id, succeeded=error is None, attempts=1, error=error)

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Invocation:
        """Invoke one function directly with an event, as `sam local invoke -e` would."""
        return self._invoke(self._function(logical_id), event)

    def fire_due_schedules(self, now: datetime) -> list[str]:
        """Do what EventBridge Scheduler would by `now`: run every one-time schedule then due.

        moto stores schedules but never fires them. Each due schedule's target (an EventBridge
        bus) gets its event, and the schedule is deleted as ActionAfterCompletion DELETE says.
        Returns the names of the schedules fired; run_until_quiet() then carries on.
        """
        scheduler = self.session.client("scheduler")
        events = self.session.client("events")
        fired = []
        for group in self.schedule_groups:
            for summary in scheduler.list_schedules(GroupName=group).get("Schedules", []):
                schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=group)
                due = _one_time_due(
                    schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone")
                )
                if due is None or due > now:
                    continue
                target = schedule["Target"]
                parameters = target.get("EventBridgeParameters", {})
                events.put_events(
                    Entries=[
                        {
                            "EventBusName": target["Arn"],
                            "Source": parameters["Source"],
                            "DetailType": parameters["DetailType"],
                            "Detail": target.get("Input", "{}"),
                        }
                    ]
                )
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    scheduler.delete_schedule(Name=summary["Name"], GroupName=group)
                fired.append(summary["Name"])
        return fired

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

    def pending_events(self, logical_id: str) -> list[dict[str, Any]]:
        """Take the events queued for a function without invoking it (to invoke them elsewhere)."""
        return [
            event
            for event in self._drain(self._function(logical_id).queue_url)
            if not _is_s3_test_event(event)
        ]

    def _function(self, logical_id: str) -> LocalFunction:
        for function in self.functions:
            if function.logical_id == logical_id:
                return function
        raise KeyError(f"template.yaml has no function {logical_id!r}")

    def _invoke(self, function: LocalFunction, event: dict[str, Any]) -> Invocation:
        attempts = 0
        error = ""
        while attempts <= function.max_retries:
            attempts += 1
            try:
                self.invoker.invoke(function, event)
                return Invocation(function.logical_id, succeeded=True, attempts=attempts)
            except FunctionFailedError as failure:
                error = str(failure)
        self._send_to_failure_destination(function, event, error, attempts)
        return Invocation(function.logical_id, succeeded=False, attempts=attempts, error=error)

    def _send_to_failure_destination(
        self, function: LocalFunction, event: dict[str, Any], error: str, attempts: int
    ) -> None:
        if not function.on_failure_queue_url:
            return
        record = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": function.arn,
                "condition": "RetriesExhausted",
                "approximateInvokeCount": attempts,
            },
            "requestPayload": event,
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "responsePayload": {"errorMessage": error},
        }
        self.sqs.send_message(QueueUrl=function.on_failure_queue_url, MessageBody=json.dumps(record))

    # ------------------------------------------------------------------ what came out
    def _drain(self, queue_url: str) -> list[dict[str, Any]]:
        bodies = []
        while messages := self._receive(queue_url):
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return bodies

    def _collect(self) -> None:
        events = self._drain(self._observer_queue_url)
        for envelope in events:
            self.book.record_event(envelope)
        self._unread_events.extend(events)
        for notification in self._drain(self._inbox_queue_url):
            self.book.record_announcement(notification)

    def observed_events(self) -> list[dict[str, Any]]:
        """Bus events put since the last call, in order (they also update outcomes())."""
        self._collect()
        events, self._unread_events = self._unread_events, []
        return events

    def outcomes(self) -> list[PostOutcome]:
        self._collect()
        return self.book.outcomes()

    def announcements(self) -> list[AnnouncementRecord]:
        self._collect()
        return list(self.book.announcements)

    def redrive(self, logical_id: str | None = None) -> list[Invocation]:
        """What `pressroom dlq redrive` does: invoke each parked or failed event's function again.

        Takes every record from the on-failure queue of `logical_id` (or of every function),
        invokes the function with its `requestPayload`, and removes the record. A redriven event
        that fails again goes back to the queue, as on AWS.
        """
        invocations = []
        for function in self.functions:
            if function.on_failure_queue_url is None or logical_id not in (None, function.logical_id):
                continue
            for record in self._drain(function.on_failure_queue_url):
                invocations.append(self._invoke(function, record["requestPayload"]))
        return invocations

    def failed_events(self) -> dict[str, list[dict[str, Any]]]:
        """What each function's on-failure destination holds (read without removing)."""
        failed: dict[str, list[dict[str, Any]]] = {}
        for function in self.functions:
            if function.on_failure_queue_url:
                response = self.sqs.receive_message(
                    QueueUrl=function.on_failure_queue_url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=0,
                )
                failed[function.logical_id] = [json.loads(m["Body"]) for m in response.get("Messages", [])]
        return failed

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


def _reset_server(endpoint_url: str) -> None:
    """Empty an emulated stack server, so that this stack is provisioned on a clean slate."""
    url = f"{endpoint_url.rstrip('/')}/moto-api/reset"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP endpoint: {endpoint_url!r}")
    request = urllib.request.Request(url, method="POST")  # noqa: S310 - checked to be HTTP above
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def _one_time_due(expression: str, timezone: str | None) -> datetime | None:
    """The moment an `at(yyyy-mm-ddThh:mm:ss)` schedule fires; None for rate() and cron()."""
    if not (expression.startswith("at(") and expression.endswith(")")):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=ZoneInfo(timezone or "UTC"))


def _is_s3_test_event(event: object) -> bool:
    return isinstance(event, dict) and event.get("Event") == "s3:TestEvent"
