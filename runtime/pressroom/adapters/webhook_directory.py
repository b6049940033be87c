"""Where the webhooks are configured: one SSM Parameter Store SecureString holding JSON.

Read through Powertools' parameters utility: cached for five minutes per container, and read
again at once when a receiver says 401/403 (its secret or URL may have been rotated).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.parameters import SSMProvider

from pressroom.webhooks import Webhook, parse_webhooks

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

CACHE_SECONDS = 300


class WebhookDirectory:
    def __init__(self, client: SSMClient | None, parameter_name: str) -> None:
        self.client = client
        self.parameter_name = parameter_name

    @cached_property
    def provider(self) -> SSMProvider | None:
        """Powertools' provider, and so its cache, made at the first read (it uses the client)."""
        return SSMProvider(boto3_client=self.client) if self.client is not None else None

    def current(self, refresh: bool = False) -> tuple[Webhook, ...]:
        if not self.parameter_name or self.provider is None:
            return ()
        document = self.provider.get(
            self.parameter_name, decrypt=True, transform="json", max_age=CACHE_SECONDS, force_fetch=refresh
        )
        return parse_webhooks(document)

    def find(self, channel: str, refresh: bool = False) -> Webhook | None:
        return next((hook for hook in self.current(refresh) if hook.channel == channel), None)
