"""Progress for long work, on stderr so that results on stdout stay clean."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Progress lines on stderr: rewritten in place on a terminal, one per step otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self._last_length = 0

    def step(self, message: str) -> None:
        if self.interactive:
            self.stream.write("\r" + message.ljust(self._last_length))
            self._last_length = len(message)
        else:
            self.stream.write(message + "\n")
        self.stream.flush()

    def done(self, message: str) -> None:
        if self.interactive:
            self.stream.write("\r" + message.ljust(self._last_length) + "\n")
            self._last_length = 0
        else:
            self.stream.write(message + "\n")
        self.stream.flush()


def bar(done: int, total: int, failed: int = 0, width: int = 30, failed_label: str = "failed") -> str:
    """A text progress bar: [##########..........] 523/1,000 done, 2 failed."""
    filled = width if total == 0 else min(width, round(width * (done + failed) / total))
    tail = f", {failed:,} {failed_label}" if failed else ""
    return f"[{'#' * filled}{'.' * (width - filled)}] {done + failed:,}/{total:,} done{tail}"
