"""`make build` ships what is in the checkout: an edit to runtime/ reaches the built layer on the
next build. The core layer's ContentUri is layers/, whose Makefile copies runtime/pressroom in,
so SAM's build cache (keyed on ContentUri) would not see such an edit and would deploy the last
build's code instead; samconfig.toml must not turn that cache on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, TEMPLATE
from test_built_functions import SAM

from pressroom_tools.local.containers import build_environment, host_template

pytestmark = pytest.mark.artifacts

MARKER = "# an edit made after the first build"


def build_core_layer(project: Path) -> str:
    """`sam build` in `project` with samconfig.toml's settings, as `make build` runs it; returns
    the built core layer's copy of pressroom/__init__.py."""
    completed = subprocess.run(
        [str(SAM), "build"], cwd=project, capture_output=True, text=True,
        env=build_environment(), timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    built = project / ".aws-sam" / "build" / "CoreLayer" / "python" / "pressroom" / "__init__.py"
    return built.read_text(encoding="utf-8")


def test_an_edit_to_the_runtime_reaches_the_layer_on_the_next_build(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("layers", "runtime", "functions"):
        shutil.copytree(REPO / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "samconfig.toml", project / "samconfig.toml")
    (project / "template.yaml").write_text(
        host_template(TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    assert MARKER not in build_core_layer(project)

    source = project / "runtime" / "pressroom" / "__init__.py"
    source.write_text(source.read_text(encoding="utf-8") + MARKER + "\n", encoding="utf-8")

    assert MARKER in build_core_layer(project)
