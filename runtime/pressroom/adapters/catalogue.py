"""The catalogue in DynamoDB: one item per published slug, one per uploaded key, and two kinds
of note (what is not live, and who waits for a slug).

Items (partition key `pk`, sort key `sk`):
  POST#<slug>   / POST    the published post; its owner is `sourceKey`; `listings` maps each
                          listing it is in to its sequence number there (see adapters/listings.py).
  SOURCE#<key>  / SOURCE  the latest event applied for an uploaded key: its sequencer (sortable
                          form in `sortSequencer`), state (live, withdrawn, draft, scheduled,
                          expired), slug, and the work that event left to do (`pending`).
  STATUS        / <key>   every key that is not live, and why (what `pressroom status` lists);
                          an upload refused only because its slug was taken also names the slug
                          (`waitingFor`) and its version.
  SLUGWAIT#<slug> / WAIT  the key whose newest upload waits for the slug (see SlugWaiter).
A key's item, its slug's and its STATUS row change in one transaction, so a slug has one owner
and a late, older event never wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from pressroom.adapters.items import attributes, plain
from pressroom.catalogue import (
    CatalogueEntry,
    Pending,
    PostRecord,
    SlugTakenError,
    SlugWaiter,
    SourceState,
    SourceStateKind,
    StaleEventError,
    may_replace,
)
from pressroom.ordering import sequencer_sort_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from pressroom.clock import Clock

STATUS_PARTITION = "STATUS"


def _post_key(slug: str) -> dict[str, Any]:
    return {"pk": {"S": f"POST#{slug}"}, "sk": {"S": "POST"}}


def _source_key(key: str) -> dict[str, Any]:
    return {"pk": {"S": f"SOURCE#{key}"}, "sk": {"S": "SOURCE"}}


def _slug_wait_key(slug: str) -> dict[str, Any]:
    return {"pk": {"S": f"SLUGWAIT#{slug}"}, "sk": {"S": "WAIT"}}


class Catalogue:
    def __init__(self, client: DynamoDBClient, table_name: str, clock: Clock) -> None:
        self.client = client
        self.table_name = table_name
        self.clock = clock

    def source_state(self, key: str) -> SourceState | None:
        response = self.client.get_item(TableName=self.table_name, Key=_source_key(key), ConsistentRead=True)
        if "Item" not in response:
            return None
        item = plain(response["Item"])
        return SourceState(
            key=key,
            state=SourceStateKind(item["state"]),
            slug=item.get("slug"),
            sequencer=item.get("sequencer"),
            update=bool(item.get("update", False)),
            released_slug=item.get("releasedSlug"),
            etag=item.get("etag"),
            pending=Pending.from_json(item["pending"]) if item.get("pending") else Pending(),
        )

    def _source_put(self, state: SourceState) -> TransactWriteItemTypeDef:
        put: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": {
                **_source_key(state.key),
                **attributes(
                    {
                        "sourceKey": state.key,
                        "state": state.state.value,
                        "slug": state.slug,
                        "sequencer": state.sequencer,
                        "sortSequencer": sequencer_sort_key(state.sequencer) if state.sequencer else None,
                        "update": state.update,
                        "releasedSlug": state.released_slug,
                        "etag": state.etag,
                        "pending": state.pending.to_json(),
                        "changedAt": self.clock.now().isoformat(),
                    }
                ),
            },
        }
        if state.sequencer:
            # Equal passes so that a retried event can finish what a failed attempt began.
            put["ConditionExpression"] = "attribute_not_exists(pk) OR sortSequencer <= :seq"
            put["ExpressionAttributeValues"] = {":seq": {"S": sequencer_sort_key(state.sequencer)}}
        return {"Put": put}  # type: ignore[typeddict-item]

    def record_live(self, entry: CatalogueEntry, state: SourceState, release: bool) -> None:
        """Record `entry` as live and `state` as its key's latest event, in one transaction.

        With `release`, the post entry of `state.released_slug` (the key's previous slug) goes too.
        Raises StaleEventError if a newer event for the key was applied, SlugTakenError if another
        key owns the slug.
        """
        actions: list[TransactWriteItemTypeDef] = [
            self._source_put(state),
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": {
                        **_post_key(entry.slug),
                        **attributes(
                            {
                                "slug": entry.slug,
                                "title": entry.title,
                                "date": entry.date.isoformat(),
                                "sourceKey": entry.source_key,
                                "summary": entry.summary,
                                "tags": list(entry.tags),
                                "authors": list(entry.authors),
                                "sequencer": entry.sequencer,
                                "versionId": entry.version_id,
                                "etag": entry.etag,
                                "listings": dict(entry.listings),
                                "dateKey": entry.date_key,
                            }
                        ),
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR sourceKey = :key",
                    "ExpressionAttributeValues": {":key": {"S": entry.source_key}},
                }
            },
        ]
        if release and state.released_slug:
            actions.append(self._release(state.released_slug, entry.source_key))
        actions.append(self._status_row(state))  # last: the indexes above name the failed condition
        self._transact(actions, slug=entry.slug)

    def _status_row(
        self, state: SourceState, detail: dict[str, Any] | None = None
    ) -> TransactWriteItemTypeDef:
        """The key's row in the STATUS partition (what `pressroom status` lists), or its removal."""
        key = {"pk": {"S": STATUS_PARTITION}, "sk": {"S": state.key}}
        if state.state is SourceStateKind.LIVE:
            return {"Delete": {"TableName": self.table_name, "Key": key}}
        values = {
            "state": state.state.value,
            "sequencer": state.sequencer,
            "sortSequencer": sequencer_sort_key(state.sequencer) if state.sequencer else None,
            **(detail or {}),
        }
        return {"Put": {"TableName": self.table_name, "Item": {**key, **attributes(values)}}}

    def record_rejection(
        self, key: str, sequencer: str | None, reasons: list[str], waiter: SlugWaiter | None = None
    ) -> bool:
        """Note that the key's newest upload was refused, unless a newer event was applied already."""
        current = self.source_state(key)
        if current is not None and not may_replace(current.sequencer, sequencer):
            return False
        rejected = SourceState(key=key, state=SourceStateKind.REJECTED, slug=None, sequencer=sequencer)
        detail: dict[str, Any] = {"reasons": reasons}
        actions: list[TransactWriteItemTypeDef] = []
        if waiter is not None:
            detail |= {"waitingFor": waiter.slug, "versionId": waiter.version_id, "etag": waiter.etag}
            wait = {**_slug_wait_key(waiter.slug), **attributes({"sourceKey": key})}
            actions.append({"Put": {"TableName": self.table_name, "Item": wait}})
        status = self._status_row(rejected, detail)
        if sequencer and "Put" in status:
            # A late refusal of an older upload must not replace a newer one's (rejections never
            # move the SOURCE row, so the check above cannot see them).
            status["Put"]["ConditionExpression"] = (
                "attribute_not_exists(sortSequencer) OR sortSequencer <= :seq"
            )
            status["Put"]["ExpressionAttributeValues"] = {":seq": {"S": sequencer_sort_key(sequencer)}}
        try:
            self._transact([status, *actions], slug=None)
        except StaleEventError:
            return False
        return True

    def slug_waiter(self, slug: str) -> SlugWaiter | None:
        wait = self.client.get_item(TableName=self.table_name, Key=_slug_wait_key(slug), ConsistentRead=True)
        if "Item" not in wait:
            return None
        key = plain(wait["Item"])["sourceKey"]
        status = self.client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": STATUS_PARTITION}, "sk": {"S": key}},
            ConsistentRead=True,
        )
        row = plain(status["Item"]) if "Item" in status else {}
        if row.get("state") != SourceStateKind.REJECTED.value or row.get("waitingFor") != slug:
            return None  # the key has moved on since: published, withdrawn or refused anew
        return SlugWaiter(
            key=key,
            slug=slug,
            sequencer=row.get("sequencer"),
            version_id=row.get("versionId"),
            etag=row.get("etag"),
        )

    def forget_slug_waiter(self, waiter: SlugWaiter) -> None:
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key=_slug_wait_key(waiter.slug),
                ConditionExpression="sourceKey = :key",
                ExpressionAttributeValues={":key": {"S": waiter.key}},
            )
        except ClientError as error:  # another upload has started waiting for the slug since
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def statuses(self) -> list[dict[str, Any]]:
        """Every key that is not live (draft, scheduled, expired, withdrawn, rejected), by key."""
        items: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": STATUS_PARTITION}},
        }
        while True:
            response = self.client.query(**arguments)
            items += [plain(item) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def record_taken_down(self, state: SourceState, release: bool) -> None:
        """Record `state` (not live) as its key's latest event; with `release`, drop its post entry."""
        actions = [self._source_put(state), self._status_row(state)]
        if release and state.released_slug:
            actions.append(self._release(state.released_slug, state.key))
        self._transact(actions, slug=None)

    def record_unchanged(self, state: SourceState) -> None:
        """Move the key's latest event forward when its content did not change (same ETag), and
        its STATUS row with it: an upload refused in between, then undone, is no longer listed."""
        self._transact([self._source_put(state), self._status_row(state)], slug=None)

    def _release(self, slug: str, owner_key: str) -> TransactWriteItemTypeDef:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": _post_key(slug),
                "ConditionExpression": "attribute_not_exists(pk) OR sourceKey = :key",
                "ExpressionAttributeValues": {":key": {"S": owner_key}},
            }
        }

    def _transact(self, actions: list[TransactWriteItemTypeDef], slug: str | None) -> None:
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise StaleEventError(str(error)) from error
            if slug and "ConditionalCheckFailed" in reasons[1:2]:
                raise SlugTakenError(slug, self.owner_of(slug)) from error
            raise

    def owner_of(self, slug: str) -> str | None:
        response = self.client.get_item(TableName=self.table_name, Key=_post_key(slug), ConsistentRead=True)
        item = response.get("Item")
        return str(plain(item)["sourceKey"]) if item else None

    def post_record(self, slug: str) -> PostRecord | None:
        response = self.client.get_item(TableName=self.table_name, Key=_post_key(slug), ConsistentRead=True)
        if "Item" not in response:
            return None
        item = plain(response["Item"])
        return PostRecord(
            slug=slug,
            source_key=item["sourceKey"],
            listings={listing: int(sequence) for listing, sequence in item.get("listings", {}).items()},
            date_key=item.get("dateKey", ""),
            version_id=item.get("versionId"),
        )
