"""Every AWS call the functions made in the suite is one their roles allow on AWS, and every
permission a role holds was needed by some call (or is kept for a reason written here).

moto answers whoever asks, so the first `make test` step records, per function, each request in
IAM's terms (pressroom_tools/local/aws_calls.py, PRESSROOM_AWS_CALLS). This second step reads
those records and asks the small IAM evaluator (tests/iam.py) about each one, with the function's
role as aws-sam-translator writes it from template.yaml and the resource policies beside it
(bucket, queue and key policies), resolved with the names of the stack the call was made in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from iam import Decision, Request, as_list, decide, names_principal, resolve, statement_applies, statements_of
from roles import ROLES, Statement, functions, identity_statements, role_grants
from translation import translated_template

ACCOUNT_ID = "123456789012"
SECURE = {"aws:SecureTransport": "true"}  # boto3 speaks HTTPS to AWS

UPLOADS = "${UploadsBucket.Arn}"
NOT_FOUND_NOT_FORBIDDEN = (
    "no call lists the bucket, but without s3:ListBucket S3 answers a read of a key that is gone "
    "with 403 AccessDenied instead of 404 NoSuchKey, and the pipeline must tell a removed upload "
    "from a fault (adapters/uploads.py)"
)
ON_FAILURE_DESTINATION = (
    "sent by the Lambda service, with the function's role, when an asynchronous invocation has "
    "failed all its retries (EventInvokeConfig's OnFailure destination); no function code sends it"
)

READERS_OF_UPLOADS = (
    "ValidateFunction",
    "RenderFunction",
    "AssetsFunction",
    "ImagesFunction",
    "AggregateFunction",
    "RepublishFunction",
)

# Granted, and reached by no call in the suite: each kept, with the reason.
KEPT_UNUSED: dict[tuple[str, str, str], str] = {
    **{(function, "s3:ListBucket", UPLOADS): NOT_FOUND_NOT_FORBIDDEN for function in READERS_OF_UPLOADS},
    **{
        (function, "sqs:SendMessage", f"${{{function.removesuffix('Function')}FailuresQueue.Arn}}"): (
            ON_FAILURE_DESTINATION
        )
        for function in ("ValidateFunction", "RenderFunction", "AssetsFunction", "ImagesFunction")
    },
    ("NotifyFunction", "kms:Decrypt", "${WebhooksKeyArn}"): (
        "granted only when the webhooks parameter is under a key of the operator's own "
        "(WebhooksKeyArn); SSM decrypts with it on NotifyFunction's behalf, which moto's SSM does "
        "not do, and the default aws/ssm key needs no grant"
    ),
    ("NotifyFunction", "dynamodb:GetItem", "${PostsTable.Arn}"): (
        "Powertools idempotency reads an announcement's record with GetItem when a conditional "
        "PutItem fails without returning the item it found (BasePersistenceLayer.save_inprogress); "
        "DynamoDB returns it, so the suite never needs the read, but an announcement must not be "
        "sent twice if it ever does"
    ),
}


@dataclass
class Call:
    stack: str
    function: str
    action: str
    resource: str
    context: Mapping[str, str | list[str]]

    @property
    def request(self) -> Request:
        return Request(self.action, self.resource, {**SECURE, **self.context})


@dataclass
class Recording:
    stacks: dict[str, dict[str, Any]]
    calls: list[Call]
    unmapped: set[tuple[str, str]]


def _lines(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("calls-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)


@pytest.fixture(scope="module")
def recording() -> Recording:
    folder = Path(os.environ.get("PRESSROOM_AWS_CALLS", ""))
    message = "no recorded calls: these tests read what the rest of the suite recorded; run `make test`"
    assert os.environ.get("PRESSROOM_AWS_CALLS"), message
    assert folder.is_dir(), message
    stacks: dict[str, dict[str, Any]] = {}
    calls: dict[str, Call] = {}
    unmapped: set[tuple[str, str]] = set()
    for line in _lines(folder):
        if "names" in line:
            stacks[line["stack"]] = line
        elif "unmapped" in line:
            unmapped.add((line["function"], line["unmapped"]))
        else:
            call = Call(line["stack"], line["function"], line["action"], line["resource"], line["context"])
            calls.setdefault(json.dumps(line, sort_keys=True), call)
    assert calls, f"{folder} holds no recorded calls: run `make test`"
    return Recording(
        stacks, sorted(calls.values(), key=lambda call: (call.function, call.action, call.resource)), unmapped
    )


RESOURCE_POLICIES = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
}


def resource_policies(translated: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Each resource policy's logical id → its raw statements."""
    return {
        logical_id: statements_of(resource["Properties"][RESOURCE_POLICIES[resource["Type"]]])
        for logical_id, resource in translated["Resources"].items()
        if resource["Type"] in RESOURCE_POLICIES
    }


