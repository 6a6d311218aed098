"""The protocol entry points: the persona commands, codeAction/resolve of a persona action and the
`agentLs/workspaceTrust` notification."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agent_ls.lsp.personas.editor import state_of, tell
from agent_ls.lsp.personas.findings import clear_findings
from agent_ls.lsp.personas.menu import choose_and_run, explain_not_offered, list_personas
from agent_ls.lsp.personas.reports import follow_up, list_kept_reports
from agent_ls.lsp.personas.run import RunRequest, run_persona
from agent_ls.lsp.personas.state import (
    CHOOSE_COMMAND,
    CLEAR_FINDINGS_COMMAND,
    FOLLOW_UP_COMMAND,
    LIST_COMMAND,
    NOT_OFFERED_COMMAND,
    REPORTS_COMMAND,
    RUN_COMMAND,
    Outcome,
)
from agent_ls.personas.failures import PersonaError

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


async def resolve_persona_action(
    server: AgentLanguageServer, action: types.CodeAction
) -> types.CodeAction:
    """Returns the action with its edit computed (a rewrite), or unchanged (it has a command)."""
    if action.command is not None or action.edit is not None:
        return action
    try:
        request = RunRequest.parse(action.data)
    except PersonaError as err:
        tell(server, err.message, types.MessageType.Error)
        return action
    outcome = await run_persona(server, request, apply=False)
    if outcome.edit is not None:
        action.edit = outcome.edit
    return action


def on_workspace_trust(server: AgentLanguageServer, params: Any) -> None:
    """Records the trust an `agentLs/workspaceTrust` notification (`{"trusted": bool}`) gives.

    The server registers the notification itself, at start: it may come before any persona
    command has loaded this module."""
    trusted = getattr(params, "trusted", None)
    if isinstance(params, Mapping):
        trusted = params.get("trusted")
    if isinstance(trusted, bool):
        state_of(server).workspace_trusted = trusted


def register(server: AgentLanguageServer) -> None:
    """Registers the persona commands on `server`."""
    state_of(server)

    @server.command(RUN_COMMAND)
    async def run_command(ls: Any, *args: Any) -> dict[str, Any]:
        try:
            request = RunRequest.parse(args[0] if args else None)
        except PersonaError as err:
            tell(ls, err.message, types.MessageType.Error)
            return Outcome("failed", err.message).as_json()
        outcome = await run_persona(ls, request, apply=True, progress_token=request.work_done_token)
        return outcome.as_json()

    @server.command(LIST_COMMAND)
    def list_command(ls: Any, *args: Any) -> dict[str, Any]:
        return list_personas(ls)

    @server.command(NOT_OFFERED_COMMAND)
    def not_offered_command(ls: Any, *args: Any) -> dict[str, Any]:
        return explain_not_offered(ls)

    @server.command(CHOOSE_COMMAND)
    async def choose_command(ls: Any, *args: Any) -> dict[str, Any]:
        return (await choose_and_run(ls, args[0] if args else None)).as_json()

    @server.command(FOLLOW_UP_COMMAND)
    async def follow_up_command(ls: Any, *args: Any) -> dict[str, Any]:
        return (await follow_up(ls, args[0] if args else None)).as_json()

    @server.command(REPORTS_COMMAND)
    async def reports_command(ls: Any, *args: Any) -> dict[str, Any]:
        return await asyncio.to_thread(list_kept_reports, ls)

    @server.command(CLEAR_FINDINGS_COMMAND)
    def clear_findings_command(ls: Any, *args: Any) -> dict[str, Any]:
        """Argument: optionally `{"uri": ...}` (else every document's findings go)."""
        uri = args[0].get("uri") if args and isinstance(args[0], Mapping) else None
        return {"cleared": clear_findings(ls, str(uri) if uri else None)}
