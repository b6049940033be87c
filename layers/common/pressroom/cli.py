"""The `pressroom` command: run the pipeline locally, or check posts before uploading them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pressroom import __version__
from pressroom.model import Rejection
from pressroom.validation import ValidationRules, validate_post

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class Progress:
    """Progress lines on stderr: rewritten in place on a terminal, one per step otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self._last_length = 0

    def step(self, message: str) -> None:
        if self.interactive:
            self.stream.write("\r" + message.ljust(self._last_length))
            self._last_length = len(message)
        else:
            self.stream.write(message + "\n")
        self.stream.flush()

    def done(self, message: str) -> None:
        if self.interactive:
            self.stream.write("\r" + message.ljust(self._last_length) + "\n")
            self._last_length = 0
        else:
            self.stream.write(message + "\n")
        self.stream.flush()


def _default_template() -> Path:
    return Path.cwd() / "template.yaml"


def _run_local(args: argparse.Namespace) -> int:
    from pressroom.local.report import OutcomeStatus, format_outcomes, write_report
    from pressroom.local.site import ExportError, export_site, make_server
    from pressroom.local.stack import LocalStack

    template: Path = args.template
    if not template.is_file():
        print(
            f"pressroom: no SAM template at {template}. Run from the project root or pass --template.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    for directory in args.posts:
        if not directory.is_dir():
            print(f"pressroom: --posts {directory} is not a directory.", file=sys.stderr)
            return EXIT_USAGE
    site_url = args.site_url or f"http://{args.host}:{args.port}"
    progress = Progress()
    progress.done(f"Creating the local stack from {template.name} (moto, in this process)…")
    with LocalStack(template, site_url=site_url, log_level=args.log_level) as stack:
        for directory in args.posts:
            stack.upload_posts(directory, progress=progress.step)
            progress.done(f"Uploaded the posts in {directory}.")
            stats = stack.run_until_quiet(progress=lambda m: progress.step(f"Running the pipeline: {m}"))
            progress.done(f"Pipeline quiet after {len(stats.invocations)} function invocations.")
            for failure in stats.failures:
                message = f"{failure.function} failed after {failure.attempts} attempts: {failure.error}"
                print(f"pressroom: {message}", file=sys.stderr)
        objects = {key: value["body"] for key, value in stack.site_objects().items()}
        try:
            count = export_site(objects, args.out)
        except ExportError as error:
            print(f"pressroom: {error}", file=sys.stderr)
            return EXIT_USAGE
        outcomes, announcements = stack.outcomes(), stack.announcements()
    progress.done(f"Exported {count} files to {args.out}/.")
    if args.report:
        write_report(args.report, outcomes, announcements)
        progress.done(f"Wrote the report to {args.report}.")
    print(format_outcomes(outcomes, announcements))
    if args.serve:
        server = make_server(args.out, args.host, args.port)
        print(f"\nServing {args.out}/ on {site_url}/ — press Ctrl+C to stop.", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    rejected = any(outcome.status is OutcomeStatus.REJECTED for outcome in outcomes)
    return EXIT_FAILED if args.strict and rejected else EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"pressroom: --timezone {args.timezone!r} is not an IANA time zone (e.g. Europe/London).",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    rules = ValidationRules(timezone=zone, max_bytes=args.max_bytes)
    now = datetime.now(UTC)
    results = [check_file(path, rules, now) for path in args.files]
    if args.format == "json":
        print(json.dumps(results, indent=2))
    else:
        for result in results:
            if result["valid"]:
                print(f"ok       {result['file']} → {result['path']} ({result['status']})")
            else:
                print(f"invalid  {result['file']}")
                for problem in result["problems"]:
                    print(f"           - {problem}")
    return EXIT_OK if all(result["valid"] for result in results) else EXIT_FAILED


def check_file(path: Path, rules: ValidationRules, now: datetime) -> dict[str, Any]:
    """Validate one local file as if it were uploaded as posts/<its name>."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return {"file": str(path), "valid": False, "problems": [f"cannot read it: {error.strerror}"]}
    verdict = validate_post(f"posts/{path.name}", data, rules, now)
    if isinstance(verdict, Rejection):
        problems = [problem.describe() for problem in verdict.problems]
        return {"file": str(path), "valid": False, "problems": problems}
    return {
        "file": str(path),
        "valid": True,
        "status": verdict.status.value,
        "slug": verdict.slug,
        "path": verdict.path,
        "title": verdict.title,
        "date": verdict.date.isoformat(),
    }


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
    local.add_argument(
        "--posts",
        type=Path,
        action="append",
        required=True,
        metavar="DIR",
        help="directory of posts to upload (.md and .markdown files)",
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
        "--template",
        type=Path,
        default=_default_template(),
        help="the SAM template (default: ./template.yaml)",
    )
    local.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="the functions' log level (default: %(default)s)",
    )
    local.set_defaults(run=_run_local)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
