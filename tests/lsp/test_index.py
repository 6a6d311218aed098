"""The server's workspace index: per agent file on disk, its identity and the name it declares.

Built in a worker thread from the files on disk; a re-index reads again only the files whose
identity (device, inode, size, modification time) changed, and keeps no file text.
"""

from __future__ import annotations

import os
from pathlib import Path

from agent_ls.core.names import DeclaredName
from agent_ls.lsp.server import AgentLanguageServer
from agent_ls.lsp.workspace_index import build_index, index_workspace

AGENT = "---\nname: {name}\ndescription: d\ntools: Read\n---\n\nBody.\n"


def workspace(root: Path, names: dict[str, str]) -> AgentLanguageServer:
    for file, name in names.items():
        path = root / ".claude/agents" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(AGENT.format(name=name))
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/readme.md").write_text(AGENT.format(name="not-in-an-agent-folder"))
    server = AgentLanguageServer()
    server.workspace_root = root
    return server


def test_index_keeps_names_and_identities_only(tmp_path: Path) -> None:
    server = workspace(tmp_path, {"a.md": "alpha", "team/b.md": "beta", "c.md": "alpha"})
    index = index_workspace(server, {})
    agents = tmp_path / ".claude/agents"
    assert sorted(p.relative_to(agents).as_posix() for p in index) == ["a.md", "c.md", "team/b.md"]
    for path, (identity, name) in index.items():
        assert isinstance(name, DeclaredName) and name.path == path
        assert identity[2] == path.stat().st_size  # (device, inode, size, mtime_ns)
        assert (name.start, name.end) == (len("---\nname: "), len("---\nname: ") + len(name.name))
    _, names = build_index(server, {}, frozenset())
    duplicate = names.duplicates(agents / "a.md")
    assert duplicate is not None and duplicate.code == "AL208" and "c.md" in duplicate.message
    assert names.duplicates(agents / "team/b.md") is None


def test_reindex_reads_only_changed_files(tmp_path: Path) -> None:
    server = workspace(tmp_path, {"a.md": "alpha", "b.md": "beta"})
    first = index_workspace(server, {})
    a, b = tmp_path / ".claude/agents/a.md", tmp_path / ".claude/agents/b.md"
    b.write_text(AGENT.format(name="gamma"))
    stat = b.stat()
    os.utime(b, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later mtime, surely
    (tmp_path / ".claude/agents/new.md").write_text(AGENT.format(name="delta"))
    a_entry = first[a]
    again = index_workspace(server, first)
    assert again[a] is a_entry  # unchanged: not read again
    assert again[b][1] is not None and again[b][1].name == "gamma"
    assert {e[1].name for e in again.values() if e[1]} == {"alpha", "gamma", "delta"}
    a.unlink()
    assert a not in index_workspace(server, again)


def test_open_documents_names_are_left_to_the_editor(tmp_path: Path) -> None:
    server = workspace(tmp_path, {"a.md": "alpha", "b.md": "alpha"})
    a = tmp_path / ".claude/agents/a.md"
    _, names = build_index(server, {}, frozenset({a}))
    assert a not in names.by_path  # its name comes from the open document, as the editor has it
    assert names.duplicates(tmp_path / ".claude/agents/b.md") is None
