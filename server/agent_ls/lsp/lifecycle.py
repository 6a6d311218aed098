"""initialize and initialized: the workspace root and the client's capabilities (resolved once)
at initialize, nothing more (the result waits for nothing but pygls and this layer); once
initialized, the settings (which import the engine), the settings the client holds, the
workspace index, then (in a worker thread) the converter's code and the persona glue."""

from __future__ import annotations

import asyncio
import gc
import importlib

from lsprotocol import types

from agent_ls.lsp.capabilities import resolve
from agent_ls.lsp.commands import PERSONAS
from agent_ls.lsp.configuration import apply_settings, pull_settings, watch_files
from agent_ls.lsp.documents import use_lsp_documents
from agent_ls.lsp.languageserver import SECTION, AgentLanguageServer
from agent_ls.lsp.protocol import warm_converters
from agent_ls.lsp.workspace_index import request_reindex


def register(server: AgentLanguageServer) -> None:
    """Registers initialize and initialized on `server`."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: AgentLanguageServer, params: types.InitializeParams) -> None:
        use_lsp_documents(ls.workspace)  # documents kept exactly as the client has them
        root = params.root_uri or (
            params.workspace_folders[0].uri if params.workspace_folders else None
        )
        ls.workspace_root = ls.path_of(root) if root else None
        options = params.initialization_options
        if isinstance(options, dict):
            ls.initialization_settings = options.get(SECTION, options)
        ls.client = resolve(params.capabilities)

    @server.feature(types.INITIALIZED)
    def initialized(ls: AgentLanguageServer, _: types.InitializedParams) -> None:
        apply_settings(ls)  # before the next message: a document opened next sees them
        gc.freeze()  # the engine just loaded lives as long as the server: no collection walks it
        ls.run_task(_settle(ls))


async def _settle(ls: AgentLanguageServer) -> None:
    """The client's own settings, then the workspace index and the file watchers; once indexed,
    what a first request would wait for, made ahead off the loop (the converter's code for each
    served message, the persona glue: made during the index, they slowed it by a quarter)."""
    await pull_settings(ls)
    request_reindex(ls)
    await watch_files(ls)
    if ls.reindexing is not None:  # waited for, not awaited: an index that failed (and was
        await asyncio.wait({ls.reindexing})  # logged) still leaves the warm-up to do
    await asyncio.to_thread(_warm_up, ls)


def _warm_up(ls: AgentLanguageServer) -> None:
    warm_converters(ls.protocol)
    importlib.import_module(PERSONAS)
