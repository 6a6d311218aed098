"""The MCP servers Claude Code knows for a workspace, from every layer it really reads.

Measured on 2.1.332 (`tests/conformance/mcp/`, cases m021–m044): servers start from
- the project's `.mcp.json`, in the folder Claude Code runs in and its parents (each read as the
  `.mcp.json` dialect says: an ignored file gives none, a skipped server is not there);
- the user's `~/.claude.json`: its top-level `mcpServers` (user scope) and
  `projects[<the project's absolute path>].mcpServers` (local scope);
- enabled plugins: those listed in `~/.claude/plugins/installed_plugins.json` and enabled by
  `enabledPlugins` in a settings file; a plugin's servers are its manifest's `mcpServers`
  (inline, or `./….json` files) or else its `.mcp.json`, named `plugin_<plugin>_<server>`.
`mcpServers` in a `settings.json` starts nothing; `disabledMcpjsonServers` (in the project's
settings files or its `~/.claude.json` entry) keeps those `.mcp.json` servers from starting.

The names returned are the server parts of tool names (`mcp__<name>__tool`): characters other
than letters, digits, `_` and `-` become `_`.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from agent_ls.core.jsondoc import parse_json
from agent_ls.dialects.mcp import DIALECT, tool_prefix
from agent_ls.reading import CONFIG_MAX_BYTES, UnreadableFile, decode, read_bytes

_log = logging.getLogger(__name__)


class _Unknown(Exception):
    """A layer that exists but cannot be read: which servers it adds is unknown."""


_OPEN: contextvars.ContextVar[Mapping[Path, str] | None] = contextvars.ContextVar(
    "open", default=None
)
"""The texts of the layers open in an editor, read instead of the saved files (one call's)."""


def _text(path: Path) -> str | None:
    """The layer's text (an open document's, else the file's); None when there is none; raises
    `_Unknown` when it cannot be read."""
    opened = _OPEN.get()
    if opened:  # keyed by resolved paths
        text = opened.get(path) or opened.get(path.resolve())
        if text is not None:
            return text
    if not path.is_file():
        return None
    try:
        return decode(read_bytes(path, CONFIG_MAX_BYTES)).text
    except UnreadableFile as err:
        raise _Unknown(f"{path}: {err}") from err


def _read_json(path: Path) -> Any:
    """The parsed file; None when it does not exist; raises `_Unknown` when it cannot be read."""
    text = _text(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _Unknown(f"{path}: {err}") from err


def is_layer(path: Path) -> bool:
    """Whether `path` is a file whose contents can change the servers Claude Code knows: a
    `.mcp.json`, `~/.claude.json`, a settings file (enabled plugins, disabled servers), the
    installed plugins or a plugin manifest."""
    name, folder = path.name, path.parent.name
    return (
        name in (".mcp.json", ".claude.json", "installed_plugins.json")
        or folder == ".claude"
        and name in ("settings.json", "settings.local.json")
        or folder == ".claude-plugin"
        and name == "plugin.json"
    )


def _started(path: Path) -> dict[str, Any]:
    """The servers Claude Code starts from one `.mcp.json`-shaped file (none when it is not
    there, or ignored)."""
    text = _text(path)
    if text is None:
        return {}
    doc = parse_json(text)
    if doc.errors and doc.errors[0].message.startswith("Nested deeper"):
        raise _Unknown(f"{path}: nested too deeply to read")  # agent-ls's limit, not Claude Code's
    loaded = DIALECT.load(doc)
    if loaded is None:
        _log.warning("%s: Claude Code ignores this file (see `agent-ls check` on it)", path)
        return {}
    return loaded.servers


def _valid(servers: dict[str, Any]) -> dict[str, Any]:
    """The servers of a `mcpServers` value that Claude Code starts (as `.mcp.json` judges them)."""
    loaded = DIALECT.load(parse_json(json.dumps({"mcpServers": servers})))
    return loaded.servers if loaded is not None else {}


def _record(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _project_servers(root: Path, disabled: set[str]) -> set[str]:
    names: set[str] = set()
    for folder in (root, *root.parents):
        names.update(_started(folder / ".mcp.json"))
    return names - disabled


def _settings(root: Path, home: Path) -> Iterator[dict[str, Any]]:
    """The settings files that can enable plugins or disable `.mcp.json` servers."""
    for path in (
        home / ".claude" / "settings.json",
        root / ".claude" / "settings.json",
        root / ".claude" / "settings.local.json",
    ):
        try:
            data = _read_json(path)
        except _Unknown:
            continue  # Claude Code does not load a broken settings file either
        yield _record(data)


def _plugin_servers(plugin: Path) -> Iterator[str]:
    """The names of a plugin's servers (`plugin_<plugin>_<server>`) as Claude Code starts them."""
    from agent_ls.dialects.plugin_manifest import DIALECT as MANIFEST

    text = _text(plugin / ".claude-plugin" / "plugin.json")
    if text is None:
        return
    loaded = MANIFEST.load(parse_json(text))
    if loaded is None:
        return  # Claude Code does not load the plugin
    declared = loaded.data.get("mcpServers")
    servers: dict[str, Any] = {}
    for item in declared if isinstance(declared, list) else [declared]:
        if isinstance(item, dict):
            servers.update(_valid(item))
        elif isinstance(item, str) and item.endswith(".json"):
            servers.update(_started(plugin / item))
    if declared is None:
        servers = _started(plugin / ".mcp.json")
    for server in servers:
        yield f"plugin_{loaded.name}_{server}"


def _enabled_plugins(home: Path, settings: Iterable[dict[str, Any]]) -> Iterator[Path]:
    enabled: dict[str, Any] = {}
    for layer in settings:
        enabled.update(_record(layer.get("enabledPlugins")))
    installed = _record(_read_json(home / ".claude" / "plugins" / "installed_plugins.json"))
    for plugin_id, installs in _record(installed.get("plugins")).items():
        if enabled.get(plugin_id) is not True:
            continue
        for install in installs if isinstance(installs, list) else []:
            path = _record(install).get("installPath")
            if isinstance(path, str):
                yield Path(path)


def known_servers(
    root: Path | None, home: Path | None = None, texts: Mapping[Path, str] | None = None
) -> frozenset[str] | None:
    """Returns the MCP server names (as in tool names) Claude Code starts for the project at
    `root` with the user's home `home` (default: this user's), reading the layers of `texts`
    (absolute path → an open document's text) instead of their files; None when `root` is
    unknown or a layer cannot be read (then no MCP tool name is judged)."""
    if root is None:
        return None
    token = _OPEN.set(texts)
    try:
        return _known_servers(root, home)
    finally:
        _OPEN.reset(token)


def _known_servers(root: Path, home: Path | None) -> frozenset[str] | None:
    home = Path.home() if home is None else home
    root = root.resolve()
    try:
        settings = list(_settings(root, home))
        user = _record(_read_json(home / ".claude.json"))
        project = _record(_record(user.get("projects")).get(str(root)))
        disabled = {
            n
            for layer in (*settings, project)
            for n in _strings(layer.get("disabledMcpjsonServers"))
        }
        names = _project_servers(root, disabled)
        names.update(_valid(_record(user.get("mcpServers"))))
        names.update(_valid(_record(project.get("mcpServers"))))
        for plugin in _enabled_plugins(home, settings):
            names.update(_plugin_servers(plugin))
    except _Unknown as err:
        _log.warning("%s; MCP tool names are not checked", err)
        return None
    return frozenset(tool_prefix(name) for name in names)
