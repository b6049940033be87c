"""The small IAM evaluator tests/permissions relies on (tests/iam.py): same-account rules for
identity and resource policies, and KMS keys, whose own policy must always let the caller in."""

from __future__ import annotations

from typing import Any

from iam import Request, decide

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/render"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1"


def allow(action: str, resource: str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Statement": list(statements)}


def test_an_identity_allow_grants_and_a_resource_policy_deny_overrides_it():
    request = Request("s3:GetObject", "arn:aws:s3:::b/posts/a.md", {"aws:SecureTransport": "false"})
    identity = [document(allow("s3:GetObject", "arn:aws:s3:::b/*"))]
    assert decide(request, ROLE, ACCOUNT, identity, []).allowed
    tls_only = document(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    )  # fmt: skip
    assert not decide(request, ROLE, ACCOUNT, identity, [tls_only]).allowed


def test_a_bucket_policy_grants_only_the_principals_it_names():
    request = Request("s3:GetObject", "arn:aws:s3:::b/theme/x.j2")
    for_render = document(allow("s3:GetObject", "arn:aws:s3:::b/theme/*", Principal={"AWS": [ROLE]}))
    for_others = document(
        allow("s3:GetObject", "arn:aws:s3:::b/theme/*", Principal={"AWS": "arn:aws:iam::1:role/x"})
    )
    for_a_service = document(
        allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"Service": "cloudfront.amazonaws.com"})
    )
    assert decide(request, ROLE, ACCOUNT, [], [for_render]).allowed
    assert not decide(request, ROLE, ACCOUNT, [], [for_others, for_a_service]).allowed


def test_a_key_is_usable_only_when_its_policy_lets_the_account_decide_and_the_role_allows():
    request = Request("kms:GenerateDataKey", KEY)
    identity = [document(allow("kms:GenerateDataKey", KEY))]
    trusts_iam = document(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    only_cloudwatch = document(allow("kms:*", "*", Principal={"Service": "cloudwatch.amazonaws.com"}))
    assert decide(request, ROLE, ACCOUNT, identity, [], key_policy=trusts_iam).allowed
    assert not decide(request, ROLE, ACCOUNT, [], [], key_policy=trusts_iam).allowed
    refused = decide(request, ROLE, ACCOUNT, identity, [], key_policy=only_cloudwatch)
    assert not refused.allowed
    assert "key policy" in refused.why


def test_for_all_values_conditions_hold_only_when_every_value_is_listed():
    statement = allow(
        "dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/t",
        Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["IDEMPOTENCY#a"]}},
    )  # fmt: skip
    identity = [document(statement)]
    table = "arn:aws:dynamodb:eu-west-1:1:table/t"
    inside = Request("dynamodb:PutItem", table, {"dynamodb:LeadingKeys": ["IDEMPOTENCY#a"]})
    outside = Request("dynamodb:PutItem", table, {"dynamodb:LeadingKeys": ["IDEMPOTENCY#a", "POST#x"]})
    assert decide(inside, ROLE, ACCOUNT, identity, []).allowed
    assert not decide(outside, ROLE, ACCOUNT, identity, []).allowed
