"""`agent-ls check` in several processes says exactly what one process says, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent_ls import cli, workspace
from agent_ls.settings import Settings

FILES = 120
CHUNK = 25  # five chunks: duplicate names fall in different chunks


def write_folder(root: Path) -> None:
    agents = root / ".claude/agents"
    (agents / "team").mkdir(parents=True)
    for i in range(FILES):
        folder = agents / "team" if i % 7 == 0 else agents
        tools = "Read, Grep" if i % 3 else "Read, LS"  # LS: a removed tool (a warning)
        name = f"agent-{i % 40}"  # 0, 40 and 80 share a name, and so on: across chunks
        (folder / f"a{i:03d}.md").write_text(
            f"---\nname: {name}\ndescription: Agent {i}\ntools: {tools}\n---\n\nBody {i}.\n"
        )
    (agents / "binary.md").write_bytes(b"\0\1\2")  # no frontmatter: AL101, as Claude Code reads it
    os.mkfifo(agents / "fifo.md")  # not a regular file: an error line on stderr
    (root / "notes.md").write_text("# ordinary Markdown, skipped\n")


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_pool_output_is_byte_identical_to_one_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    output: str,
) -> None:
    write_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(workspace, "_CHUNK_FILES", CHUNK)
    runs = []
    for pool_from in (10**9, 1):  # one process, then a pool however small the input
        monkeypatch.setattr(workspace, "POOL_MIN_FILES", pool_from)
        code = cli.main(["check", ".", "--format", output])
        runs.append((code, *capsys.readouterr()))
    assert runs[0] == runs[1]
    code, out, err = runs[1]
    assert code == 2 and "fifo.md: not a regular file" in err
    if output == "text":
        reported = [line for line in out.splitlines() if line.startswith(".claude/")]
        assert sum(" AL208 " in line for line in reported) == FILES  # every name thrice
        assert any("binary.md:1:1: error AL101" in line for line in reported)
        assert "a000.md" in out and "notes.md" not in out


def test_pool_finds_duplicates_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_folder(tmp_path)
    monkeypatch.setattr(workspace, "_CHUNK_FILES", CHUNK)
    monkeypatch.setattr(workspace, "POOL_MIN_FILES", 1)
    files = list(workspace.walk_markdown(tmp_path))
    reports, errors = workspace.check_paths(files, set(), tmp_path, Settings())
    assert [r.path for r in reports] == sorted(
        (p for p in files if p.name.startswith(("a", "binary"))), key=files.index
    )
    first = next(r for r in reports if r.path.name == "a000.md")
    (duplicate,) = [f for f in first.findings if f.code == "AL208"]
    assert "a040.md" in duplicate.message and "a080.md" in duplicate.message
    assert [p.name for p, _ in errors] == ["fifo.md"]


def test_pool_finds_every_dialect_s_names_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output styles and commands, whose names the workers send back as agents' are."""
    ws = tmp_path / "ws"
    styles, commands = ws / ".claude/output-styles", ws / ".claude/commands"
    styles.mkdir(parents=True)
    commands.mkdir(parents=True)
    for i in range(60):
        (styles / f"s{i:02d}.md").write_text(f"---\nname: style-{i % 30}\n---\nPrompt {i}.\n")
        (commands / f"c{i:02d}.md").write_text(f"---\ndescription: Command {i}\n---\nDo {i}.\n")
    home = tmp_path / "home"
    (home / ".claude/commands").mkdir(parents=True)
    (home / ".claude/commands/c07.md").write_text("---\ndescription: The user's\n---\nMine.\n")
    monkeypatch.setattr(workspace, "_CHUNK_FILES", CHUNK)
    monkeypatch.setattr(workspace, "POOL_MIN_FILES", 1)
    files = [*workspace.walk_markdown(ws), home / ".claude/commands/c07.md"]
    reports, _ = workspace.check_paths(files, set(), ws, Settings(), home)
    codes = {r.path.relative_to(tmp_path).as_posix(): [f.code for f in r.findings] for r in reports}
    assert sum(c.count("OS204") for c in codes.values()) == 60  # 30 names, twice each
    assert codes["ws/.claude/commands/c07.md"] == ["CM114"]  # the user's command wins
    assert codes["home/.claude/commands/c07.md"] == []


@pytest.mark.parametrize("where", ["fork", "parent"])
def test_a_failing_share_is_an_error_and_leaves_no_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A bug while checking a share (injected: `_check_files` raises in the fork, or in this
    process) raises here, names the failure, and every fork has exited (none waits on a pipe
    nobody reads)."""
    write_folder(tmp_path)
    monkeypatch.setattr(workspace, "_CHUNK_FILES", CHUNK)
    monkeypatch.setattr(workspace, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(workspace, "_usable_cores", lambda: 3)  # two forks, however many cores
    parent, check_files = os.getpid(), workspace._check_files

    def broken(job: object, paths: list[Path]) -> object:
        if (os.getpid() == parent) == (where == "parent"):
            raise ValueError("injected")
        return check_files(job, paths)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "_check_files", broken)
    files = list(workspace.walk_markdown(tmp_path))
    with pytest.raises((RuntimeError, ValueError), match="injected") as raised:
        workspace.check_paths(files, set(), tmp_path, Settings())
    assert raised.type is (RuntimeError if where == "fork" else ValueError)
    with pytest.raises(ChildProcessError):  # no child left, not even one to reap
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("output", ["text", "json"])
def test_the_program_writes_all_of_it_before_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    """`agent-ls check` ends its process at once after the output (`cli._exit_now`): through a
    pipe, the program writes what `main` writes, to the last byte, with the same exit code."""
    import subprocess
    import sys

    agents = tmp_path / ".claude/agents"
    agents.mkdir(parents=True)
    for i in range(workspace.POOL_MIN_FILES + 10):  # checked by forks, as a large folder is
        (agents / f"a{i:03d}.md").write_text(f"---\nname: a{i}\ndescription: d\ntools: LS\n---\n")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", ".", "--format", output])
    expected = capsys.readouterr().out
    done = subprocess.run(
        [sys.executable, "-m", "agent_ls", "check", ".", "--format", output],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (code, expected)
    assert expected.count("AL") >= workspace.POOL_MIN_FILES  # every file's finding is there


def test_more_files_than_claims_make_larger_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `MAX_CHUNKS` chunks (what the pipe of claims holds), chunks grow instead: the reports
    are those of one process still."""
    write_folder(tmp_path)
    files = list(workspace.walk_markdown(tmp_path))
    alone, _ = workspace.check_paths(files, set(), tmp_path, Settings())
    monkeypatch.setattr(workspace, "_CHUNK_FILES", 1)
    monkeypatch.setattr(workspace, "MAX_CHUNKS", 7)  # 123 files: 7 chunks of 18
    monkeypatch.setattr(workspace, "POOL_MIN_FILES", 1)
    claimed: list[int] = []
    check_files = workspace._check_files

    def counting(job: object, paths: list[Path]) -> object:
        claimed.append(len(paths))
        return check_files(job, paths)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "_check_files", counting)
    pooled, _ = workspace.check_paths(files, set(), tmp_path, Settings())
    assert [(r.path, r.findings) for r in pooled] == [(r.path, r.findings) for r in alone]
    assert claimed and max(claimed) == 18  # this process's claims (the forks' are not seen here)
