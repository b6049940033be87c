"""Two shortcuts that keep moto's DynamoDB from slowing down as the emulated site grows.

moto (pinned in requirements-dev.txt) answers a Query by sorting every item of the table and
keeping the partition asked for, and backs up a table before each TransactWriteItems by
deep-copying all of it: both cost time in proportion to the table, so a local run of 1,000
posts slowed to a crawl. DynamoDB itself does neither. While the local stack runs:
  - a Query on the table's own key reads only the partition asked for;
  - a transaction's backup copies the table's index of items, not every item (pressroom's
    transactions only put, delete and check whole items, so nothing is updated in place).
The emulation's answers are unchanged; the functional and e2e suites run with both.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_original_query = Table.query
_original_transact = DynamoDBBackend.transact_write_items


def _partition_query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name or hash_key is None or not self.range_key_attr:
        return _original_query(self, hash_key, *args, **kwargs)
    partition = self.items.get(hash_key, {})

    def only_the_partition() -> list[Any]:
        return sorted(partition.values(), key=lambda item: item.range_key)

    with mock.patch.object(self, "all_items", only_the_partition):
        return _original_query(self, hash_key, *args, **kwargs)


def _table_index_copy(self: Table, _memo: dict[int, Any]) -> Table:
    clone = copy.copy(self)
    clone.items = defaultdict(dict)
    for hash_key, partition in self.items.items():
        clone.items[hash_key] = dict(partition) if isinstance(partition, dict) else partition
    return clone


def _transact_with_light_backup(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    with mock.patch.object(Table, "__deepcopy__", _table_index_copy, create=True):
        _original_transact(self, transact_items)


@contextmanager
def faster_dynamodb() -> Iterator[None]:
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(Table, "query", _partition_query))
        patches.enter_context(
            mock.patch.object(DynamoDBBackend, "transact_write_items", _transact_with_light_backup)
        )
        yield
