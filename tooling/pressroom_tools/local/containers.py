"""The pipeline in Lambda containers: the emulated stack and `sam local start-lambda` on Docker.

Everything here talks only to this machine: the containers share one Docker network the
project creates (`pressroom-local`), and the host reaches them through ports published on
127.0.0.1. The emulated stack runs in a container of its own (moto's server, with the local
stack's patches) and is provisioned from template.yaml by the same LocalStack code as the
in-process stack; the functions run from `sam build`'s artifacts (built for this machine's
architecture) in the image images.py provides. Teardown removes what was started, nothing else.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pressroom_tools.local.images import STACK_PORT, ImageError, lambda_image, run, stack_image
from pressroom_tools.local.invokers import LambdaEndpointInvoker
from pressroom_tools.local.stack import LocalStack

NETWORK = "pressroom-local"
STACK_CONTAINER = "pressroom-stack"
PROJECT_LABEL = "org.pressroom_tools.local"
# The credentials and region the containers get: the emulation accepts any.
EMULATED_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
_HOST_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}

Progress = Callable[[str], None]


class ContainerError(RuntimeError):
    """Docker, the SAM CLI or a container did not do what was needed; the message says what to do."""


def host_architecture() -> str:
    return _HOST_ARCHITECTURES[platform.machine().lower()]


def host_template(source: str) -> str:
    """template.yaml built for this machine: the template deploys arm64, which may not run here.

    Only the architecture settings change (the functions', and each layer's compatible and build
    architectures); anything else named arm64 would be a surprise, so it is refused.
    """
    if source.count("arm64") != 1 + 2 * source.count("Type: AWS::Serverless::LayerVersion"):
        raise ContainerError("template.yaml's architecture settings changed; update host_template()")
    return source.replace("arm64", host_architecture())


def docker_available() -> None:
    """Raise ContainerError unless a Docker engine answers."""
    try:
        run(["docker", "info", "--format", "{{.ServerVersion}}"])
    except (ImageError, FileNotFoundError) as error:
        raise ContainerError(
            "no Docker engine answers: install Debian's docker.io and start dockerd (`make setup` does both)"
        ) from error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sam_build(template: Path, build_dir: Path, sam: Path, progress: Progress) -> Path:
    """`sam build` of template.yaml for this machine's architecture; returns the built template.

    Never `--cached`: SAM keys a layer's cache on its ContentUri (layers/), which does not hold
    the runtime package the Makefile copies in, so a cached layer could ship yesterday's code.
    """
    source = host_template(template.read_text(encoding="utf-8"))
    build_dir.mkdir(parents=True, exist_ok=True)
    derived = build_dir / "template.yaml"
    derived.write_text(source, encoding="utf-8")
    progress(f"sam build for {host_architecture()} into {build_dir}/build")
    environment = build_environment()
    completed = subprocess.run(
        [str(sam), "build", "--template-file", str(derived), "--base-dir", str(template.parent),
         "--build-dir", str(build_dir / "build")],
        capture_output=True, text=True, env=environment, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise ContainerError(f"sam build failed:\n{(completed.stdout + completed.stderr)[-4000:]}")
    return build_dir / "build" / "template.yaml"


def build_environment() -> dict[str, str]:
    """What `sam build` needs to build for this machine: this environment's python3.13 first on
    PATH (SAM's Python builder looks for it), and the layers' wheels for this architecture."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LAYER_ARCHITECTURE": host_architecture(),
        "SAM_CLI_TELEMETRY": "0",
    }


def env_vars(stack: LocalStack, function_endpoint: str) -> dict[str, dict[str, str]]:
    """The `--env-vars` file for `sam local`: each function's template variables, as the local
    stack resolved them, pointed at the emulated stack inside the network."""
    variables: dict[str, dict[str, str]] = {}
    for function in stack.functions:
        declared = {name: function.environment[name] for name in sorted(function.declared)}
        declared["AWS_ENDPOINT_URL"] = function_endpoint
        variables[function.logical_id] = declared
    return variables


@contextmanager
def project_network(name: str = NETWORK, *, keep: bool = False) -> Iterator[str]:
    """The project's Docker network; created here (and, unless `keep`, removed after) if missing."""
    existing = subprocess.run(["docker", "network", "inspect", name], capture_output=True, check=False)
    if existing.returncode == 0:
        yield name
        return
    run(["docker", "network", "create", "--label", PROJECT_LABEL, name])
    try:
        yield name
    finally:
        if not keep:
            remove_network(name)


def remove_network(name: str = NETWORK) -> None:
    """Remove the network if the project created it (its label says so)."""
    labels = subprocess.run(
        ["docker", "network", "inspect", "--format", "{{json .Labels}}", name],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if labels.returncode == 0 and PROJECT_LABEL in json.loads(labels.stdout or "{}"):
        subprocess.run(["docker", "network", "rm", name], capture_output=True, check=False)


def remove_container(name: str = STACK_CONTAINER) -> None:
    subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)


