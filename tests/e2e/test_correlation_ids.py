"""One upload, one id: key@version on every log line of every function it passes through.

An operator follows a post across the functions' log groups with that id alone (docs/RUNBOOK.md)
and finds it again in the announcement. Run as an operator would, `pressroom local --log-level
INFO` in a process of its own: Powertools configures its loggers once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import TEMPLATE

from pressroom_tools.cli.exits import EXIT_OK

PUBLISHED = """---
title: Followed through the logs
date: 2024-05-01
tags: [ops]
---
Every function says which upload it is working on.
"""
REFUSED = "---\ntitle: No date\n---\nbody\n"
FUNCTION_PREFIX = "pressroom-local-"


def run_local_at_info(tmp_path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "followed.md").write_text(PUBLISHED, encoding="utf-8")
    (posts / "refused.md").write_text(REFUSED, encoding="utf-8")
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("pressroom")), "local",
            "--posts", str(posts), "--out", str(tmp_path / "site"), "--report", str(report),
            "--template", str(TEMPLATE), "--log-level", "INFO",
        ],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == EXIT_OK, result.stdout + result.stderr  # a refusal is reported, not fatal
    assert "posts/refused.md" in result.stdout
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"level"')]
    return lines, json.loads(report.read_text(encoding="utf-8"))


def functions_naming(lines: list[dict[str, Any]], correlation_id: str) -> set[str]:
    return {
        str(line["function_name"]).removeprefix(FUNCTION_PREFIX)
        for line in lines
        if line.get("correlation_id") == correlation_id
    }


def test_every_line_about_an_upload_carries_its_key_and_version_and_so_does_its_announcement(tmp_path: Path):
    lines, report = run_local_at_info(tmp_path)

    ids = {line["key"]: line["correlation_id"] for line in lines if "key" in line}
    published, refused = ids["posts/followed.md"], ids["posts/refused.md"]
    assert published.startswith("posts/followed.md@")
    assert len(published) > len("posts/followed.md@") + 8  # a version id
    assert {line["correlation_id"] for line in lines if line.get("key") == "posts/followed.md"} == {published}
    assert functions_naming(lines, published) == {
        "ValidateFunction", "RenderFunction", "NotifyFunction", "AggregateFunction",
    }  # fmt: skip
    assert {"ValidateFunction", "NotifyFunction"} <= functions_naming(lines, refused)
    rebuilds = [line for line in lines if line["function_name"] == f"{FUNCTION_PREFIX}AggregateFunction"]
    assert rebuilds
    assert all(published in line["correlation_ids"] for line in rebuilds)
    announced = {a["kind"]: a["correlation_id"] for a in report["announcements"]}
    assert announced == {"published": published, "rejected": refused}
