"""Provisioning: template.yaml's resources created in moto, and their names and ARNs resolved.

Nothing here repeats the template: buckets, tables, buses, topics, queues, schedule groups,
roles, managed policies and a stand-in distribution are made from its Resources; a resource
type the local stack does not know stops it by name, so the template cannot drift from the
emulation. The SAM parts (functions and their events) are sam.py's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import boto3

from pressroom_tools.local.invokers import ACCOUNT_ID
from pressroom_tools.local.template import Resolver, TemplateError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

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
    "AWS::CloudWatch::Dashboard": "there are no metrics in the emulation; the run reports outcomes",
    "AWS::KMS::Key": "moto keeps messages in memory, unencrypted",
}


class Provisioner:
    """Creates the template's resources for one stack, and remembers what it made."""

    def __init__(
        self,
        template: dict[str, Any],
        resolver: Resolver,
        session: boto3.Session,
        s3: S3Client,
        sqs: SQSClient,
        stack_name: str,
        region: str,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.session = session
        self.s3 = s3
        self.sqs = sqs
        self.stack_name = stack_name
        self.region = region
        self.schedule_groups: list[str] = []
        self.distribution_id = ""
        self.not_emulated: dict[str, str] = {}
        self._redrive_policies: dict[str, Any] = {}
        self._queue_arns: dict[str, str] = {}

    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.template["Resources"]
        return {
            logical_id: resource
            for logical_id, resource in resources.items()
            if "Condition" not in resource or self.resolver.condition(resource["Condition"])
        }

    def create(self) -> None:
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
        resources = self.resources()
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
                # Named all the same, so that outputs and properties referring to it resolve.
                self.resolver.physical_ids.setdefault(logical_id, self.physical_name(logical_id))
                if kind == "AWS::KMS::Key":  # policies name it by ARN
                    self.resolver.attributes[(logical_id, "Arn")] = (
                        f"arn:aws:kms:{self.region}:{ACCOUNT_ID}:key/{self.physical_name(logical_id)}"
                    )
            elif kind != "AWS::Serverless::Function":
                raise TemplateError(
                    f"{logical_id} is a {kind}, which the local stack does not know how to emulate: "
                    "teach pressroom_tools/local/provisioning.py about it"
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

    def store_webhooks(self, urls: Sequence[str], secret: str) -> None:
        """The --webhook URLs as generic signed JSON webhooks, where the template says to look."""
        hooks = [
            {"name": f"local-{number}", "kind": "json", "url": url, "secret": secret}
            for number, url in enumerate(urls, start=1)
        ]
        self.session.client("ssm").put_parameter(
            Name=self.resolver.parameters["WebhooksParameterName"],
            Value=json.dumps(hooks),
            Type="SecureString",
            Overwrite=True,
        )

    def physical_name(self, logical_id: str) -> str:
        return f"{self.stack_name}-{logical_id}"

    def _create_bucket(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.physical_name(logical_id).lower()
        self.s3.create_bucket(Bucket=name)
        versioning = self.resolver.resolve(properties.get("VersioningConfiguration", {}))
        if versioning.get("Status") == "Enabled":
            self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        notifications = properties.get("NotificationConfiguration", {})
        if self.resolver.resolve(notifications.get("EventBridgeConfiguration", {})).get("EventBridgeEnabled"):
            self.s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}}
            )
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
        name = spec.get("TableName") or self.physical_name(logical_id)
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
        name = self.resolver.resolve(properties.get("Name")) or self.physical_name(logical_id)
        arn = self.session.client("events").create_event_bus(Name=name)["EventBusArn"]
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes.update({(logical_id, "Arn"): arn, (logical_id, "Name"): name})

    def _create_topic(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolver.resolve(properties.get("TopicName")) or self.physical_name(logical_id)
        arn = self.session.client("sns").create_topic(Name=name)["TopicArn"]
        self.resolver.physical_ids[logical_id] = arn
        self.resolver.attributes.update({(logical_id, "TopicArn"): arn, (logical_id, "TopicName"): name})

    def _create_queue(self, logical_id: str, properties: dict[str, Any]) -> None:
        fifo = bool(self.resolver.resolve(properties.get("FifoQueue", False)))
        name = self.resolver.resolve(properties.get("QueueName")) or self.physical_name(logical_id)
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
        arn = self.queue_arn(url)
        self.resolver.physical_ids[logical_id] = url
        self.resolver.attributes.update(
            {
                (logical_id, "Arn"): arn,
                (logical_id, "QueueName"): name,
                (logical_id, "QueueUrl"): url,
            }
        )

    def _create_schedule_group(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolver.resolve(properties.get("Name")) or self.physical_name(logical_id)
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
        name = self.resolver.resolve(properties.get("RoleName")) or self.physical_name(logical_id)
        self.resolver.physical_ids[logical_id] = name
        self.resolver.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"

    def _create_managed_policy(self, logical_id: str, properties: dict[str, Any]) -> None:
        """The author and owner policies, created (moto checks their shape) so their ARNs resolve."""
        document = self.resolver.resolve(properties["PolicyDocument"])
        policy = self.session.client("iam").create_policy(
            PolicyName=self.physical_name(logical_id),
            PolicyDocument=json.dumps(document),
            Description=self.resolver.resolve(properties.get("Description", "")),
        )
        self.resolver.physical_ids[logical_id] = policy["Policy"]["Arn"]

    def queue_arn(self, url: str) -> str:
        if url not in self._queue_arns:  # moto computes every attribute, counts included, per call
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            self._queue_arns[url] = attributes["Attributes"]["QueueArn"]
        return self._queue_arns[url]

    def queue_url_for_arn(self, arn: str) -> str:
        return self.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
