"""RepublishFunction: republish work from its SQS queue → pages rendered again, in parallel.

Two kinds of work item: "list the next page of published posts" (queues their posts, and the
page after) and "render these posts" (at most ten). A post that cannot be rendered is counted
as failed and its work item is put in the RepublishFailuresQueue for `pressroom dlq redrive`;
the other posts carry on. An item whose handling raised (throttling, say) is reported as a
batch item failure, so SQS delivers it again, and after three tries to the same queue.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.messages import ListPosts, parse_work
from pressroom.pipeline.republish import RepublishStage
from pressroom.settings import RepublishSettings
from pressroom.wiring.render import build_republish_stage

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


@functools.cache
def settings() -> RepublishSettings:
    return RepublishSettings.from_env()


@functools.cache
def stage() -> RepublishStage:
    return build_republish_stage(settings())


def handle(record: SQSRecord) -> None:
    logger.set_correlation_id(None)  # a record that cannot be read is not the previous one's
    work = parse_work(record.body)
    logger.set_correlation_id(f"republish {work.republish}")
    if isinstance(work, ListPosts):
        queued = stage().enumerate(work.republish, work.after)
        metrics.add_metric(name="RepublishPostsQueued", unit=MetricUnit.Count, value=queued)
        return
    batch = stage().render_posts(work.republish, work.slugs, now=settings().clock.now())
    metrics.add_metric(name="RepublishPostsRendered", unit=MetricUnit.Count, value=batch.rendered)
    if batch.failed:  # the stage parked them in RepublishFailuresQueue
        metrics.add_metric(name="RepublishPostsFailed", unit=MetricUnit.Count, value=len(batch.failed))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    stage()  # settings first: a misconfigured function fails whatever the event
    return dict(
        process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    )
