"""Faults the local stack can inject, for load tests: S3 answering 503 SlowDown at random.

A botocore `before-send` handler, registered ahead of moto's, answers a share of PutObject
requests with the 503 SlowDown S3 sends when throttling; the caller's retry policy must cope,
as it must on AWS. Every boto3 session in the process is covered, the functions' included.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


@dataclass
class S3Throttling:
    """Answer `rate` of PutObject calls with 503 SlowDown (seeded, so runs are repeatable)."""

    rate: float
    seed: int = 2026
    throttled: int = 0
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - a repeatable test, not cryptography

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            throttle = self._random.random() < self.rate
            if throttle:
                self.throttled += 1
        if not throttle:
            return None
        return AWSResponse(request.url, 503, {"Content-Type": "application/xml"}, _Raw(SLOW_DOWN))  # type: ignore[arg-type]

    def install(self, *sessions: boto3.Session) -> None:
        for session in (boto3.DEFAULT_SESSION, *sessions):
            if session is not None:
                session.events.register_first("before-send.s3.PutObject", self)  # type: ignore[arg-type]

    def remove(self, *sessions: boto3.Session) -> None:
        for session in (boto3.DEFAULT_SESSION, *sessions):
            if session is not None:
                session.events.unregister("before-send.s3.PutObject", self)  # type: ignore[arg-type]
