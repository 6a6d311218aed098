"""Settings: layered at initialize and whenever they may have changed (workspace/
didChangeConfiguration, pulled with workspace/configuration; watched settings and agent files
changing on disk), then the workspace re-indexed; the MCP servers Claude Code knows, read again
when a file they come from changes (on disk, or an open document's edits)."""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types

from agent_ls.lsp.languageserver import SECTION, AgentLanguageServer
from agent_ls.lsp.mcp_servers import open_layers
from agent_ls.lsp.workspace_index import request_reindex

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
    only) → the client's; every problem is shown and logged. The first call (at `initialized`)
    imports the engine."""
    from agent_ls.dialects.agents.catalogue import load_catalogue
    from agent_ls.settings import load_project_settings, load_user_settings
    from agent_ls.workspace import load_mcp_servers

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
    ls.mcp_servers = load_mcp_servers(ls.workspace_root, texts=open_layers(ls))
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


WATCHED = (
    "**/.mcp.json",
    "**/.claude/settings.json",
    "**/.claude/settings.local.json",
    "**/.claude-plugin/plugin.json",
    "**/.agent-ls.toml",
    "**/pyproject.toml",
    "**/.claude/agents/**",
    "**/.claude/skills/**",
    "**/.claude/commands/**",
    "**/.claude/output-styles/**",
    "**/skills/*/SKILL.md",
    "**/agents/**/*.md",
)
"""What the server asks the client to watch in the workspace: the files of the MCP servers
Claude Code knows, agent-ls's settings, and the Markdown files whose names are compared across
files (created, renamed or deleted outside the editor: VS Code sends these events only for what
a server registers)."""
WATCHED_AT_HOME = (
    ".claude.json",
    ".claude/settings.json",
    ".claude/plugins/installed_plugins.json",
)
"""The same in the user's home (relative patterns, where the client supports them)."""


async def watch_files(ls: AgentLanguageServer) -> None:
    """Registers the file watchers (workspace/didChangeWatchedFiles) when the client lets the
    server register them; a client that refuses is logged, nothing else changes."""
    if not ls.client.watched_files:
        return
    watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
    home = Path.home()
    for name in WATCHED_AT_HOME:
        pattern: types.GlobPattern = str(home / name)
        if ls.client.relative_patterns:
            path = home / name
            pattern = types.RelativePattern(base_uri=path.parent.as_uri(), pattern=path.name)
        watchers.append(types.FileSystemWatcher(glob_pattern=pattern))
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
    registration = types.Registration(
        id="agent-ls-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception as err:  # noqa: BLE001 - a client may refuse; edits of open files still count
        log.warning("client/registerCapability for watched files failed: %s", err)
