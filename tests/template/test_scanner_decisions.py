"""checkov's findings: each one the template does not fix is skipped where it applies, with a reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import REPO, TEMPLATE

from pressroom_tools.local.template import load_template

OPERATIONS_DOC = REPO / "docs" / "operations.md"


def scanner_skips(template: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    return {
        name: resource["Metadata"]["checkov"]["skip"]
        for name, resource in template["Resources"].items()
        if "checkov" in resource.get("Metadata", {})
    }


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def test_every_skip_names_a_check_and_says_why(template: dict[str, Any]):
    skips = scanner_skips(template)
    assert skips
    for resource, entries in skips.items():
        for entry in entries:
            assert re.fullmatch(r"CKV_AWS_\d+", entry["id"]), (resource, entry)
            assert len(entry["comment"].split()) >= 12, f"{resource} skips {entry['id']} without a reason"


def test_a_check_is_skipped_only_on_resources_of_the_kind_it_was_decided_for(template: dict[str, Any]):
    """A decision is made per resource: adding a resource does not inherit a skip unnoticed."""
    kinds: dict[str, set[str]] = {}
    for resource, entries in scanner_skips(template).items():
        for entry in entries:
            kinds.setdefault(entry["id"], set()).add(template["Resources"][resource]["Type"])
    assert {check: len(types) for check, types in kinds.items()} == dict.fromkeys(kinds, 1)


def test_every_skipped_check_is_explained_in_the_operations_guide(template: dict[str, Any]):
    guide = OPERATIONS_DOC.read_text(encoding="utf-8")
    skipped = {entry["id"] for entries in scanner_skips(template).values() for entry in entries}
    assert sorted(check for check in skipped if check not in guide) == []


def test_the_optional_web_acl_and_access_logs_apply_only_when_given(template: dict[str, Any]):
    config = template["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}
    condition, logging, otherwise = config["Logging"]["Fn::If"]
    assert (condition, otherwise) == ("HasAccessLogsBucket", {"Ref": "AWS::NoValue"})
    assert logging["Bucket"] == {"Fn::Sub": "${AccessLogsBucket}.s3.amazonaws.com"}
    parameters = template["Parameters"]
    assert parameters["WebAclArn"]["Default"] == parameters["AccessLogsBucket"]["Default"] == ""
