"""A custom domain: the distribution answers for it with its certificate, and the pipeline writes its URLs."""

from __future__ import annotations

import json
from typing import Any

import pytest

CLOUDFRONT_URL = {"Fn::Sub": "https://${SiteDistribution.DomainName}"}
SITE_URL = {
    "Fn::If": [
        "HasDomainName",
        {"Fn::Sub": "https://${DomainName}"},
        {"Fn::If": ["HasPublicSiteUrl", {"Ref": "PublicSiteUrl"}, CLOUDFRONT_URL]},
    ]
}


def distribution(translated: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = translated["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    return config


def test_the_distribution_answers_for_the_domain_only_when_one_is_given(translated: dict[str, Any]):
    assert distribution(translated)["Aliases"] == {
        "Fn::If": ["HasDomainName", [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]
    }
    assert translated["Conditions"]["HasDomainName"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "DomainName"}, ""]}]
    }


def test_the_domain_is_served_with_its_certificate_over_tls_1_2_or_later(translated: dict[str, Any]):
    assert distribution(translated)["ViewerCertificate"] == {
        "Fn::If": [
            "HasDomainName",
            {
                "AcmCertificateArn": {"Ref": "CertificateArn"},
                "SslSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
            {"CloudFrontDefaultCertificate": True},
        ]
    }
    pattern = translated["Parameters"]["CertificateArn"]["AllowedPattern"]
    assert ":acm:us-east-1:" in pattern  # CloudFront takes certificates from us-east-1 only


def test_a_domain_without_a_certificate_is_refused_before_anything_is_created(translated: dict[str, Any]):
    rule = translated["Rules"]["DomainNameNeedsCertificate"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "DomainName"}, ""]}]}
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]}


def test_the_pipeline_writes_and_the_stack_reports_the_domains_urls(translated: dict[str, Any]):
    site_urls = {
        name: str(resource["Properties"]["Environment"]["Variables"]["SITE_URL"])
        for name, resource in translated["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
        and "SITE_URL" in resource["Properties"]["Environment"]["Variables"]
    }
    # the functions that write pages and feeds
    assert site_urls == dict.fromkeys(
        ["RenderFunction", "RepublishFunction", "AggregateFunction"], str(SITE_URL)
    )
    assert translated["Outputs"]["SiteUrl"]["Value"] == SITE_URL
    assert translated["Outputs"]["DistributionDomainName"]["Value"] == {
        "Fn::GetAtt": ["SiteDistribution", "DomainName"]
    }


@pytest.mark.parametrize(("logical_id", "path"), [
    ("SiteOriginAccessControl", ("OriginAccessControlConfig", "Name")),
    ("PrettyUrlsFunction", ("Name",)),
])  # fmt: skip
def test_cloudfront_names_are_unique_to_the_stack_and_short_enough(
    translated: dict[str, Any], logical_id: str, path: tuple[str, ...]
):
    """CloudFront functions and origin access controls share one namespace per account, in every
    region, and take at most 64 characters: the same stack name in two regions must not clash,
    and a 128-character stack name must still deploy."""
    value: Any = translated["Resources"][logical_id]["Properties"]
    for key in path:
        value = value[key]
    assert "AWS::StackName" not in json.dumps(value)
    stack_id = (
        "arn:aws:cloudformation:eu-west-1:123456789012:stack/"
        + "s" * 128
        + "/"
        + "0" * 8
        + "-1111-2222-3333-"
        + "4" * 12
    )
    prefix, parts = value["Fn::Join"][0], value["Fn::Join"][1]
    select = parts[1]["Fn::Select"]
    assert select[1]["Fn::Split"][1] == {"Ref": "AWS::StackId"}
    name = prefix.join([parts[0], stack_id.split(select[1]["Fn::Split"][0])[select[0]]])
    assert name.endswith("0" * 8 + "-1111-2222-3333-" + "4" * 12)
    assert len(name) <= 64
