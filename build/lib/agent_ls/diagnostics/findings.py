"""The typed result of a check: findings with offsets, and the fixes attached to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_ls.diagnostics.codes import CODES, Severity


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A quick fix: a titled set of edits to the same document."""

    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Finding:
    """One diagnostic: a code, what Claude Code will do, where, and how to fix it."""

    code: str
    message: str
    start: int
    end: int
    fixes: tuple[Fix, ...] = field(default=())
    severity_override: Severity | None = None

    @property
    def severity(self) -> Severity:
        return self.severity_override or CODES[self.code].severity
