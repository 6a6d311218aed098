"""`agent-ls check` on hostile folders: it reports each bad file clearly, once, and finishes.

The real command in a subprocess, with a timeout: a FIFO named `*.md`, a socket, a device, broken
and looping symlinks, a folder named `*.md`, binary files among hundreds of agent files, an
unreadable file, and files rewritten, deleted and replaced while the check runs.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

AGENT = (
    "---\nname: {name}\ndescription: Use this agent for {name}\ntools: {tools}\n---\n\n"
    "You do {name}.\n"
)
TIMEOUT = 60


def check(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_ls", "check", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def reported(stderr: str) -> dict[str, str]:
    """Returns {file name: reason} from the CLI's stderr lines `agent-ls: PATH: REASON`."""
    out = {}
    for line in stderr.splitlines():
        assert line.startswith("agent-ls: "), f"unexpected stderr line: {line!r}"
        path, _, reason = line.removeprefix("agent-ls: ").partition(".md: ")  # every path is *.md
        name = Path(path).name + ".md"
        assert name not in out, f"reported twice: {line}"
        out[name] = reason
    return out


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Path]:
    """A project whose agent folder holds 400 agent files, 40 binary ones and every odd entry."""
    agents = tmp_path / ".claude" / "agents"
    (agents / "nested").mkdir(parents=True)
    for i in range(400):
        tools = "Read, Reed" if i % 10 == 0 else "Read"
        (agents / ("nested" if i % 2 else "") / f"agent-{i}.md").write_text(
            AGENT.format(name=f"agent-{i}", tools=tools)
        )
    for i in range(40):
        (agents / f"binary-{i}.md").write_bytes(
            bytes(random.Random(i).randrange(256) for _ in range(600)) + b"\0"
        )
    os.mkfifo(agents / "fifo.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(agents / "socket.md"))
    (agents / "dangling.md").symlink_to(agents / "nowhere.md")
    (agents / "loop.md").symlink_to(agents / "loop.md")
    (agents / "nested" / "up").symlink_to(agents)  # a folder loop
    (agents / "folder.md").mkdir()
    (agents / "device.md").symlink_to("/dev/zero")
    (agents / "latin1.md").write_bytes(
        AGENT.format(name="latin1", tools="Read").encode().replace(b"You", b"Vous \xe9t\xe9")
    )
    (agents / "empty.md").write_bytes(b"")
    locked = agents / "locked.md"
    locked.write_text(AGENT.format(name="locked", tools="Read"))
    locked.chmod(0)
    yield tmp_path
    server.close()


def test_hostile_folder_is_reported_file_by_file_and_finishes(hostile: Path) -> None:
    started = time.perf_counter()
    result = check(".claude", "--format", "json", cwd=hostile)
    elapsed = time.perf_counter() - started
    errors = reported(result.stderr)
    assert result.returncode == 2  # some files could not be checked
    assert (
        errors.pop("fifo.md")
        == errors.pop("device.md")
        == "not a regular file (a FIFO, socket or device): skipped"
    )
    assert errors.pop("socket.md").startswith("cannot read")
    assert errors.pop("dangling.md") == "cannot read: No such file or directory"
    assert errors.pop("loop.md") == "cannot read: Too many levels of symbolic links"
    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        assert errors.pop("locked.md") == "cannot read: Permission denied"
    assert errors == {}
    files = {Path(f["path"]).name: f["diagnostics"] for f in json.loads(result.stdout)["files"]}
    assert len([n for n in files if n.startswith("agent-")]) == 400  # each once, despite the loop
    assert [d["code"] for d in files["agent-10.md"]] == ["AL401"]
    assert "latin1.md" in files and "empty.md" in files
    for i in range(40):  # no frontmatter: Claude Code does not load them (a diagnostic, no error)
        assert [d["code"] for d in files[f"binary-{i}.md"]] == ["AL101"]
    assert elapsed < TIMEOUT


def test_explicit_odd_paths_are_each_explained(hostile: Path) -> None:
    agents = hostile / ".claude" / "agents"
    result = check(
        agents / "loop.md",
        agents / "fifo.md",
        agents / "missing.md",
        agents / "agent-0.md",
        cwd=hostile,
    )
    errors = reported(result.stderr)
    assert errors == {
        "loop.md": "broken symbolic link (missing target, or a loop)",
        "fifo.md": "not a regular file (a FIFO, socket or device): skipped",
        "missing.md": "no such file or folder",
    }
    assert "agent-0.md" in result.stdout and result.returncode == 2


def test_files_changing_while_checked(tmp_path: Path) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    names = [f"agent-{i}.md" for i in range(300)]
    for name in names:
        (agents / name).write_text(AGENT.format(name=name[:-3], tools="Read"))
    stop = threading.Event()

    def churn() -> None:
        """Rewrites, truncates, deletes, recreates and swaps files for folders, until stopped."""
        rng = random.Random(7)
        while not stop.is_set():
            path = agents / rng.choice(names)
            action = rng.randrange(5)
            try:
                if path.is_dir():
                    path.rmdir()
                elif action == 0:
                    path.unlink(missing_ok=True)
                elif action == 1:
                    path.write_text(
                        AGENT.format(name=path.stem, tools="Reed") * rng.randrange(1, 50)
                    )
                elif action == 2:
                    path.write_bytes(b"---\nname: half")  # caught mid-write
                elif action == 3:
                    path.unlink(missing_ok=True)
                    path.mkdir()
                else:
                    path.write_bytes(b"\0" * 100)
            except OSError:
                pass

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    try:
        results = [check(".claude", "--format", "json", cwd=tmp_path) for _ in range(3)]
    finally:
        stop.set()
        worker.join(5)
    for result in results:
        assert result.returncode in (0, 1, 2), result.stderr
        assert "Traceback" not in result.stderr
        reported(result.stderr)  # every line is `agent-ls: PATH: REASON`, each path once
        checked = [Path(f["path"]).name for f in json.loads(result.stdout)["files"]]
        assert len(checked) == len(set(checked))


async def test_server_indexes_a_workspace_with_a_fifo(hostile: Path) -> None:
    """The server reads the same files in a worker thread: a FIFO must not wedge its index."""
    from rawrpc import RawServer

    server = await RawServer.start()
    try:
        await server.initialize(hostile)
        reply = await server.call(
            "workspace/executeCommand", {"command": "agentLs.checkWorkspace"}, timeout=30
        )
        assert reply["result"]["files"] >= 400, reply
    finally:
        await server.stop()
