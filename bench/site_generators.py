"""Whole-site builds of one posts folder: pressroom against Hugo and Pelican, median wall times.

Each tool builds every post page, paginated listings (10 posts a page), tag and author pages,
feeds and (Hugo, pressroom) a sitemap from the same generated posts, as one command from a cold
start, the way a person would run it: `pressroom build --no-cache` on every core and with
`--jobs 1`, `hugo` with GOMAXPROCS=1 and on every core, and `pelican` (one process) with
Python-Markdown's `extra` (tables, footnotes, fenced code) and codehilite. Runs are
interleaved, one of each tool per round after a warm-up round, so drift in the machine's speed
touches every tool alike; each tool's median is reported.

The posts are copied, not shared: pressroom reads the folder as written (YAML front matter),
but Hugo wants its posts under content/posts/ and Pelican reads only its own `Key: value`
metadata, so each copy carries the same title, date, tags, author, summary and slug in the
form that tool reads, and every tool writes each post to posts/<slug>/index.html. After every
run the post pages are counted: a tool that built fewer than all of them (Pelican without its
Markdown reader builds none, without an error) stops the benchmark.

Tools: `make bench-tools` (Debian's hugo, Pelican in .tools/bench). The ratios divide
pressroom's one-process median (`--jobs 1`) by Hugo's on one core and by Pelican's, and
pressroom's median on every core by Hugo's on every core.

Usage: python bench/site_generators.py POSTS_DIR [--runs R] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from pressroom.slugs import slugify, split_file_name

ROOT = Path(__file__).resolve().parent.parent
PRESSROOM = ROOT / ".venv" / "bin" / "pressroom"
BENCH_ENV = ROOT / ".tools" / "bench"
BENCH_PYTHON = BENCH_ENV / "bin" / "python"
PELICAN = BENCH_ENV / "bin" / "pelican"
PAGE_SIZE = 10
SITE_URL = "https://blog.example.com"
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n(.*)\Z", re.DOTALL)
WARNING = re.compile(r"\b(warn(ing)?|error)\b", re.IGNORECASE)

HUGO_CONFIG = f"""\
baseURL = "{SITE_URL}/"
title = "Bench"
languageCode = "en"
paginate = {PAGE_SIZE}
enableRobotsTXT = true

[taxonomies]
tag = "tags"
author = "authors"

[markup.goldmark.extensions]
table = true
footnote = true

