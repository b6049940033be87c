"""The queues' message contracts: the wire format, and a message that does not fit is refused."""

from __future__ import annotations

import json

import pytest

from pressroom.events import ContractError
from pressroom.messages import ListPosts, RenderPosts, StalePagesNote, parse_stale_note, parse_work


def test_a_stale_pages_note_round_trips_in_its_wire_format():
    note = StalePagesNote(stale=["feeds", "front|all"], cause="posts/a.md@0055", correlation_id="a.md@v")

    assert json.loads(note.to_json()) == {
        "stale": ["feeds", "front|all"],
        "cause": "posts/a.md@0055",
        "correlationId": "a.md@v",
    }
    assert parse_stale_note(note.to_json()) == note


def test_a_stale_pages_note_queued_before_correlation_ids_still_reads():
    note = parse_stale_note('{"stale": ["feeds"], "cause": "posts/a.md@0055"}')

    assert (note.stale, note.correlation_id) == (["feeds"], None)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"republish": "r1", "after": null}', ListPosts(republish="r1")),
        (
            '{"republish": "r1", "after": {"pk": {"S": "LIST#all"}}}',
            ListPosts(republish="r1", after={"pk": {"S": "LIST#all"}}),
        ),
        ('{"republish": "r1", "slugs": ["a", "b"]}', RenderPosts(republish="r1", slugs=["a", "b"])),
    ],
)
def test_republish_work_is_read_by_what_it_names(body: str, expected: object):
    assert parse_work(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"slugs": ["a"]}',
        '{"republish": "r1", "slugs": "a"}',
        '{"stale": "feeds", "cause": 1}',
    ],
)
def test_a_message_that_does_not_fit_its_contract_is_refused(body: str):
    with pytest.raises(ContractError):
        parse_work(body) if "stale" not in body else parse_stale_note(body)
