"""S3 sequencers: compared as hex after right-padding, case-insensitively; None means nothing seen."""

from __future__ import annotations

import pytest

from pressroom.ordering import is_newer, sequencer_sort_key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("0055aed6dcd90281e5", "0055AED6DCD90281E5", id="lower-vs-upper-case"),
        pytest.param("0055AED6DCD90281E5", "0055AED6DCD90281E500", id="right-padding"),
        pytest.param("0055aed6dcd90281e5", "0055AED6DCD90281E50000", id="padding-and-case"),
    ],
)
def test_same_event_in_different_spellings_sorts_equal(first: str, second: str):
    assert sequencer_sort_key(first) == sequencer_sort_key(second)
    assert not is_newer(first, second)
    assert not is_newer(second, first)


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        pytest.param("0055AED6DCD90281E5", "0055AED6DCD90281E6", id="last-digit"),
        pytest.param("0055AED6DCD90281E5", "0055AED6DCD90281E501", id="longer-with-more-after-padding"),
        pytest.param("0055AED6DCD90281E5", "0055aed6dcd90281f0", id="lower-case-newer"),
        pytest.param("0055AED6DCD90281E9", "0055AED6DCD90281EA", id="hex-letters-after-digits"),
        # Right padding, not numeric comparison: "1" is 0x10... and beats "0F".
        pytest.param("0F", "1", id="shorter-can-be-newer"),
    ],
)
def test_later_sequencer_is_newer(older: str, newer: str):
    assert is_newer(newer, older)
    assert not is_newer(older, newer)
    assert sequencer_sort_key(older) < sequencer_sort_key(newer)


def test_anything_is_newer_than_nothing_seen():
    assert is_newer("0055AED6DCD90281E5", None)
    assert is_newer("00", None)


def test_an_event_is_not_newer_than_itself():
    assert not is_newer("0055AED6DCD90281E5", "0055AED6DCD90281E5")


def test_sort_key_is_upper_case_and_padded_to_the_width():
    key = sequencer_sort_key("0055aed6dcd90281e5")

    assert key == "0055AED6DCD90281E50000000000000000000000000000000000000000000000"


def test_sorting_by_the_key_orders_a_mixed_batch():
    # GIVEN sequencers for one key as a batch of notifications might deliver them
    batch = ["0055AED6DCD90281E7", "0055aed6dcd90281e5", "0055AED6DCD90281E600"]

    # THEN sorting by the key restores S3's order
    assert sorted(batch, key=sequencer_sort_key) == [
        "0055aed6dcd90281e5",
        "0055AED6DCD90281E600",
        "0055AED6DCD90281E7",
    ]
