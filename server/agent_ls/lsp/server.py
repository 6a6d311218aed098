"""The language server: the one protocol layer, one module per capability. Each handler translates
LSP ↔ domain, nothing else; `build_server` assembles them on an `AgentLanguageServer` (its state
and the plumbing the handlers share are in `languageserver.py`).

The persona glue (`lsp/personas/`) is imported on first use, or in a worker thread once the
client is initialized.
"""

from __future__ import annotations

import logging

from agent_ls.lsp import (
    code_actions,
    color,
    commands,
    completion,
    configuration,
    diagnostics,
    file_operations,
    hover,
    lifecycle,
    symbols,
)
from agent_ls.lsp.languageserver import AgentLanguageServer
from agent_ls.lsp.protocol import LateCancelFilter

__all__ = ["AgentLanguageServer", "build_server"]

CAPABILITIES = (
    lifecycle,
    configuration,
    diagnostics,
    file_operations,
    completion,
    hover,
    code_actions,
    symbols,
    color,
    commands,
)
"""Each registers its handlers (`register(server)`); the workspace index has none of its own."""


def build_server() -> AgentLanguageServer:
    """Returns a server with every feature registered."""
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message body at INFO
    logging.getLogger("pygls.protocol.json_rpc").addFilter(LateCancelFilter())
    server = AgentLanguageServer()
    for capability in CAPABILITIES:
        capability.register(server)
    return server
