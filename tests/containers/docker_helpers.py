"""Running commands and reading Docker's state for the container tests (imported by name:
each test folder's conftest is a module called `conftest`, so helpers live apart from it)."""

from __future__ import annotations

import json
import os
import subprocess
import time

from helpers import REPO

PRESSROOM = REPO / ".venv" / "bin" / "pressroom"


def command(*arguments: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run a command from the project's root as a developer would, its output captured."""
    return subprocess.run(
        list(arguments), cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
    )  # fmt: skip


def containers_created_since(since: float) -> list[dict[str, str]]:
    """The labels (and name) of every container Docker created since `since`, from its event log."""
    listed = subprocess.run(
        ["docker", "events", "--since", str(int(since) - 1), "--until", str(int(time.time()) + 1),
         "--filter", "type=container", "--filter", "event=create", "--format", "{{json .Actor.Attributes}}"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return [json.loads(line) for line in listed.stdout.splitlines()]


def project_containers() -> list[str]:
    """The containers of this project's that exist now (the emulated stack, SAM's function containers)."""
    names = set()
    for label in ("org.pressroom_tools.local", "sam.cli.container.type=lambda"):
        listed = subprocess.run(
            ["docker", "ps", "--all", "--filter", f"label={label}", "--format", "{{.Names}}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        names |= set(listed.stdout.split())
    return sorted(names)
