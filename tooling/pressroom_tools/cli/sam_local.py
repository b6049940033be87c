"""`pressroom sam-local`: an emulated stack kept running in Docker, for `sam local invoke`.

`start` runs the emulated stack in a container on the project's Docker network, provisions it
from template.yaml (the same code as `pressroom local`), publishes the example posts, and
writes what `sam local invoke` needs: an env-vars file pointing every function at the
container, and one real event per function (S3 version ids are new at every upload, so events
are written for this stack, not kept in events/). `invoke NAME` runs that function from
`sam build`'s artifacts in a Lambda container on the same network. `stop` removes the container
and the network.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pressroom_tools.cli.exits import EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.progress import Progress
from pressroom_tools.local.containers import (
    EMULATED_AWS,
    NETWORK,
    STACK_CONTAINER,
    ContainerError,
    env_vars,
    prepare,
    project_network,
    remove_container,
    remove_function_containers,
    remove_network,
    stack_server,
)
from pressroom_tools.local.images import ImageError
from pressroom_tools.local.invokers import InProcessInvoker, RecordingInvoker
from pressroom_tools.local.stack import LocalStack


def state_dir(args: argparse.Namespace) -> Path:
    return (
        Path(args.sam_work_dir) / "stack" if hasattr(args, "sam_work_dir") else Path(".aws-sam/local/stack")
    )


def run(args: argparse.Namespace) -> int:
    try:
        if args.sam_action == "start":
            return start(args)
        if args.sam_action == "invoke":
            return invoke(args)
        return stop(args)
    except (ContainerError, ImageError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE


def start(args: argparse.Namespace) -> int:
    progress = Progress()
    if not args.posts.is_dir():
        print(f"pressroom: --posts {args.posts} is not a directory.", file=sys.stderr)
        return EXIT_USAGE
    prepared = prepare(args.template, args.sam_work_dir, args.sam_cli, progress.done)
    directory = state_dir(args)
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "events").mkdir(parents=True)
    recorder = RecordingInvoker(InProcessInvoker("pressroom_sam_local"))
    with (
        project_network(keep=True) as network,
        stack_server(prepared.stack_image, network, prepared.package_root, keep=True) as server,
        LocalStack(args.template, endpoint_url=server.endpoint, invoker=recorder) as stack,
    ):
        progress.done(
            f"Emulated stack running in container {server.container}, provisioned from {args.template.name}."
        )
        stack.upload_posts(args.posts, progress=progress.step)
        stack.run_until_quiet(progress=lambda message: progress.step(f"Publishing {args.posts}: {message}"))
        stack.request_republish("pressroom sam-local start: an event for RepublishFunction")
        stack.run_until_quiet(progress=lambda message: progress.step(f"Republishing: {message}"))
        published = sum(outcome.status.value == "published" for outcome in stack.outcomes())
        progress.done(f"Published {published} posts from {args.posts} (the handlers ran in this process).")
        _write_json(directory / "env.json", env_vars(stack, server.function_endpoint))
        for logical_id, event in recorder.first_events.items():
            _write_json(directory / "events" / f"{logical_id}.json", event)
        _write_json(
            directory / "state.json",
            {
                "endpoint": server.endpoint,
                "container": server.container,
                "network": network,
                "lambda_image": prepared.lambda_image,
                "built_template": str(prepared.built_template.resolve()),
                "functions": sorted(function.logical_id for function in stack.functions),
                "outputs": {name: stack.output(name) for name in stack.template.get("Outputs", {})},
            },
        )
    print(f"The emulated stack is up: {server.endpoint} from this machine, {server.function_endpoint} "
          f"on the Docker network {NETWORK}.")  # fmt: skip
    print(f"Events for {', '.join(sorted(recorder.first_events))} are in {directory / 'events'}/.")
    print("Run a function in a Lambda container:  make invoke-validate  (or render, notify, aggregate, "
          "assets, images, republish)")  # fmt: skip
    print("Stop it:                               make sam-local-stop")
    return EXIT_OK


def invoke(args: argparse.Namespace) -> int:
    directory = state_dir(args)
    state_file = directory / "state.json"
    if not state_file.exists():
        print(
            "pressroom: no emulated stack is running for sam local: run `make sam-local` first.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    state: dict[str, Any] = json.loads(state_file.read_text(encoding="utf-8"))
    logical_id = _logical_id(args.function, state["functions"])
    if logical_id is None:
        names = ", ".join(state["functions"])
        print(f"pressroom: no function {args.function!r} in the template; it has {names}.", file=sys.stderr)
        return EXIT_USAGE
    event = directory / "events" / f"{logical_id}.json"
    if not event.exists():
        print(f"pressroom: the emulated stack recorded no event for {logical_id}.", file=sys.stderr)
        return EXIT_USAGE
    running = subprocess.run(
        ["docker", "inspect", "--format", "{{.State.Running}}", state["container"]],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if running.stdout.strip() != "true":
        print("pressroom: the emulated stack's container is not running: run `make sam-local` again.",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    command = [
        str(args.sam_cli), "local", "invoke", logical_id, "--template", state["built_template"],
        "--event", str(event), "--env-vars", str(directory / "env.json"),
        "--docker-network", state["network"], "--invoke-image", state["lambda_image"], "--skip-pull-image",
    ]  # fmt: skip
    print(f"$ {' '.join(command)}", file=sys.stderr, flush=True)
    completed = subprocess.run(
        command, env={**os.environ, **EMULATED_AWS, "SAM_CLI_TELEMETRY": "0"}, check=False
    )
    print(flush=True)  # sam local invoke ends the function's result without a newline
    return completed.returncode


def stop(args: argparse.Namespace) -> int:
    remove_function_containers(NETWORK)  # ones SAM has not removed yet would keep the network
    remove_container()
    remove_network()
    shutil.rmtree(state_dir(args), ignore_errors=True)
    print(f"Removed the container {STACK_CONTAINER} and the network {NETWORK} (if they were there).")
    return EXIT_OK


def _logical_id(name: str, functions: list[str]) -> str | None:
    wanted = name if name.endswith("Function") else f"{name[:1].upper()}{name[1:]}Function"
    return wanted if wanted in functions else None


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
