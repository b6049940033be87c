"""The render path, post by post: pressroom's against a minimal library stack, in one run.

pressroom: validate_post (front matter, dialects, every rule), the Markdown renderer (GFM,
anchors, Pygments, nh3) and the post page in the sandboxed theme: what RenderFunction spends
on one post. The minimal stack: python-frontmatter, markdown-it-py's `commonmark` preset with
tables and footnotes, nh3 with its defaults and one small Jinja2 template. Each post is timed
by both, alternately, so a change in the machine's speed touches both alike.

Usage: python bench/render_path.py POSTS_DIR [--rounds N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import jinja2
import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from pressroom.model import Post
from pressroom.pipeline.pages import PostPages
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme
from pressroom.views import SiteInfo

NOW = datetime.now(UTC)
MINIMAL_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html><head><title>{{ title }}</title></head>"
    "<body><article><h1>{{ title }}</h1>{{ body | safe }}</article></body></html>"
)


def minimal_stack() -> Callable[[bytes], str]:
    parser = MarkdownIt("commonmark").enable("table").use(footnote_plugin)

    def render(data: bytes) -> str:
        post = frontmatter.loads(data.decode("utf-8"))
        body = nh3.clean(parser.render(post.content))
        return MINIMAL_TEMPLATE.render(title=post.get("title", ""), body=body)

    return render


def pressroom_stack() -> Callable[[bytes], str]:
    rules = ValidationRules(timezone=ZoneInfo("UTC"), max_bytes=1_000_000)
    pages = PostPages(Theme(SiteInfo(title="Bench", base_url="https://blog.example.com")), MarkdownRenderer())

    def render(data: bytes) -> str:
        post = validate_post("posts/bench.md", data, rules, NOW)
        if not isinstance(post, Post):
            raise SystemExit(f"a bench post was refused: {post}")
        return pages.render(post, menu=())

    return render


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    posts = [path.read_bytes() for path in sorted(args.posts.glob("*.md"))]
    stacks = {"pressroom": pressroom_stack(), "minimal": minimal_stack()}
    for render in stacks.values():  # warm: first calls build lexers, templates and caches
        for data in posts[:20]:
            render(data)
    timings: dict[str, list[float]] = {name: [] for name in stacks}
    for _ in range(args.rounds):
        for data in posts:
            for name, render in stacks.items():
                start = time.perf_counter()
                render(data)
                timings[name].append((time.perf_counter() - start) * 1000)
    result = {
        name: {"p50_ms": statistics.median(values), "p95_ms": percentile(values, 0.95)}
        for name, values in timings.items()
    }
    result["ratio"] = {
        "p50": result["pressroom"]["p50_ms"] / result["minimal"]["p50_ms"],
        "p95": result["pressroom"]["p95_ms"] / result["minimal"]["p95_ms"],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
