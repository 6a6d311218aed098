"""workspace/executeCommand: `agentLs.checkWorkspace`, and the persona commands, advertised at
initialize and handled by the persona glue (`lsp/personas/`, imported on first use); the
`agentLs/workspaceTrust` notification."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from lsprotocol import types

from agent_ls.lsp.diagnostics import publish
from agent_ls.lsp.languageserver import AgentLanguageServer, uri_of
from agent_ls.lsp.workspace_index import analyze_files, reindex

CHECK_WORKSPACE = "agentLs.checkWorkspace"
CHECK_WORKSPACE_BATCH = 25
"""checkWorkspace reads and checks this many files in a worker thread, publishes them (a few ms
on the event loop), then lets other messages through."""
PERSONAS = "agent_ls.lsp.personas.commands"
"""The persona glue's entry module (it imports the rest)."""
TRUST_NOTIFICATION = "agentLs/workspaceTrust"
"""The editor's workspace trust, `{"trusted": bool}` (handled by the persona glue)."""
PERSONA_COMMANDS = (
    "agentLs.persona.run",
    "agentLs.persona.list",
    "agentLs.persona.clearFindings",
    "agentLs.persona.reports",
    "agentLs.persona.choose",
    "agentLs.persona.followUp",
    "agentLs.persona.notOffered",
)
"""Advertised at initialize; the glue's `register` supplies their handlers on first use."""


def register(server: AgentLanguageServer) -> None:
    """Registers the commands and the workspace trust notification on `server`."""

    @server.command(CHECK_WORKSPACE)
    async def check_workspace(ls: AgentLanguageServer, *_: Any) -> dict[str, int]:
        """Publishes diagnostics for every agent file of the workspace; returns counts."""
        await reindex(ls)  # the names on disk now (re-reads changed files); re-checks open ones
        paths = [p for p in ls.index if uri_of(p) not in ls.workspace.text_documents]
        counts = {"files": 0, "errors": 0, "warnings": 0}
        for start in range(0, len(paths), CHECK_WORKSPACE_BATCH):  # read and checked off the loop
            batch = paths[start : start + CHECK_WORKSPACE_BATCH]
            for uri, analysis in await asyncio.to_thread(analyze_files, ls, batch):
                findings = publish(ls, uri, analysis)
                counts["files"] += 1
                counts["errors"] += sum(f.severity == 1 for f in findings)
                counts["warnings"] += sum(f.severity == 2 for f in findings)
        ls.show_log(
            f"agent-ls: checked {counts['files']} agent files: {counts['errors']} errors, {counts['warnings']} warnings",
            types.MessageType.Info,
        )
        return counts

    @server.feature(TRUST_NOTIFICATION)
    def workspace_trust(ls: AgentLanguageServer, params: Any) -> None:
        importlib.import_module(PERSONAS).on_workspace_trust(ls, params)

    for command in PERSONA_COMMANDS:
        server.command(command)(_persona_entry(command))


def _persona_entry(command: str) -> Callable[..., Any]:
    async def entry(ls: AgentLanguageServer, *args: Any) -> Any:
        if not ls.persona_handlers:
            importlib.import_module(PERSONAS).register(_PersonaCommandRecorder(ls))
        result = ls.persona_handlers[command](ls, *args)
        return await result if inspect.isawaitable(result) else result

    return entry


class _PersonaCommandRecorder:
    """Stands in for the server while the glue's `register` runs: keeps the handlers it declares
    for the commands the server advertised at initialize, and passes anything else through."""

    def __init__(self, server: AgentLanguageServer) -> None:
        self._server = server

    def command(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def keep(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._server.persona_handlers[name] = handler
            return handler

        return keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)
