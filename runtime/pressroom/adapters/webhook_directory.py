"""Where the webhooks are configured: one SSM Parameter Store SecureString holding JSON.

Read through Powertools' parameters utility: cached for five minutes per container, and read
again at once when a receiver says 401/403 (its secret or URL may have been rotated).
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parameters import SSMProvider

from pressroom.webhooks import Webhook, parse_webhooks

CACHE_SECONDS = 300


class WebhookDirectory:
    def __init__(self, provider: SSMProvider | None, parameter_name: str) -> None:
        self.provider = provider
        self.parameter_name = parameter_name

    def current(self, refresh: bool = False) -> tuple[Webhook, ...]:
        if not self.parameter_name or self.provider is None:
            return ()
        document = self.provider.get(
            self.parameter_name, decrypt=True, transform="json", max_age=CACHE_SECONDS, force_fetch=refresh
        )
        return parse_webhooks(document)

    def find(self, channel: str, refresh: bool = False) -> Webhook | None:
        return next((hook for hook in self.current(refresh) if hook.channel == channel), None)
