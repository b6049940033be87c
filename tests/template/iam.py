"""Just enough IAM policy evaluation to ask a translated template who may do what.

Explicit Deny wins, then any Allow; Action and Resource wildcards (`*`, `?`) as IAM matches them;
the condition operators the template uses. Anything else in a policy (NotAction, NotResource,
another operator) raises, so a question is never answered by guessing.
"""

from __future__ import annotations

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


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, re.IGNORECASE if ignore_case else 0) is not None


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


def _condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]) -> bool:
    for operator, tests in condition.items():
        for key, expected in tests.items():
            if key not in context:
                return False
            if operator == "StringLike":
                if not any(_matches(pattern, context[key]) for pattern in _as_list(expected)):
                    return False
            elif operator == "StringEquals":
                if context[key] not in _as_list(expected):
                    return False
            else:
                raise NotImplementedError(f"condition operator {operator}")
    return True


def statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    unsupported = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
    if unsupported:
        raise NotImplementedError(f"statement uses {sorted(unsupported)}")
    actions = _as_list(statement["Action"])
    if not any(_matches(pattern, request.action, ignore_case=True) for pattern in actions):
        return False
    if not any(_matches(pattern, request.resource) for pattern in _as_list(statement["Resource"])):
        return False
    return _condition_holds(statement.get("Condition", {}), request.context)


def allowed(document: Mapping[str, Any], request: Request) -> bool:
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    applying = [statement for statement in statements if statement_applies(statement, request)]
    if any(statement["Effect"] == "Deny" for statement in applying):
        return False
    return any(statement["Effect"] == "Allow" for statement in applying)
