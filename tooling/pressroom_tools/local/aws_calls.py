"""Every AWS request a function makes on the local stack, written down in IAM's terms.

moto answers every call whatever the caller may do, so a permission missing from template.yaml
would only show on AWS. With PRESSROOM_AWS_CALLS set to a folder, each local stack started in
this process appends to a file there: one line naming the stack's resources, then one line per
distinct request its functions made, as IAM would authorise it (action, resource ARN, and the
condition keys the template's policies read). tests/permissions checks each line against the
function's role as translated from template.yaml, and the resource policies beside it.

Only calls made while a function runs in this process are recorded, attributed to that function;
the local stack's own calls (uploads, reports) are not.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.client

ENVIRONMENT_VARIABLE = "PRESSROOM_AWS_CALLS"

Context = dict[str, str | list[str]]


@dataclass(frozen=True)
class IamRequest:
    """What IAM authorises for one call: an action on a resource, with the keys conditions read."""

    action: str
    resource: str
    context: Context = field(default_factory=dict)


class UnmappedCallError(LookupError):
    """A call this module cannot yet express in IAM's terms (so it cannot be checked)."""


@dataclass(frozen=True)
class Account:
    """Where ARNs point, and what the template says that a request's ARN alone does not."""

    region: str
    account_id: str
    partition_keys: Mapping[str, str] = field(default_factory=dict)  # table name → hash key attribute
    topic_keys: Mapping[str, str] = field(default_factory=dict)  # encrypted topic ARN → KMS key ARN

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account_id}:{resource}"


def iam_requests(
    service: str, operation: str, params: Mapping[str, Any], account: Account
) -> list[IamRequest]:
    """The requests IAM authorises when `operation` of `service` is called with `params`."""
    mapper = _MAPPERS.get((service, operation))
    if mapper is None:
        raise UnmappedCallError(
            f"{service}:{operation} has no IAM mapping: teach pressroom_tools/local/aws_calls.py"
        )
    return mapper(params, account)


