"""`agent-ls check --fix`: applies the preferred quick fixes to a file's text, writes the result
atomically, and renames the file when its preferred fix says so. Pure except `write_fixed` and
`move_file`."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from agent_ls.core.findings import Edit, Finding, Fix, Severity
from agent_ls.core.renames import taken

MAX_ROUNDS = 10


def _score(findings: list[Finding]) -> tuple[int, ...]:
    """Findings counted by severity, most severe first: a smaller tuple is a better file."""
    return tuple(sum(f.severity == level for f in findings) for level in Severity)


def fix_text(text: str, check: Callable[[str], list[Finding]]) -> tuple[str, int]:
    """Returns the text with every preferred fix applied (non-overlapping ones together, then
    checked again, at most MAX_ROUNDS rounds), and how many fixes it applied. A round is kept
    only when it makes the file better, severities compared most severe first (fewer Errors;
    as many Errors and fewer Warnings; …), so the result is never worse. Fixes that rename the
    file are left for `rename_of`."""
    applied = 0
    findings = check(text)
    for _ in range(MAX_ROUNDS):
        chosen: list[Edit] = []
        count = 0
        for finding in findings:
            fix = next((f for f in finding.fixes if f.preferred and f.rename is None), None)
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
        fixed = apply_edits(text, chosen)
        after = check(fixed)
        if _score(after) >= _score(findings):
            break
        text, findings, applied = fixed, after, applied + count
    return text, applied


def apply_edits(text: str, edits: list[Edit] | tuple[Edit, ...]) -> str:
    """Returns `text` with the non-overlapping `edits` applied."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def rename_of(findings: list[Finding]) -> Fix | None:
    """The first preferred fix among `findings` that renames the file, or None."""
    return next(
        (fix for f in findings for fix in f.fixes if fix.preferred and fix.rename is not None),
        None,
    )


def unified_diff(name: str, before: str, after: str, new_name: str | None = None) -> str:
    """A unified diff of the fix, as `diff -u` and ruff's `--diff` print it (`a/` and `b/`
    prefixes; an absolute path keeps its own leading slash: `a/tmp/x.md`). A fix that renames
    the file to `new_name` is headed as git heads a rename (`rename from`, `rename to`)."""
    name = name.lstrip("/")
    new = name if new_name is None else new_name.lstrip("/")
    hunks = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{name}",
            f"b/{new}",
        )
    )
    if new_name is None:
        return hunks
    return f"diff --git a/{name} b/{new}\nrename from {name}\nrename to {new}\n{hunks}"


def move_file(path: Path, target: Path) -> bool:
    """Renames the file at `path` to `target`, making its folder; returns False and moves
    nothing when `target` is taken (another file, folder or link is there)."""
    if taken(path, target):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(path, target)
    return True


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