@dataclass(frozen=True)
class StackServer:
    """The emulated stack's container: `endpoint` from this machine, `function_endpoint` from
    containers on the project's network (by the container's name)."""

    container: str
    endpoint: str

    @property
    def function_endpoint(self) -> str:
        return f"http://{self.container}:{STACK_PORT}"


@contextmanager
def stack_server(
    image: str, network: str, package_root: Path, *, name: str = STACK_CONTAINER, keep: bool = False
) -> Iterator[StackServer]:
    """Start the emulated stack's container `name` (replacing one of that name) and wait for it."""
    remove_container(name)
    port = free_port()
    run(["docker", "run", "--detach", "--name", name, "--network", network,
         "--label", PROJECT_LABEL, "--publish", f"127.0.0.1:{port}:{STACK_PORT}",
         "--volume", f"{package_root}:/opt/pressroom:ro", image])  # fmt: skip
    server = StackServer(name, f"http://127.0.0.1:{port}")
    try:
        _wait_for_http(f"{server.endpoint}/moto-api/", timeout=60, what="the emulated stack's container")
        yield server
    except BaseException:
        remove_container(name)  # a stack that failed to come up is not kept, whatever `keep` says
        raise
    if not keep:
        remove_container(name)


@contextmanager
def start_lambda(
    sam: Path, built_template: Path, env_file: Path, network: str, image: str, log: IO[str]
) -> Iterator[str]:
    """`sam local start-lambda` with warm containers; yields its endpoint for the Lambda API."""
    port = free_port()
    process = subprocess.Popen(
        [str(sam), "local", "start-lambda", "--template", str(built_template), "--host", "127.0.0.1",
         "--port", str(port), "--env-vars", str(env_file), "--docker-network", network,
         "--invoke-image", image, "--skip-pull-image", "--warm-containers", "EAGER"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **EMULATED_AWS, "SAM_CLI_TELEMETRY": "0"},
    )  # fmt: skip
    try:
        _wait_for_port(port, process, timeout=300)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        remove_function_containers(network)


def remove_function_containers(network: str) -> None:
    """The Lambda containers SAM started on our network, if it left any behind."""
    listed = subprocess.run(
        ["docker", "ps", "--all", "--quiet", "--filter", "label=sam.cli.container.type=lambda",
         "--filter", f"network={network}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    containers = listed.stdout.split()
    if containers:
        subprocess.run(["docker", "rm", "--force", *containers], capture_output=True, check=False)


def _wait_for_http(url: str, timeout: float, what: str) -> None:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"not a local endpoint: {url}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - checked above
                response.read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            if time.monotonic() > deadline:
                raise ContainerError(f"{what} did not answer on {url} within {timeout:g} s") from error
            time.sleep(0.2)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ContainerError(
                f"sam local start-lambda exited with status {process.returncode}; see its log"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                raise ContainerError(f"sam local start-lambda did not listen within {timeout:g} s") from error
            time.sleep(0.5)


@dataclass(frozen=True)
class Prepared:
    """What running functions in containers needs, built (or found up to date) beforehand."""

    built_template: Path
    lambda_image: str
    stack_image: str
    package_root: Path


def prepare(template: Path, work_dir: Path, sam: Path, progress: Progress) -> Prepared:
    """Docker answering, `sam build` for this machine, the Lambda and emulated-stack images."""
    docker_available()
    built = sam_build(template, work_dir, sam, progress)
    base = lambda_image(progress)
    return Prepared(built, base, stack_image(base, progress), Path(__file__).resolve().parents[2])


@contextmanager
def stack_in_containers(
    template: Path,
    work_dir: Path,
    sam: Path,
    progress: Progress,
    make_stack: Callable[[str], LocalStack],
) -> Iterator[LocalStack]:
    """A started LocalStack whose resources live in the emulated stack's container and whose
    functions run in Lambda containers through `sam local start-lambda`. `make_stack` builds the
    (unstarted) LocalStack for an endpoint; `work_dir` keeps the build, the env-vars file and
    SAM's log. Everything started is removed afterwards."""
    prepared = prepare(template, work_dir, sam, progress)
    with ExitStack() as resources:
        network = resources.enter_context(project_network())
        # A name of its own, so that a `pressroom sam-local` stack can keep running beside it.
        name = f"{STACK_CONTAINER}-run-{os.getpid()}"
        server = resources.enter_context(
            stack_server(prepared.stack_image, network, prepared.package_root, name=name)
        )
        progress(f"emulated stack running in container {server.container} ({server.endpoint})")
        stack = resources.enter_context(make_stack(server.endpoint))
        env_file = work_dir / "env.json"
        env_file.write_text(
            json.dumps(env_vars(stack, server.function_endpoint), indent=2) + "\n", encoding="utf-8"
        )
        log = resources.enter_context((work_dir / "start-lambda.log").open("w", encoding="utf-8"))
        progress("starting sam local start-lambda with a warm container per function")
        endpoint = resources.enter_context(
            start_lambda(sam, prepared.built_template, env_file, network, prepared.lambda_image, log)
        )
        stack.invoker = LambdaEndpointInvoker(endpoint, stack.region)
        yield stack
