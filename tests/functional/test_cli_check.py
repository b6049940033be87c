"""`pressroom check` on local files: the validator's verdicts as an author reads them, in text and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO, SHARED_POST

from pressroom_tools.cli import main

# Every refused case of the unit suite, in its own file name (Jekyll names carry the date).
VALIDATION = REPO / "tests" / "unit" / "fixtures" / "validation"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((VALIDATION / "cases.yaml").read_text(encoding="utf-8"))
UTF_16_POST = "---\ntitle: Saved as UTF-16\ndate: 2024-05-01\n---\n\nBody.\n"
# The uploads test_validation_cases.py builds in code because a text fixture cannot hold their bytes.
BUILT_IN_CODE: dict[str, bytes] = {
    "latin-1.md": "---\ntitle: Café\ndate: 2024-05-01\n---\n\nSaved as Latin-1.\n".encode("latin-1"),
    "nul-byte.md": b"---\ntitle: Binary\ndate: 2024-05-01\n---\n\nA NUL \x00 on line 6.\n",
    "whitespace-only.md": b"  \n\t\r\n   \n\n",
    "utf-16-le.md": b"\xff\xfe" + UTF_16_POST.encode("utf-16-le"),
    "utf-16-be.md": b"\xfe\xff" + UTF_16_POST.encode("utf-16-be"),
}
INVALID = sorted(name for name, case in CASES.items() if not case["valid"])
PROBLEM_PREFIX = "           - "


def post_file(name: str, tmp_path: Path) -> Path:
    """The case's post as a file named as the case is, on disk or written out from its bytes."""
    on_disk = VALIDATION / name
    if on_disk.exists():
        return on_disk
    path = tmp_path / name
    path.write_bytes(BUILT_IN_CODE[name])
    return path


def check_args(name: str, path: Path, *options: str) -> list[str]:
    max_bytes = CASES[name].get("max_bytes")
    return ["check", str(path), *options, *(["--max-bytes", str(max_bytes)] if max_bytes else [])]


def expected_problems(name: str) -> list[dict[str, Any]]:
    return [want for want in CASES[name]["problems"] for _ in range(want.get("times", 1))]


def fragments(want: dict[str, Any]) -> list[str]:
    contains = want["contains"]
    return [contains] if isinstance(contains, str) else list(contains)


def describes(line: str, want: dict[str, Any]) -> bool:
    """Whether a printed problem line says where (field and/or line) and what the case expects."""
    text = line.removeprefix(PROBLEM_PREFIX)
    where = text.split(": ", 1)[0]
    return (
        (want["field"] is None or where.startswith(want["field"]))
        and ("line" not in want or f"line {want['line']}" in where)
        and ("column" not in want or f"column {want['column']}" in where)
        and all(fragment in text for fragment in fragments(want))
    )


def test_the_shared_post_is_ok(capsys: pytest.CaptureFixture[str]):
    # GIVEN the CMS export every suite shares
    # WHEN it is checked
    status = main(["check", str(SHARED_POST)])

    # THEN it passes, and the author is told where it will be published
    out = capsys.readouterr().out
    assert status == 0
    line, date_line = out.splitlines()
    assert date_line.split() == [
        "date",
        "2025-01-14T00:00:00+00:00,",
        "from",
        "`publicationDate`:",
        "ISO",
        "8601",
    ]
    assert line.startswith("ok")
    assert str(SHARED_POST) in line
    assert "/posts/uk-ai-opportunities-action-plan/" in line
    assert "(published)" in line


