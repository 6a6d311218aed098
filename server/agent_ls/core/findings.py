"""The typed result of a check: findings with offsets, the fixes attached to them, and the rows of
the code tables that give each code its severity and documentation.

Dialect-free: each dialect brings its own table of codes (its own prefix: `AL`, `SK`, …) and
registers it with `register_codes`; a finding looks its severity up there.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered like LSP's DiagnosticSeverity (1 = error)."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {severity: severity.name.lower() for severity in Severity}
"""Each severity's label, worked out once (an enum's `name` is a slow descriptor)."""

SEVERITY_RULE = (
    "Severity follows the consequence in Claude Code: error — it does not load the agent, or the "
    "agent cannot run (zero tools, a model the API refuses); warning — it loads the agent but "
    "drops, changes or ignores something the author wrote, and the author can fix it; "
    "information — what Claude Code does on its own, which changes nothing the author wrote; "
    "hint — advice."
)
"""The rule every dialect's severities follow (said of agents; the same for every file type)."""


@dataclass(frozen=True)
class Code:
    """One row of a dialect's table of codes."""

    code: str
    severity: Severity
    title: str
    explanation: str
    example: str = ""  # lines of the file that produce it
    fix: str = ""  # what to write instead
    drops_file: bool = False
    """A finding of this code means Claude Code does not load the file at all."""
    example_language: str = "yaml"


CODES: dict[str, Code] = {}
"""Every registered code of every dialect, by code (prefixes keep them apart)."""


def register_codes(rows: Iterable[Code]) -> dict[str, Code]:
    """Adds a dialect's rows to `CODES`; returns them by code. A code registered twice with a
    different row is a programming error (two dialects sharing a prefix)."""
    table = {row.code: row for row in rows}
    for code, row in table.items():
        if CODES.get(code, row) != row:
            raise ValueError(f"the code {code} is registered twice")
    CODES.update(table)
    return table


def explain(code: str) -> str | None:
    """Returns a Markdown explanation of `code`, or None when no dialect has such a code."""
    entry = CODES.get(code.upper())
    if entry is None:
        return None
    text = f"**{entry.code}** ({entry.severity.label}): {entry.title}\n\n{entry.explanation}"
    if entry.example:
        text += f"\n\nExample:\n\n```{entry.example_language}\n{entry.example}\n```"
    if entry.fix:
        text += f"\n\nFix: {entry.fix}"
    return text


class Edit(NamedTuple):
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    """A quick fix: a titled set of edits to the same document, and possibly a new path for it
    (`core.renames` makes those)."""

    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False
    rename: str | None = None
    """The file's new path, relative to the file's folder (`SKILL.md`, `review/SKILL.md`) or
    absolute; the edits apply to the text before the rename."""


class Finding(NamedTuple):
    """One diagnostic: a code, what Claude Code will do, where, and how to fix it. (Findings,
    fixes and edits are tuples: thousands are made and sent between processes in one check, and
    a frozen dataclass costs three times as much to make and twice as much to unpickle.)"""

    code: str
    message: str
    start: int
    end: int
    fixes: tuple[Fix, ...] = ()
    severity_override: Severity | None = None

    @property
    def severity(self) -> Severity:
        return self.severity_override or CODES[self.code].severity