# ---------------------------------------------------------------------- S3
def _object(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def _read_object(params: Mapping[str, Any], _: Account) -> list[IamRequest]:
    action = "s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject"
    return [IamRequest(action, _object(params["Bucket"], params["Key"]))]


def _write_object(params: Mapping[str, Any], _: Account) -> list[IamRequest]:
    requests = [IamRequest("s3:PutObject", _object(params["Bucket"], params["Key"]))]
    if params.get("ACL"):
        requests.append(IamRequest("s3:PutObjectAcl", _object(params["Bucket"], params["Key"])))
    if params.get("Tagging"):
        requests.append(IamRequest("s3:PutObjectTagging", _object(params["Bucket"], params["Key"])))
    return requests


def _delete_object(params: Mapping[str, Any], _: Account) -> list[IamRequest]:
    action = "s3:DeleteObjectVersion" if params.get("VersionId") else "s3:DeleteObject"
    return [IamRequest(action, _object(params["Bucket"], params["Key"]))]


def _delete_objects(params: Mapping[str, Any], _: Account) -> list[IamRequest]:
    return [
        IamRequest(
            "s3:DeleteObjectVersion" if item.get("VersionId") else "s3:DeleteObject",
            _object(params["Bucket"], item["Key"]),
        )
        for item in params["Delete"]["Objects"]
    ]


def _copy_object(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    source = params["CopySource"]
    if isinstance(source, str):
        path, _, query = source.lstrip("/").partition("?")
        bucket, _, key = unquote(path).partition("/")
        version = dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("versionId")
        source = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
    return [*_read_object(source, account), *_write_object(params, account)]


def _list_bucket(params: Mapping[str, Any], _: Account) -> list[IamRequest]:
    prefix = params.get("Prefix", "")
    return [IamRequest("s3:ListBucket", f"arn:aws:s3:::{params['Bucket']}", {"s3:prefix": prefix})]


# ---------------------------------------------------------------------- DynamoDB
def _table(name: str, account: Account) -> str:
    return name if name.startswith("arn:") else account.arn("dynamodb", f"table/{name}")


def _leading_keys(table: str, key: Mapping[str, Any], account: Account) -> Context:
    """The partition key value `dynamodb:LeadingKeys` holds on AWS. A request whose value cannot be
    told is refused by name: an empty context would pass a ForAllValues condition (IAM's rule for
    a missing key), allowing here what AWS might not."""
    name = table.rsplit("/", 1)[-1] if table.startswith("arn:") else table
    attribute = account.partition_keys.get(name)
    value = key.get(attribute) if attribute else None
    if not isinstance(value, dict) or len(value) != 1:
        raise UnmappedCallError(f"cannot tell the partition key of a {name} request: {dict(key)!r}")
    return {"dynamodb:LeadingKeys": [str(next(iter(value.values())))]}


def _item_action(action: str, key_field: str) -> Callable[[Mapping[str, Any], Account], list[IamRequest]]:
    def mapper(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
        table = params["TableName"]
        return [IamRequest(action, _table(table, account), _leading_keys(table, params[key_field], account))]

    return mapper


_EQUALS = re.compile(r"(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)")


def _query(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    table = params["TableName"]
    if params.get("IndexName"):  # its partition key is the index's, which the template would have to say
        raise UnmappedCallError(f"dynamodb:Query on index {params['IndexName']} has no IAM mapping yet")
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    key = {
        names.get(name, name): values[value]
        for name, value in _EQUALS.findall(params.get("KeyConditionExpression", ""))
        if value in values
    }
    return [IamRequest("dynamodb:Query", _table(table, account), _leading_keys(table, key, account))]


def _batch_write(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    return [
        _batch("dynamodb:BatchWriteItem", table, account, [
            write["PutRequest"]["Item"] if "PutRequest" in write else write["DeleteRequest"]["Key"]
            for write in writes
        ])
        for table, writes in params["RequestItems"].items()
    ]  # fmt: skip


def _batch_get(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    return [
        _batch("dynamodb:BatchGetItem", table, account, reads["Keys"])
        for table, reads in params["RequestItems"].items()
    ]


def _batch(action: str, table: str, account: Account, keys: list[Mapping[str, Any]]) -> IamRequest:
    """One request for a batch on one table: its context holds every partition key it touches."""
    contexts = [_leading_keys(table, key, account) for key in keys]
    leading = sorted({value for context in contexts for value in context.get("dynamodb:LeadingKeys", [])})
    return IamRequest(action, _table(table, account), {"dynamodb:LeadingKeys": leading} if leading else {})


_TRANSACT_ACTIONS = {
    "Put": ("dynamodb:PutItem", "Item"),
    "Update": ("dynamodb:UpdateItem", "Key"),
    "Delete": ("dynamodb:DeleteItem", "Key"),
    "ConditionCheck": ("dynamodb:ConditionCheckItem", "Key"),
}


def _transact_write(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    requests = []
    for item in params["TransactItems"]:
        ((kind, write),) = item.items()
        action, key_field = _TRANSACT_ACTIONS[kind]
        table = write["TableName"]
        requests.append(
            IamRequest(action, _table(table, account), _leading_keys(table, write[key_field], account))
        )
    return requests


# ---------------------------------------------------------------------- messages and events
def _queue(url: str, account: Account) -> str:
    """A queue URL's ARN: https://sqs.<region>.amazonaws.com/<account>/<name> (or an emulator's)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    region = host.split(".")[1] if host.startswith("sqs.") else account.region
    account_id, name = parts.path.strip("/").split("/")[-2:]
    return f"arn:aws:sqs:{region}:{account_id}:{name}"


def _send_message(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    return [IamRequest("sqs:SendMessage", _queue(params["QueueUrl"], account))]


def _publish(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    topic = params.get("TopicArn") or params["TargetArn"]
    requests = [IamRequest("sns:Publish", topic)]
    key = account.topic_keys.get(topic)
    if key:  # SNS encrypts the message with the topic's key, as the publisher
        context: Context = {
            "kms:ViaService": f"sns.{account.region}.amazonaws.com",
            "kms:EncryptionContext:aws:sns:topicArn": topic,
        }
        requests += [IamRequest("kms:GenerateDataKey", key, context), IamRequest("kms:Decrypt", key, context)]
    return requests


def _bus(name: str, account: Account) -> str:
    return name if name.startswith("arn:") else account.arn("events", f"event-bus/{name}")


def _put_events(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    return [
        IamRequest(
            "events:PutEvents",
            _bus(entry.get("EventBusName") or "default", account),
            {"events:source": entry.get("Source", ""), "events:detail-type": entry.get("DetailType", "")},
        )
        for entry in params["Entries"]
    ]


def _schedule_action(action: str) -> Callable[[Mapping[str, Any], Account], list[IamRequest]]:
    def mapper(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
        group = params.get("GroupName") or "default"
        requests = [IamRequest(action, account.arn("scheduler", f"schedule/{group}/{params['Name']}"))]
        role = params.get("Target", {}).get("RoleArn")
        if role:
            requests.append(
                IamRequest("iam:PassRole", role, {"iam:PassedToService": "scheduler.amazonaws.com"})
            )
        return requests

    return mapper


def _invalidation(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    resource = account.arn("cloudfront", f"distribution/{params['DistributionId']}", region=False)
    return [IamRequest("cloudfront:CreateInvalidation", resource)]


def _get_parameter(params: Mapping[str, Any], account: Account) -> list[IamRequest]:
    name = params["Name"]
    resource = name if name.startswith("arn:") else account.arn("ssm", f"parameter/{name.lstrip('/')}")
    return [IamRequest("ssm:GetParameter", resource)]


_Mapper = Callable[[Mapping[str, Any], Account], list[IamRequest]]
_MAPPERS: dict[tuple[str, str], _Mapper] = {
    ("s3", "GetObject"): _read_object,
    ("s3", "HeadObject"): _read_object,
    ("s3", "PutObject"): _write_object,
    ("s3", "DeleteObject"): _delete_object,
    ("s3", "DeleteObjects"): _delete_objects,
    ("s3", "CopyObject"): _copy_object,
    ("s3", "ListObjectsV2"): _list_bucket,
    ("s3", "ListObjects"): _list_bucket,
    ("dynamodb", "GetItem"): _item_action("dynamodb:GetItem", "Key"),
    ("dynamodb", "PutItem"): _item_action("dynamodb:PutItem", "Item"),
    ("dynamodb", "UpdateItem"): _item_action("dynamodb:UpdateItem", "Key"),
    ("dynamodb", "DeleteItem"): _item_action("dynamodb:DeleteItem", "Key"),
    ("dynamodb", "Query"): _query,
    ("dynamodb", "BatchWriteItem"): _batch_write,
    ("dynamodb", "BatchGetItem"): _batch_get,
    ("dynamodb", "TransactWriteItems"): _transact_write,
    ("sqs", "SendMessage"): _send_message,
    ("sqs", "SendMessageBatch"): _send_message,
    ("sns", "Publish"): _publish,
    ("events", "PutEvents"): _put_events,
    ("scheduler", "CreateSchedule"): _schedule_action("scheduler:CreateSchedule"),
    ("scheduler", "UpdateSchedule"): _schedule_action("scheduler:UpdateSchedule"),
    ("scheduler", "DeleteSchedule"): _schedule_action("scheduler:DeleteSchedule"),
    ("cloudfront", "CreateInvalidation"): _invalidation,
    ("ssm", "GetParameter"): _get_parameter,
}


# ---------------------------------------------------------------------- recording
class StackCallLog:
    """One local stack's page of the call log: its resources' names, then its functions' requests."""

    def __init__(
        self, path: Path, account: Account, names: Mapping[str, str], conditions: Mapping[str, bool]
    ) -> None:
        self.path = path
        self.account = account
        self.stack_id = uuid.uuid4().hex
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._append({"stack": self.stack_id, "names": dict(names), "conditions": dict(conditions)})

    def record(self, function: str, service: str, operation: str, params: Mapping[str, Any]) -> None:
        try:
            requests = iam_requests(service, operation, params, self.account)
        except UnmappedCallError as unmapped:
            self._append_once({"stack": self.stack_id, "function": function, "unmapped": str(unmapped)})
            return
        for request in requests:
            self._append_once(
                {
                    "stack": self.stack_id,
                    "function": function,
                    "action": request.action,
                    "resource": request.resource,
                    "context": request.context,
                }
            )

    def _append_once(self, line: dict[str, Any]) -> None:
        self._append(line, once=True)

    def _append(self, line: dict[str, Any], *, once: bool = False) -> None:
        text = json.dumps(line, sort_keys=True)
        with self._lock:
            if once and text in self._seen:
                return
            self._seen.add(text)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(text + "\n")


def recording_calls() -> bool:
    return bool(os.environ.get(ENVIRONMENT_VARIABLE))


def call_log_folder() -> Path | None:
    """The folder PRESSROOM_AWS_CALLS names, created, or None when calls are not recorded."""
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_stack_log(
    account: Account, names: Mapping[str, str], conditions: Mapping[str, bool]
) -> StackCallLog | None:
    folder = call_log_folder()
    if folder is None:
        return None
    _install()
    return StackCallLog(folder / f"calls-{os.getpid()}.jsonl", account, names, conditions)


_running = threading.local()


@contextmanager
def calls_made_by(function: str, log: StackCallLog | None) -> Iterator[None]:
    """Attribute the AWS calls this thread makes meanwhile to `function`, in `log`."""
    if log is None:
        yield
        return
    previous = getattr(_running, "current", None)
    _running.current = (function, log)
    try:
        yield
    finally:
        _running.current = previous


_INSTALLED = threading.Lock()
_original_make_api_call: Any = None


def _install() -> None:
    """Wrap botocore's one way out, once per process; it records only while a function runs."""
    global _original_make_api_call
    with _INSTALLED:
        if _original_make_api_call is not None:
            return
        _original_make_api_call = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]
        original = _original_make_api_call

        def recording_make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            current = getattr(_running, "current", None)
            if current is not None:
                function, log = current
                log.record(function, client.meta.service_model.service_name, operation_name, api_params)
            return original(client, operation_name, api_params)

        botocore.client.BaseClient._make_api_call = recording_make_api_call  # type: ignore[attr-defined]
