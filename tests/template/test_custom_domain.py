"""A custom domain: the distribution answers for it with its certificate, and the pipeline writes its URLs."""

from __future__ import annotations

from typing import Any

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
    functions = [r for r in translated["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert {str(f["Properties"]["Environment"]["Variables"]["SITE_URL"]) for f in functions} == {
        str(SITE_URL)
    }
    assert translated["Outputs"]["SiteUrl"]["Value"] == SITE_URL
    assert translated["Outputs"]["DistributionDomainName"]["Value"] == {
        "Fn::GetAtt": ["SiteDistribution", "DomainName"]
    }