[markup.highlight]
codeFences = true
noClasses = false
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head><body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "authors" }} by <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range (.Paginate .Pages).Pages }}{{ partial "entry.html" . }}{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "index.html": """{{ define "main" }}
{{ range (.Paginate (where .Site.RegularPages "Section" "posts")).Pages }}
{{ partial "entry.html" . }}{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "partials/entry.html": """<article><h2><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></h2>
{{ if not .Date.IsZero }}<time>{{ .Date.Format "2 January 2006" }}</time>{{ end }}
<p>{{ with .Description }}{{ . }}{{ else }}{{ .Summary }}{{ end }}</p></article>
""",
    "404.html": """{{ define "main" }}<h1>Page not found</h1>{{ end }}
""",
}


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: str
    tags: list[str]
    author: str | None
    summary: str | None
    body: str


@dataclass
class Tool:
    name: str
    command: list[str]
    out: Path
    version: str
    env: dict[str, str] = field(default_factory=dict)
    runs_s: list[float] = field(default_factory=list)
    pages: int = 0
    html_files: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def shown_command(self) -> str:
        prefix = "".join(f"{name}={value} " for name, value in self.env.items())
        return prefix + shlex.join(self.command)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def missing_tool(message: str) -> SystemExit:
    progress(f"site_generators: {message}")
    return SystemExit(2)


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, env=env)


def first_line(command: list[str]) -> str:
    result = run(command)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if result.returncode == 0 and lines else "unknown"


def scalar(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_post(path: Path) -> Post:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    front: object = yaml.safe_load(match[1]) if match else None
    if not match or not isinstance(front, dict) or "title" not in front or "date" not in front:
        raise SystemExit(f"{path}: expected YAML front matter with a title and a date")
    raw_tags = front.get("tags") or []
    tags = [str(tag) for tag in raw_tags] if isinstance(raw_tags, list) else [str(raw_tags)]
    declared_slug = front.get("slug")
    slug = declared_slug if isinstance(declared_slug, str) else slugify(split_file_name(path.stem)[1])
    author, summary = front.get("author"), front.get("summary") or front.get("description")
    return Post(
        slug=slug,
        title=str(front["title"]),
        date=scalar(front["date"]),
        tags=tags,
        author=None if author is None else str(author),
        summary=None if summary is None else " ".join(str(summary).split()),
        body=match[2],
    )


def write_hugo_site(posts: list[Post], source: Path) -> None:
    source.mkdir(parents=True)
    (source / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, template in HUGO_LAYOUTS.items():
        path = source / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template, encoding="utf-8")
    content = source / "content" / "posts"
    content.mkdir(parents=True)
    for post in posts:
        lines = [
            f"title: {json.dumps(post.title)}",
            f"date: {post.date}",
            f"slug: {post.slug}",
            f"tags: {json.dumps(post.tags)}",
        ]
        if post.author:
            lines.append(f"authors: {json.dumps([post.author])}")
        if post.summary:
            lines.append(f"description: {json.dumps(post.summary)}")
        front = "\n".join(lines)
        (content / f"{post.slug}.md").write_text(f"---\n{front}\n---\n{post.body}", encoding="utf-8")


def write_pelican_site(posts: list[Post], source: Path) -> Path:
    content = source / "content"
    content.mkdir(parents=True)
    settings = {
        "SITENAME": "Bench",
        "SITEURL": SITE_URL,
        "RELATIVE_URLS": True,
        "PATH": str(content),
        "TIMEZONE": "UTC",
        "DEFAULT_LANG": "en",
        "DEFAULT_PAGINATION": PAGE_SIZE,
        "ARTICLE_URL": "posts/{slug}/",
        "ARTICLE_SAVE_AS": "posts/{slug}/index.html",
        "LOAD_CONTENT_CACHE": False,
        "CACHE_CONTENT": False,
        "FEED_ALL_ATOM": "feeds/all.atom.xml",
        "FEED_ALL_RSS": "feeds/all.rss.xml",
        "MARKDOWN": {
            "extension_configs": {
                "markdown.extensions.extra": {},
                "markdown.extensions.codehilite": {"css_class": "highlight"},
                "markdown.extensions.meta": {},
            },
            "output_format": "html5",
        },
    }
    config = source / "pelicanconf.py"
    config.write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()), encoding="utf-8")
    for post in posts:
        lines = [f"Title: {post.title}", f"Date: {post.date}", f"Slug: {post.slug}"]
        if post.tags:
            lines.append(f"Tags: {', '.join(post.tags)}")
        if post.author:
            lines.append(f"Author: {post.author}")
        if post.summary:
            lines.append(f"Summary: {post.summary}")
        body = post.body.lstrip("\n")
        (content / f"{post.slug}.md").write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")
    return config


def check_tools() -> str:
    if not PRESSROOM.is_file():
        raise missing_tool(f"{PRESSROOM} not found: run `make setup`")
    hugo = shutil.which("hugo")
    if hugo is None:
        raise missing_tool("hugo is not installed: run `make bench-tools`")
    if not PELICAN.is_file() or run([str(BENCH_PYTHON), "-c", "import markdown"]).returncode != 0:
        raise missing_tool(f"Pelican with its Markdown reader is not in {BENCH_ENV}: run `make bench-tools`")
    return hugo


def make_tools(posts: list[Post], posts_dir: Path, work: Path, hugo: str) -> list[Tool]:
    hugo_source = work / "hugo"
    write_hugo_site(posts, hugo_source)
    pelican_config = write_pelican_site(posts, work / "pelican")
    pressroom_version = first_line([str(PRESSROOM), "--version"])
    hugo_version = first_line([hugo, "version"])
    markdown_version = first_line([str(BENCH_PYTHON), "-c", "import markdown; print(markdown.__version__)"])
    pelican_version = f"pelican {first_line([str(PELICAN), '--version'])}, Markdown {markdown_version}"

    def pressroom(name: str, *extra: str) -> Tool:
        out = work / "out" / name
        command = [str(PRESSROOM), "build", str(posts_dir), "--out", str(out), "--no-cache", *extra]
        return Tool(name, command, out, pressroom_version)

    def hugo_tool(name: str, env: dict[str, str]) -> Tool:
        out = work / "out" / name
        command = [hugo, "--quiet", "--source", str(hugo_source), "--destination", str(out)]
        return Tool(name, command, out, hugo_version, env)

    pelican_out = work / "out" / "pelican"
    pelican_content = pelican_config.with_name("content")
    pelican = [str(PELICAN), str(pelican_content), "-s", str(pelican_config), "-o", str(pelican_out)]
    return [
        pressroom("pressroom"),
        pressroom("pressroom_jobs1", "--jobs", "1"),
        hugo_tool("hugo_1core", {"GOMAXPROCS": "1"}),
        hugo_tool("hugo", {}),
        Tool("pelican", pelican, pelican_out, pelican_version),
    ]


def time_once(tool: Tool, slugs: list[str]) -> float:
    shutil.rmtree(tool.out, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if key != "GOMAXPROCS"} | tool.env
    start = time.perf_counter()
    result = run(tool.command, env)
    elapsed = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-20:])
        raise SystemExit(f"{tool.name} failed (exit {result.returncode}): {tool.shown_command}\n{tail}")
    for line in output.splitlines():
        if WARNING.search(line) and line.strip() not in tool.warnings:
            tool.warnings.append(line.strip())
            progress(f"  {tool.name} said: {line.strip()}")
    tool.pages = sum((tool.out / "posts" / slug / "index.html").is_file() for slug in slugs)
    tool.html_files = sum(1 for _ in tool.out.rglob("*.html"))
    if tool.pages != len(slugs):
        raise SystemExit(
            f"{tool.name} wrote {tool.pages} of {len(slugs)} post pages (posts/<slug>/index.html) "
            f"in {tool.out}: {tool.shown_command}"
        )
    return elapsed


def ratio(numerator: Tool, denominator: Tool) -> float:
    return statistics.median(numerator.runs_s) / statistics.median(denominator.runs_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("posts", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each tool, after one warm-up")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    hugo = check_tools()
    paths = sorted(path for path in args.posts.glob("*") if path.suffix in {".md", ".markdown"})
    if not paths:
        parser.error(f"no .md or .markdown posts in {args.posts}")
    posts = [read_post(path) for path in paths]
    slugs = [post.slug for post in posts]
    if len(set(slugs)) != len(slugs):
        raise SystemExit("two posts share a slug; every tool would write one page for both")

    with tempfile.TemporaryDirectory(prefix="site-generators-") as temporary:
        progress(f"Writing the posts for Hugo and Pelican under {temporary}")
        tools = make_tools(posts, args.posts.resolve(), Path(temporary), hugo)
        for round_number in range(args.runs + 1):
            label = "warm-up" if round_number == 0 else f"run {round_number}/{args.runs}"
            shift = round_number % len(tools)
            for tool in tools[shift:] + tools[:shift]:
                elapsed = time_once(tool, slugs)
                if round_number:
                    tool.runs_s.append(elapsed)
                progress(f"{label}: {tool.name:<16} {elapsed:7.2f} s  ({tool.pages} post pages)")

    by_name = {tool.name: tool for tool in tools}
    result = {
        "posts": len(posts),
        "runs": args.runs,
        "tools": {
            tool.name: {
                "median_s": statistics.median(tool.runs_s),
                "runs_s": tool.runs_s,
                "pages": tool.pages,
                "html_files": tool.html_files,
                "version": tool.version,
                "command": tool.shown_command,
            }
            for tool in tools
        },
        "ratios": {
            "pressroom_vs_hugo_1core": ratio(by_name["pressroom_jobs1"], by_name["hugo_1core"]),
            "pressroom_vs_pelican": ratio(by_name["pressroom_jobs1"], by_name["pelican"]),
            "pressroom_vs_hugo": ratio(by_name["pressroom"], by_name["hugo"]),
        },
    }
    print(f"{len(posts)} posts, median of {args.runs} interleaved runs after a warm-up")
    print(f"{'tool':<16} {'median s':>9} {'post pages':>11} {'html files':>11}  version")
    for tool in tools:
        median = statistics.median(tool.runs_s)
        print(f"{tool.name:<16} {median:9.3f} {tool.pages:11d} {tool.html_files:11d}  {tool.version}")
    for name, value in result["ratios"].items():
        print(f"{name:<24} {value:6.2f}x")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
