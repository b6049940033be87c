"""Cold start, function by function: each handler's import and stage build against boto3's own.

Each handler runs as deployed: `sam build`'s output for this machine's architecture (built here
unless --build-dir names one), in a fresh interpreter started with `-I -S -B` and `sys.path` as
Lambda sets it (the function's folder, then its layers), so nothing but the built artifacts is
imported and no bytecode is written: /opt is read-only on Lambda, and a module the layer ships
without bytecode is compiled at every cold start. Every environment variable template.yaml
gives that function (Globals too) is set, with fake values. The same build with its bytecode
removed is measured too ("sources only"), to show what compiling the layers saves. The child
times, with `time.perf_counter()` from its first line, the import of `app` and the call of each
stage builder. The baseline is the same kind of interpreter running `import boto3;
boto3.client("s3")` from the core layer. Handlers and baseline take turns,
round after round, so a change in the machine's speed touches them alike; medians are reported,
with each handler's ratio to the baseline. Before the timed rounds, each handler is run once
with an audit hook that records every socket use: building a stage must not touch the network.

Usage: python bench/cold_start.py [--runs R] [--json FILE] [--budget RATIO] [--build-dir DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from pressroom_tools.local.containers import build_environment, host_template
from pressroom_tools.local.template import load_template

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
TEMPLATE = ROOT / "template.yaml"
FUNCTIONS = ROOT / "functions"
SAM = ROOT / ".tools" / "sam" / "bin" / "sam"
BASELINE = "baseline"
SOURCES_ONLY = " (sources only)"

# The stage builders each handler calls at its first invocation (render may also republish).
BUILDERS: dict[str, tuple[str, ...]] = {"render": ("stage", "republisher")}
DEFAULT_BUILDERS = ("stage",)

ACCOUNT = "123456789012"
REGION = "us-east-1"


def queue(name: str) -> str:
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


# A plausible value for every variable template.yaml sets (as CloudFormation would resolve it).
FAKE_VALUES: dict[str, str] = {
    "POWERTOOLS_SERVICE_NAME": "pressroom",
    "POWERTOOLS_METRICS_NAMESPACE": "Pressroom",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "HOSTING_BUCKET": "pressroom-hostingbucket-1a2b3c4d5e6f",
    "UPLOADS_BUCKET": "pressroom-uploadsbucket-6f5e4d3c2b1a",
    "POSTS_TABLE": "pressroom-PostsTable-ABCDEF123456",
    "EVENT_BUS_NAME": "pressroom-publishing",
    "EVENT_BUS_ARN": arn("events", "event-bus/pressroom-publishing"),
    "SCHEDULE_GROUP": "pressroom-publications",
    "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/pressroom-SchedulerRole-ABC123",
    "SCHEDULE_DLQ_ARN": arn("sqs", "pressroom-schedule-failures"),
    "TOPIC_ARN": arn("sns", "pressroom-announcements"),
    "SITE_URL": "https://d111111abcdef8.cloudfront.net",
    "SITE_TITLE": "pressroom",
    "SITE_DESCRIPTION": "A blog published by pressroom.",
    "EMBED_PREFIXES": "",
    "INDEX_PAGE_SIZE": "10",
    "STALE_PAGES_QUEUE_URL": queue("pressroom-stale-pages.fifo"),
    "REPUBLISH_QUEUE_URL": queue("pressroom-republish"),
    "REPUBLISH_FAILURES_QUEUE_URL": queue("pressroom-republish-failures"),
    "NOTIFY_FAILURES_QUEUE_URL": queue("pressroom-notify-failures"),
    "WEBHOOKS_PARAMETER": "/pressroom/webhooks",
    "DISTRIBUTION_ID": "E2QWRUHAPOMQZL",
    "SITE_TIMEZONE": "UTC",
    "MAX_POST_BYTES": "1000000",
    "AWS_ENDPOINT_URL": "",  # empty on AWS, as the template declares it
}

# What the Lambda runtime itself sets (fake credentials: nothing here may reach AWS).
LAMBDA_ENV: dict[str, str] = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "fake-session-token",
    "AWS_EC2_METADATA_DISABLED": "true",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}

CHILD_PROLOGUE = """\
import time
started = time.perf_counter()
import sys
"""
CHILD_HANDLER = """\
sys.path[:1] = {path!r}
if {builders!r}:
    import app
for builder in {builders!r}:
    getattr(app, builder)()
