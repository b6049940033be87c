"""What a refused template is, and the bound on a render's work: what stages catch and configure.

Kept apart from `pressroom.theme.sandbox`, which holds the Jinja2 side, so that building a stage
(which catches TemplateRefusedError) does not import Jinja2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderLimits:
    """How much work one render may do before it is refused."""

    steps: int = 1_000_000
    value_chars: int = 16_000_000
    output_chars: int = 64_000_000
    seconds: float = 5.0


class TemplateRefusedError(Exception):
    """A theme template was refused: it tried something templates may not do, or failed."""

    def __init__(self, template: str, line: int | None, reason: str) -> None:
        super().__init__(template, line, reason)
        self.template = template
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        where = f"{self.template}, line {self.line}" if self.line else self.template
        return f"{where}: {self.reason}"
