"""`sam build`'s artifacts work alone: each built function runs in a bare interpreter.

tests/containers runs them in Lambda containers; this check is narrower and quicker: build with
SAM, then run each function from the build in `python -I -S` with only its own directory and
the layer on sys.path, talking to moto over HTTP, fed the events the pipeline itself produced,
and record where each module came from. A module missing from the layer's requirements, or one
picked up from the development environment, fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, SHARED_POST, SITE_URL, TEMPLATE
from moto.server import ThreadedMotoServer

from pressroom.local.containers import host_template
from pressroom.local.stack import LocalStack

pytestmark = pytest.mark.artifacts

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
SAM = Path(os.environ.get("SAM", REPO / ".tools" / "sam" / "bin" / "sam"))


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """template.yaml built by `sam build`, for this machine's architecture so it can run here."""
    work = tmp_path_factory.mktemp("sam")
    (work / "template.yaml").write_text(host_template(TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8")
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SAM_CLI_TELEMETRY": "0",
    }
    completed = subprocess.run(
        [str(SAM), "build", "--template-file", str(work / "template.yaml"), "--base-dir", str(REPO),
         "--build-dir", str(work / "build")],
        capture_output=True, text=True, env=environment, timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return work / "build"


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def run_built(
    build_dir: Path, stack: LocalStack, logical_id: str, event: dict[str, Any], endpoint: str
) -> Any:
    function = next(f for f in stack.functions if f.logical_id == logical_id)
    event_file = build_dir.parent / f"{logical_id}-event.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    environment = {
        "PATH": os.environ.get("PATH", ""),
        **function.environment,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": stack.region,
    }
    completed = subprocess.run(
        [sys.executable, "-I", "-S", str(BOOTSTRAP), str(build_dir / logical_id),
         str(build_dir / "CommonLayer" / "python"), str(event_file)],
        capture_output=True, text=True, env=environment, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_built_functions_run_the_pipeline_alone(build_dir: Path, moto_endpoint: str):
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack:
        stack.upload("posts/uk-ai-opportunities-action-plan.md", SHARED_POST.read_bytes())

        validate = run_built(
            build_dir, stack, "ValidateFunction", stack.pending_events("ValidateFunction")[0], moto_endpoint
        )
        (render_event,) = stack.pending_events("RenderFunction")
        render = run_built(build_dir, stack, "RenderFunction", render_event, moto_endpoint)
        (notify_event,) = stack.pending_events("NotifyFunction")
        notify = run_built(build_dir, stack, "NotifyFunction", notify_event, moto_endpoint)
        stale_notes = stack.pending_sqs_batch("AggregateFunction")
        aggregate = run_built(build_dir, stack, "AggregateFunction", stale_notes, moto_endpoint)

        assert validate["result"] == {
            "results": [{"key": "posts/uk-ai-opportunities-action-plan.md", "emitted": "Post Validated"}]
        }
        assert render["result"] == {"emitted": "Post Published"}
        assert [delivery["channel"] for delivery in notify["result"]["announced"]] == ["sns"]
        assert len(stale_notes["Records"]) == 1
        assert aggregate["result"] == {"batchItemFailures": []}
        site = stack.site_objects()
        assert 'href="/posts/uk-ai-opportunities-action-plan/"' in site["index.html"]["body"].decode()
        assert {"atom.xml", "rss.xml", "sitemap.xml", "robots.txt", "404.html"} <= set(site)
        page = stack.site_objects()["posts/uk-ai-opportunities-action-plan/index.html"]["body"].decode()
        assert "<h1>Our Response to the UK Government's AI Opportunities Action Plan</h1>" in page
        assert [a.kind for a in stack.announcements()] == ["published"]

    # Everything came from the build, nothing from the development environment
    for run, function in (
        (validate, "ValidateFunction"),
        (render, "RenderFunction"),
        (notify, "NotifyFunction"),
        (aggregate, "AggregateFunction"),
    ):
        assert run["modules"]["app"] == str(build_dir / function / "app.py")
        for module in ("pressroom", "jinja2", "nh3", "boto3", "pygments"):
            assert run["modules"][module].startswith(str(build_dir / "CommonLayer" / "python")), module
