"""What each function's role may do, written out once: the template tests hold the translated
template to it (widening a role fails a test that names the function), and tests/permissions
checks the suite's calls against the same grants and lists those no call needed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iam import as_list, resolve, statements_of

TABLE = "${PostsTable.Arn}"
HOSTING = "${HostingBucket.Arn}/*"
BUS = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${PublishingBus}"
DISTRIBUTION = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}"
IN_REGION = "${AWS::Region}:${AWS::AccountId}"
SCHEDULES = f"arn:${{AWS::Partition}}:scheduler:{IN_REGION}:schedule/${{PublicationSchedules}}/*"
TOPIC = f"arn:${{AWS::Partition}}:sns:{IN_REGION}:${{AnnouncementsTopic.TopicName}}"
WEBHOOKS = f"arn:${{AWS::Partition}}:ssm:{IN_REGION}:parameter${{WebhooksParameterName}}"

# Each function's grants, (action, resource) as the template writes the resource: no wildcard
# action, and no resource wider than its own bucket, table, queue, topic, key or schedule group.
ROLES: dict[str, frozenset[tuple[str, str]]] = {
    "ValidateFunction": frozenset({
        ("events:PutEvents", BUS),
        ("sqs:SendMessage", "${ValidateFailuresQueue.Arn}"),
    }),
    "RenderFunction": frozenset({
        *((action, TABLE) for action in (
            "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",  # on the IMAGES partition only (a LeadingKeys condition)
        )),
        ("events:PutEvents", BUS),
        ("iam:PassRole", "${SchedulerRole.Arn}"),
        ("s3:PutObject", HOSTING),
        ("s3:DeleteObject", HOSTING),
        *((action, SCHEDULES) for action in (
            "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule",
        )),
        ("sqs:SendMessage", "${RenderFailuresQueue.Arn}"),
        ("sqs:SendMessage", "${RepublishQueue.Arn}"),
        ("sqs:SendMessage", "${StalePagesQueue.Arn}"),
    }),
    "NotifyFunction": frozenset({
        *((action, TABLE) for action in (
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        )),  # on the IDEMPOTENCY#announcements partition only (a LeadingKeys condition)
        ("kms:GenerateDataKey", "${MessagesKey.Arn}"),
        ("kms:Decrypt", "${MessagesKey.Arn}"),
        ("kms:Decrypt", "${WebhooksKeyArn}"),
        ("sns:Publish", TOPIC),
        ("sqs:SendMessage", "${NotifyFailuresQueue.Arn}"),
        ("ssm:GetParameter", WEBHOOKS),
    }),
    "AggregateFunction": frozenset({
        ("cloudfront:CreateInvalidation", DISTRIBUTION),
        ("dynamodb:GetItem", TABLE),
        ("dynamodb:Query", TABLE),
        ("dynamodb:UpdateItem", TABLE),
        ("events:PutEvents", BUS),
        ("s3:PutObject", HOSTING),
        ("s3:DeleteObject", HOSTING),
    }),
    "AssetsFunction": frozenset({
        ("cloudfront:CreateInvalidation", DISTRIBUTION),
        ("s3:PutObject", HOSTING),
        ("s3:DeleteObject", HOSTING),
        ("sqs:SendMessage", "${AssetsFailuresQueue.Arn}"),
    }),
    "ImagesFunction": frozenset({
        *((action, TABLE) for action in (
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
        )),  # on the IMAGES partition only (a LeadingKeys condition)
        ("events:PutEvents", BUS),
        ("s3:PutObject", "${HostingBucket.Arn}/_images/*"),
        ("sqs:SendMessage", "${ImagesFailuresQueue.Arn}"),
    }),
    "RepublishFunction": frozenset({
        *((action, TABLE) for action in (
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
            "dynamodb:BatchGetItem",  # on the IMAGES partition only (a LeadingKeys condition)
            "dynamodb:BatchWriteItem",  # on IMAGEUSE# partitions only (a LeadingKeys condition)
        )),
        ("s3:PutObject", HOSTING),
        ("sqs:SendMessage", "${RepublishQueue.Arn}"),
        ("sqs:SendMessage", "${StalePagesQueue.Arn}"),
        ("sqs:SendMessage", "${RepublishFailuresQueue.Arn}"),
    }),
}  # fmt: skip


class _Placeholders(dict[str, str]):
    """Names as the template writes them: ${UploadsBucket.Arn}, ${AWS::Region}…"""

    def __missing__(self, name: str) -> str:
        return "${" + name + "}"


@dataclass(frozen=True)
class Statement:
    """One statement that can grant a function something, and where it stands in the template."""

    function: str
    source: str  # the policy it is in: the role's, or a resource policy's logical id
    raw: Mapping[str, Any]

    def resolved(self, names: Mapping[str, str], conditions: Mapping[str, bool]) -> Mapping[str, Any] | None:
        statement: Mapping[str, Any] | None = resolve(self.raw, names, conditions)
        return statement

    def grants(self) -> list[tuple[str, str, str]]:
        """(function, action, resource as the template writes it) for each pair it allows."""
        written = resolve(self.raw, _Placeholders())
        if written is None or written["Effect"] != "Allow":
            return []
        return [
            (self.function, action, resource)
            for action in as_list(written["Action"])
            for resource in as_list(written["Resource"])
        ]


def functions(translated: Mapping[str, Any]) -> dict[str, str]:
    """Each function's logical id → its role's logical id."""
    return {
        logical_id: resource["Properties"]["Role"]["Fn::GetAtt"][0]
        for logical_id, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def identity_statements(translated: Mapping[str, Any], function: str, role: str) -> list[Statement]:
    properties = translated["Resources"][role]["Properties"]
    return [
        Statement(function, f"{role} {policy['PolicyName']}", raw)
        for policy in properties.get("Policies", [])
        for raw in statements_of(policy["PolicyDocument"])
    ]


def role_grants(translated: Mapping[str, Any]) -> dict[str, frozenset[tuple[str, str]]]:
    """Each function's grants in the translated template, (action, resource as written)."""
    return {
        function: frozenset(
            (action, resource)
            for statement in identity_statements(translated, function, role)
            for _, action, resource in statement.grants()
        )
        for function, role in functions(translated).items()
    }
