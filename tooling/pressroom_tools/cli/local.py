"""`pressroom local`: the pipeline on the local stack (needs the development dependencies)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pressroom.adapters.republish import RepublishLedger
from pressroom.filenames import is_markdown
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.progress import Progress, bar
from pressroom_tools.local.containers import ContainerError, stack_in_containers
from pressroom_tools.local.images import ImageError
from pressroom_tools.local.report import OutcomeStatus, format_outcomes, write_report
from pressroom_tools.local.site import ExportError, export_site, make_server, serving_in_background
from pressroom_tools.local.stack import LocalStack
from pressroom_tools.local.watch import Changes, DirectoryWatcher, Layout, keep_watching, watching_notice


def _pipeline_progress(stack: LocalStack, uploaded: list[str], progress: Progress) -> Callable[[str], None]:
    """A progress bar of the round's posts that have an outcome (rejections counted apart)."""
    posts = {key for key in uploaded if is_markdown(key)}

    def show(message: str) -> None:
        outcomes = [outcome for outcome in stack.book.outcomes() if outcome.source in posts]
        rejected = sum(outcome.status is OutcomeStatus.REJECTED for outcome in outcomes)
        settled = sum(
            outcome.status not in (OutcomeStatus.REJECTED, OutcomeStatus.PENDING) for outcome in outcomes
        )
        progress.step(f"Publishing {bar(settled, len(posts), rejected, failed_label='rejected')} · {message}")

    return show


@contextmanager
def _started_stack(args: argparse.Namespace, site_url: str, progress: Progress) -> Iterator[LocalStack]:
    """The local stack: moto in this process, or (--sam) a container, with the functions in
    Lambda containers through `sam local start-lambda`."""

    def make(endpoint_url: str | None) -> LocalStack:
        return LocalStack(
            args.template,
            site_url=site_url,
            log_level=args.log_level,
            webhooks=args.webhook or (),
            endpoint_url=endpoint_url,
        )

    if not args.sam:
        progress.done(f"Creating the local stack from {args.template.name} (moto, in this process)…")
        with make(None) as stack:
            yield stack
        return
    progress.done(
        f"Creating the local stack from {args.template.name} in Docker: the resources in a container, "
        "every function in a Lambda container (sam local start-lambda)…"
    )
    with stack_in_containers(args.template, args.sam_work_dir, args.sam_cli, progress.done, make) as stack:
        yield stack


def _folders(args: argparse.Namespace) -> tuple[list[Path], Layout]:
    """The directories to upload, round by round, and how they map to keys."""
    return (args.site, Layout.SITE) if args.site else (args.posts, Layout.POSTS)


def _upload(stack: LocalStack, directory: Path, layout: Layout, progress: Progress) -> list[str]:
    if layout is Layout.SITE:
        return stack.upload_site(directory, progress=progress.step)
    return stack.upload_posts(directory, progress=progress.step)


def _watch(args: argparse.Namespace, site_url: str, progress: Progress, rounds: int | None = None) -> int:
    """Keep the stack up: upload what changes in --posts or --site, update --out, serve it with --serve.

    `rounds` limits how many times the directories are looked at (tests); None: until Ctrl+C.
    """
    directories, layout = _folders(args)
    watcher = DirectoryWatcher(directories, layout)
    with _started_stack(args, site_url, progress) as stack:
        for directory in directories:
            _upload(stack, directory, layout, progress)
        stack.run_until_quiet(progress=lambda m: progress.step(f"Running the pipeline: {m}"))
        try:
            export_site(_objects(stack), args.out)
        except ExportError as error:
            print(f"pressroom: {error}", file=sys.stderr)
            return EXIT_USAGE
        print(format_outcomes(stack.outcomes(), stack.announcements()), flush=True)
        with ExitStack() as serving:
            if args.serve:
                serving.enter_context(serving_in_background(args.out, args.host, args.port))
                print(f"\nServing {args.out}/ on {site_url}/", flush=True)
            print(watching_notice(directories), flush=True)
            keep_watching(
                watcher,
                args.watch_interval,
                lambda changes: _apply_changes(stack, changes, args.out, progress),
                rounds,
            )
    return EXIT_OK


