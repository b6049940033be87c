"""AggregateFunction: batches of stale-page notes from the FIFO queue → those pages rebuilt once.

The queue has one message group, so batches arrive one at a time: rebuilds are serialised,
and the notes of a whole batch are merged before anything is rebuilt (a burst of publications
rebuilds the home page once, not once per post). A note that cannot be read is reported as a
batch item failure (it ends in the queue's dead-letter queue); a failed rebuild fails the
batch, which SQS delivers again.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.messages import parse_stale_note
from pressroom.pipeline.aggregate import AggregateStage
from pressroom.settings import AggregateSettings
from pressroom.wiring.aggregate import build_aggregate_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def settings() -> AggregateSettings:
    return AggregateSettings.from_env()


@functools.cache
def stage() -> AggregateStage:
    return build_aggregate_stage(settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    aggregate = stage()  # settings first: a misconfigured function fails whatever the event
    stale: set[str] = set()
    causes: set[str] = set()

    def collect(record: SQSRecord) -> None:
        note = parse_stale_note(record.body)
        stale.update(note.stale)
        if note.correlation_id:
            causes.add(note.correlation_id)

    processor = SqsFifoPartialProcessor()
    with processor(records=event["Records"], handler=collect):
        processor.process()
    # One batch merges the notes of several uploads: each of theirs is on every line it logs.
    logger.append_keys(correlation_ids=sorted(causes))
    if len(causes) == 1:
        logger.set_correlation_id(next(iter(causes)))
    if stale:
        changed = aggregate.rebuild(stale, now=settings().clock.now())
        metrics.add_metric(name="PagesRebuilt", unit=MetricUnit.Count, value=len(changed))
    metrics.add_metric(name="StaleNotesMerged", unit=MetricUnit.Count, value=len(event["Records"]))
    return dict(processor.response())
