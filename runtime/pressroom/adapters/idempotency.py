"""Work done once per key, remembered in the catalogue table by Powertools idempotency."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REMEMBERED_FOR_SECONDS = 30 * 24 * 3600


class IdempotentRuns:
    """OnceOnly over Powertools: one record per key in `partition` of the table, for 30 days,
    named `record_prefix#<hash of the key>`."""

    def __init__(self, client: DynamoDBClient, table_name: str, partition: str, record_prefix: str) -> None:
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=REMEMBERED_FOR_SECONDS,
        )
        self.client = client
        self.table_name = table_name
        self.partition = partition
        self.record_prefix = record_prefix
        self._work: Callable[[], dict[str, Any]] | None = None

    @cached_property
    def _deliver(self) -> Callable[..., dict[str, Any]]:
        """The work wrapped by Powertools, made at the first run: its store uses the client."""
        store = DynamoDBPersistenceLayer(
            table_name=self.table_name,
            key_attr="pk",
            sort_key_attr="sk",
            static_pk_value=self.partition,
            boto3_client=self.client,
        )

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="delivery",
            persistence_store=store,
            config=self.config,
            key_prefix=self.record_prefix,
        )
        def deliver(delivery: dict[str, Any]) -> dict[str, Any]:  # noqa: ARG001 - hashed by Powertools
            if self._work is None:
                raise RuntimeError("IdempotentRuns.run called without work")
            return self._work()

        return deliver  # type: ignore[no-any-return]

    def begin(self, context: Any) -> None:
        self.config.register_lambda_context(context)

    def run(self, key: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        self._work = work
        try:
            return self._deliver(delivery={"key": key})
        finally:
            self._work = None