"""
CHILD_BASELINE = """\
import boto3
boto3.client("s3")
"""
CHILD_EPILOGUE = """\
elapsed = time.perf_counter() - started
print("cold-start-ms", elapsed * 1000)
"""
# Records every use of the network (a DNS look-up, a connection, a datagram) while the code under
# test runs. Creating or binding a socket is not one: urllib3 binds ::1 at import to detect IPv6.
NETWORK_EVENTS = (
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.sendmsg",
    "socket.sendto",
    "http.client.connect",
    "urllib.Request",
)
CHILD_NETWORK_GUARD = f"""\
import sys
network = []
def _guard(event, args):
    if event in {NETWORK_EVENTS!r}:
        network.append(f"{{event}} {{args!r}}"[:300])
sys.addaudithook(_guard)
"""
CHILD_NETWORK_REPORT = """\
import json
print("network-events", json.dumps(network))
"""


def function_layout(build: Path) -> dict[str, list[Path]]:
    """Each function folder's name → `sys.path` as Lambda gives it in `build`: its code, then its
    layers (the Globals' and its own, as SAM appends them)."""
    template = load_template(TEMPLATE)
    shared_layers = template["Globals"]["Function"].get("Layers", [])
    layout: dict[str, list[Path]] = {}
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        layers = [ref["Ref"] for ref in shared_layers + properties.get("Layers", [])]
        layout[Path(properties["CodeUri"]).name] = [build / logical_id] + [
            build / layer / "python" for layer in layers
        ]
    return layout


def sam_build(work: Path) -> Path:
    """template.yaml built by `sam build` for this machine's architecture, as the layers deploy."""
    (work / "template.yaml").write_text(host_template(TEMPLATE.read_text(encoding="utf-8")), encoding="utf-8")
    print("Building the functions and layers with sam build (for this machine's architecture)…", flush=True)
    completed = subprocess.run(
        [str(SAM), "build", "--template-file", str(work / "template.yaml"), "--base-dir", str(ROOT),
         "--build-dir", str(work / "build")],
        capture_output=True, text=True, env=build_environment(), timeout=1800, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise SystemExit(f"sam build failed:\n{completed.stdout}{completed.stderr}")
    return work / "build"


def zipped_bytes(directories: list[Path]) -> int:
    """What `directories` weigh as deployment zips (a function's code and each of its layers)."""
    total = 0
    for directory in directories:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(directory).as_posix())
        total += len(buffer.getvalue())
    return total


def without_bytecode(build: Path, work: Path) -> Path:
    """A copy of `build` with every compiled file removed: the layers as they were deployed before."""
    copy = work / "sources-only"
    shutil.copytree(build, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def function_environments() -> dict[str, dict[str, str]]:
    """Each function folder's name → the environment Lambda gives it (template.yaml, fake values)."""
    template = load_template(TEMPLATE)
    shared = template["Globals"]["Function"].get("Environment", {}).get("Variables", {})
    environments: dict[str, dict[str, str]] = {}
    for resource in template["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        name = Path(properties["CodeUri"]).name
        own = properties.get("Environment", {}).get("Variables", {})
        names = [*shared, *own]
        unknown = [variable for variable in names if variable not in FAKE_VALUES]
        if unknown:
            raise SystemExit(f"bench/cold_start.py has no fake value for {', '.join(unknown)}")
        environments[name] = {
            **LAMBDA_ENV,
            "AWS_LAMBDA_FUNCTION_NAME": f"pressroom-{name}",
            **{variable: FAKE_VALUES[variable] for variable in names},
        }
    missing = sorted({path.parent.name for path in FUNCTIONS.glob("*/app.py")} - environments.keys())
    if missing:
        raise SystemExit(f"template.yaml declares no function for functions/{', '.join(missing)}")
    return dict(sorted(environments.items()))


def child_code(name: str, path: list[Path], *, guard: bool = False) -> str:
    if name == BASELINE:
        body = CHILD_HANDLER.format(path=[str(item) for item in path], builders=()) + CHILD_BASELINE
    else:
        function = name.removesuffix(SOURCES_ONLY)
        body = CHILD_HANDLER.format(
            path=[str(item) for item in path], builders=BUILDERS.get(function, DEFAULT_BUILDERS)
        )
    if guard:
        return CHILD_NETWORK_GUARD + CHILD_PROLOGUE + body + CHILD_EPILOGUE + CHILD_NETWORK_REPORT
    return CHILD_PROLOGUE + body + CHILD_EPILOGUE


def run_child(code: str, env: dict[str, str], cwd: Path) -> tuple[float, float, list[str]]:
    """(ms inside the child, ms of the whole subprocess, network events) for one cold start."""
    started = time.perf_counter()
    result = subprocess.run(  # isolated, no site-packages, no bytecode written: as on Lambda
        [str(PYTHON), "-I", "-S", "-B", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise SystemExit(f"a cold start failed (exit {result.returncode}):\n{result.stderr}")
    inside, network = None, []
    for line in result.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key == "cold-start-ms":
            inside = float(value)
        elif key == "network-events":
            network = json.loads(value)
    if inside is None:
        raise SystemExit(f"a cold start reported no time:\n{result.stdout}\n{result.stderr}")
    return inside, wall, network


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="cold starts per handler (default 15)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--budget", type=float, default=1.3, help="largest handler/baseline ratio")
    parser.add_argument(
        "--build-dir", type=Path, help="a `sam build` output for this machine (default: build one)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pressroom-cold-start-") as temporary:
        work = Path(temporary)
        build = args.build_dir or sam_build(work)
        return measure(args, build, without_bytecode(build, work))


def measure(args: argparse.Namespace, build: Path, sources: Path) -> int:
    environments = function_environments()
    compiled, uncompiled = function_layout(build), function_layout(sources)
    # The baseline imports boto3 from the core layer, as a function would.
    subjects: dict[str, tuple[dict[str, str], Path, list[Path]]] = {
        BASELINE: (dict(LAMBDA_ENV), build, [build / "CoreLayer" / "python"])
    }
    subjects |= {name: (env, compiled[name][0], compiled[name]) for name, env in environments.items()}
    subjects |= {
        name + SOURCES_ONLY: (env, uncompiled[name][0], uncompiled[name])
        for name, env in environments.items()
    }

    # One untimed run each: bytecode caches written, files in the page cache, the network checked.
    network: dict[str, list[str]] = {}
    for name, (env, cwd, path) in subjects.items():
        network[name] = run_child(child_code(name, path, guard=True), env, cwd)[2]

    inside: dict[str, list[float]] = {name: [] for name in subjects}
    wall: dict[str, list[float]] = {name: [] for name in subjects}
    names = list(subjects)
    for round_ in range(args.runs):
        shift = round_ % len(names)  # round-robin, starting one further along each round
        for name in names[shift:] + names[:shift]:
            env, cwd, path = subjects[name]
            ms, wall_ms, _ = run_child(child_code(name, path), env, cwd)
            inside[name].append(ms)
            wall[name].append(wall_ms)

    baseline_ms = statistics.median(inside[BASELINE])
    baseline_wall = statistics.median(wall[BASELINE])
    handlers = {
        name: {
            "median_ms": round(statistics.median(inside[name]), 2),
            "ratio": round(statistics.median(inside[name]) / baseline_ms, 3),
            "wall_median_ms": round(statistics.median(wall[name]), 2),
            "wall_ratio": round(statistics.median(wall[name]) / baseline_wall, 3),
            "network": network[name],
        }
        for name in subjects
        if name != BASELINE
    }
    result = {
        "runs": args.runs,
        "baseline_ms": round(baseline_ms, 2),
        "baseline_wall_ms": round(baseline_wall, 2),
        "budget": args.budget,
        "handlers": handlers,
        # Each function's code and layers, zipped as deployed, and the core layer every one ships.
        "deployed_bytes": {name: zipped_bytes(path) for name, path in compiled.items()},
        "core_layer_bytes": zipped_bytes([build / "CoreLayer" / "python"]),
    }

    print(f"Cold starts, median of {args.runs} (import + stage build; wall: the whole subprocess)")
    print(f"{'':<10} {'ms':>8} {'ratio':>7} {'wall ms':>9} {'ratio':>7}  budget {args.budget}x")
    print(f"{BASELINE:<10} {baseline_ms:>8.1f} {1:>7.2f} {baseline_wall:>9.1f} {1:>7.2f}")
    for name, row in handlers.items():
        verdict = "ok" if row["ratio"] <= args.budget else "OVER"
        if name.endswith(SOURCES_ONLY):
            verdict = "(not deployed: for comparison)"
        print(
            f"{name:<10} {row['median_ms']:>8.1f} {row['ratio']:>7.2f} "
            f"{row['wall_median_ms']:>9.1f} {row['wall_ratio']:>7.2f}  {verdict}"
        )
    for name, events in network.items():
        if events:
            print(f"NETWORK: {name} used the network while building its stage: {events}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    over = any(
        row["ratio"] > args.budget for name, row in handlers.items() if not name.endswith(SOURCES_ONLY)
    )
    return 1 if over or any(network.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
