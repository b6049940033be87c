"""Templates a site owner uploads under theme/ in the uploads bucket, over the packaged theme."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from jinja2 import BaseLoader, Environment, TemplateNotFound

from pressroom.theme import THEME_PREFIX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# How long a container trusts what it read (an override, or the absence of one).
RECHECK_SECONDS = 60.0
_ABSENT = {"NoSuchKey", "404", "NotFound"}


class UploadedThemeLoader(BaseLoader):
    """theme/<name> from the uploads bucket if it exists, else the packaged template.

    Each answer is trusted for RECHECK_SECONDS, after which Jinja asks again: an uploaded
    template reaches a warm container within a minute, and a republish picks it up.
    """

    def __init__(self, client: S3Client, bucket: str, packaged: BaseLoader) -> None:
        self.client = client
        self.bucket = bucket
        self.packaged = packaged
        self.names = frozenset(packaged.list_templates())

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool]]:
        if template not in self.names:
            raise TemplateNotFound(template)  # only the theme's own names are read from the bucket
        checked = time.monotonic()
        override = self.fetch(template)
        if override is not None:
            return override, f"s3://{self.bucket}/{THEME_PREFIX}{template}", self._fresh_since(checked)
        source, filename, _ = self.packaged.get_source(environment, template)
        return source, filename, self._fresh_since(checked)

    @staticmethod
    def _fresh_since(checked: float) -> Callable[[], bool]:
        return lambda: time.monotonic() - checked < RECHECK_SECONDS

    def fetch(self, template: str) -> str | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=THEME_PREFIX + template)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _ABSENT:
                return None
            raise
        return str(response["Body"].read().decode("utf-8"))
