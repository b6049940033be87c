"""Posting to webhooks over HTTPS: a timeout on every call, retries with backoff for 5xx."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from pressroom.clock import Clock
from pressroom.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    Webhook,
    WebhookRejectedError,
    sign,
)


class WebhookUnavailableError(Exception):
    """The receiver kept failing (5xx, timeouts, refused connections) through every attempt."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    first_backoff_seconds: float = 0.5
    timeout_seconds: float = 5.0


class WebhookSender:
    def __init__(
        self,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        *,
        clock: Clock,
    ) -> None:
        self.policy = policy
        self.sleep = sleep
        self.clock = clock

    def send(self, webhook: Webhook, body: bytes, delivery_id: str, event: str) -> int:
        """POST once the receiver says 2xx; returns the status. Raises the errors above."""
        last_error = ""
        for attempt in range(self.policy.attempts):
            if attempt:
                self.sleep(self.policy.first_backoff_seconds * 2 ** (attempt - 1))
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "pressroom-webhooks/1",
                DELIVERY_HEADER: delivery_id,
                EVENT_HEADER: event,
            }
            if webhook.secret:
                headers[SIGNATURE_HEADER] = sign(webhook.secret, body, int(self.clock.now().timestamp()))
            request = urllib.request.Request(webhook.url, data=body, headers=headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.policy.timeout_seconds) as response:  # noqa: S310
                    return int(response.status)
            except urllib.error.HTTPError as error:
                if 400 <= error.code < 500 and error.code != 429:
                    raise WebhookRejectedError(webhook, error.code) from error
                last_error = f"HTTP {error.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                last_error = str(getattr(error, "reason", error))
        raise WebhookUnavailableError(
            f"{webhook.name} did not accept the delivery after {self.policy.attempts} attempts ({last_error})"
        )
