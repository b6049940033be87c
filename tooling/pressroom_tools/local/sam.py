"""SAM semantics: each AWS::Serverless::Function as the local Lambda service runs it.

A function gets the template's Globals merged as SAM merges them, its Environment resolved,
and an SQS queue of its own; its S3 events become the bucket's notification configuration
(same events, same filters) and its EventBridgeRule events rules on the bus with the template's
patterns, both delivered to that queue. A function with an SQS event reads the template's own
queue instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from pressroom.clock import SystemClock
from pressroom_tools.clock import offset_variable
from pressroom_tools.local.invokers import LocalFunction
from pressroom_tools.local.provisioning import Provisioner
from pressroom_tools.local.template import Resolver, TemplateError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


def function_properties(template: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """A function's properties with the template's Globals applied, as SAM merges them."""
    merged = dict(template.get("Globals", {}).get("Function", {}))
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


class SamWiring:
    """Builds the LocalFunctions of a provisioned stack and wires their events to their queues."""

    def __init__(
        self, template: dict[str, Any], template_path: Path, resolver: Resolver, provisioner: Provisioner,
        session: boto3.Session, s3: S3Client, sqs: SQSClient, *, region: str, log_level: str,
        endpoint_url: str | None, clock: SystemClock,
    ) -> None:  # fmt: skip
        self.template = template
        self.template_path = template_path
        self.resolver = resolver
        self.provisioner = provisioner
        self.session = session
        self.s3 = s3
        self.sqs = sqs
        self.region = region
        self.log_level = log_level
        self.endpoint_url = endpoint_url
        self.clock = clock

    def create_functions(self) -> list[LocalFunction]:
        functions: list[LocalFunction] = []
        notification_targets: dict[str, list[dict[str, Any]]] = {}
        events = self.session.client("events")
        for logical_id, resource in self.provisioner.resources().items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            properties = function_properties(self.template, resource)
            function = self._local_function(logical_id, properties)
            queue_arn = self.provisioner.queue_arn(function.queue_url)
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
                    function.queue_url = self.provisioner.queue_url_for_arn(event_properties["Queue"])
                    function.sqs_batch_size = int(event_properties.get("BatchSize", 10))
                elif event["Type"] == "EventBridgeRule":
                    rule_name = f"{function.name}-{event_name}"
                    bus = event_properties.get("EventBusName", "default")
                    rule = events.put_rule(
                        Name=rule_name,
                        EventBusName=bus,
                        EventPattern=json.dumps(event_properties["Pattern"]),
                    )
                    # Named as SAM names the rule it makes, for a policy that refers to it.
                    self.resolver.physical_ids[f"{logical_id}{event_name}"] = rule_name
                    self.resolver.attributes[(f"{logical_id}{event_name}", "Arn")] = rule["RuleArn"]
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
            functions.append(function)
        for bucket, targets in notification_targets.items():
            configuration = self.s3.get_bucket_notification_configuration(Bucket=bucket)
            configuration.pop("ResponseMetadata", None)  # type: ignore[misc]
            self.s3.put_bucket_notification_configuration(
                Bucket=bucket,  # the bucket's own settings (EventBridge) kept beside the queues
                NotificationConfiguration={**configuration, "QueueConfigurations": targets},  # type: ignore[typeddict-item]
            )
        return functions

    def _local_function(self, logical_id: str, properties: dict[str, Any]) -> LocalFunction:
        name = self.provisioner.physical_name(logical_id)
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
                **offset_variable(self.clock),
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
            on_failure_queue_url=self.provisioner.queue_url_for_arn(on_failure) if on_failure else None,
            declared=frozenset(variables),
        )
