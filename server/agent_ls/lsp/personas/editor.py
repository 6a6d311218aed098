"""What the persona glue says to and asks of the editor: messages, questions, client capabilities,
workspace trust."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agent_ls.lsp.personas.state import PersonaState
from agent_ls.personas.failures import PersonaError, scrub

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer

log = logging.getLogger(__name__)


REPORT_IN_MESSAGE = 4_000
"""Without showDocument, a report up to this long is shown whole in a message (and logged)."""
CLIENT_CAPABILITY = "agentLs"
"""Key of agent-ls's client capabilities under `experimental` (previewEdits, workspaceTrusted)."""


def state_of(server: AgentLanguageServer) -> PersonaState:
    """Returns the persona state kept on `server`."""
    return server.persona_state


def supports(server: AgentLanguageServer, dotted: str) -> Any:
    node: Any = server.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def client_extension(server: AgentLanguageServer, key: str) -> Any:
    """Returns `key` of the client's `experimental.agentLs` capabilities (None when absent)."""
    experimental = getattr(server.client_capabilities, "experimental", None)
    ours = experimental.get(CLIENT_CAPABILITY) if isinstance(experimental, dict) else None
    return ours.get(key) if isinstance(ours, dict) else None


def workspace_trusted(server: AgentLanguageServer) -> bool:
    """Returns whether the editor trusts the workspace (the last agentLs/workspaceTrust
    notification, else the initialize capability; a client that says nothing trusts it)."""
    trusted = state_of(server).workspace_trusted
    if trusted is None:
        trusted = client_extension(server, "workspaceTrusted") is not False
    return trusted


async def ask(
    server: AgentLanguageServer,
    kind: types.MessageType,
    message: str,
    choices: list[str],
    *,
    unanswerable: str,
) -> str | None:
    """Returns the title the user picked (window/showMessageRequest), None when dismissed; raises
    PersonaError, saying what to do instead (`unanswerable`), when the editor cannot ask."""
    try:
        answer = await server.window_show_message_request_async(
            types.ShowMessageRequestParams(
                type=kind,
                message=message,
                actions=[types.MessageActionItem(title=c) for c in choices],
            )
        )
    except Exception as err:  # noqa: BLE001 - an editor without showMessageRequest answers an error
        log.info("window/showMessageRequest failed: %s", err)
        raise PersonaError(
            f"The editor cannot ask a question (window/showMessageRequest failed): {unanswerable}",
            "usage",
        ) from None
    return answer.title if answer is not None else None


def tell(server: AgentLanguageServer, message: str, kind: types.MessageType) -> None:
    """Shows and logs `message`, masking the API key should it ever appear."""
    message = scrub(message, os.environ.get(server.settings.personas.api_key_env))
    server.window_show_message(types.ShowMessageParams(type=kind, message=f"agent-ls: {message}"))
    server.window_log_message(types.LogMessageParams(type=kind, message=f"agent-ls: {message}"))
