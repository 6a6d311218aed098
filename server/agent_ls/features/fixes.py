"""`agent-ls check --fix`: applies the preferred quick fixes to a file's text, and writes the
result atomically. Pure except `write_fixed`."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from agent_ls.core.findings import Edit, Finding, Severity

MAX_ROUNDS = 10


def _score(findings: list[Finding]) -> tuple[int, ...]:
    """Findings counted by severity, most severe first: a smaller tuple is a better file."""
    return tuple(sum(f.severity == level for f in findings) for level in Severity)


def fix_text(text: str, check: Callable[[str], list[Finding]]) -> tuple[str, int]:
    """Returns the text with every preferred fix applied (non-overlapping ones together, then
    checked again, at most MAX_ROUNDS rounds), and how many fixes it applied. A round is kept
    only when it makes the file better, severities compared most severe first (fewer Errors;
    as many Errors and fewer Warnings; …), so the result is never worse."""
    applied = 0
    findings = check(text)
    for _ in range(MAX_ROUNDS):
        chosen: list[Edit] = []
        count = 0
        for finding in findings:
            fix = next((f for f in finding.fixes if f.preferred), None)
            if fix is None or any(
                a.start < b.end and b.start < a.end or a.start == b.start
                for a in fix.edits
                for b in chosen
            ):
                continue
            chosen += fix.edits
            count += 1
        if not chosen:
            break
        fixed = text
        for edit in sorted(chosen, key=lambda e: e.start, reverse=True):
            fixed = fixed[: edit.start] + edit.text + fixed[edit.end :]
        after = check(fixed)
        if _score(after) >= _score(findings):
            break
        text, findings, applied = fixed, after, applied + count
    return text, applied


def unified_diff(name: str, before: str, after: str) -> str:
    """A unified diff of the fix, as `diff -u` and ruff's `--diff` print it (`a/` and `b/`
    prefixes; an absolute path keeps its own leading slash: `a/tmp/x.md`)."""
    name = name.lstrip("/")
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
        )
    )


def write_fixed(path: Path, original: bytes, fixed: str) -> bool:
    """Replaces the file with `fixed` (UTF-8) through a temporary file in the same folder and a
    rename; returns False and leaves the file alone when it no longer holds `original` (changed
    since it was read). A symbolic link keeps pointing at the fixed file."""
    path = path.resolve()
    folder = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(fixed.encode("utf-8"))
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        if path.read_bytes() != original:
            return False
        os.replace(temporary, path)
        return True
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
