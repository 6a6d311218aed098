"""The settings dialect's catalogue: top-level keys (`keys.json`, extracted from the binary) and
hooks, permissions and env (`catalogue.json`), with the tool names of the agents catalogue."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_ls.dialects.agents.catalogue import load_catalogue as load_agents_catalogue
from agent_ls.dialects.hooks import HookCatalogue, HookType, load_hooks

HERE = Path(__file__).parent


@dataclass(frozen=True)
class KeyType:
    """One top-level setting: its type as the binary's schema has it."""

    name: str
    type: str  # string, number, integer, boolean, enum, stringList, array,
    # stringMap, enumMap, record, object, any
    doc: str
    lenient: bool
    """An invalid value is dropped on its own (the file still loads)."""
    internal: bool
    values: tuple[str, ...] = ()
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class SettingsCatalogue:
    version: str
    default_globs: tuple[str, ...]
    keys: dict[str, KeyType]
    hook_events: dict[str, str]
    tool_events: frozenset[str]
    guard_events: frozenset[str]
    guard_scan_exempt: frozenset[str]
    """Top-level keys Claude Code does not scan for PreToolUse/PermissionRequest hooks."""
    hook_types: dict[str, HookType]
    matcher_everything: frozenset[str]
    default_modes: dict[str, str]
    permission_lists: dict[str, str]
    permission_types: dict[str, KeyType]
    """The keys of `permissions`, as the binary's schema has them."""
    rule_forms: dict[str, str]
    file_tools: frozenset[str]
    tools: dict[str, str]
    """Every tool name Claude Code has, with its doc (for matchers and permission rules)."""
    hooks: HookCatalogue
    """The hook catalogue shared with the agents dialect (events and types above are its)."""

    @property
    def permission_keys(self) -> dict[str, str]:
        """The documented keys of `permissions`, with their docs."""
        return {n: k.doc for n, k in self.permission_types.items() if not k.internal}

    def public_keys(self) -> list[str]:
        """The keys offered in completion and suggestions (not the binary's internal ones)."""
        return [name for name, key in self.keys.items() if not key.internal]


def _key(name: str, row: dict[str, Any]) -> KeyType:
    return KeyType(
        name=name,
        type=row["type"],
        doc=row["doc"],
        lenient=row["lenient"],
        internal=row["internal"],
        values=tuple(row.get("values", ())),
        minimum=row.get("minimum"),
        exclusive_minimum=row.get("exclusiveMinimum"),
        maximum=row.get("maximum"),
    )


@functools.cache
def load_catalogue() -> SettingsCatalogue:
    """Returns the settings catalogue (read once per process)."""
    raw = json.loads((HERE / "catalogue.json").read_text("utf-8"))
    keys = json.loads((HERE / "keys.json").read_text("utf-8"))
    agents = load_agents_catalogue()
    hooks = load_hooks()
    tools = {**agents.tools, **agents.gated_tools}
    tools.update({n: t.doc for n, t in agents.legacy_tools.items() if t.works})
    return SettingsCatalogue(
        version=keys["claudeCodeVersion"],
        default_globs=tuple(raw["globs"]),
        keys={name: _key(name, row) for name, row in keys["keys"].items()},
        hook_events=hooks.events,
        tool_events=hooks.tool_events,
        guard_events=hooks.guard_events,
        guard_scan_exempt=frozenset(raw["guardScanExempt"]),
        hook_types=hooks.types,
        matcher_everything=frozenset(raw["matcherEverything"]),
        default_modes=raw["defaultModes"],
        permission_lists=raw["permissionLists"],
        permission_types={name: _key(name, row) for name, row in keys["permissions"].items()},
        rule_forms=raw["ruleForms"],
        file_tools=frozenset(raw["fileTools"]),
        tools=tools,
        hooks=hooks,
    )
