"""Security properties of the stack, pinned on the translated template so an edit cannot quietly undo one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

DISTRIBUTION_ARN = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}"
S3_WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:*", "s3:Put*", "s3:Delete*")


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(template: dict[str, Any], role: str) -> Iterator[dict[str, Any]]:
    """Every statement of the role's inline policies, both branches of a conditional one included."""
    for policy in template["Resources"][role]["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            branches = statement["Fn::If"][1:] if "Fn::If" in statement else [statement]
            yield from (branch for branch in branches if "Effect" in branch)


def bucket_policy(template: dict[str, Any], bucket: str) -> list[dict[str, Any]]:
    for policy in resources(template, "AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket}:
            statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"{bucket} has no bucket policy")


def test_every_bucket_blocks_public_access_and_owns_its_objects(translated: dict[str, Any]):
    buckets = resources(translated, "AWS::S3::Bucket")
    assert set(buckets) == {"HostingBucket", "UploadsBucket"}
    for name, bucket in buckets.items():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, name
        owner_enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        assert properties["OwnershipControls"] == owner_enforced, name
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], name


@pytest.mark.parametrize("bucket", ["HostingBucket", "UploadsBucket"])
def test_every_bucket_refuses_requests_without_tls(translated: dict[str, Any], bucket: str):
    denials = [
        statement
        for statement in bucket_policy(translated, bucket)
        if statement["Effect"] == "Deny"
        and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denials) == 1
    assert denials[0]["Principal"] == "*"
    assert denials[0]["Action"] == "s3:*"
    assert denials[0]["Resource"] == [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": f"${{{bucket}.Arn}}/*"}]


def test_only_this_distribution_reads_the_hosting_bucket(translated: dict[str, Any]):
    allowed = [s for s in bucket_policy(translated, "HostingBucket") if s["Effect"] == "Allow"]
    assert allowed == [
        {
            "Sid": "CloudFrontReadsSite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "${HostingBucket.Arn}/*"},
            "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": DISTRIBUTION_ARN}}},
        }
    ]
    origins = translated["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    assert all("OriginAccessControlId" in origin for origin in origins)


def test_every_queue_is_encrypted_at_rest(translated: dict[str, Any]):
    queues = resources(translated, "AWS::SQS::Queue")
    assert queues
    unencrypted = [
        name
        for name, queue in queues.items()
        if not queue["Properties"].get("SqsManagedSseEnabled") and "KmsMasterKeyId" not in queue["Properties"]
    ]
    assert unencrypted == []


def test_every_topic_and_the_table_are_encrypted_at_rest(translated: dict[str, Any]):
    topics = resources(translated, "AWS::SNS::Topic")
    assert set(topics) == {"AnnouncementsTopic", "OperationsTopic"}
    keys = {t["Properties"].get("KmsMasterKeyId", {}).get("Ref") for t in topics.values()}
    assert keys == {"MessagesKey"}
    assert translated["Resources"]["MessagesKey"]["Properties"]["EnableKeyRotation"] is True
    table = translated["Resources"]["PostsTable"]["Properties"]
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_alarms_may_publish_to_the_encrypted_operations_topic(translated: dict[str, Any]):
    """CloudWatch can publish to an encrypted topic only if the key's own policy lets it."""
    statements = translated["Resources"]["MessagesKey"]["Properties"]["KeyPolicy"]["Statement"]
    for_alarms = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert len(for_alarms) == 1
    assert set(as_list(for_alarms[0]["Action"])) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert "kms:EncryptionContext:aws:sns:topicArn" in for_alarms[0]["Condition"]["StringLike"]
    alarms = resources(translated, "AWS::CloudWatch::Alarm").values()
    assert {json.dumps(a["Properties"]["AlarmActions"]) for a in alarms} == {'[{"Ref": "OperationsTopic"}]'}


def test_every_function_that_publishes_may_encrypt_with_the_topics_key(translated: dict[str, Any]):
    publishers = []
    for name, function in resources(translated, "AWS::Lambda::Function").items():
        statements = list(role_statements(translated, function["Properties"]["Role"]["Fn::GetAtt"][0]))
        if any("sns:Publish" in as_list(s["Action"]) for s in statements):
            publishers.append(name)
            key_use = [s for s in statements if s["Resource"] == {"Fn::GetAtt": ["MessagesKey", "Arn"]}]
            actions = [set(as_list(s["Action"])) for s in key_use]
            assert actions == [{"kms:GenerateDataKey", "kms:Decrypt"}], name
    assert publishers == ["NotifyFunction"]


def test_every_function_stops_recursive_loops(translated: dict[str, Any]):
    functions = resources(translated, "AWS::Lambda::Function")
    assert len(functions) == 7
    assert {name: f["Properties"].get("RecursiveLoop") for name, f in functions.items()} == dict.fromkeys(
        functions, "Terminate"
    )


def test_no_function_is_granted_anything_on_every_resource(translated: dict[str, Any]):
    for name, function in resources(translated, "AWS::Lambda::Function").items():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        for statement in role_statements(translated, role):
            assert "*" not in as_list(statement["Resource"]), (name, statement)


@pytest.mark.parametrize("function", ["ValidateFunction", "AssetsFunction"])
def test_a_function_the_uploads_bucket_triggers_cannot_write_to_it(translated: dict[str, Any], function: str):
    role = translated["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    for statement in role_statements(translated, role):
        writes = set(as_list(statement["Action"])) & set(S3_WRITES)
        if writes and statement["Effect"] == "Allow":
            assert "UploadsBucket" not in json.dumps(statement["Resource"]), statement
    for statement in bucket_policy(translated, "UploadsBucket"):
        if statement["Effect"] == "Allow" and set(as_list(statement["Action"])) & set(S3_WRITES):
            assert f"{function}Role" not in json.dumps(statement["Principal"]), statement


def test_s3_and_eventbridge_may_invoke_only_from_this_account_and_these_rules(translated: dict[str, Any]):
    permissions = resources(translated, "AWS::Lambda::Permission")
    assert permissions
    for name, permission in permissions.items():
        properties = permission["Properties"]
        if properties["Principal"] == "s3.amazonaws.com":
            assert properties["SourceAccount"] == {"Ref": "AWS::AccountId"}, name
        else:
            assert properties["Principal"] == "events.amazonaws.com", name
            assert "SourceArn" in properties, name


def test_failed_work_always_has_somewhere_to_go(translated: dict[str, Any]):
    invoke_configs = resources(translated, "AWS::Lambda::EventInvokeConfig").values()
    configured = {config["Properties"]["FunctionName"]["Ref"] for config in invoke_configs}
    for config in invoke_configs:
        assert config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    queue_fed = set()
    for mapping in resources(translated, "AWS::Lambda::EventSourceMapping").values():
        queue = mapping["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        queue_fed.add(mapping["Properties"]["FunctionName"]["Ref"])
        assert translated["Resources"][queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"], queue
    assert configured | queue_fed == set(resources(translated, "AWS::Lambda::Function"))


def test_a_standard_queue_cannot_scale_its_function_past_a_bound(translated: dict[str, Any]):
    """Lambda scales a standard queue's consumer to hundreds of invocations, enough to take a
    new account's 10 concurrent executions from every other function; a FIFO queue's one message
    group runs one at a time."""
    bounded = {}
    for mapping in resources(translated, "AWS::Lambda::EventSourceMapping").values():
        properties = mapping["Properties"]
        queue = translated["Resources"][properties["EventSourceArn"]["Fn::GetAtt"][0]]["Properties"]
        if queue.get("FifoQueue"):
            continue
        bounded[properties["FunctionName"]["Ref"]] = properties.get("ScalingConfig", {}).get(
            "MaximumConcurrency"
        )
    assert bounded == {"RepublishFunction": {"Ref": "RepublishConcurrency"}}
    parameter = translated["Parameters"]["RepublishConcurrency"]
    assert (parameter["MinValue"], parameter["Default"]) == (2, 5)  # 2 is the least Lambda accepts


def test_the_upload_rules_leave_out_what_the_lifecycle_expires(translated: dict[str, Any]):
    for rule in ("ValidateFunctionUploads", "AssetsFunctionUploads"):
        pattern = translated["Resources"][rule]["Properties"]["EventPattern"]
        assert pattern["source"] == ["aws.s3"]
        assert pattern["detail"]["reason"] == [{"anything-but": ["Lifecycle Expiration"]}], rule
