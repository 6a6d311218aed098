"""The folder walk's paths: made without parsing each name again, they are the paths `/` makes."""

from __future__ import annotations

import os
from pathlib import Path

from agent_ls import workspace

NAMES = ["a.md", ".hidden.md", "with space.md", "ünïcode.md", "x.y.md", "README.MD"]


def test_walked_paths_are_the_paths_a_slash_makes(tmp_path: Path) -> None:
    """`walk_files` builds each file's path from its folder's (`workspace._child_of`: pathlib's
    own `_make_child_relpath` where it has one): every part, the name, the stem, the parent, the
    text, equality and hash are those of `folder / name`, for relative and absolute roots."""
    folder = tmp_path / ".claude/agents/team"
    folder.mkdir(parents=True)
    for name in NAMES:
        (folder / name).write_text("---\nname: x\n---\n")
    for root in (tmp_path, Path(os.path.relpath(tmp_path)), Path(".")):
        here = os.getcwd()
        try:
            if root == Path("."):
                os.chdir(tmp_path)
            walked = list(workspace.walk_files(root, (".md", ".MD")))
        finally:
            os.chdir(here)
        expected = sorted(root / ".claude/agents/team" / n for n in NAMES)
        assert walked == expected
        for path, slash in zip(walked, expected, strict=True):
            assert (str(path), path.parts, path.name, path.stem, path.suffix, path.parent) == (
                str(slash),
                slash.parts,
                slash.name,
                slash.stem,
                slash.suffix,
                slash.parent,
            )
            assert hash(path) == hash(slash) and {path: 1}[slash] == 1
