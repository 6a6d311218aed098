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
from agent_ls.workspace import is_agent_path

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


RESCAN_SECONDS = 2.0
"""Agent files on disk are re-globbed (in a worker thread) when the last scan is older than this."""


def current_personas(server: AgentLanguageServer) -> dict[str, Persona]:
    """Returns the personas by name: shipped, then workspace files, then open agent documents."""
    state = state_of(server)
    root, globs = server.workspace_root, tuple(server.settings.agent_globs)
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
    overlays: dict[Path, str] = {}
    for uri, document in server.workspace.text_documents.items():
        path = server.path_of(uri)
        if path is not None and is_agent_path(path, root, server.settings):
            overlays[path] = document.source
    return state.directory.personas(overlays)


def offered_personas(server: AgentLanguageServer) -> dict[str, Persona]:
    """Returns the personas the code actions offer: not those whose model the API refuses (an
    unknown model, AL501), each logged once with why. (An agent file Claude Code would not load
    is no persona at all: its diagnostics say why.)"""
    state = state_of(server)
    offered = {}
    for name, persona in current_personas(server).items():
        model = refused_model(persona, server.settings.personas)
        if model is None:
            offered[name] = persona
        elif (name, model) not in state.hinted:
            state.hinted.add((name, model))
            server.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Info,
                    message=f"agent-ls: {name} is not offered as a persona: the API refuses its "
                    f"model {model!r} (AL501). Use an alias, a model ID or inherit.",
                )
            )
    return offered
