"""`agent-ls check --fix` and `--diff` on a copy of a folder, run as a real subprocess: the safe
fixes applied in place, idempotent, atomic, never on a file they cannot improve; and
`write_fixed` leaving alone a file that changed between read and write."""

from __future__ import annotations

from pathlib import Path

from test_check import agent_ls, write

from agent_ls.features.fixes import write_fixed

BROKEN = (
    "---\nname: typo\ndescription: Reviews code\ntools: Read, Reed, TodoWrite, read\n"
    "allowedTools: Bash, Read\nName: typo\nmodel: gpt-4\ncolor: Blue\npermissionMode: plann\n"
    "---\n\nYou review code.\n"
)
FIXED = (
    "---\nname: typo\ndescription: Reviews code\ntools: Read, Bash\nmodel: inherit\n"
    "color: blue\npermissionMode: plan\n---\n\nYou review code.\n"
)
CLEAN = "---\nname: clean\ndescription: Reviews code\ntools: Read\n---\n\nYou review code.\n"
UNFIXABLE = "---\nname: open\ndescription: d\ntools: TodoWrite\n---\n\nYou review code.\n"
NOT_UTF8 = b"---\nname: latin\ndescription: caf\xe9\ntools: Reed, Read\n---\n\nBody\n"


def folder(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            ".claude/agents/typo.md": BROKEN,
            ".claude/agents/clean.md": CLEAN,
            ".claude/agents/open.md": UNFIXABLE,
            ".claude/agents/latin.md": NOT_UTF8,
        },
    )


def contents(root: Path) -> dict[str, bytes]:
    agents = root / ".claude/agents"
    return {p.name: p.read_bytes() for p in sorted(agents.iterdir())}


def test_diff_prints_the_fixes_and_writes_nothing(tmp_path: Path) -> None:
    root = folder(tmp_path)
    before = contents(root)
    done = agent_ls("check", ".", "--diff", cwd=root)
    assert done.returncode == 1, done.stderr
    assert contents(root) == before
    assert done.stdout.startswith(
        "--- a/.claude/agents/typo.md\n+++ b/.claude/agents/typo.md\n@@ -1,12 +1,10 @@\n"
    )
    assert (
        "-tools: Read, Reed, TodoWrite, read\n-allowedTools: Bash, Read\n-Name: typo\n"
        in done.stdout
    )
    assert (
        "+tools: Read, Bash\n+model: inherit\n+color: blue\n+permissionMode: plan\n" in done.stdout
    )
    assert done.stdout.count("--- a/") == 1  # nothing for the clean, unfixable or non-UTF-8 file
    assert "would apply 8 fixes to 1 file" in done.stderr


def test_fix_writes_the_fixes_then_reports_what_is_left(tmp_path: Path) -> None:
    root = folder(tmp_path)
    before = contents(root)
    done = agent_ls("check", ".", "--fix", "--color", "never", cwd=root)
    after = contents(root)
    assert after["typo.md"] == FIXED.encode()
    for unchanged in ("clean.md", "open.md", "latin.md"):  # nothing to improve, or not UTF-8
        assert after[unchanged] == before[unchanged], unchanged
    assert "applied 8 fixes to 1 file" in done.stderr
    assert "typo.md" not in done.stdout  # every problem of it is gone
    assert "open.md:4:8: error AL406" in done.stdout and done.returncode == 1
    assert "latin.md: not fixed (not valid UTF-8)" in done.stderr
    assert not [p for p in (root / ".claude/agents").iterdir() if p.suffix == ".tmp"]


def test_fix_is_idempotent(tmp_path: Path) -> None:
    root = folder(tmp_path)
    agent_ls("check", ".", "--fix", cwd=root)
    once = contents(root)
    again = agent_ls("check", ".", "--fix", cwd=root)
    assert contents(root) == once
    assert "applied 0 fixes to 0 files" in again.stderr
    assert agent_ls("check", ".", "--diff", cwd=root).stdout == ""


def test_fix_keeps_crlf_and_a_bom(tmp_path: Path) -> None:
    text = "\ufeff" + BROKEN.replace("\n", "\r\n")
    root = write(tmp_path, {".claude/agents/typo.md": text})
    agent_ls("check", ".", "--fix", cwd=root)
    fixed = (root / ".claude/agents/typo.md").read_bytes().decode("utf-8")
    assert fixed == "\ufeff" + FIXED.replace("\n", "\r\n")


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "agent.md"
    path.write_bytes(b"edited by someone else\n")
    assert write_fixed(path, BROKEN.encode(), FIXED) is False
    assert path.read_bytes() == b"edited by someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent.md"]  # no temporary file left
    path.write_bytes(BROKEN.encode())
    path.chmod(0o640)
    assert write_fixed(path, BROKEN.encode(), FIXED) is True
    assert path.read_bytes() == FIXED.encode() and path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent.md"]


def test_diff_with_a_missing_path_still_exits_2(tmp_path: Path) -> None:
    root = folder(tmp_path)
    done = agent_ls("check", ".", "nowhere.md", "--diff", cwd=root)
    assert done.returncode == 2 and "nowhere.md: no such file or folder" in done.stderr
    assert done.stdout.startswith("--- a/.claude/agents/typo.md\n")


def test_fix_trades_an_error_for_lesser_findings(tmp_path: Path) -> None:
    """Closing an unclosed frontmatter removes an Error and brings an Information (empty body):
    better by severity, so --fix applies it, though the count of findings does not drop."""
    root = write(tmp_path, {".claude/agents/open.md": "---\nname: open\ndescription: d\n"})
    done = agent_ls("check", ".", "--fix", cwd=root)
    assert (root / ".claude/agents/open.md").read_text() == "---\nname: open\ndescription: d\n---\n"
    assert done.returncode == 0, done.stdout + done.stderr
    assert "AL103" not in done.stdout


def test_diff_names_absolute_paths_with_one_slash(tmp_path: Path) -> None:
    root = write(tmp_path, {".claude/agents/typo.md": BROKEN})
    done = agent_ls("check", str(root), "--diff", cwd=root)
    assert done.stdout.startswith(f"--- a{root}/.claude/agents/typo.md\n"), done.stdout[:200]
