"""Reading template.yaml and resolving the intrinsic functions the local stack needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class TemplateError(ValueError):
    """The template uses something the local stack cannot emulate."""


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, !GetAtt…) as their long form."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    """Parse a SAM/CloudFormation template, short-form tags included."""
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506
    if not isinstance(document, dict) or "Resources" not in document:
        raise TemplateError(f"{path} is not a CloudFormation template (no Resources section)")
    return document


PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::Region",
    "AWS::StackName",
    "AWS::Partition",
    "AWS::URLSuffix",
)


@dataclass
class Resolver:
    """Evaluates Ref, Fn::Sub, Fn::GetAtt, Fn::If and friends against emulated resources.

    `physical_ids` answers Ref for resources; `attributes` answers GetAtt as (resource, name).
    """

    template: Mapping[str, Any]
    parameters: dict[str, str]
    pseudo: dict[str, str]
    physical_ids: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def condition(self, name: str) -> bool:
        conditions = self.template.get("Conditions", {})
        if name not in conditions:
            raise TemplateError(f"unknown condition {name!r}")
        return bool(self.resolve(conditions[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            handler = self._intrinsics().get(name)
            if handler is not None:
                return handler(argument)
        return {key: self.resolve(item) for key, item in value.items()}

    def _intrinsics(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": self._ref,
            "Fn::Sub": self._sub,
            "Fn::GetAtt": self._get_att,
            "Fn::If": self._if,
            "Fn::Equals": lambda a: self.resolve(a[0]) == self.resolve(a[1]),
            "Fn::Not": lambda a: not self.resolve(a[0]),
            "Fn::And": lambda a: all(self.resolve(item) for item in a),
            "Fn::Or": lambda a: any(self.resolve(item) for item in a),
            "Fn::Join": lambda a: str(a[0]).join(str(self.resolve(item)) for item in self.resolve(a[1])),
            "Fn::Select": lambda a: self.resolve(a[1])[int(self.resolve(a[0]))],
            "Fn::Split": lambda a: str(self.resolve(a[1])).split(a[0]),
            "Condition": self.condition,
        }

    def _ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical_ids:
            return self.physical_ids[name]
        raise TemplateError(f"!Ref {name}: the local stack has no value for it")

    def _get_att(self, argument: list[str]) -> str:
        resource, attribute = argument[0], argument[1]
        try:
            return self.attributes[(resource, attribute)]
        except KeyError:
            raise TemplateError(
                f"!GetAtt {resource}.{attribute}: the local stack does not emulate it"
            ) from None

    def _if(self, argument: list[Any]) -> Any:
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(name) else when_false)

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}
        return _substitute(text, lambda name: variables[name] if name in variables else self._sub_name(name))

    def _sub_name(self, name: str) -> str:
        if "." in name and not name.startswith("AWS::"):
            resource, attribute = name.split(".", 1)
            return self._get_att([resource, attribute])
        return self._ref(name)


def _substitute(text: str, lookup: Callable[[str], Any]) -> str:
    """Expand ${Name} in a Fn::Sub string (${!Literal} stays literal)."""
    out: list[str] = []
    position = 0
    while (start := text.find("${", position)) != -1:
        end = text.find("}", start)
        if end == -1:
            break
        out.append(text[position:start])
        name = text[start + 2 : end]
        out.append("${" + name[1:] + "}" if name.startswith("!") else str(lookup(name)))
        position = end + 1
    out.append(text[position:])
    return "".join(out)
