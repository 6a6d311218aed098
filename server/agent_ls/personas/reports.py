"""Where persona reports are kept, so they outlive the server: `.agent-ls/reports/` in the
workspace when it is writable and git ignores that folder (nothing lands in a commit by accident),
else the user's cache, `$XDG_CACHE_HOME/agent-ls/reports/<workspace>-<hash>` (default
`~/.cache`). No protocol here."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

WORKSPACE_FOLDER = Path(".agent-ls") / "reports"
GIT_TIMEOUT = 5.0
"""Seconds `git check-ignore` may take before the cache is used instead."""


def _gitignored(root: Path, folder: Path) -> bool:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-q", str(folder) + "/"],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def cache_folder(root: Path | None) -> Path:
    """Returns the user-cache folder of the reports of workspace `root`."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    if root is None:
        return base / "agent-ls" / "reports" / "no-workspace"
    digest = hashlib.sha256(str(root).encode()).hexdigest()[:10]
    return base / "agent-ls" / "reports" / f"{root.name}-{digest}"


def report_folder(root: Path | None) -> Path:
    """Returns the folder, created, where the reports of workspace `root` are kept."""
    if root is not None and os.access(root, os.W_OK):
        folder = root / WORKSPACE_FOLDER
        if _gitignored(root, folder):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                return folder
            except OSError:
                pass
    folder = cache_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_report(folder: Path, stem: str) -> Path:
    """Returns a path in `folder` no file has yet: `<time>-<stem>.md` (then -2, -3…)."""
    base = f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}"
    path, number = folder / f"{base}.md", 1
    while path.exists():
        number += 1
        path = folder / f"{base}-{number}.md"
    return path


def list_reports(folder: Path) -> list[Path]:
    """Returns the reports in `folder`, newest first."""
    try:
        found = [p for p in folder.glob("*.md") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
