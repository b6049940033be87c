"""The pipeline in Lambda containers: Docker, the SAM CLI and the images this project builds."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(scope="session", autouse=True)
def docker_engine() -> None:
    """These tests need Docker; `make setup` installs and starts it. They fail rather than skip."""
    answered = subprocess.run(["docker", "info"], capture_output=True, check=False)
    assert answered.returncode == 0, (
        "no Docker engine answers: run `make setup` (it installs and starts dockerd)"
    )
