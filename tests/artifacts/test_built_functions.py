"""`sam build`'s artifacts work alone: each built function runs in a bare interpreter.

tests/containers runs them in Lambda containers; this check is narrower and quicker: build with
SAM, then run each function from the build in `python -I -S` with only its own directory and
the layer on sys.path, talking to moto over HTTP, fed the events the pipeline itself produced,
and record where each module came from. A module missing from the layer's requirements, or one
picked up from the development environment, fails here.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, REPO, SHARED_POST, SITE_URL, TEMPLATE
from moto.server import ThreadedMotoServer

from pressroom_tools.local.containers import build_environment, host_template
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.template import load_template

pytestmark = pytest.mark.artifacts

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
FUNCTIONS = ("ValidateFunction", "RenderFunction", "NotifyFunction", "AggregateFunction", "AssetsFunction",
             "ImagesFunction", "RepublishFunction")  # fmt: skip
RENDER_MODULES = ("jinja2", "nh3", "pygments", "markdown_it", "yaml", "frontmatter")
SAM = Path(os.environ.get("SAM", REPO / ".tools" / "sam" / "bin" / "sam"))


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """template.yaml built by `sam build`, for this machine's architecture so it can run here."""
    work = tmp_path_factory.mktemp("sam")
    (work / "template.yaml").write_text(host_template(TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8")
    completed = subprocess.run(
        [str(SAM), "build", "--template-file", str(work / "template.yaml"), "--base-dir", str(REPO),
         "--build-dir", str(work / "build")],
        capture_output=True, text=True, env=build_environment(), timeout=900, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return work / "build"


def layers_of(logical_id: str) -> list[str]:
    """The layers template.yaml gives a function: the Globals' and its own, as SAM appends them."""
    template = load_template(TEMPLATE)
    refs = template["Globals"]["Function"]["Layers"] + template["Resources"][logical_id]["Properties"].get(
        "Layers", []
    )
    return [ref["Ref"] for ref in refs]


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
        [sys.executable, "-I", "-S", "-B", str(BOOTSTRAP), str(event_file), str(build_dir / logical_id),
         *(str(build_dir / layer / "python") for layer in layers_of(logical_id))],
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
            "key": "posts/uk-ai-opportunities-action-plan.md",
            "emitted": "Post Validated",
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

    # Everything came from the build, nothing from the development environment, and a function
    # without the render layer cannot even find the render libraries
    core, render_layer = (str(build_dir / layer / "python") for layer in ("CoreLayer", "RenderLayer"))
    for run, function in (
        (validate, "ValidateFunction"),
        (render, "RenderFunction"),
        (notify, "NotifyFunction"),
        (aggregate, "AggregateFunction"),
    ):
        assert run["modules"]["PIL"] is None  # only ImagesFunction decodes images
        assert run["modules"]["app"] == str(build_dir / function / "app.py")
        assert run["modules"]["pressroom"].startswith(core)
        assert run["modules"]["boto3"].startswith(core)
        loaded = {module: path for module, path in run["modules"].items() if path is not None}
        if function == "NotifyFunction":
            assert not set(loaded) & set(RENDER_MODULES), loaded
        else:
            assert set(loaded) & set(RENDER_MODULES), loaded
            if function != "ValidateFunction":  # validating a post renders no page
                assert loaded["jinja2"].startswith(render_layer)
            assert all(
                loaded[module].startswith(render_layer) for module in set(loaded) & set(RENDER_MODULES)
            )
        assert all(path.startswith(str(build_dir)) for path in loaded.values()), loaded


def test_the_built_images_function_makes_copies_with_pillow_from_its_own_layer_only(
    build_dir: Path, moto_endpoint: str
):
    with LocalStack(TEMPLATE, site_url=SITE_URL) as stack:
        key = "posts/pressroom-0-1-release-notes/pipeline.png"
        stack.s3.put_object(
            Bucket=stack.output("UploadsBucketName"),
            Key=key,
            Body=(EXAMPLES / "pressroom-0-1-release-notes" / "pipeline.png").read_bytes(),
        )
        (event,) = stack.pending_events("ImagesFunction")
        images = run_built(build_dir, stack, "ImagesFunction", event, moto_endpoint)

        assert images["result"] == {"key": key, "action": "processed"}
        assert any(name.endswith("/pipeline-480w.webp") for name in stack.site_objects())
    assert images["modules"]["PIL"].startswith(str(build_dir / "ImagesLayer" / "python"))
    assert not {module for module, path in images["modules"].items() if path} & set(RENDER_MODULES)
    pillow = build_dir / "ImagesLayer" / "python"
    assert not list(pillow.glob("PIL/_avif*")) + list(pillow.glob("PIL/_imagingft*"))  # left out: never used


def test_the_core_layer_ships_the_runtime_package_and_no_tooling(build_dir: Path):
    core = build_dir / "CoreLayer" / "python"
    runtime = {path.name for path in (core / "pressroom").iterdir()}

    assert {"pipeline", "adapters", "theme", "ports.py", "wiring"} <= runtime
    assert not runtime & {"cli", "local", "operations.py", "status.py"}
    assert not (core / "pressroom_tools").exists()
    render = {path.name for path in (build_dir / "RenderLayer" / "python").iterdir()}
    assert "pressroom" not in render
    assert not {"boto3", "msgspec", "aws_lambda_powertools"} & render  # each library in one layer


def zipped_size(directory: Path, leave_out: frozenset[str] = frozenset(), *, bytecode: bool = True) -> int:
    """The size of `directory` as a deployment zip, without the top-level entries `leave_out`
    (and without compiled files unless `bytecode`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            if not bytecode and path.suffix == ".pyc":
                continue
            if path.is_file() and relative.parts[0].split("-")[0] not in leave_out:
                archive.write(path, relative.as_posix())
    return len(buffer.getvalue())


def deployed_sizes(build_dir: Path, *, bytecode: bool) -> dict[str, int]:
    sdk = frozenset({"boto3", "botocore", "s3transfer"})
    sizes = {}
    for function in FUNCTIONS:
        layers = [build_dir / layer / "python" for layer in layers_of(function)]
        sizes[function] = zipped_size(build_dir / function, bytecode=bytecode) + sum(
            zipped_size(layer, sdk, bytecode=bytecode) for layer in layers
        )
    return sizes


def test_every_function_deploys_within_five_megabytes_of_sources_without_the_aws_sdk(build_dir: Path):
    """What the functions import, as source: a new dependency that outweighs the rest shows here."""
    sizes = deployed_sizes(build_dir, bytecode=False)
    print("\nzipped deployment without boto3/botocore/s3transfer, sources only:")
    for function, size in sizes.items():
        print(f"  {function:<18} {size / 1_000_000:5.2f} MB")
    assert max(sizes.values()) <= 5_000_000, sizes


def test_with_its_bytecode_every_function_deploys_within_ten_megabytes_without_the_aws_sdk(build_dir: Path):
    """The bytecode roughly doubles the zip (Lambda's limit is 50 MB zipped): the price of not
    compiling every module at every cold start (docs/BENCHMARKS.md measures both)."""
    sizes = deployed_sizes(build_dir, bytecode=True)
    assert max(sizes.values()) <= 10_000_000, sizes


def test_every_module_in_the_layers_ships_bytecode_lambda_can_use_unread(build_dir: Path):
    """/opt is read-only on Lambda: a module without bytecode is compiled at every cold start.
    Compiled by the runtime's Python (its magic number) with unchecked hashes, so the import
    system trusts it without reading the source's timestamp."""
    tag = sys.implementation.cache_tag
    for layer in ("CoreLayer", "RenderLayer", "ImagesLayer"):
        sources = sorted((build_dir / layer / "python").rglob("*.py"))
        assert len(sources) > 50, layer
        for source in sources:
            compiled = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
            assert compiled.is_file(), f"{source} has no {tag} bytecode"
            header = compiled.read_bytes()[:8]
            assert header[:4] == importlib.util.MAGIC_NUMBER, compiled
            assert int.from_bytes(header[4:8], "little") == 0b01, (
                f"{compiled} is not hash-based and unchecked"
            )
