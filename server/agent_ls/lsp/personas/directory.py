"""The personas a server offers: shipped, the workspace's agent files, open agent documents."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from agent_ls.lsp.personas.editor import state_of
from agent_ls.personas.agents import Persona
from agent_ls.personas.session import refused_model
from agent_ls.workspace import agent_globs, is_agent_path

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


RESCAN_SECONDS = 2.0
"""Agent files on disk are re-globbed (in a worker thread) when the last scan is older than this."""


def current_personas(
    server: AgentLanguageServer, open_documents: dict[Path, str] | None = None
) -> dict[str, Persona]:
    """Returns the personas by name: shipped, then workspace files, then open agent documents
    (`open_documents`: those already gathered)."""
    state = state_of(server)
    root, globs = server.workspace_root, agent_globs(server.settings)
    if state.scanned_for != (root, globs):
        state.scan(root, globs)
    elif (
        not state.rescanning
        and time.monotonic() - (state.directory.scanned_at or 0) > RESCAN_SECONDS
    ):
        state.rescanning = True

        async def rescan() -> None:
            try:
                await asyncio.to_thread(state.directory.scan, root, globs)
            finally:
                state.rescanning = False

        server.run_task(rescan())
    if open_documents is None:
        open_documents = _open_agent_documents(server)
    return state.directory.personas(open_documents)


def _open_agent_documents(server: AgentLanguageServer) -> dict[Path, str]:
    overlays: dict[Path, str] = {}
    for uri, document in server.workspace.text_documents.items():
        path = server.path_of(uri)
        if path is not None and is_agent_path(path, server.workspace_root, server.settings):
            overlays[path] = document.source
    return overlays


def offered_personas(server: AgentLanguageServer) -> tuple[dict[str, Persona], list[str]]:
    """Returns the personas the code actions offer, and one sentence per agent left out saying
    why: an agent file Claude Code would not load (its diagnostics say why), an agent whose model
    the API refuses (an unknown model, AL501; also logged once)."""
    state = state_of(server)
    offered = {}
    open_documents = _open_agent_documents(server)
    personas = current_personas(server, open_documents)  # scans first, when it must
    left_out = [
        f"{display_name(server, path)}: Claude Code would not load it (its errors say why)"
        for path in state.directory.dropped(open_documents)
    ]
    for name, persona in personas.items():
        model = refused_model(persona, server.settings.personas)
        if model is None:
            offered[name] = persona
            continue
        why = f"{name}: the API refuses its model {model!r} (AL501: use an alias, a model ID or inherit)"
        left_out.append(why)
        if (name, model) not in state.hinted:
            state.hinted.add((name, model))
            server.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Info,
                    message=f"agent-ls: {name} is not offered as a persona: the API refuses its "
                    f"model {model!r} (AL501). Use an alias, a model ID or inherit.",
                )
            )
    return offered, left_out


def display_name(server: AgentLanguageServer, path: Path) -> str:
    """Returns the path as the user knows it: relative to the workspace root, else its name."""
    root = server.workspace_root
    try:
        return path.relative_to(root).as_posix() if root else path.name
    except ValueError:
        return path.name
