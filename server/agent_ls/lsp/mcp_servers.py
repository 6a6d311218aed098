"""The MCP servers Claude Code knows for the workspace, kept current: read again when an open
document they come from (`.mcp.json`, `~/.claude.json`, settings, plugin manifests) changes in
the editor; files changed on disk come through workspace/didChangeWatchedFiles (`configuration`).
The engine is imported on first use (after the initialize result: `languageserver`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from agent_ls.lsp.languageserver import AgentLanguageServer


def open_layers(ls: AgentLanguageServer) -> dict[Path, str]:
    """The open documents the MCP servers come from, by resolved path, as the editor has them."""
    from agent_ls.dialects.mcp.servers import is_layer

    out = {}
    for uri, document in ls.workspace.text_documents.items():
        path = ls.path_of(uri)
        if path is not None and is_layer(path):
            out[path.resolve()] = document.source
    return out


def layer_changed(
    ls: AgentLanguageServer, uri: str, refresh_all: Callable[[AgentLanguageServer], None]
) -> None:
    """An open document changed: when it is a file the MCP servers come from, reads them again
    (off the event loop, changes meanwhile folded into one more read) and, when they differ,
    has every open document checked again (agents' `mcp__server__tool`, settings' matchers)."""
    from agent_ls.dialects.mcp.servers import is_layer

    path = ls.path_of(uri)
    if path is None or not is_layer(path):
        return
    ls.mcp_refresh_wanted = True
    if ls.mcp_refreshing is None or ls.mcp_refreshing.done():
        ls.mcp_refreshing = ls.run_task(_refresh_servers(ls, refresh_all))


async def _refresh_servers(
    ls: AgentLanguageServer, refresh_all: Callable[[AgentLanguageServer], None]
) -> None:
    from agent_ls.workspace import load_mcp_servers

    while ls.mcp_refresh_wanted:
        ls.mcp_refresh_wanted = False
        servers = await asyncio.to_thread(
            load_mcp_servers, ls.workspace_root, None, open_layers(ls)
        )
        if servers != ls.mcp_servers:
            ls.mcp_servers = servers
            refresh_all(ls)
