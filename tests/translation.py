"""template.yaml as CloudFormation receives it: translated offline by aws-sam-translator."""

from __future__ import annotations

import functools
import json
import subprocess
from typing import Any

from helpers import REPO, TEMPLATE

SAM_PYTHON = REPO / ".tools" / "sam" / "bin" / "python"


@functools.cache
def translated_template() -> dict[str, Any]:
    """template.yaml after the SAM transform (the SAM CLI's environment holds the translator)."""
    assert SAM_PYTHON.exists(), f"{SAM_PYTHON} is missing: run `make setup` (it installs the SAM CLI)"
    result = subprocess.run(
        [str(SAM_PYTHON), str(REPO / "scripts" / "translate-template"), str(TEMPLATE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    template: dict[str, Any] = json.loads(result.stdout)
    return template
