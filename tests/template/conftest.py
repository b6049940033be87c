"""The template as CloudFormation receives it: translated offline by aws-sam-translator."""

from __future__ import annotations

from typing import Any

import pytest
from translation import translated_template


@pytest.fixture(scope="session")
def translated() -> dict[str, Any]:
    """template.yaml after the SAM transform."""
    return translated_template()