def _apply_changes(stack: LocalStack, changes: Changes, out: Path, progress: Progress) -> None:
    for key, path in changes.uploads:
        if is_markdown(key):
            stack.upload(key, path.read_bytes())
        else:
            stack.s3.put_object(Bucket=stack.output("UploadsBucketName"), Key=key, Body=path.read_bytes())
    for key in changes.removals:
        stack.delete(key)
    stack.run_until_quiet(progress=lambda m: progress.step(f"Running the pipeline: {m}"))
    export_site(_objects(stack), out)
    touched = {key for key, _ in changes.uploads} | set(changes.removals)
    progress.done(f"Updated the site for {len(touched)} changed file(s):")
    for outcome in stack.outcomes():
        if outcome.source in touched:
            print(f"  {outcome.status.value:<9}  {outcome.source}  {outcome.path or ''}".rstrip(), flush=True)
            for reason in outcome.reasons:
                print(f"             - {reason}", flush=True)


def _objects(stack: LocalStack) -> dict[str, bytes]:
    return {key: value["body"] for key, value in stack.site_objects().items()}


def _republish(stack: LocalStack, progress: Progress) -> None:
    """Republish every post through the SQS fan-out, showing a progress bar."""
    request = stack.request_republish("pressroom local --republish")
    ledger = RepublishLedger(stack.session.client("dynamodb"), stack.output("PostsTableName"), stack.clock)

    def show(_: str) -> None:
        state = ledger.progress(request)
        if state is not None and state.total:
            progress.step(f"Republishing {bar(state.done, state.total, state.failed)}")

    stack.run_until_quiet(progress=show)
    state = ledger.progress(request)
    done, failed = (state.done, state.failed) if state else (0, 0)
    progress.done(f"Republished {done} posts ({failed} failed); every aggregate page rebuilt once.")


def _report_failed(stack: LocalStack) -> None:
    """Say what waits in the failure queues, as `pressroom dlq list` would on AWS."""
    for function, records in stack.failed_events().items():
        for record in records:
            reason = record.get("responsePayload", {}).get("errorMessage", "unknown")
            payload = record.get("requestPayload", {})
            key = payload.get("detail", {}).get("source", {}).get("key", "")
            print(f"pressroom: waiting in {function}'s failure queue: {key} ({reason}); "
                  "run again with --redrive to retry it", file=sys.stderr)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """pressroom local: the whole pipeline on moto, then the site exported (and served)."""

    template: Path = args.template
    if not template.is_file():
        print(
            f"pressroom: no SAM template at {template}. Run from the project root or pass --template.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    directories, layout = _folders(args)
    for directory in directories:
        if not directory.is_dir():
            print(f"pressroom: --{layout.value} {directory} is not a directory.", file=sys.stderr)
            return EXIT_USAGE
    if args.sam and args.webhook:
        print(
            "pressroom: --webhook cannot be used with --sam: the functions run in containers, "
            "which cannot reach this machine's addresses.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    site_url = args.site_url or f"http://{args.host}:{args.port}"
    progress = Progress()
    try:
        if args.watch:
            return _watch(args, site_url, progress)
        return _run(args, site_url, progress)
    except (ContainerError, ImageError) as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace, site_url: str, progress: Progress) -> int:
    with _started_stack(args, site_url, progress) as stack:
        if args.webhook:
            progress.done(
                f"Announcing to {len(args.webhook)} webhook(s), signed with HMAC-SHA256 "
                f"(X-Pressroom-Signature) using the secret {stack.webhook_secret}"
            )
        directories, layout = _folders(args)
        for number, directory in enumerate(directories, start=1):
            uploaded = _upload(stack, directory, layout, progress)
            what = "the site folder" if layout is Layout.SITE else "the posts in"
            progress.done(f"Round {number}: uploaded {what} {directory}.")
            stats = stack.run_until_quiet(progress=_pipeline_progress(stack, uploaded, progress))
            progress.done(f"Pipeline quiet after {len(stats.invocations)} function invocations.")
            for failure in stats.failures:
                message = f"{failure.function} failed after {failure.attempts} attempts: {failure.error}"
                print(f"pressroom: {message}", file=sys.stderr)
        if args.now:
            fired = stack.fire_due_schedules(args.now)
            stats = stack.run_until_quiet(progress=lambda m: progress.step(f"Running the pipeline: {m}"))
            progress.done(
                f"Fired {len(fired)} schedule{'s' * (len(fired) != 1)} due by {args.now.isoformat()}; "
                f"pipeline quiet after {len(stats.invocations)} more invocations."
            )
        if args.republish:
            _republish(stack, progress)
        if args.redrive:
            redriven = stack.redrive()
            if redriven:
                stack.run_until_quiet(progress=lambda m: progress.step(f"Running the pipeline: {m}"))
            progress.done(f"Redrove {len(redriven)} failed event(s) from the functions' failure queues.")
        _report_failed(stack)
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
