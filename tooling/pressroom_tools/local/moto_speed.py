"""Shortcuts that keep moto from slowing down as the emulated site grows.

moto (pinned in requirements-dev.txt) answers a Query by sorting every item of the table and
keeping the partition asked for, and backs up a table before each TransactWriteItems by
deep-copying all of it: both cost time in proportion to the table, so a local run of 1,000
posts slowed to a crawl. DynamoDB itself does neither. While the local stack runs:
  - a Query on the table's own key reads only the partition asked for;
  - a transaction's backup copies the partitions the transaction names, not the table
    (pressroom's transactions only put, delete and check whole items, so nothing else changes);
  - EventBridge compiles each of its eight JSONPath input paths once, not for every event
    delivered to every target (compiling one builds a PLY parser: ~2 ms).
The emulation's answers are unchanged; the functional and e2e suites run with both.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from typing import Any
from unittest import mock

import jsonpath_ng.ext
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_original_query = Table.query
_original_transact = DynamoDBBackend.transact_write_items
_compiled_json_path = cache(jsonpath_ng.ext.parser.parse)


def _partition_query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name or hash_key is None or not self.range_key_attr:
        return _original_query(self, hash_key, *args, **kwargs)
    partition = self.items.get(hash_key, {})

    def only_the_partition() -> list[Any]:
        return sorted(partition.values(), key=lambda item: item.range_key)

    with mock.patch.object(self, "all_items", only_the_partition):
        return _original_query(self, hash_key, *args, **kwargs)


def _transact_with_light_backup(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """Back up, before a transaction, only the partitions it names: the rest it cannot change."""
    named = [operation for item in transact_items for operation in item.values()]

    def backup(table: Table, _memo: dict[int, Any]) -> Table:
        clone = copy.copy(table)
        clone.items = defaultdict(dict, table.items)
        for operation in named:
            if operation.get("TableName") != table.name:
                continue
            key = operation.get("Key") or operation.get("Item") or {}
            hash_key = DynamoType(key[table.hash_key_attr]) if table.hash_key_attr in key else None
            if hash_key is not None and isinstance(table.items.get(hash_key), dict):
                clone.items[hash_key] = dict(table.items[hash_key])
        return clone

    with mock.patch.object(Table, "__deepcopy__", backup, create=True):
        _original_transact(self, transact_items)


@contextmanager
def faster_moto() -> Iterator[None]:
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(Table, "query", _partition_query))
        patches.enter_context(
            mock.patch.object(DynamoDBBackend, "transact_write_items", _transact_with_light_backup)
        )
        patches.enter_context(mock.patch.object(jsonpath_ng.ext, "parse", _compiled_json_path))
        yield
