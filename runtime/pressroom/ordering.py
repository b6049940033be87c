"""Ordering of S3 events for one key, by the `sequencer` S3 puts in each notification."""

from __future__ import annotations

SEQUENCER_WIDTH = 64


def sequencer_sort_key(sequencer: str) -> str:
    """A form of an S3 sequencer that sorts as S3 orders events for the same key.

    S3 documents sequencers as hexadecimal strings to compare after padding the shorter
    one on the right; upper-casing makes the comparison independent of the producer's case.
    """
    return sequencer.upper().ljust(SEQUENCER_WIDTH, "0")


def is_newer(candidate: str, current: str | None) -> bool:
    """True when `candidate` describes a later event than `current` (None: nothing seen yet)."""
    return current is None or sequencer_sort_key(candidate) > sequencer_sort_key(current)
