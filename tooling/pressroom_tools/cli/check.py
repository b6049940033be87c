"""`pressroom check`: the validator on local files."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pressroom.filenames import is_markdown
from pressroom.model import Post, Problem, Rejection
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom_tools.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pressroom_tools.clock import clock_from_environment


def rules_from(args: argparse.Namespace) -> ValidationRules | None:
    """The validation rules the --timezone and --max-bytes options describe (None: unusable)."""
    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(
            f"pressroom: --timezone {args.timezone!r} is not an IANA time zone (e.g. Europe/London).",
            file=sys.stderr,
        )
        return None
    return ValidationRules(timezone=zone, max_bytes=args.max_bytes)


@dataclass(frozen=True)
class CheckedFile:
    """One file's verdict: the post it makes, or the problems that stop it."""

    path: Path
    post: Post | None = None
    data: bytes = b""
    problems: tuple[Problem, ...] = ()
    unreadable: bool = False

    @property
    def valid(self) -> bool:
        return self.post is not None

    def to_json(self) -> dict[str, Any]:
        if self.post is None:
            problems = [
                {
                    "field": p.field,
                    "line": p.line,
                    "column": p.column,
                    "message": p.message,
                    "text": p.describe(),
                }
                for p in self.problems
            ]
            return {"file": str(self.path), "valid": False, "problems": problems}
        return {
            "file": str(self.path),
            "valid": True,
            "status": self.post.status.value,
            "slug": self.post.slug,
            "path": self.post.path,
            "title": self.post.title,
            "date": self.post.date.isoformat() if self.post.dated else None,
            "date_read_as": self.post.date_read_as,
            "warnings": [warning.describe() for warning in self.post.warnings],
        }


def run(args: argparse.Namespace) -> int:
    """pressroom check: validate files as ValidateFunction would."""
    rules = rules_from(args)
    if rules is None:
        return EXIT_USAGE
    now = clock_from_environment().now()
    results = [check_file(path, rules, now) for path in args.files]
    if args.format == "json":
        print(json.dumps([result.to_json() for result in results], indent=2))
    else:
        for result in results:
            print_result(result)
    if any(result.unreadable for result in results):
        return EXIT_USAGE
    return EXIT_OK if all(result.valid for result in results) else EXIT_FAILED


def print_result(result: CheckedFile, verb: str = "ok") -> None:
    if result.post is not None:
        print(f"{verb:<9}{result.path} → {result.post.path} ({result.post.status.value})")
        if result.post.dated:
            print(f"           date {result.post.date.isoformat()}, from {result.post.date_read_as}")
        else:
            print(f"           {result.post.date_read_as}")
        for warning in result.post.warnings:
            print(f"           warning: {warning.describe()}")
    else:
        print(f"{'invalid':<9}{result.path}")
        for problem in result.problems:
            print(f"           - {problem.describe()}")


def upload_key_of(path: Path) -> str:
    """The key a local file is checked and uploaded as: pages/<name> for a file in a folder
    named pages (a page), posts/<name> for any other."""
    return f"pages/{path.name}" if path.parent.name == "pages" else f"posts/{path.name}"


def check_file(path: Path, rules: ValidationRules, now: datetime, key: str | None = None) -> CheckedFile:
    """Validate one local file as if it were uploaded as `key` (default: upload_key_of(path))."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return CheckedFile(path, problems=(Problem(f"cannot read it: {error.strerror}"),), unreadable=True)
    if not is_markdown(path.name):
        only_posts = "only .md and .markdown files are posts: the pipeline never sees any other file"
        return CheckedFile(path, problems=(Problem(only_posts),))
    verdict = validate_post(key or upload_key_of(path), data, rules, now)
    if isinstance(verdict, Rejection):
        return CheckedFile(path, problems=verdict.problems)
    return CheckedFile(path, post=verdict, data=data)
