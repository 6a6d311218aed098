"""Fixes that rename a file: which findings carry one, the path it moves the file to, and none
where the target is uncertain or taken (another file, folder or link is there).

Every case variant of `SKILL.md` is skipped by Claude Code 2.1.332 (recorded: s026, s057–s061),
so each gets the rename to `SKILL.md`; a command's `.MD` is skipped (m007) and gets `.md`.
The files are written in a temporary workspace: the rename's target is judged on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import read_source
from agent_ls.core.renames import rename_fix, taken, target_of
from agent_ls.dialects.base import CheckContext
from agent_ls.dialects.commands import DIALECT as COMMANDS
from agent_ls.dialects.skills import DIALECT as SKILLS
from agent_ls.dialects.skills import SkillsDialect
from agent_ls.features.fixes import fix_text, move_file, rename_of, unified_diff

SKILL_TEXT = "---\nname: demo\ndescription: Does the demo\n---\nDo the thing.\n"


def write(root: Path, rel: str, text: str = SKILL_TEXT) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def findings(path: Path, dialect: SkillsDialect = SKILLS) -> list[Finding]:
    ctx = CheckContext(dialect.catalogue, path=path, file_stem=path.stem)
    return dialect.check(read_source(path.read_text("utf-8")), ctx)


def renames(path: Path, dialect: SkillsDialect = SKILLS) -> list[tuple[str, str | None]]:
    """(code, rename) of each fix of each finding of the file."""
    return [(f.code, fix.rename) for f in findings(path, dialect) for fix in f.fixes]


@pytest.mark.parametrize("name", ["skill.md", "Skill.md", "SKILL.MD", "skill.MD", "SkIlL.md"])
def test_every_spelling_of_skill_md_is_renamed_to_it(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f".claude/skills/demo/{name}")
    (finding,) = findings(path)
    assert finding.code == "SK102"
    (fix,) = finding.fixes
    assert (fix.rename, fix.edits, fix.preferred) == ("SKILL.md", (), True)
    assert fix.title == "Rename the file to `SKILL.md`"
    assert target_of(path, "SKILL.md") == tmp_path / ".claude/skills/demo/SKILL.md"


def test_a_loose_skill_file_moves_into_a_folder_of_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, ".claude/skills/demo.md")
    assert renames(path) == [("SK104", "demo/SKILL.md")]


def test_a_folder_without_skill_md_gets_its_only_skill_like_file_renamed(tmp_path: Path) -> None:
    path = write(tmp_path, ".claude/skills/demo/main.md")
    write(tmp_path, ".claude/skills/demo/notes.md", "Notes without a frontmatter.\n")
    assert renames(path) == [("SK105", "SKILL.md")]


def test_a_command_with_an_upper_case_extension_gets_md(tmp_path: Path) -> None:
    path = write(tmp_path, ".claude/commands/demo.MD", "---\ndescription: d\n---\nGo.\n")
    assert renames(path, COMMANDS) == [("CM106", "demo.md")]


def test_a_plugin_skill_gets_the_same_rename(tmp_path: Path) -> None:
    write(tmp_path, "kit/.claude-plugin/plugin.json", '{"name": "kit"}')
    path = write(tmp_path, "kit/skills/demo/skill.md")
    assert renames(path) == [("SK102", "SKILL.md")]


@pytest.mark.parametrize(
    ("rel", "others", "code"),
    [
        # two spellings in one folder: which one is the skill is not certain
        (".claude/skills/demo/skill.md", {"Skill.md": SKILL_TEXT}, "SK102"),
        # the target exists (the loose file's folder already has a SKILL.md)
        (".claude/skills/demo.md", {"demo/SKILL.md": SKILL_TEXT}, None),
        # a file where the target's folder would be
        (".claude/skills/demo.md", {"demo": "not a folder\n"}, "SK104"),
        # two files with a frontmatter in a folder without SKILL.md
        (".claude/skills/demo/main.md", {"other.md": SKILL_TEXT}, "SK105"),
        # a command whose lower-case name exists
        (".claude/commands/demo.MD", {"demo.md": "---\ndescription: d\n---\n"}, "CM106"),
        # an extension that is not Markdown in any case: no certain target
        (".claude/commands/demo.txt", {}, "CM106"),
    ],
)
def test_no_rename_where_the_target_is_uncertain_or_taken(
    tmp_path: Path, rel: str, others: dict[str, str], code: str | None
) -> None:
    path = write(tmp_path, rel)
    for name, text in others.items():
        write(tmp_path, str(Path(rel).parent / name), text)
    dialect = COMMANDS if "/commands/" in rel else SKILLS
    found = findings(path, dialect)
    assert all(not f.fixes for f in found), found
    if code is not None:
        assert code in [f.code for f in found]


def test_a_dangling_link_takes_the_target(tmp_path: Path) -> None:
    path = write(tmp_path, ".claude/skills/demo/skill.md")
    os.symlink(tmp_path / "nowhere", path.with_name("SKILL.md"))
    assert taken(path, path.with_name("SKILL.md"))
    assert rename_fix(path, "SKILL.md") == ()
    assert [f.fixes for f in findings(path)] == [()]


def test_no_rename_for_a_file_not_on_disk(tmp_path: Path) -> None:
    assert rename_fix(None, "SKILL.md") == ()
    assert rename_fix(tmp_path / "unsaved.md", "SKILL.md") == ()
    ctx = CheckContext(SKILLS.catalogue, path=tmp_path / ".claude/skills/demo/skill.md")
    (finding,) = SKILLS.check(read_source(SKILL_TEXT), ctx)
    assert (finding.code, finding.fixes) == ("SK102", ())


def test_move_file_refuses_a_taken_target_and_makes_the_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "skills/demo.md")
    write(tmp_path, "skills/taken.md", "mine\n")
    assert not move_file(path, tmp_path / "skills/taken.md")
    assert (tmp_path / "skills/taken.md").read_text() == "mine\n" and path.exists()
    assert move_file(path, tmp_path / "skills/demo/SKILL.md")
    assert not path.exists()
    assert (tmp_path / "skills/demo/SKILL.md").read_text() == SKILL_TEXT


def test_text_fixes_leave_the_rename_for_rename_of() -> None:
    rename = Fix("Rename", (), True, rename="SKILL.md")
    text_fix = Fix("Fix the value", (Edit(0, 1, "b"),), True)
    found = [Finding("SK102", "m", 0, 3, (rename,)), Finding("SK301", "m", 0, 1, (text_fix,))]

    def check(text: str) -> list[Finding]:
        return found if text == "a" else found[:1]

    assert fix_text("a", check) == ("b", 1)
    assert rename_of(check("b")) is rename
    assert rename_of([found[1]]) is None


def test_the_diff_of_a_rename_is_headed_as_git_heads_one() -> None:
    assert unified_diff("s/skill.md", "x\n", "x\n", "s/SKILL.md") == (
        "diff --git a/s/skill.md b/s/SKILL.md\nrename from s/skill.md\nrename to s/SKILL.md\n"
    )
    both = unified_diff("s/skill.md", "x\n", "y\n", "s/SKILL.md")
    assert both.startswith(
        "diff --git a/s/skill.md b/s/SKILL.md\nrename from s/skill.md\nrename to s/SKILL.md\n"
        "--- a/s/skill.md\n+++ b/s/SKILL.md\n@@ -1 +1 @@\n-x\n+y\n"
    )
