"""The pipeline in Lambda containers: `make sam-demo`, then `make sam-local` and `make invoke-<name>`.

`make sam-demo` publishes the example posts with every function in a Lambda container: the
same report and the same pages as the in-process `make demo`, a container created by SAM for
each of the template's functions (from Docker's own event log), and nothing left running.

`make sam-local` keeps the emulated stack running in its container between commands; each
`make invoke-<name>` runs that function from `sam build`'s artifact and layer, against the
stack's resources, with a real event recorded for that stack; `make sam-local-stop` removes
the container and the network. The tests share one Docker network, one build directory and one
stack name, so they live in this one file, which `make test` (pytest-xdist, --dist loadfile)
runs on one worker, in this order.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from docker_helpers import PRESSROOM, command, containers_created_since, project_containers
from helpers import EXAMPLES

FUNCTIONS = {
    "ValidateFunction", "RenderFunction", "NotifyFunction", "AggregateFunction", "AssetsFunction",
    "ImagesFunction", "RepublishFunction",
}  # fmt: skip


def files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file()
    }


def report_of(site: Path) -> dict[str, Any]:
    """The run's report, with each announcement's S3 version (its correlation id's, which each
    emulated bucket chooses afresh) replaced by a placeholder once checked to be there."""
    report: dict[str, Any] = json.loads((site / "report.json").read_text(encoding="utf-8"))
    for announcement in report["announcements"]:
        key, _, version = announcement["correlation_id"].partition("@")
        assert key.startswith("posts/"), announcement
        assert version, announcement
        announcement["correlation_id"] = f"{key}@<version>"
    return report


def test_the_demo_through_lambda_containers_publishes_what_the_in_process_demo_does(tmp_path: Path):
    already_running = project_containers()  # the sam_local fixture's, if its test ran first
    started = time.time()
    in_containers = command(
        str(PRESSROOM), "local", "--sam", "--posts", str(EXAMPLES), "--out", str(tmp_path / "sam"),
        "--report", str(tmp_path / "sam" / "report.json"),
    )  # fmt: skip
    assert in_containers.returncode == 0, in_containers.stderr[-4000:]
    created = containers_created_since(started)
    in_process = command(
        str(PRESSROOM), "local", "--posts", str(EXAMPLES), "--out", str(tmp_path / "in-process"),
        "--report", str(tmp_path / "in-process" / "report.json"),
    )  # fmt: skip
    assert in_process.returncode == 0, in_process.stderr[-4000:]

    # THEN the same outcomes and announcements, and the same site, page for page
    report = report_of(tmp_path / "sam")
    assert report == report_of(tmp_path / "in-process")
    assert [post["status"] for post in report["posts"]].count("published") == 3
    site, in_process_site = files(tmp_path / "sam"), files(tmp_path / "in-process")
    del site["report.json"], in_process_site["report.json"]  # compared above
    assert site == in_process_site

    # AND every function ran in a container SAM created for it, and the emulated stack in its own
    lambda_containers = [labels for labels in created if labels.get("sam.cli.container.type") == "lambda"]
    assert {labels["sam.cli.function.name"] for labels in lambda_containers} == FUNCTIONS
    assert any(labels.get("name", "").startswith("pressroom-stack-run-") for labels in created)
    assert "Lambda container" in in_containers.stdout + in_containers.stderr

    # AND nothing it started is left behind
    assert project_containers() == already_running


EXPECTED: dict[str, Callable[[Any], bool]] = {
    "validate": lambda result: result["emitted"] == "Post Validated",
    "render": lambda result: result["emitted"] in ("Post Published", None),
    "notify": lambda result: [delivery["channel"] for delivery in result["announced"]] in ([], ["sns"]),
    "aggregate": lambda result: result == {"batchItemFailures": []},
    "assets": lambda result: result["action"] == "copied",
    "images": lambda result: result["action"] in ("processed", "unchanged"),  # unchanged: done by the start
    "republish": lambda result: result == {"batchItemFailures": []},
}


@pytest.fixture(scope="module")
def sam_local() -> Iterator[str]:
    started = command("make", "sam-local")
    assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
    yield started.stdout
    stopped = command("make", "sam-local-stop")
    assert stopped.returncode == 0, stopped.stderr


def invoke(name: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    completed = command("make", f"invoke-{name}", timeout=600)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    return completed, json.JSONDecoder().raw_decode(lines[-1])[0] if lines else None


def test_every_function_runs_in_a_lambda_container_then_stopping_removes_the_stack(sam_local: str):
    # One test, not two: stopping must come after the invocations, whatever order the suite runs in.
    assert "make invoke-validate" in sam_local
    started = time.time()

    with ThreadPoolExecutor(max_workers=len(EXPECTED)) as pool:
        results = dict(zip(EXPECTED, pool.map(invoke, EXPECTED), strict=True))

    for name, (completed, result) in results.items():
        assert completed.returncode == 0, f"{name}: {completed.stderr[-3000:]}"
        assert result is not None, (
            f"{name} printed no result: {completed.stdout[-2000:]}{completed.stderr[-3000:]}"
        )
        assert EXPECTED[name](result), f"{name}: {result}"
        assert "REPORT RequestId" in completed.stderr + completed.stdout  # the runtime emulator ran it
    functions = {
        labels["sam.cli.function.name"]
        for labels in containers_created_since(started)
        if labels.get("sam.cli.container.type") == "lambda"
    }
    assert functions == {f"{name.capitalize()}Function" for name in EXPECTED}

    # WHEN the stack is stopped THEN its container and network are gone, and invoking says so
    assert "pressroom-stack" in project_containers()
    stopped = command("make", "sam-local-stop")

    assert stopped.returncode == 0
    assert project_containers() == []
    network = subprocess.run(["docker", "network", "inspect", "pressroom-local"], capture_output=True)
    assert network.returncode != 0
    invoked = command("make", "invoke-validate")
    assert "No make sam-local stack is running" in invoked.stdout
