"""Fixes that rename a file: the target's path, and whether it is free.

A rename fix is offered only where its target is certain and free: never onto an existing file
(a file, a folder or a link, even a dangling one), never for a document without a path on disk.
The one look at the disk is `taken`.
"""

from __future__ import annotations

import os
from pathlib import Path

from agent_ls.core.findings import Fix


def target_of(path: Path, rename: str) -> Path:
    """The path a fix's `rename` moves the file at `path` to (relative to its folder)."""
    return path.parent / rename


def taken(path: Path, target: Path) -> bool:
    """Whether `target` is occupied by anything but the file at `path` itself (a case-only
    rename on a case-insensitive file system names the same file), or cannot be made because
    a part of its folder is not a folder."""
    for folder in target.parents:
        if folder == path.parent or os.path.isdir(folder):
            break
        if os.path.lexists(folder):
            return True
    if not os.path.lexists(target):
        return False
    try:
        return not os.path.samefile(path, target)
    except OSError:
        return True


def rename_fix(path: Path | None, rename: str, preferred: bool = True) -> tuple[Fix, ...]:
    """The fix that renames the file at `path` to `rename` (relative to its folder), or none
    when the file is not on disk or the target is taken."""
    if path is None or not path.is_file() or taken(path, target_of(path, rename)):
        return ()
    return (Fix(f"Rename the file to `{rename}`", (), preferred, rename=rename),)
