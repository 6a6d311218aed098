"""`agent-ls check --fix` and `--diff` on fixes that rename a file, run as a real subprocess: the
file moves (its folder made), the report after the fix is of the new path, `--diff` prints the
rename as git does (and `git apply` takes it), and a rename onto a path that is taken is
refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_check import agent_ls, write

SKILL = "---\nname: demo\ndescription: Does the demo\n---\nDo the thing.\n"
COMMAND = "---\ndescription: Says hello\n---\nHello.\n"
LOOSE = "---\nname: loose\ndescription: Was loose\n---\nDo it.\n"


def files(root: Path) -> dict[str, str]:
    claude = root / ".claude"
    return {
        str(p.relative_to(root)): p.read_text("utf-8")
        for p in sorted(claude.rglob("*"))
        if p.is_file()
    }


def misnamed(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            ".claude/skills/demo/skill.md": SKILL,
            ".claude/skills/loose.md": LOOSE,
            ".claude/commands/Hello.MD": COMMAND,
        },
    )


def test_fix_renames_the_files_and_reports_them_at_their_new_place(tmp_path: Path) -> None:
    root = misnamed(tmp_path)
    done = agent_ls("check", ".", "--fix", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert files(root) == {
        ".claude/commands/Hello.md": COMMAND,
        ".claude/skills/demo/SKILL.md": SKILL,
        ".claude/skills/loose/SKILL.md": LOOSE,
    }
    for old, new in [
        (".claude/commands/Hello.MD", ".claude/commands/Hello.md"),
        (".claude/skills/demo/skill.md", ".claude/skills/demo/SKILL.md"),
        (".claude/skills/loose.md", ".claude/skills/loose/SKILL.md"),
    ]:
        assert f"agent-ls: renamed {old} to {new}\n" in done.stderr
    assert "agent-ls: applied 3 fixes to 3 files\n" in done.stderr
    report = json.loads(done.stdout)
    assert {f["path"]: f["diagnostics"] for f in report["files"]} == {
        ".claude/commands/Hello.md": [],
        ".claude/skills/demo/SKILL.md": [],
        ".claude/skills/loose/SKILL.md": [],
    }
    again = agent_ls("check", ".", "--fix", cwd=root)
    assert again.returncode == 0 and "applied 0 fixes to 0 files" in again.stderr


def test_fix_follows_a_file_named_on_the_command_line(tmp_path: Path) -> None:
    root = misnamed(tmp_path)
    done = agent_ls("check", ".claude/skills/demo/skill.md", "--fix", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "no such file" not in done.stderr
    assert (root / ".claude/skills/demo/SKILL.md").read_text() == SKILL
    assert done.stdout == "1 agent file checked: no problems\n"  # the renamed file, checked


def test_diff_shows_the_renames_as_git_does_and_moves_nothing(tmp_path: Path) -> None:
    root = misnamed(tmp_path)
    before = files(root)
    done = agent_ls("check", ".", "--diff", cwd=root)
    assert done.returncode == 1, done.stderr
    assert files(root) == before
    assert (
        "diff --git a/.claude/skills/demo/skill.md b/.claude/skills/demo/SKILL.md\n"
        "rename from .claude/skills/demo/skill.md\n"
        "rename to .claude/skills/demo/SKILL.md\n"
    ) in done.stdout
    assert (
        "rename from .claude/skills/loose.md\nrename to .claude/skills/loose/SKILL.md\n"
        in done.stdout
    )
    assert "rename from .claude/commands/Hello.MD\nrename to .claude/commands/Hello.md\n" in (
        done.stdout
    )
    assert "agent-ls: would apply 3 fixes to 3 files\n" in done.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_applies_the_diff(tmp_path: Path) -> None:
    root = misnamed(tmp_path)
    shutil.rmtree(root / ".git")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "."], cwd=root, check=True)
    done = agent_ls("check", ".", "--diff", cwd=root)
    applied = subprocess.run(
        [*git, "apply", "-"], cwd=root, input=done.stdout, text=True, capture_output=True
    )
    assert applied.returncode == 0, applied.stderr
    assert set(files(root)) == {
        ".claude/commands/Hello.md",
        ".claude/skills/demo/SKILL.md",
        ".claude/skills/loose/SKILL.md",
    }


def test_fix_never_renames_onto_an_existing_file(tmp_path: Path) -> None:
    taken = "---\nname: demo\ndescription: Already here\n---\nMine.\n"
    root = write(tmp_path, {".claude/skills/demo.md": SKILL, ".claude/skills/demo/SKILL.md": taken})
    done = agent_ls("check", ".", "--fix", cwd=root)
    assert done.returncode == 1, done.stderr
    assert "agent-ls: applied 0 fixes to 0 files\n" in done.stderr
    assert files(root) == {".claude/skills/demo.md": SKILL, ".claude/skills/demo/SKILL.md": taken}
    assert "SK104" in done.stdout


def test_two_files_for_one_target_one_is_renamed_and_nothing_overwritten(tmp_path: Path) -> None:
    # Both would become `demo/SKILL.md`: the loose file (SK104) and the folder's only
    # skill-like file (SK105). Once the first is renamed, the second is the skill's reference
    # file (Claude Code reads only SKILL.md there) and is left where it is.
    main = "---\nname: demo\ndescription: The folder's own\n---\nMain.\n"
    root = write(tmp_path, {".claude/skills/demo.md": SKILL, ".claude/skills/demo/main.md": main})
    done = agent_ls("check", ".", "--fix", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "agent-ls: applied 1 fix to 1 file\n" in done.stderr
    assert sorted(files(root).values()) == sorted([SKILL, main])
    assert ".claude/skills/demo/SKILL.md" in files(root)
