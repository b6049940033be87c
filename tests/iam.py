"""Just enough IAM policy evaluation to ask a translated template who may do what.

Explicit Deny wins, then any Allow; Action and Resource wildcards (`*`, `?`) as IAM matches them;
the condition operators the template uses; principals in resource policies, and the rule that a
KMS key's own policy must let a caller in (directly, or by trusting the account's IAM policies).
Anything else in a policy (NotAction, NotResource, another operator) raises, so a question is
never answered by guessing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_NO_VALUE = object()


def resolve(value: Any, names: Mapping[str, str], conditions: Mapping[str, bool] | None = None) -> Any:
    """Replace Ref, Fn::GetAtt, Fn::Sub, Fn::Join and Fn::If with the values `names` gives
    ("Bucket.Arn", "AWS::StackId") and the truth `conditions` give (all true unless told)."""
    resolved = _resolve(value, names, conditions or {})
    return None if resolved is _NO_VALUE else resolved


def _resolve(value: Any, names: Mapping[str, str], conditions: Mapping[str, bool]) -> Any:
    if isinstance(value, list):
        items = [_resolve(item, names, conditions) for item in value]
        return [item for item in items if item is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if value == {"Ref": "AWS::NoValue"}:
        return _NO_VALUE
    if set(value) == {"Ref"}:
        return names[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        return names[f"{logical_id}.{attribute}"]
    if set(value) == {"Fn::Sub"}:
        text, variables = value["Fn::Sub"], {}
        if isinstance(text, list):
            text, variables = text[0], _resolve(text[1], names, conditions)
        return re.sub(r"\$\{([^}]+)\}", lambda match: variables.get(match[1]) or names[match[1]], text)
    if set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(_resolve(parts, names, conditions))
    if set(value) == {"Fn::If"}:
        condition, when_true, when_false = value["Fn::If"]
        return _resolve(when_true if conditions.get(condition, True) else when_false, names, conditions)
    intrinsics = [key for key in value if key.startswith("Fn::")]
    if intrinsics:
        raise NotImplementedError(f"intrinsic {intrinsics[0]}")
    resolved = {key: _resolve(item, names, conditions) for key, item in value.items()}
    return {key: item for key, item in resolved.items() if item is not _NO_VALUE}


def as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@functools.cache
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(expression, re.IGNORECASE if ignore_case else 0)


def _matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _wildcard(pattern, ignore_case).fullmatch(value) is not None


ContextValue = str | Sequence[str]


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


def _values(value: ContextValue) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _operator_holds(operator: str, actual: list[str], expected: list[str]) -> bool:
    """One condition operator on one key, for a single-valued key or each value of a multi-valued one."""
    if operator in ("StringEquals", "ForAllValues:StringEquals", "ForAnyValue:StringEquals"):
        matches = [value in expected for value in actual]
    elif operator in ("StringLike", "ArnLike", "ForAllValues:StringLike"):
        matches = [any(_matches(pattern, value) for pattern in expected) for value in actual]
    elif operator == "ArnEquals":
        matches = [value in expected for value in actual]
    elif operator == "Bool":
        matches = [value.lower() in [item.lower() for item in expected] for value in actual]
    else:
        raise NotImplementedError(f"condition operator {operator}")
    if operator.startswith("ForAllValues:"):
        return all(matches)
    return any(matches)


def _condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, ContextValue]) -> bool:
    for operator, tests in condition.items():
        for key, expected in tests.items():
            if key not in context:
                if operator.startswith("ForAllValues:"):
                    continue  # IAM: true when the request has no such key
                return False
            expected_values = [str(item) for item in (expected if isinstance(expected, list) else [expected])]
            if not _operator_holds(operator, _values(context[key]), expected_values):
                return False
    return True


def statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    unsupported = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
    if unsupported:
        raise NotImplementedError(f"statement uses {sorted(unsupported)}")
    actions = as_list(statement["Action"])
    if not any(_matches(pattern, request.action, ignore_case=True) for pattern in actions):
        return False
    if not any(_matches(pattern, request.resource) for pattern in as_list(statement["Resource"])):
        return False
    return _condition_holds(statement.get("Condition", {}), request.context)


def statements_of(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = document["Statement"]
    return [statements] if isinstance(statements, dict) else list(statements)


def allowed(document: Mapping[str, Any], request: Request) -> bool:
    applying = [statement for statement in statements_of(document) if statement_applies(statement, request)]
    if any(statement["Effect"] == "Deny" for statement in applying):
        return False
    return any(statement["Effect"] == "Allow" for statement in applying)


def allowing_statements(document: Mapping[str, Any], request: Request) -> list[Mapping[str, Any]]:
    return [
        statement
        for statement in statements_of(document)
        if statement["Effect"] == "Allow" and statement_applies(statement, request)
    ]


# ---------------------------------------------------------------------- principals
def account_root(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, Mapping):
        raise NotImplementedError(f"principal {principal!r}")
    return as_list(principal.get("AWS", []))


def names_principal(statement: Mapping[str, Any], principal: str) -> bool:
    """Whether a resource policy's statement is about `principal` itself (or anyone)."""
    return any(name in ("*", principal) for name in _principals(statement))


def trusts_account(statement: Mapping[str, Any], account_id: str) -> bool:
    """Whether a resource policy's statement hands the decision to the account's IAM policies."""
    return account_root(account_id) in _principals(statement) or account_id in _principals(statement)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str


def decide(
    request: Request,
    principal: str,
    account_id: str,
    identity: Sequence[Mapping[str, Any]],
    resource_policies: Sequence[Mapping[str, Any]],
    *,
    key_policy: Mapping[str, Any] | None = None,
) -> Decision:
    """IAM's answer for `principal` in its own account: any explicit Deny refuses; a KMS key's
    policy must allow (the principal, or the account, whose IAM policies then decide); otherwise
    an Allow in the identity policies or in a resource policy naming the principal grants."""
    in_identity = [statement for document in identity for statement in allowing_statements(document, request)]
    resource_statements = [
        statement
        for document in [*resource_policies, *([key_policy] if key_policy else [])]
        for statement in statements_of(document)
        if statement_applies(statement, request)
        and (names_principal(statement, principal) or trusts_account(statement, account_id))
    ]
    denials = [statement for statement in resource_statements if statement["Effect"] == "Deny"] + [
        statement
        for document in identity
        for statement in statements_of(document)
        if statement["Effect"] == "Deny" and statement_applies(statement, request)
    ]
    if denials:
        return Decision(False, f"denied by {denials[0].get('Sid', 'a statement')}")
    direct = [s for s in resource_statements if s["Effect"] == "Allow" and names_principal(s, principal)]
    delegated = [s for s in resource_statements if s["Effect"] == "Allow" and trusts_account(s, account_id)]
    if key_policy is not None:
        if direct:
            return Decision(True, f"the key policy's {direct[0].get('Sid', 'statement')}")
        if delegated and in_identity:
            return Decision(
                True,
                f"the role's {in_identity[0].get('Sid', 'statement')}, as the key policy lets IAM decide",
            )
        if not delegated:
            return Decision(False, "the key policy neither names the role nor lets IAM decide")
        return Decision(False, "no statement of the role allows it (the key policy lets IAM decide)")
    if in_identity:
        return Decision(True, f"the role's {in_identity[0].get('Sid', 'statement')}")
    if direct:
        return Decision(True, f"the resource policy's {direct[0].get('Sid', 'statement')}")
    return Decision(False, "no statement of the role, nor of a resource policy naming it, allows it")
