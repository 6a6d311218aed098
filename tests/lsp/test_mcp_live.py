"""The MCP servers the server knows follow file changes, through the real server: an open
`.mcp.json`'s edits, closing it, and a file changed on disk (workspace/didChangeWatchedFiles,
whose watchers the server registers where the client lets it), re-publishing the diagnostics of
the open agent that names a server's tool."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import diagnostics_settle, end_session, open_document, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

AGENT = (
    "---\nname: gh\ndescription: Searches GitHub.\ntools: Read, mcp__github__search\n---\nBody\n"
)
DOCS_ONLY = {"mcpServers": {"docs": {"command": "docs-mcp"}}}
WITH_GITHUB = {"mcpServers": {"docs": {"command": "docs-mcp"}, "github": {"command": "gh-mcp"}}}


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim"],
    config=ClientServerConfig(server_command=[sys.executable, "-m", "agent_ls", "serve"]),
)
async def live(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> Any:
    """An initialized client on a fresh workspace: `.mcp.json` with one server, an agent that
    uses another's tool."""
    root: Path = request.getfixturevalue("tmp_path") / "ws"
    (root / ".claude" / "agents").mkdir(parents=True)
    (root / ".mcp.json").write_text(json.dumps(DOCS_ONLY))
    (root / ".claude" / "agents" / "gh.md").write_text(AGENT)
    _, registrations = await start_session(
        lsp_client, root, client_capabilities(request.param), {"debounceMs": 0}
    )
    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    yield lsp_client
    await end_session(lsp_client)


async def test_an_open_mcp_json_edit_re_publishes_the_agent(live: LanguageClient) -> None:
    root: Path = live.root  # type: ignore[attr-defined]
    agent = open_document(live, root / ".claude/agents/gh.md")
    await diagnostics_settle(live, agent, ["AL407"])  # github is not configured
    mcp = open_document(live, root / ".mcp.json", json.dumps(DOCS_ONLY))
    await diagnostics_settle(live, agent, ["AL407"])
    live.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=mcp, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(json.dumps(WITH_GITHUB))],
        )
    )
    await diagnostics_settle(live, agent, [])  # the unsaved edit counts
    live.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=mcp))
    )
    await diagnostics_settle(live, agent, ["AL407"])  # closed unsaved: the file on disk again


async def test_a_file_changed_on_disk_re_publishes_the_agent(live: LanguageClient) -> None:
    root: Path = live.root  # type: ignore[attr-defined]
    registrations: list[types.Registration] = live.registrations  # type: ignore[attr-defined]
    watches = live.capabilities.workspace.did_change_watched_files  # type: ignore[union-attr]
    if watches is not None and watches.dynamic_registration:
        for _ in range(100):
            if registrations:
                break
            await asyncio.sleep(0.05)
        (registration,) = registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        options = registration.register_options
        watchers = options["watchers"] if isinstance(options, dict) else options.watchers  # type: ignore[union-attr]
        globs = [w["globPattern"] for w in watchers]  # the client keeps them as JSON
        assert "**/.mcp.json" in globs and "**/.claude/settings.json" in globs
        assert "**/.claude/agents/**" in globs and "**/.claude/output-styles/**" in globs
    else:
        assert registrations == []  # Neovim's set: no dynamic registration, none asked
    agent = open_document(live, root / ".claude/agents/gh.md")
    await diagnostics_settle(live, agent, ["AL407"])
    (root / ".mcp.json").write_text(json.dumps(WITH_GITHUB))
    live.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(root / ".mcp.json").as_uri(), type=types.FileChangeType.Changed
                )
            ]
        )
    )
    await diagnostics_settle(live, agent, [])
