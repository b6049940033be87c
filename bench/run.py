"""`make bench`: every speed and cost budget of pressroom, measured side by side, into docs/BENCHMARKS.md.

Each figure is a ratio against a reference measured in the same run on the same machine (these
machines differ in speed by 2x from one session to the next): the render path against a minimal
library stack, `pressroom build` against Hugo and Pelican, the local stack against itself at a
tenth of the size and against Pelican, publishing cost against a ten-post site, each handler's
cold start against a bare boto3 client, the worst hostile upload against a real 1 MB post, an
image's smaller copies against Pillow's own thumbnail and save of them.
The benchmarks themselves live beside this file; this runs them, one after another, and
writes the table between the markers of docs/BENCHMARKS.md (the text around the markers,
written by hand, is kept).

Usage: python bench/run.py [--quick] [--output FILE] [--work DIR]
  --quick   100 posts instead of 1,000 (and smaller sites for the publish cost): a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = REPOSITORY / ".venv" / "bin" / "python"
PRESSROOM = REPOSITORY / ".venv" / "bin" / "pressroom"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
SOURCES_ONLY = " (sources only)"  # bench/cold_start.py's name for a handler run without bytecode


@dataclass(frozen=True)
class Sizes:
    posts: int
    local_small: int
    local_large: int
    publish: tuple[int, ...]
    cold_start_runs: int
    render_rounds: int
    rebuild_edits: int


FULL = Sizes(1000, 30, 300, (10, 1000, 10000), 15, 1, 5)
QUICK = Sizes(100, 10, 100, (10, 100, 1000), 7, 2, 3)


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str
    reference: str
    ratio: float
    budget: float | None  # None: a comparison shown for context, with no budget of its own

    @property
    def met(self) -> bool:
        return self.budget is None or self.ratio <= self.budget


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str | Path], over_budget_exits_1: bool = False) -> None:
    """Run one benchmark; those that exit 1 for a missed budget have still written their figures."""
    say("$ " + " ".join(str(part) for part in command))
    finished = subprocess.run([str(part) for part in command], check=False)
    if finished.returncode != 0 and not (over_budget_exits_1 and finished.returncode == 1):
        raise SystemExit(f"bench: {Path(str(command[1])).name} failed (exit {finished.returncode})")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def timed(command: Sequence[str | Path]) -> float:
    start = time.perf_counter()
    subprocess.run([str(part) for part in command], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def generate(count: int, directory: Path) -> Path:
    if not directory.is_dir():
        run([PYTHON, REPOSITORY / "scripts" / "generate-posts", str(count), directory])
    return directory


# ------------------------------------------------------------------------------- the measures


def render_path(posts: Path, work: Path, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    result_file = work / "render-path.json"
    run([PYTHON, REPOSITORY / "bench" / "render_path.py", posts, "--rounds", str(sizes.render_rounds),
         "--json", result_file])  # fmt: skip
    result = read_json(result_file)
    rows = [
        Row(
            f"Render path (validate + Markdown + post page), {quantile}, per post",
            f"{result['pressroom'][f'{quantile}_ms']:.2f} ms",
            f"minimal stack {result['minimal'][f'{quantile}_ms']:.2f} ms",
            result["ratio"][quantile],
            1.3,
        )
        for quantile in ("p50", "p95")
    ]
    return rows, result


# A hostile upload may cost at most this many times rendering a real post of the same size (1 MB):
# the Markdown budget (4 s of CPU) is about five real posts, plus the linear shortcode pass.
HOSTILE_BUDGET = 8.0


def hostile_uploads(work: Path) -> tuple[list[Row], dict[str, Any]]:
    """Each budgeted step's worst hostile upload against rendering a real 1 MB post."""
    result_file = work / "hostile-uploads.json"
    run([PYTHON, REPOSITORY / "bench" / "hostile_uploads.py", "--json", result_file])
    result = read_json(result_file)
    real = result["reference"]["render"]["cpu_s"]
    rows = [
        Row(
            f"Worst hostile upload aimed at {step}: {worst['name']}, in {worst['function']} "
            f"({worst['lambda_s']:.1f} s of its {worst['timeout_s']} s timeout at 512 MB, "
            f"peak {worst['peak_mb']:.0f} MB of {worst['quarter_memory_mb']:.0f})",
            f"{worst['cpu_s']:.2f} s CPU",
            f"rendering a real 1 MB post {real:.2f} s",
            worst["ratio"],
            HOSTILE_BUDGET,
        )
        for step, worst in result["by_step"].items()
    ]
    return rows, result


