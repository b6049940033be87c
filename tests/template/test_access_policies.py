"""Who may change the site: authors write content and never the theme; owners may change both.

Asked of the translated template with a small IAM evaluator (tests/template/iam.py), request by
request, as IAM would answer for a person holding only that policy.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from iam import Request, allowed, resolve, statement_applies

UPLOADS = "arn:aws:s3:::site-uploads"
HOSTING = "arn:aws:s3:::site-hosting"
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/blog/1"
NAMES = {
    "UploadsBucket": "site-uploads",
    "UploadsBucket.Arn": UPLOADS,
    "HostingBucket": "site-hosting",
    "HostingBucket.Arn": HOSTING,
    "AWS::StackId": STACK_ID,
    "AWS::StackName": "blog",
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
}
CONTENT_PREFIXES = ("posts/", "assets/", "pages/", "authors/")
OBJECT_ACTIONS = (
    "s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion",
    "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:RestoreObject", "s3:AbortMultipartUpload",
    "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
)  # fmt: skip
WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl")


def policy(translated: dict[str, Any], logical_id: str) -> dict[str, Any]:
    resource = translated["Resources"][logical_id]
    assert resource["Type"] == "AWS::IAM::ManagedPolicy"
    document: dict[str, Any] = resolve(resource["Properties"]["PolicyDocument"], NAMES)
    return document


@pytest.fixture(scope="module")
def author(translated: dict[str, Any]) -> dict[str, Any]:
    return policy(translated, "AuthorPolicy")


@pytest.fixture(scope="module")
def owner(translated: dict[str, Any]) -> dict[str, Any]:
    return policy(translated, "OwnerPolicy")


@pytest.mark.parametrize("prefix", CONTENT_PREFIXES)
@pytest.mark.parametrize("action", ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"])
def test_authors_and_owners_write_content(
    author: dict[str, Any], owner: dict[str, Any], prefix: str, action: str
):
    request = Request(action, f"{UPLOADS}/{prefix}2024/a-post.md")
    assert allowed(author, request)
    assert allowed(owner, request)


@pytest.mark.parametrize("action", OBJECT_ACTIONS)
def test_authors_can_do_nothing_under_theme(author: dict[str, Any], action: str):
    assert not allowed(author, Request(action, f"{UPLOADS}/theme/post.html.j2"))


def test_no_author_statement_names_anything_under_theme(author: dict[str, Any]):
    # Stronger than the requests above: no Allow of the policy could ever match a theme/ key.
    for action in (*OBJECT_ACTIONS, "s3:*", "s3:PutObject*"):
        for statement in author["Statement"]:
            assert not statement_applies(statement, Request(action, f"{UPLOADS}/theme/x")), statement
    assert not allowed(author, Request("s3:ListBucket", UPLOADS, {"s3:prefix": "theme/"}))


@pytest.mark.parametrize("prefix", ["", "theme/", "theme"])
def test_authors_cannot_list_outside_content(author: dict[str, Any], prefix: str):
    assert not allowed(author, Request("s3:ListBucket", UPLOADS, {"s3:prefix": prefix}))


@pytest.mark.parametrize("prefix", CONTENT_PREFIXES)
def test_authors_can_list_their_content(author: dict[str, Any], prefix: str):
    assert allowed(author, Request("s3:ListBucket", UPLOADS, {"s3:prefix": prefix}))
    assert allowed(author, Request("s3:ListBucketVersions", UPLOADS, {"s3:prefix": prefix + "a"}))


def test_authors_keep_the_history_of_what_they_wrote(author: dict[str, Any]):
    # Deleting a version for good is for owners; an author's delete leaves a restorable marker.
    assert not allowed(author, Request("s3:DeleteObjectVersion", f"{UPLOADS}/posts/a.md"))


@pytest.mark.parametrize(
    "action", ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
)
def test_owners_change_the_theme(owner: dict[str, Any], action: str):
    assert allowed(owner, Request(action, f"{UPLOADS}/theme/post.html.j2"))


def test_owners_list_the_whole_bucket(owner: dict[str, Any]):
    assert allowed(owner, Request("s3:ListBucket", UPLOADS, {"s3:prefix": ""}))


@pytest.mark.parametrize("name", ["AuthorPolicy", "OwnerPolicy"])
def test_neither_reaches_the_site_the_pipeline_or_the_bucket_settings(translated: dict[str, Any], name: str):
    document = policy(translated, name)
    for action in WRITES:
        assert not allowed(document, Request(action, f"{HOSTING}/index.html"))
    for action in (
        "s3:PutBucketPolicy",
        "s3:PutBucketNotification",
        "s3:PutBucketVersioning",
        "s3:DeleteBucket",
    ):
        assert not allowed(document, Request(action, UPLOADS))
    assert allowed(document, Request("cloudformation:DescribeStacks", STACK_ID))  # pressroom upload --stack
    assert not allowed(document, Request("cloudformation:DescribeStacks", STACK_ID.replace("blog", "other")))


def test_only_the_owner_policy_lets_anyone_write_the_theme(translated: dict[str, Any]):
    # Every identity-based policy in the stack (function roles included) and every bucket policy.
    writers = []
    for logical_id, resource in translated["Resources"].items():
        documents = []
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            documents = [item["PolicyDocument"] for item in properties.get("Policies", [])]
        elif resource["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy"):
            documents = [properties["PolicyDocument"]]
        for document, setting in itertools.product(documents, (True, False)):
            conditions = dict.fromkeys(translated.get("Conditions", {}), setting)
            resolved = resolve(document, _AnyName(NAMES), conditions)
            if any(allowed(resolved, Request(action, f"{UPLOADS}/theme/post.html.j2")) for action in WRITES):
                writers.append(logical_id)
    assert set(writers) == {"OwnerPolicy"}


class _AnyName(dict[str, str]):
    """NAMES, and a distinct made-up value for any other resource the policies mention."""

    def __missing__(self, name: str) -> str:
        return f"arn:aws:placeholder:::{name}"


def test_the_stack_outputs_both_policies(translated: dict[str, Any]):
    outputs = translated["Outputs"]
    assert outputs["AuthorPolicyArn"]["Value"] == {"Ref": "AuthorPolicy"}
    assert outputs["OwnerPolicyArn"]["Value"] == {"Ref": "OwnerPolicy"}
    assert "nothing under theme/" in outputs["AuthorPolicyArn"]["Description"]
