"""Workspace-relative globs (`**` spans folders), matched the same way by the CLI's walk, the
language server and the persona directory."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path


def matches_globs(path: Path, root: Path | None, globs: tuple[str, ...]) -> bool:
    """Whether `path` matches one of the workspace-relative `globs` (`**` spans folders).

    Without a root (or outside it), a glob matches any tail of the path: `.claude/agents/**/*.md`
    matches `/home/me/project/.claude/agents/x.md`. A glob starting with `**/` matches any tail
    even inside the root, whose own path may hold the agent folder (`check .claude/agents`).
    """
    folder, name = os.path.split(path)
    names, whole = _in_folder(folder, root, globs)
    for pattern in names:
        if pattern.fullmatch(name):
            return True
    return bool(whole) and _matches_whole(folder, name, root, whole)


@functools.lru_cache(maxsize=4096)
def _in_folder(
    folder: str, root: Path | None, globs: tuple[str, ...]
) -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    """For the files of `folder`: the patterns of the file names that match (one per glob whose
    folder part matches `folder`), and the globs matched against the whole path (those whose last
    part holds `**`). Worked out once per folder, so a walk matches each file by its name only."""
    absolute_folder, relative_folder = _folder_paths(folder, root)
    absolute = os.path.join(absolute_folder, "")  # the path before the file name, `/` ending it
    relative = None if relative_folder is None else os.path.join(relative_folder, "")
    names: list[re.Pattern[str]] = []
    whole: list[str] = []
    for glob in globs:
        head, slash, tail = glob.rpartition("/")
        if "**" in tail or (head.endswith("**") and head != "**" and not head.endswith("/**")):
            whole.append(glob)  # the name alone cannot tell (`a/**`, `a**/b.md`)
            continue
        # A file name holds no `/`, nor can the name part match one: the glob matches iff its
        # part up to the last `/` matches the folder's path and the rest matches the name.
        prefix = head + slash
        if (relative is not None and _glob_regex(prefix).fullmatch(relative)) or (
            (relative is None or glob.startswith("**/")) and _tail_regex(prefix).search(absolute)
        ):
            names.append(_glob_regex(tail))
    return tuple(names), tuple(whole)


def _matches_whole(folder: str, name: str, root: Path | None, globs: tuple[str, ...]) -> bool:
    absolute_folder, relative_folder = _folder_paths(folder, root)
    absolute = os.path.join(absolute_folder, name)
    relative = None if relative_folder is None else os.path.join(relative_folder, name)
    for glob in globs:
        pattern = _glob_regex(glob)
        if relative is not None and pattern.fullmatch(relative):
            return True
        if (relative is None or glob.startswith("**/")) and _tail_regex(glob).search(absolute):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _folder_paths(folder: str, root: Path | None) -> tuple[str, str | None]:
    """Returns `folder` made absolute, and relative to `root` ("" for the root itself; None when
    outside it): worked out once per folder, not once per file (no symlink resolution)."""
    absolute = os.path.abspath(folder)
    if root is None:
        return absolute, None
    root_path = os.path.abspath(root)
    if absolute == root_path:
        return absolute, ""
    prefix = os.path.join(root_path, "")
    return absolute, absolute[len(prefix) :] if absolute.startswith(prefix) else None


@functools.cache
def _tail_regex(glob: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|/)" + _glob_regex(glob).pattern)


@functools.cache
def _glob_regex(glob: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", glob)
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + "$")