class StackPolicies:
    """The translated template's policies, resolved with one recorded stack's names."""

    def __init__(self, translated: Mapping[str, Any], record: Mapping[str, Any]) -> None:
        self.names = record["names"]
        self.conditions = record["conditions"]
        self.roles = functions(translated)
        self.identity = {
            function: [
                (statement, resolved)
                for statement in identity_statements(translated, function, role)
                if (resolved := statement.resolved(self.names, self.conditions)) is not None
            ]
            for function, role in self.roles.items()
        }
        self.resource_statements = {
            logical_id: [
                resolved
                for raw in statements
                if (resolved := resolve(raw, self.names, self.conditions)) is not None
            ]
            for logical_id, statements in resource_policies(translated).items()
        }
        keys = [
            logical_id
            for logical_id, resource in translated["Resources"].items()
            if resource["Type"] == "AWS::KMS::Key"
        ]
        self.key_policies = {
            self.names[f"{logical_id}.Arn"]: {"Statement": self.resource_statements[logical_id]}
            for logical_id in keys
        }
        self.other_policies = [
            {"Statement": statements}
            for logical_id, statements in self.resource_statements.items()
            if logical_id not in keys  # a key policy's "*" is the key itself
        ]
        self.resource_raw = {
            logical_id: statements
            for logical_id, statements in resource_policies(translated).items()
            if logical_id not in keys
        }

    def principal(self, function: str) -> str:
        return str(self.names[f"{self.roles[function]}.Arn"])

    def decide(self, call: Call) -> Decision:
        if call.action.startswith("kms:") and call.resource not in self.key_policies:
            # Its key policy must allow too, and it is not the template's to read: refuse, never guess.
            return Decision(False, "a key outside the template, whose key policy cannot be read here")
        identity = [{"Statement": [resolved for _, resolved in self.identity[call.function]]}]
        return decide(
            call.request,
            self.principal(call.function),
            ACCOUNT_ID,
            identity,
            self.other_policies,
            key_policy=self.key_policies.get(call.resource),
        )

    def grants_used_by(self, call: Call) -> set[tuple[str, str, str]]:
        """The grants (as the template writes them) that allow this call."""
        used = set()
        candidates = [statement for statement, _ in self.identity[call.function]] + [
            Statement(call.function, logical_id, raw)
            for logical_id, statements in self.resource_raw.items()
            for raw in statements
        ]
        for statement in candidates:
            resolved = statement.resolved(self.names, self.conditions)
            if resolved is None or resolved["Effect"] != "Allow":
                continue
            if statement.source in self.resource_raw and not names_principal(
                resolved, self.principal(call.function)
            ):
                continue
            for (_, action, resource), (_, concrete_action, concrete_resource) in zip(
                statement.grants(), _concrete_grants(call.function, resolved), strict=True
            ):
                single = {**resolved, "Action": concrete_action, "Resource": concrete_resource}
                if statement_applies(single, call.request):
                    used.add((call.function, action, resource))
        return used


def _concrete_grants(function: str, resolved: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (function, action, resource)
        for action in as_list(resolved["Action"])
        for resource in as_list(resolved["Resource"])
    ]


def resource_grants(translated: Mapping[str, Any], function: str, role: str) -> list[tuple[str, str, str]]:
    """What resource policies grant the function's role by name (bucket policies, mostly)."""
    grants = []
    for statements in resource_policies(translated).values():
        for raw in statements:
            principals = raw.get("Principal", {})
            named = principals.get("AWS", []) if isinstance(principals, dict) else []
            if {"Fn::GetAtt": [role, "Arn"]} in _as_raw_list(named):
                grants += Statement(function, "resource policy", raw).grants()
    return grants


def _as_raw_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    return translated_template()


@pytest.fixture(scope="module")
def policies(recording: Recording, translated: dict[str, Any]) -> dict[str, StackPolicies]:
    return {stack: StackPolicies(translated, record) for stack, record in recording.stacks.items()}


def test_every_function_made_recorded_calls(recording: Recording, translated: dict[str, Any]):
    assert {call.function for call in recording.calls} == set(functions(translated))


def test_every_call_can_be_put_in_iam_terms(recording: Recording):
    assert recording.unmapped == set()


def test_every_recorded_call_is_allowed_by_the_functions_role(
    recording: Recording, policies: dict[str, StackPolicies]
):
    refusals: dict[tuple[str, str, str], str] = {}
    for call in recording.calls:
        stack = policies[call.stack]
        decision = stack.decide(call)
        if not decision.allowed:
            where = _as_template_names(call.resource, stack.names)
            refusals.setdefault((call.function, call.action, where), f"{call.resource}: {decision.why}")
    assert not refusals, "On AWS these calls would be refused (AccessDenied):\n" + "\n".join(
        f"- {function} {action} on {where}\n    e.g. {example}\n"
        f"    missing: {{Effect: Allow, Action: {action}, Resource: {where}}} in {function}'s Policies"
        for (function, action, where), example in sorted(refusals.items())
    )


def test_every_permission_granted_was_needed_or_is_kept_for_a_reason(
    recording: Recording, policies: dict[str, StackPolicies], translated: dict[str, Any]
):
    assert role_grants(translated) == ROLES  # the list tests/template holds the roles to
    granted = {
        grant
        for function, role in functions(translated).items()
        for grant in [
            *((function, action, resource) for action, resource in ROLES[function]),
            *resource_grants(translated, function, role),
        ]
    }
    used = set()
    for call in recording.calls:
        used |= policies[call.stack].grants_used_by(call)
    unused = granted - used
    assert sorted(unused - set(KEPT_UNUSED)) == [], (
        "granted, and needed by no call in the suite (remove, or keep with a reason in KEPT_UNUSED)"
    )
    assert sorted(set(KEPT_UNUSED) - unused) == [], (
        "KEPT_UNUSED lists grants that are used now, or no longer granted"
    )


def _as_template_names(arn: str, names: Mapping[str, str]) -> str:
    """An ARN written with the template's names where one fits (${PostsTable.Arn}/index/x)."""
    best = max(
        (
            (name, value)
            for name, value in names.items()
            if value and len(value) > 8 and arn.startswith(value)
        ),
        key=lambda item: len(item[1]),
        default=None,
    )
    return arn if best is None else "${" + best[0] + "}" + arn[len(best[1]) :]
