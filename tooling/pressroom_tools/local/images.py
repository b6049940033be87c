"""The container images `sam local` runs here: a Lambda Python 3.13 base, and the emulated stack.

Where the official `public.ecr.aws/lambda/python:3.13` can be pulled, it is used. Where no
registry is reachable, a stand-in with the same layout is built from Debian's packages:
debootstrap's minimal bookworm, this machine's Python 3.13 in /var/lang, the runtime interface
client in /var/runtime and a /var/runtime/bootstrap that starts it, as Lambda's own image has.
`sam local` then adds its runtime interface emulator, mounts the function at /var/task and the
layer at /opt. The stand-in is tagged with the project's own name, never the official one, and
by a hash of what went into it: it is rebuilt only when that changes.

The emulated stack's image is the base plus moto's server; the pressroom package is mounted
into it at run time, so editing the code needs no rebuild.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

OFFICIAL_IMAGE = "public.ecr.aws/lambda/python:3.13"
LAMBDA_IMAGE = "pressroom-lambda-python"
STACK_IMAGE = "pressroom-local-stack"
DEBIAN_SUITE = "bookworm"
DEBIAN_PACKAGES = (
    "ca-certificates",
    "libssl3",
    "libffi8",
    "libsqlite3-0",
    "libbz2-1.0",
    "liblzma5",
    "zlib1g",
)
RUNTIME_CLIENT = "awslambdaric==4.2.2"
# moto's server and what it needs, as pinned for the tests (requirements-dev.txt).
STACK_REQUIREMENTS = ("moto[server,s3,sqs,sns,events,dynamodb,cloudfront,scheduler]==5.2.5",)
STACK_PORT = 5000
# The parts of a Python installation a Lambda function never uses.
_PYTHON_EXCLUDES = ("lib/python3.13/test", "lib/python3.13/site-packages", "lib/python3.13/idlelib",
                    "lib/python3.13/tkinter", "lib/python3.13/turtledemo", "share")  # fmt: skip
_BOOTSTRAP = """#!/bin/sh
# Starts the Lambda runtime interface client for the function's handler, as Lambda's image does.
export LD_LIBRARY_PATH=/var/lang/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PYTHONPATH=/var/task:/opt/python:/var/runtime
exec /var/lang/bin/python3.13 -m awslambdaric "$_HANDLER"
"""
_IMAGE_SETTINGS = (
    "ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin:/opt/bin",
    "ENV LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime/lib:/var/task/lib:/opt/lib",
    "ENV LAMBDA_TASK_ROOT=/var/task",
    "ENV LAMBDA_RUNTIME_DIR=/var/runtime",
    "ENV LANG=C.UTF-8",
    "ENV TZ=:/etc/localtime",
    "WORKDIR /var/task",
    'ENTRYPOINT ["/var/runtime/bootstrap"]',
)  # fmt: skip

Progress = Callable[[str], None]


class ImageError(RuntimeError):
    """An image could not be built or found; the message says what to do."""


def run(command: Sequence[str], *, input_path: Path | None = None) -> str:
    """Run a command, returning its output; raise ImageError with its output if it fails."""
    stdin = input_path.open("rb") if input_path else None
    try:
        completed = subprocess.run(list(command), stdin=stdin, capture_output=True, check=False)
    finally:
        if stdin:
            stdin.close()
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).decode(errors="replace").strip()
        raise ImageError(f"{' '.join(command[:3])} … failed (exit {completed.returncode}):\n{output[-3000:]}")
    return completed.stdout.decode(errors="replace")


def image_exists(tag: str) -> bool:
    return (
        subprocess.run(["docker", "image", "inspect", tag], capture_output=True, check=False).returncode == 0
    )


def _python_prefix() -> Path:
    """The Python 3.13 installation this environment runs on (the pyenv build, on these machines)."""
    if sys.version_info[:2] != (3, 13):
        raise ImageError(f"the Lambda image needs Python 3.13; this is {sys.version.split()[0]}")
    return Path(sys.base_prefix)


def _fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def lambda_image(progress: Progress) -> str:
    """The image `sam local` runs functions in: the official one if it can be pulled, else ours."""
    python = _python_prefix()
    tag = f"{LAMBDA_IMAGE}:3.13-" + _fingerprint(
        Path(__file__).read_text(encoding="utf-8"), sys.version, str(python), DEBIAN_SUITE, RUNTIME_CLIENT
    )
    if image_exists(OFFICIAL_IMAGE):
        return OFFICIAL_IMAGE
    if image_exists(tag):
        return tag
    pulled = subprocess.run(["docker", "pull", OFFICIAL_IMAGE], capture_output=True, timeout=300, check=False)
    if pulled.returncode == 0:
        progress(f"using the official Lambda image {OFFICIAL_IMAGE}")
        return OFFICIAL_IMAGE
    progress(f"{OFFICIAL_IMAGE} cannot be pulled here; building the stand-in {tag} from Debian's packages")
    with tempfile.TemporaryDirectory(prefix="pressroom-image-") as work:
        rootfs = Path(work) / "rootfs"
        progress(f"  debootstrap {DEBIAN_SUITE} (about a minute)")
        run(["debootstrap", "--variant=minbase", f"--include={','.join(DEBIAN_PACKAGES)}", DEBIAN_SUITE,
             str(rootfs), _debian_mirror()])  # fmt: skip
        progress(f"  Python {sys.version.split()[0]} from {python} into /var/lang")
        lang = rootfs / "var" / "lang"
        lang.mkdir(parents=True)
        excludes = [f"--exclude=./{path}" for path in _PYTHON_EXCLUDES]
        archive = Path(work) / "python.tar"
        run(["tar", "-C", str(python), "-cf", str(archive), *excludes, "."])
        run(["tar", "-C", str(lang), "-xf", str(archive)])
        (lang / "lib" / "python3.13" / "site-packages").mkdir(exist_ok=True)
        progress(f"  {RUNTIME_CLIENT} into /var/runtime")
        runtime = rootfs / "var" / "runtime"
        run([sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(runtime),
             RUNTIME_CLIENT])  # fmt: skip
        bootstrap = runtime / "bootstrap"
        bootstrap.write_text(_BOOTSTRAP, encoding="utf-8")
        bootstrap.chmod(0o755)
        (rootfs / "var" / "task").mkdir(exist_ok=True)
        (rootfs / "opt").mkdir(exist_ok=True)
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"):
            shutil.rmtree(rootfs / cache, ignore_errors=True)
        progress("  docker import")
        archive = Path(work) / "rootfs.tar"
        run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(archive), "."])
        changes = [argument for setting in _IMAGE_SETTINGS for argument in ("--change", setting)]
        run(["docker", "import", *changes, "-", tag], input_path=archive)
    return tag


def stack_image(base: str, progress: Progress) -> str:
    """The emulated stack's image: `base` and moto's server (pressroom is mounted at run time)."""
    tag = f"{STACK_IMAGE}:" + _fingerprint(
        base, *STACK_REQUIREMENTS, Path(__file__).read_text(encoding="utf-8")
    )
    if image_exists(tag):
        return tag
    progress(f"building {tag}: moto's server on {base}")
    with tempfile.TemporaryDirectory(prefix="pressroom-stack-image-") as work:
        context = Path(work)
        run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(context / "stack"),
             *STACK_REQUIREMENTS])  # fmt: skip
        (context / "Dockerfile").write_text(
            f"FROM {base}\n"
            "COPY stack /opt/stack\n"
            "ENV PYTHONPATH=/opt/pressroom:/opt/stack\n"
            f"EXPOSE {STACK_PORT}\n"
            'ENTRYPOINT ["/var/lang/bin/python3.13", "-m", "pressroom_tools.local.server", '
            f'"--port", "{STACK_PORT}"]\n',
            encoding="utf-8",
        )
        run(["docker", "build", "--quiet", "--tag", tag, str(context)])
    return tag


def _debian_mirror() -> str:
    """The Debian mirror this machine's apt uses (debootstrap needs one), or Debian's own."""
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.exists():
        for line in sources.read_text(encoding="utf-8").splitlines():
            if line.startswith("URIs:") and "security" not in line:
                return line.split(":", 1)[1].split()[0]
    return "http://deb.debian.org/debian"
