"""Hostile uploads against the budgets: each budgeted step's worst input, in CPU seconds and memory.

Every upload of pressroom_tools.hostile goes through what ValidateFunction runs on it
(validate_post) and what RenderFunction runs (the post's page: dialect, Markdown, theme). The
reference, measured in the same run, is a legitimate 1 MB post of real prose (the CMS export in
examples/posts, repeated): a hostile input should cost a small multiple of it. Each step is also
set against its function's timeout and a quarter of its memory, as a Lambda function would run
it: at 512 MB it has 512/1769 of a vCPU, so its wall-clock time is the CPU time over that.

Usage: python bench/hostile_uploads.py [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pressroom.model import Post
from pressroom.pipeline.pages import PostPages
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme
from pressroom.views import SiteInfo
from pressroom_tools.hostile import HOSTILE_UPLOADS, MAX_POST_BYTES

REPOSITORY = Path(__file__).resolve().parent.parent
REAL_POST = REPOSITORY / "examples" / "posts" / "uk-ai-opportunities-action-plan.md"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
MEMORY_MB = 512
VCPU_AT_MEMORY = MEMORY_MB / 1769  # Lambda gives a whole vCPU at 1,769 MB, in proportion below
TIMEOUT_S = {"validate": 30, "render": 60}  # ValidateFunction's and RenderFunction's, template.yaml


def legitimate_megabyte() -> bytes:
    """A real post's body repeated to just under MAX_POST_BYTES, under its own front matter."""
    text = REAL_POST.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    copies = (MAX_POST_BYTES - len(head) - 100) // len(body.encode())
    return (head + "\n---\n" + (body + "\n\n") * copies).encode()


def steps(key: str, data: bytes) -> dict[str, Callable[[], object]]:
    rules = ValidationRules(timezone=ZoneInfo("UTC"), max_bytes=MAX_POST_BYTES)
    pages = PostPages(Theme(SiteInfo(title="Bench", base_url="https://blog.example.com")), MarkdownRenderer())
    post = validate_post(key, data, rules, NOW)

    def render() -> object:
        return pages.render(post, menu=()) if isinstance(post, Post) else None

    return {"validate": lambda: validate_post(key, data, rules, NOW), "render": render}


def measure(work: Callable[[], object]) -> dict[str, float]:
    gc.collect()
    started = time.process_time()
    work()
    cpu = time.process_time() - started
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"cpu_s": cpu, "peak_mb": peak / 1e6}


def summary(upload: dict[str, Any], function_step: str, reference: dict[str, Any]) -> dict[str, Any]:
    """One upload's cost in the step of the function it costs most, against the real post and
    the function's timeout and memory."""
    cpu = upload[function_step]["cpu_s"]
    return {
        "name": upload["name"],
        "function": "ValidateFunction" if function_step == "validate" else "RenderFunction",
        "cpu_s": cpu,
        "peak_mb": upload[function_step]["peak_mb"],
        "reference_cpu_s": reference["render"]["cpu_s"],
        "ratio": cpu / reference["render"]["cpu_s"],
        "lambda_s": cpu / VCPU_AT_MEMORY,
        "timeout_s": TIMEOUT_S[function_step],
        "quarter_memory_mb": MEMORY_MB / 4,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reference_steps = steps("posts/real.md", legitimate_megabyte())
    for work in reference_steps.values():  # warm: lexers, templates, imports
        work()
    reference = {name: measure(work) for name, work in reference_steps.items()}
    uploads: list[dict[str, Any]] = []
    for upload in HOSTILE_UPLOADS:
        measured = {name: measure(work) for name, work in steps(upload.key, upload.data).items()}
        uploads.append({"name": upload.name, "step": upload.step, "bytes": len(upload.data), **measured})
        print(
            f"{upload.name:20} validate {measured['validate']['cpu_s']:6.2f} s  render "
            f"{measured['render']['cpu_s']:6.2f} s  peak {measured['render']['peak_mb']:6.1f} MB",
            flush=True,
        )
    worst = {}
    for function_step in ("validate", "render"):
        top = max(uploads, key=lambda upload: upload[function_step]["cpu_s"])
        worst[function_step] = summary(top, function_step, reference)
    by_step = {}
    for step in dict.fromkeys(upload["step"] for upload in uploads):
        mine = [upload for upload in uploads if upload["step"] == step]
        top = max(mine, key=lambda upload: upload["validate"]["cpu_s"] + upload["render"]["cpu_s"])
        function_step = "render" if top["render"]["cpu_s"] >= top["validate"]["cpu_s"] else "validate"
        by_step[step] = summary(top, function_step, reference)
    result = {
        "reference": reference,
        "uploads": uploads,
        "worst": worst,
        "by_step": by_step,
        "vcpu_at_memory": VCPU_AT_MEMORY,
    }
    print(json.dumps(by_step, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