def site_generators(posts: Path, work: Path) -> tuple[list[Row], dict[str, Any]]:
    result_file = work / "site-generators.json"
    run([PYTHON, REPOSITORY / "bench" / "site_generators.py", posts, "--runs", "3", "--json", result_file])
    result = read_json(result_file)
    tools = {name: tool["median_s"] for name, tool in result["tools"].items()}
    count = result["posts"]
    rows = [
        Row(f"`pressroom build`, {count:,} posts, every core", f"{tools['pressroom']:.2f} s",
            f"Hugo on one core {tools['hugo_1core']:.2f} s", tools["pressroom"] / tools["hugo_1core"], 1.0),
        Row(f"`pressroom build`, {count:,} posts, every core", f"{tools['pressroom']:.2f} s",
            f"Pelican {tools['pelican']:.2f} s", tools["pressroom"] / tools["pelican"], 0.25),
        Row(f"`pressroom build --jobs 1`, {count:,} posts", f"{tools['pressroom_jobs1']:.2f} s",
            f"Hugo on one core {tools['hugo_1core']:.2f} s",
            tools["pressroom_jobs1"] / tools["hugo_1core"], 1.0),
    ]  # fmt: skip
    return rows, result


def incremental_rebuild(posts: Path, work: Path, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    """A full build with the cache, then one post edited at a time and rebuilt from the cache."""
    edited = work / "rebuild-posts"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(posts, edited)
    out, cache = work / "rebuild-site", work / "rebuild-cache.pickle"
    say(f"Full build of {sizes.posts:,} posts with a cache, then {sizes.rebuild_edits} one-post edits")
    full = timed([PRESSROOM, "build", edited, "--out", out, "--cache", cache])
    files = sorted(edited.glob("*.md"))
    rebuilds = []
    for number in range(sizes.rebuild_edits):
        target = files[(number * 97) % len(files)]
        target.write_text(target.read_text(encoding="utf-8") + f"\nEdited for the benchmark ({number}).\n")
        rebuilds.append(timed([PRESSROOM, "build", edited, "--out", out, "--cache", cache]))
    rebuild = statistics.median(rebuilds)
    row = Row(
        f"`pressroom build` after editing one post of {sizes.posts:,} (cached)",
        f"{rebuild:.2f} s",
        f"the full build {full:.2f} s",
        rebuild / full,
        0.15,
    )
    return [row], {"full_s": full, "rebuilds_s": rebuilds}


def local_stack(work: Path, sizes: Sizes, pelican_s: float) -> tuple[list[Row], dict[str, Any]]:
    timings: dict[int, float] = {}
    for count in sorted({sizes.local_small, sizes.local_large, sizes.posts}):
        posts = generate(count, work / f"posts-{count}")
        say(f"pressroom local: {count:,} posts through the emulated stack")
        timings[count] = timed([PRESSROOM, "local", "--posts", posts, "--out", work / f"local-site-{count}"])
        say(f"  {timings[count]:.1f} s")
    small, large = sizes.local_small, sizes.local_large
    factor = large / small
    rows = [
        Row(f"`pressroom local`, {sizes.posts:,} posts", f"{timings[sizes.posts]:.1f} s",
            f"Pelican {pelican_s:.2f} s", timings[sizes.posts] / pelican_s, 5.0),
        Row(f"`pressroom local`, time per post at {large:,} posts against at {small:,}",
            f"{timings[large]:.1f} s", f"{small:,} posts {timings[small]:.1f} s",
            timings[large] / timings[small] / factor, 1.1),
    ]  # fmt: skip
    return rows, {str(count): seconds for count, seconds in timings.items()}


def publish_cost(work: Path, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    result_file = work / "publish-cost.json"
    run([PYTHON, REPOSITORY / "bench" / "publish_cost.py", "--sizes", ",".join(map(str, sizes.publish)),
         "--json", result_file], over_budget_exits_1=True)  # fmt: skip
    result = read_json(result_file)
    smallest, largest = str(min(sizes.publish)), str(max(sizes.publish))
    figures = result["sizes"]
    rows = [
        Row(f"Publishing one post: {label}, site of {int(largest):,} posts",
            str(figures[largest][key]), f"site of {int(smallest):,} posts: {figures[smallest][key]}",
            figures[largest][key] / figures[smallest][key], 1.2)
        for label, key in (("AWS requests", "requests"), ("objects written", "objects_written"))
    ]  # fmt: skip
    return rows, result


def cold_start(work: Path, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    result_file = work / "cold-start.json"
    run([PYTHON, REPOSITORY / "bench" / "cold_start.py", "--runs", str(sizes.cold_start_runs),
         "--json", result_file], over_budget_exits_1=True)  # fmt: skip
    result = read_json(result_file)
    baseline = result["baseline_ms"]
    handlers = result["handlers"]
    deployed = sorted(name for name in handlers if not name.endswith(SOURCES_ONLY))
    rows = [
        Row(f"Cold start: {name} (import + stage), built layers", f"{handlers[name]['median_ms']:.0f} ms",
            f"`boto3.client(\"s3\")` {baseline:.0f} ms", handlers[name]["ratio"], 1.3)
        for name in deployed
    ]  # fmt: skip
    rows += [
        Row(f"Cold start: {name}, the same layers without bytecode",
            f"{handlers[name + SOURCES_ONLY]['median_ms']:.0f} ms",
            f"with bytecode {handlers[name]['median_ms']:.0f} ms",
            handlers[name + SOURCES_ONLY]["median_ms"] / handlers[name]["median_ms"], None)
        for name in deployed
    ]  # fmt: skip
    core = result["core_layer_bytes"]
    rows += [
        Row(f"Deployment: {name} (its code and layers, zipped)", f"{size / 1_000_000:.1f} MB",
            f"the core layer alone {core / 1_000_000:.1f} MB", size / core, None)
        for name, size in sorted(result["deployed_bytes"].items())
    ]  # fmt: skip
    return rows, result


# Making one image's copies may cost at most this many times Pillow's own thumbnail + save of them.
IMAGES_BUDGET = 1.3


def images(work: Path) -> tuple[list[Row], dict[str, Any]]:
    """One 2,000-pixel PNG's smaller copies, pressroom's codec against Pillow used directly."""
    result_file = work / "images.json"
    run([PYTHON, REPOSITORY / "bench" / "images.py", "--json", result_file])
    result = read_json(result_file)
    image = result["image"]
    row = Row(
        f"An image's smaller copies: one {image['width']:,}-pixel PNG ({image['bytes'] / 1_000_000:.1f} MB), "
        f"{result['copies_kept']} copies kept",
        f"{result['pressroom_cpu_s']:.2f} s CPU",
        f"Pillow's thumbnail + save of the same {result['pillow_cpu_s']:.2f} s",
        result["ratio"],
        IMAGES_BUDGET,
    )
    return [row], result


# ------------------------------------------------------------------------------- the report


def machine() -> list[str]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB" if found else ""
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.is_file():
        found = re.search(r'^PRETTY_NAME="(.+)"$', release.read_text(), re.MULTILINE)
        os_name = found.group(1) if found else os_name
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {os_name}; load average {load:.2f} at the end",
        f"- Python {platform.python_version()}; " + ", ".join(
            f"{package} {metadata.version(package)}"
            for package in ("markdown-it-py", "nh3", "Jinja2", "Pygments", "PyYAML", "boto3", "moto")
        ),
    ]  # fmt: skip


def table(rows: Sequence[Row]) -> list[str]:
    lines = ["| Measure | pressroom | Reference (same run) | Ratio | Budget | |", "|---|---|---|---|---|---|"]
    for row in rows:
        verdict = "met" if row.met else "**missed**"
        ratio, budget = f"{row.ratio:.2f}×", "—" if row.budget is None else f"≤ {row.budget:g}×"
        verdict = "" if row.budget is None else verdict
        lines.append(f"| {row.measure} | {row.figure} | {row.reference} | {ratio} | {budget} | {verdict} |")
    return lines


def report(rows: Sequence[Row], details: dict[str, Any], sizes: Sizes, quick: bool, seconds: float) -> str:
    generators = details.get("site generators", {}).get("tools", {})
    tool_lines = [f"- `{name}`: {tool['version']}; `{tool['command']}`" for name, tool in generators.items()]
    lines = [
        BEGIN,
        f"Written by `make bench{' QUICK=1' if quick else ''}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"in {seconds / 60:.1f} minutes; {sizes.posts:,} generated posts (`scripts/generate-posts`).",
        "",
        *machine(),
        *tool_lines,
        "",
        *table(rows),
        "",
        f"{sum(row.met for row in rows if row.budget is not None)} of "
        f"{sum(row.budget is not None for row in rows)} budgets met.",
        "",
        "<details><summary>Every figure, as the benchmarks wrote them</summary>",
        "",
        "```json",
        json.dumps(details, indent=1, sort_keys=True, default=str),
        "```",
        "</details>",
        END,
    ]
    return "\n".join(lines)


def write_report(output: Path, generated: str) -> None:
    existing = output.read_text(encoding="utf-8") if output.is_file() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in existing or END not in existing:
        existing = existing.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    before, rest = existing.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    output.write_text(before + generated + after, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 posts: a few minutes")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "docs" / "BENCHMARKS.md")
    parser.add_argument("--work", type=Path, help="keep the posts, sites and raw figures here")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    posts = generate(sizes.posts, work / f"posts-{sizes.posts}")
    rows: list[Row] = []
    details: dict[str, Any] = {}

    def measure(name: str, step: Callable[[], tuple[list[Row], dict[str, Any]]]) -> None:
        say(f"== {name}")
        found, detail = step()
        rows.extend(found)
        details[name] = detail
        for row in found:
            verdict = (
                "no budget"
                if row.budget is None
                else f"budget {row.budget:g}×, {'met' if row.met else 'missed'}"
            )
            say(f"   {row.measure}: {row.figure} against {row.reference}: {row.ratio:.2f}× ({verdict})")

    measure("render path", lambda: render_path(posts, work, sizes))
    measure("site generators", lambda: site_generators(posts, work))
    measure("incremental rebuild", lambda: incremental_rebuild(posts, work, sizes))
    pelican = details["site generators"]["tools"]["pelican"]["median_s"]
    measure("local stack", lambda: local_stack(work, sizes, pelican))
    measure("publish cost", lambda: publish_cost(work, sizes))
    measure("cold start", lambda: cold_start(work, sizes))
    measure("hostile uploads", lambda: hostile_uploads(work))
    measure("images", lambda: images(work))
    write_report(args.output, report(rows, details, sizes, args.quick, time.perf_counter() - started))
    budgeted = [row for row in rows if row.budget is not None]
    met = sum(row.met for row in budgeted)
    say(f"Wrote {args.output} ({met} of {len(budgeted)} budgets met); figures in {work}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
