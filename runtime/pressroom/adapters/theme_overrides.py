"""Templates a site owner uploads under theme/ in the uploads bucket, over the packaged theme."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError
from jinja2 import BaseLoader, Environment, TemplateNotFound

from pressroom.theme import STYLESHEET_OVERRIDE, THEME_PREFIX
from pressroom.theme.stylesheet import stylesheet_problems

logger = Logger(child=True)

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
        return read_theme_file(self.client, self.bucket, template)


def read_theme_file(client: S3Client, bucket: str, name: str) -> str | None:
    """theme/<name> from the uploads bucket, as text, or None if there is none."""
    data = read_theme_bytes(client, bucket, name)
    return None if data is None else data.decode("utf-8")


def read_theme_bytes(client: S3Client, bucket: str, name: str) -> bytes | None:
    try:
        response = client.get_object(Bucket=bucket, Key=THEME_PREFIX + name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _ABSENT:
            return None
        raise
    return bytes(response["Body"].read())


def uploaded_stylesheet(client: S3Client, bucket: str) -> str | None:
    """theme/style.css, if there is one that ValidateFunction would accept.

    A refused upload stays in the bucket until its owner replaces it: it is never used, and
    the packaged stylesheet stands meanwhile (the owner was told why it was refused).
    """
    data = read_theme_bytes(client, bucket, STYLESHEET_OVERRIDE)
    if data is None:
        return None
    problems = stylesheet_problems(STYLESHEET_OVERRIDE, data)
    if problems:
        logger.warning(
            "the uploaded stylesheet is refused; the packaged one is used", extra={"problems": problems}
        )
        return None
    return data.decode("utf-8")
