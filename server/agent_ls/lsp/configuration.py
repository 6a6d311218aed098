"""Settings: layered at initialize and whenever they may have changed (workspace/
didChangeConfiguration, pulled with workspace/configuration; watched settings and agent files
changing on disk), then the workspace re-indexed."""

from __future__ import annotations

import logging

from lsprotocol import types

from agent_ls.dialects.agents.catalogue import load_catalogue
from agent_ls.lsp.languageserver import SECTION, AgentLanguageServer
from agent_ls.lsp.workspace_index import request_reindex
from agent_ls.settings import load_project_settings, load_user_settings
from agent_ls.workspace import load_mcp_servers

log = logging.getLogger(__name__)


def register(server: AgentLanguageServer) -> None:
    """Registers the notifications that change settings on `server`."""

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: AgentLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            ls.client_settings = settings[SECTION]
            apply_settings(ls)
        else:
            await pull_settings(ls)
        request_reindex(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: AgentLanguageServer, _: types.DidChangeWatchedFilesParams
    ) -> None:
        apply_settings(ls)
        ls.personas_stale = True  # re-read by the re-index, once per storm of events
        request_reindex(ls, quiet_s=0.2)


def apply_settings(ls: AgentLanguageServer) -> None:
    """Layers the settings: defaults → user config file → workspace files (local settings
    only) → the client's; every problem is shown and logged."""
    base, messages = load_user_settings()
    if ls.workspace_root is not None:
        base, problems = load_project_settings(ls.workspace_root, base)
        messages += problems
    for raw in (ls.initialization_settings, ls.client_settings):
        base, problems = base.merged(raw, camel=True)
        messages += problems
    ls.settings = base
    ls.catalogue = load_catalogue().with_settings(base)
    ls.completion_items.clear()
    ls.completion_json.clear()
    ls.mcp_servers = load_mcp_servers(ls.workspace_root)
    for message in messages:
        shown = f"agent-ls: {message}"
        warning = types.MessageType.Warning
        ls.window_show_message(types.ShowMessageParams(type=warning, message=shown))
        ls.window_log_message(types.LogMessageParams(type=warning, message=shown))
        log.warning(message)


async def pull_settings(ls: AgentLanguageServer) -> None:
    """Asks the client for its settings (workspace/configuration) and applies them."""
    if not ls.client.configuration:
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception as err:  # noqa: BLE001 - a client may refuse; defaults still work
        log.warning("workspace/configuration failed: %s", err)
        return
    if result and isinstance(result[0], dict):
        ls.client_settings = result[0]
        apply_settings(ls)
