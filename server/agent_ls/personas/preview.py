"""What a rewrite would make of the document: the proposed text and its unified diff (pure)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from agent_ls.personas.session import TextChange


def proposed_text(text: str, changes: Sequence[TextChange]) -> str:
    """Returns `text` with every change applied (offsets into `text`; changes do not overlap)."""
    for change in sorted(changes, key=lambda c: (c.start, c.end), reverse=True):
        text = text[: change.start] + change.text + text[change.end :]
    return text


def unified_diff(text: str, changes: Sequence[TextChange], name: str) -> str:
    """Returns the unified diff (3 lines of context) from `text` to the proposed text."""
    before = text.splitlines(keepends=True)
    after = proposed_text(text, changes).splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
