"""Shared values for the unit tests: one clock and one set of rules, so cases are reproducible."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pressroom.reading.validation import ValidationRules
from pressroom.theme import Theme


@pytest.fixture
def now() -> datetime:
    """The moment every validation test runs at: posts dated after it are scheduled."""
    return datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def rules() -> ValidationRules:
    return ValidationRules(timezone=ZoneInfo("UTC"), max_bytes=100_000)


@pytest.fixture(scope="module")
def theme() -> Theme:
    """The packaged theme for theme_fixtures.SITE (modules that need another define their own)."""
    from theme_fixtures import SITE

    return Theme(SITE)


@pytest.fixture(autouse=True)
def _fresh_liquid_environment(request: pytest.FixtureRequest) -> None:
    """Jekyll posts' Liquid environment is built once per process and kept (functools.cache). The
    Liquid tests build it afresh, so that each one runs the code that bounds its work, not a copy
    an earlier test built: a change to that code (a mutant under `make mutate`) is seen by all."""
    if "liquid" in request.node.module.__name__:
        from pressroom.reading import liquid_bodies

        liquid_bodies._environment.cache_clear()
