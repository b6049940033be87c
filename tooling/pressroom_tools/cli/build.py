"""`pressroom build`: the site from a folder of posts, with no AWS emulation (see pressroom_tools.build)."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from pressroom_tools.build import BuildResult, BuildSettings, SiteBuild, read_files
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.cli.progress import Progress
from pressroom_tools.local.report import OutcomeStatus, format_outcomes, write_report
from pressroom_tools.local.site import ExportError, serving_in_background, update_export
from pressroom_tools.local.watch import Changes, DirectoryWatcher, keep_watching


def default_cache(out: Path) -> Path:
    """Beside the output, never in it: the output is what gets published."""
    return out.parent / ".pressroom-cache" / f"{out.name}.pickle"


def settings_of(args: argparse.Namespace) -> BuildSettings:
    site_url = args.site_url or f"http://{args.host}:{args.port}"
    return BuildSettings(
        site_url=site_url, title=args.title, description=args.description, page_size=args.page_size,
        timezone=args.timezone,
    )  # fmt: skip


def _build_once(build: SiteBuild, args: argparse.Namespace, progress: Progress) -> BuildResult:
    started = time.perf_counter()
    files = read_files(args.posts)
    result = build.run(files, progress=progress.step)
    changed = update_export(build.objects(), args.out, result.written, result.removed)
    elapsed = time.perf_counter() - started
    kind = "Built" if result.full else "Updated"
    progress.done(
        f"{kind} {args.out}/ in {elapsed:.2f} s: {len(result.changed):,} of {len(files):,} files changed, "
        f"{changed:,} site files written or removed"
        + (
            f", {result.rendered_ahead:,} posts rendered on {build.jobs} cores"
            if result.rendered_ahead
            else ""
        )
    )
    if args.report:
        write_report(args.report, result.outcomes, [])
    return result


def run(args: argparse.Namespace) -> int:
    for directory in args.posts:
        if not directory.is_dir():
            print(f"pressroom: {directory} is not a directory of posts.", file=sys.stderr)
            return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("pressroom: --jobs must be 1 or more.", file=sys.stderr)
        return EXIT_USAGE
    cache = None if args.no_cache else (args.cache or default_cache(args.out))
    progress = Progress()
    build = SiteBuild(settings_of(args), cache=cache, jobs=args.jobs)
    try:
        result = _build_once(build, args, progress)
    except ExportError as error:
        print(f"pressroom: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(format_outcomes(result.outcomes, None), flush=True)
    if args.watch or args.serve:
        return _watch(build, args, progress)
    rejected = any(outcome.status is OutcomeStatus.REJECTED for outcome in result.outcomes)
    return EXIT_FAILED if args.strict and rejected else EXIT_OK


def _watch(build: SiteBuild, args: argparse.Namespace, progress: Progress, rounds: int | None = None) -> int:
    """Serve the output (with --serve) and, with --watch, build again whenever a file changes."""

    def rebuild(_changes: Changes) -> None:
        if not args.watch:
            return  # serving only: what is served stays as built
        result = _build_once(build, args, progress)
        touched = [outcome for outcome in result.outcomes if outcome.source in result.changed]
        if touched:
            print(format_outcomes(touched, None), flush=True)

    with ExitStack() as serving:
        if args.serve:
            port = serving.enter_context(serving_in_background(args.out, args.host, args.port))
            print(f"\nServing {args.out}/ on http://{args.host}:{port}/", flush=True)
        if args.watch:
            print(
                f"Watching {', '.join(map(str, args.posts))} for changes; press Ctrl+C to stop.", flush=True
            )
        else:
            print("Press Ctrl+C to stop.", flush=True)
        keep_watching(DirectoryWatcher(args.posts), args.watch_interval, rebuild, rounds)
    return EXIT_OK
