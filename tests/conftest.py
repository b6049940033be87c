"""Fixtures shared by the functional, e2e and artifact suites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import SITE_URL, TEMPLATE


@pytest.fixture
def stack() -> Iterator[Any]:
    """A fresh local stack built from template.yaml; torn down after the test."""
    from pressroom.local.stack import LocalStack

    with LocalStack(TEMPLATE, site_url=SITE_URL) as local_stack:
        yield local_stack
