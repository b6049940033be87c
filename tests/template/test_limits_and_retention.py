"""What a parameter may hold, where it ends up, and how long old uploads are kept."""

from __future__ import annotations

from typing import Any

SNS_DISPLAY_NAME_LIMIT = 100
LAMBDA_ENVIRONMENT_LIMIT = 4096  # bytes, every variable of one function together


def test_the_site_title_fits_both_topics_display_names(translated: dict[str, Any]):
    title = translated["Parameters"]["SiteTitle"]
    names = [
        translated["Resources"][topic]["Properties"]["DisplayName"]
        for topic in ("AnnouncementsTopic", "OperationsTopic")
    ]
    assert names == [{"Ref": "SiteTitle"}, {"Fn::Sub": "${SiteTitle} operations"}]
    assert title["MaxLength"] + len(" operations") <= SNS_DISPLAY_NAME_LIMIT
    assert title["MinLength"] == 1


def test_free_text_parameters_leave_room_in_the_functions_environment(translated: dict[str, Any]):
    """Each goes into the environment of the functions that render; together, at their longest, they
    must leave most of Lambda's 4 KB to the resource names and settings."""
    free_text = ("SiteTitle", "SiteDescription", "EmbedPrefixes")
    lengths = {name: translated["Parameters"][name].get("MaxLength") for name in free_text}
    assert None not in lengths.values(), lengths
    assert sum(lengths.values()) <= LAMBDA_ENVIRONMENT_LIMIT // 3, lengths


def test_old_upload_versions_expire_but_the_ten_newest_stay(translated: dict[str, Any]):
    rules = translated["Resources"]["UploadsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    condition, expiring, otherwise = rules[1]["Fn::If"]
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert expiring["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": {"Ref": "OldUploadVersionsDays"},
        "NewerNoncurrentVersions": 10,
    }
    assert translated["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OldUploadVersionsDays"}, 0]}]
    }
    assert translated["Parameters"]["OldUploadVersionsDays"]["Default"] == 365


def test_notify_may_decrypt_the_webhooks_with_their_own_key_only_through_ssm(translated: dict[str, Any]):
    role = translated["Resources"]["NotifyFunctionRole"]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    (conditional,) = [s["Fn::If"] for s in statements if "Fn::If" in s and s["Fn::If"][0] == "HasWebhooksKey"]
    _, decrypt, otherwise = conditional
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Resource"] == {"Ref": "WebhooksKeyArn"}
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}}
    }