@pytest.mark.parametrize("name", INVALID)
def test_an_invalid_post_is_reported_with_where_and_why(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a post the validator refuses (every refused case of the unit suite)
    path = post_file(name, tmp_path)

    # WHEN it is checked
    status = main(check_args(name, path))

    # THEN the exit status is 1, and each problem is printed naming its field or line
    out = capsys.readouterr().out
    assert status == 1, out
    lines = out.splitlines()
    assert lines[0].split() == ["invalid", str(path)]
    printed = [line for line in lines[1:] if line.startswith(PROBLEM_PREFIX)]
    assert len(printed) == len(lines) - 1, out
    expected = expected_problems(name)
    assert len(printed) == len(expected), out
    for want in expected:
        match = next((line for line in printed if describes(line, want)), None)
        assert match is not None, f"nothing printed matches {want}:\n{out}"
        printed.remove(match)


@pytest.mark.parametrize("name", INVALID)
def test_json_output_gives_each_problem_as_fields(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a post the validator refuses
    path = post_file(name, tmp_path)

    # WHEN it is checked with --format json
    status = main(check_args(name, path, "--format", "json"))

    # THEN the output is JSON: one verdict per file, its problems structured for tools
    assert status == 1
    (verdict,) = json.loads(capsys.readouterr().out)
    assert verdict["file"] == str(path)
    assert verdict["valid"] is False
    problems = verdict["problems"]
    assert len(problems) == len(expected_problems(name)), problems
    for problem in problems:
        assert set(problem) == {"field", "line", "column", "message", "text"}
        assert problem["message"] in problem["text"]
        where = problem["field"] or (f"line {problem['line']}" if problem["line"] else "")
        assert problem["text"].startswith(where)
    unmatched = list(problems)
    for want in expected_problems(name):
        match = next(
            (
                problem
                for problem in unmatched
                if problem["field"] == want["field"]
                and all(problem[key] == want[key] for key in ("line", "column") if key in want)
                and all(fragment in problem["message"] for fragment in fragments(want))
            ),
            None,
        )
        assert match is not None, f"no problem matches {want}; got {problems}"
        unmatched.remove(match)


def test_json_output_of_a_valid_post_says_where_it_will_be(capsys: pytest.CaptureFixture[str]):
    status = main(["check", "--format", "json", str(SHARED_POST)])

    assert status == 0
    (verdict,) = json.loads(capsys.readouterr().out)
    assert verdict == {
        "file": str(SHARED_POST),
        "valid": True,
        "status": "published",
        "slug": "uk-ai-opportunities-action-plan",
        "path": "/posts/uk-ai-opportunities-action-plan/",
        "title": "Our Response to the UK Government's AI Opportunities Action Plan",
        "date": "2025-01-14T00:00:00+00:00",
        "date_read_as": "`publicationDate`: ISO 8601",
        "warnings": [],
    }


def test_a_date_in_words_is_read_and_check_says_how(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    post = tmp_path / "2024-05-01-words.md"
    post.write_text("---\ntitle: In words\ndate: 1st May 2024 09:15\n---\n\nBody.\n", encoding="utf-8")

    status = main(["check", "--timezone", "Europe/London", str(post)])

    assert status == 0
    date_line = capsys.readouterr().out.splitlines()[1].strip()
    assert date_line == (
        "date 2024-05-01T09:15:00+01:00, from `date`: written out, read as Jekyll and Hugo read dates, "
        "in the site's time zone (Europe/London) as it gives no offset"
    )


def test_every_file_is_checked_and_one_invalid_file_fails_the_run(capsys: pytest.CaptureFixture[str]):
    # GIVEN a valid post and an invalid one
    broken = VALIDATION / "broken-post.md"

    # WHEN both are checked
    status = main(["check", str(SHARED_POST), str(broken)])

    # THEN both are reported, in order, and the run fails
    out = capsys.readouterr().out
    assert status == 1
    assert out.index(str(SHARED_POST)) < out.index(str(broken))
    assert f"invalid  {broken}" in out
    assert "- title: the post has no title" in out
    assert "- date: '2024-13-45' is not a real date" in out


def test_a_file_that_is_not_markdown_is_refused_as_never_a_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # GIVEN a valid post saved with a .txt extension
    notes = tmp_path / "notes.txt"
    notes.write_bytes(SHARED_POST.read_bytes())

    # WHEN it is checked
    status = main(["check", str(notes)])

    # THEN it is refused because the pipeline would never see it
    out = capsys.readouterr().out
    assert status == 1
    assert f"invalid  {notes}" in out
    assert "only .md and .markdown files are posts" in out


def test_a_missing_file_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # GIVEN a path with no file
    missing = tmp_path / "not-written-yet.md"

    # WHEN it is checked
    status = main(["check", str(missing)])

    # THEN the author is told it cannot be read, and why, rather than shown a traceback
    out = capsys.readouterr().out
    assert status == 2  # a file that cannot be read is a usage error, not an invalid post
    assert str(missing) in out
    assert "cannot read it: No such file or directory" in out


def test_an_unknown_time_zone_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    status = main(["check", "--timezone", "Mars/Olympus_Mons", str(SHARED_POST)])

    assert status == 2
    assert "'Mars/Olympus_Mons' is not an IANA time zone" in capsys.readouterr().err


def test_a_shortcode_pressroom_cannot_render_is_a_warning_with_its_line(capsys: pytest.CaptureFixture[str]):
    unknown = REPO / "tests" / "unit" / "fixtures" / "dialects" / "hugo-unknown-shortcodes.md"

    assert main(["check", str(unknown)]) == 0  # published anyway
    out = capsys.readouterr().out
    assert "warning: body (line 8): the Hugo shortcode `tweet` is not one pressroom renders" in out

    assert main(["check", "--format", "json", str(unknown)]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert [warning.split(":")[0] for warning in result["warnings"]] == ["body (line 8)", "body (line 10)"]


def test_a_page_is_checked_as_a_page_when_it_sits_in_a_folder_named_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "pages").mkdir()
    about = tmp_path / "pages" / "about.md"
    about.write_text("---\ntitle: About\nmenu: main\n---\n\nNo date needed.\n", encoding="utf-8")

    assert main(["check", str(about)]) == 0
    out = capsys.readouterr().out
    assert f"ok       {about} → /about/ (published)" in out
    assert "no date: a page needs none" in out
