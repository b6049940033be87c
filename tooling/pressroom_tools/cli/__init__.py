"""The `pressroom` command: run the pipeline locally, check posts, upload them."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pressroom import __version__
from pressroom.catalogue import STATUS_STATES


def _run_local(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import local  # imports moto: only the local command needs it

    return local.run(args)


def _run_build(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import build

    return build.run(args)


def _run_check(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import check

    return check.run(args)


def _run_upload(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import upload

    return upload.run(args)


def _run_dlq_list(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import dlq

    return dlq.run_list(args)


def _run_dlq_redrive(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import dlq

    return dlq.run_redrive(args)


def _run_republish(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import republish

    return republish.run(args)


def _run_destroy(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import destroy

    return destroy.run(args)


def _run_status(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import status

    return status.run(args)


def _run_sam_local(args: argparse.Namespace) -> int:
    from pressroom_tools.cli import sam_local  # imports moto and drives Docker

    return sam_local.run(args)


def _sam_options(parser: argparse.ArgumentParser) -> None:
    installed = Path.cwd() / ".tools" / "sam" / "bin" / "sam"
    parser.add_argument(
        "--sam-cli",
        type=Path,
        default=installed if installed.exists() else Path(shutil.which("sam") or "sam"),
        metavar="PATH",
        help="the SAM CLI (default: .tools/sam/bin/sam, which make setup installs, else sam on PATH)",
    )
    parser.add_argument(
        "--sam-work-dir",
        type=Path,
        default=Path(".aws-sam") / "local",
        metavar="DIR",
        help="where the host-architecture build, env-vars file and logs go (default: %(default)s)",
    )


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time such as 2030-01-01T00:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _add_deployed_stack(command: argparse.ArgumentParser) -> None:
    """--stack and --region: which deployed stack an operator command works on."""
    command.add_argument("--stack", required=True, help="the deployed stack's name")
    command.add_argument("--region", help="AWS region (default: your AWS configuration's)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="pressroom: a serverless publishing pipeline for blogs.",
    )
    parser.add_argument("--version", action="version", version=f"pressroom {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    local = commands.add_parser(
        "local",
        help="run the whole pipeline on this machine, on an in-process emulation of AWS",
        description=(
            "Create template.yaml's buckets, bus, table, topic and queues in an in-process AWS "
            "emulation (moto), upload the posts, run the real handlers until the pipeline is quiet, "
            "and export the site."
        ),
    )
    folders = local.add_mutually_exclusive_group(required=True)
    folders.add_argument(
        "--posts",
        type=Path,
        action="append",
        metavar="DIR",
        help="directory of posts to upload (.md and .markdown files); repeat it for further rounds "
        "onto the same keys, each run until the pipeline is quiet",
    )
    folders.add_argument(
        "--site",
        type=Path,
        action="append",
        metavar="DIR",
        help="a site folder laid out like the uploads bucket: posts/, pages/ (About, Contact…), "
        "authors/, assets/ and theme/, uploaded as those keys; repeatable, as --posts",
    )
    local.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="where to write the site (replaced on every run)",
    )
    local.add_argument("--report", type=Path, metavar="FILE", help="also write the results as JSON")
    local.add_argument("--serve", action="store_true", help="then serve the site until Ctrl+C")
    local.add_argument("--host", default="127.0.0.1", help="address for --serve (default: %(default)s)")
    local.add_argument("--port", type=int, default=8000, help="port for --serve (default: %(default)s)")
    local.add_argument("--site-url", help="the site's base URL in pages (default: the --serve address)")
    local.add_argument("--strict", action="store_true", help="exit with status 1 if any post is rejected")
    local.add_argument(
        "--now",
        type=_aware_datetime,
        metavar="TIME",
        help="then fire the schedules due by TIME (e.g. 2030-01-01T00:00:00Z), as EventBridge Scheduler "
        "would, publishing future-dated posts whose date has come",
    )
    local.add_argument(
        "--webhook",
        action="append",
        metavar="URL",
        help="also announce to this URL as a signed JSON webhook (repeatable); the secret is printed",
    )
    local.add_argument(
        "--watch",
        action="store_true",
        help="keep running: upload what changes in --posts (or --site), update --out (with --serve: "
        "a live preview)",
    )
    local.add_argument("--watch-interval", type=float, default=1.0, help=argparse.SUPPRESS)
    local.add_argument(
        "--republish",
        action="store_true",
        help="after the rounds, republish every post (as a theme change would), with a progress bar",
    )
    local.add_argument(
        "--redrive",
        action="store_true",
        help="at the end, invoke again every event waiting in a failure queue (a webhook that was down)",
    )
    local.add_argument(
        "--template",
        type=Path,
        default=Path.cwd() / "template.yaml",
        help="the SAM template (default: ./template.yaml)",
    )
    local.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="the functions' log level (default: %(default)s)",
    )
    local.add_argument(
        "--sam",
        action="store_true",
        help="run every function in a Lambda container through `sam local start-lambda`, against the "
        "emulated stack in a container of its own (needs Docker; builds what it needs first)",
    )
    _sam_options(local)
    local.set_defaults(run=_run_local)

    sam_local = commands.add_parser(
        "sam-local",
        help="keep an emulated stack running in Docker for `sam local invoke` (see the README)",
        description=(
            "start: run the emulated stack in a container on the Docker network pressroom-local, "
            "provisioned from template.yaml, with the example posts published, and write an env-vars "
            "file and one real event per function. invoke NAME: run that function in a Lambda "
            "container with its event. stop: remove the container and the network."
        ),
    )
    sam_actions = sam_local.add_subparsers(dest="sam_action", required=True, metavar="ACTION")
    sam_start = sam_actions.add_parser("start", help="start the emulated stack and write env-vars and events")
    sam_start.add_argument(
        "--posts", type=Path, default=Path("examples/posts"), metavar="DIR", help="posts to publish first"
    )
    sam_start.add_argument("--template", type=Path, default=Path.cwd() / "template.yaml")
    sam_invoke = sam_actions.add_parser("invoke", help="run one function in a Lambda container")
    sam_invoke.add_argument("function", help="e.g. validate or ValidateFunction")
    sam_actions.add_parser("stop", help="remove the emulated stack, the containers SAM left, the network")
    for action in (sam_start, sam_invoke):
        _sam_options(action)
    sam_local.set_defaults(run=_run_sam_local)

    build = commands.add_parser(
        "build",
        help="build the site from a folder of posts on this machine, fast (no AWS emulation)",
        description=(
            "Build the site the pipeline would publish for a folder of posts: the same validation, "
            "stages, theme and aggregate rules as the Lambdas, over in-memory stores, on every core. "
            "What it built is kept in a cache beside the output, so the next build only renders "
            "what changed."
        ),
    )
    build.add_argument(
        "posts", type=Path, nargs="+", metavar="POSTS_DIR",
        help="folder of posts (.md and .markdown files; files in subfolders are copied beside their "
        "post), as `pressroom local --posts` takes it; a later folder's file wins",
    )  # fmt: skip
    build.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write the site")
    build.add_argument("--jobs", type=int, metavar="N", help="processes to render with (default: every core)")
    build.add_argument("--report", type=Path, metavar="FILE", help="also write each post's outcome as JSON")
    build.add_argument("--site-url", help="the site's base URL in pages (default: the --serve address)")
    build.add_argument("--title", default="pressroom", help="the site's title (template.yaml's SiteTitle)")
    build.add_argument("--description", default="", help="the site's description (SiteDescription)")
    build.add_argument("--page-size", type=int, default=10, help="posts per listing page (PageSize)")
    build.add_argument("--timezone", default="UTC", help="zone for dates without an offset (SiteTimezone)")
    build.add_argument(
        "--cache", type=Path, metavar="FILE",
        help="where to keep what was built (default: .pressroom-cache/<out name>.pickle beside --out)",
    )  # fmt: skip
    build.add_argument("--no-cache", action="store_true", help="build everything, and keep nothing")
    build.add_argument("--strict", action="store_true", help="exit with status 1 if any post is rejected")
    build.add_argument("--watch", action="store_true", help="keep running: build again when a post changes")
    build.add_argument("--serve", action="store_true", help="serve the site until Ctrl+C")
    build.add_argument("--host", default="127.0.0.1", help="address for --serve (default: %(default)s)")
    build.add_argument("--port", type=int, default=8000, help="port for --serve (default: %(default)s)")
    build.add_argument("--watch-interval", type=float, default=0.5, help=argparse.SUPPRESS)
    build.set_defaults(run=_run_build)

    check = commands.add_parser(
        "check",
        help="validate post files as the pipeline would, without uploading them",
        description="Validate post files exactly as ValidateFunction does. Exit status 1 if any is invalid.",
    )
    check.add_argument("files", type=Path, nargs="+", metavar="FILE")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--timezone", default="UTC", help="zone for dates without an offset (default: UTC)")
    check.add_argument("--max-bytes", type=int, default=1_000_000, help="size limit (default: 1000000)")
    check.set_defaults(run=_run_check)

    upload = commands.add_parser(
        "upload",
        help="check post files, then upload the valid ones to a deployed stack",
        description=(
            "Check each file as ValidateFunction would, upload the valid ones to the stack's uploads "
            "bucket as posts/<file name> (pages/<file name> for pages), and say where each will "
            "appear. Invalid files are not "
            "uploaded; the exit status is then 1. Uses your AWS credentials and region."
        ),
    )
    upload.add_argument(
        "files", type=Path, nargs="*", metavar="FILE",
        help="post files (a file in a folder named pages is uploaded as a page, pages/<name>)",
    )  # fmt: skip
    upload.add_argument(
        "--site", type=Path, metavar="DIR",
        help="instead of FILEs: a site folder (posts/, pages/, authors/, assets/, theme/), uploaded "
        "as those keys, the theme first; Markdown files are checked first",
    )  # fmt: skip
    target = upload.add_mutually_exclusive_group(required=True)
    target.add_argument("--stack", help="the deployed stack's name (its outputs name the bucket and site)")
    target.add_argument("--bucket", help="the uploads bucket's name, if you know it")
    upload.add_argument("--site-url", help="with --bucket: the site's URL, to say where posts will appear")
    upload.add_argument("--region", help="AWS region (default: your AWS configuration's)")
    upload.add_argument("--timezone", default="UTC", help="the stack's SiteTimezone (default: UTC)")
    upload.add_argument("--max-bytes", type=int, default=1_000_000, help="the stack's MaxPostBytes")
    upload.set_defaults(run=_run_upload)

    republish = commands.add_parser(
        "republish",
        help="render every published post of a deployed stack again, with a progress bar",
        description=(
            'Put "Republish Requested" on the stack\'s bus: every published post is rendered again '
            "(fanned out through SQS) and every aggregate page rebuilt once. Locally, use "
            "`pressroom local --republish`."
        ),
    )
    _add_deployed_stack(republish)
    republish.add_argument("--reason", default="requested from the command line", help="recorded in the logs")
    republish.add_argument("--no-wait", action="store_true", help="request it and return")
    republish.add_argument("--timeout", type=float, default=900, help="seconds to watch (default: 900)")
    republish.set_defaults(run=_run_republish)

    status = commands.add_parser(
        "status",
        help="a deployed stack's published posts, the posts that are not live and why, its failure queues",
    )
    _add_deployed_stack(status)
    status.add_argument(
        "--newest", type=int, default=20, help="how many published posts to list (default: 20)"
    )
    status.add_argument(
        "--state",
        action="append",
        choices=STATUS_STATES,
        help="list only keys in this state (repeat for several; default: every state)",
    )
    status.add_argument("--tag", help="list only the published posts with this tag")
    status.add_argument("--format", choices=["text", "json"], default="text", help="output (default: text)")
    status.set_defaults(run=_run_status)

    destroy = commands.add_parser(
        "destroy",
        help="take a deployed stack down: empty the site's bucket, delete the stack, keep the uploads",
        description=(
            "Empties the hosting bucket (CloudFormation cannot delete a bucket with objects in it), "
            "deletes the stack and waits for it to go. The uploads bucket, the authors' sources, is "
            "kept unless --delete-uploads is given. Without --yes it only says what it would do."
        ),
    )
    _add_deployed_stack(destroy)
    destroy.add_argument(
        "--delete-uploads", action="store_true", help="also empty and delete the uploads bucket"
    )
    destroy.add_argument("--yes", action="store_true", help="go ahead (without it, nothing is deleted)")
    destroy.set_defaults(run=_run_destroy)

    dlq = commands.add_parser(
        "dlq",
        help="see and retry failed work waiting in a deployed stack's failure queues",
        description=(
            "Every function's failed invocations, undeliverable bus events, unfired schedules and "
            "refused webhook deliveries wait in failure queues (the stack's *FailuresQueueUrl outputs). "
            "On the local stack, `pressroom local` prints them and --redrive retries them."
        ),
    )
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    dlq_list = dlq_commands.add_parser("list", help="how much waits in each failure queue, and what")
    dlq_redrive = dlq_commands.add_parser("redrive", help="send the waiting work round again")
    dlq_redrive.add_argument("--queue", help="only this queue (e.g. NotifyFailures; default: all)")
    for command, runner in ((dlq_list, _run_dlq_list), (dlq_redrive, _run_dlq_redrive)):
        _add_deployed_stack(command)
        command.set_defaults(run=runner)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
