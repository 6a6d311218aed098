"""The agents dialect's catalogue: everything agent-ls knows about the agent-file format, read
from one JSON file (`claude_code.json`, next to this module).

Diagnostics, completion, hover, quick fixes and `agent-ls schema` all read this; adding a tool or a
model means editing `claude_code.json`, never code. User settings extend it (`with_settings`).
"""

from __future__ import annotations

import colorsys
import functools
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import KeySpec, key_specs
from agent_ls.dialects.hooks import HookCatalogue, load_hooks
from agent_ls.settings import Settings

__all__ = ["Catalogue", "KeySpec", "LegacyTool", "load_catalogue", "suggest"]


@dataclass(frozen=True)
class LegacyTool:
    name: str
    replacement: str | None
    works: bool
    doc: str


@dataclass(frozen=True)
class Catalogue:
    """Typed view of one dialect's data file, plus the user's extensions."""

    raw: dict[str, Any]
    keys: dict[str, KeySpec]
    key_hints: dict[str, str]
    tools: dict[str, str]
    gated_tools: dict[str, str]
    legacy_tools: dict[str, LegacyTool]
    model_aliases: dict[str, tuple[str, str]]
    model_ids: dict[str, str]
    colors: dict[str, tuple[str, str]]
    color_synonyms: dict[str, str]
    enums: dict[str, dict[str, str]]
    hooks: HookCatalogue
    """Claude Code's hook events and types (the settings dialect's catalogue: one source)."""
    extra_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def version(self) -> str:
        return str(self.raw["claudeCodeVersion"])

    @property
    def name_max_length(self) -> int:
        return int(self.raw["nameMaxLength"])

    @property
    def agent_tools(self) -> frozenset[str]:
        return frozenset(self.raw["agentTools"])

    @property
    def default_globs(self) -> tuple[str, ...]:
        """Where Claude Code looks for agent files (workspace-relative globs)."""
        return tuple(self.raw["agentGlobs"])

    def looks_like_agent(self, data: dict[str, Any]) -> bool:
        """Whether frontmatter outside an agent folder is an agent's (not a skill's or a
        blog's): `name`, `description` and a key only agents have (`agentOnlyKeys`)."""
        return (
            "name" in data
            and "description" in data
            and any(k in data for k in self.raw["agentOnlyKeys"])
        )

    @functools.cached_property
    def working_legacy_names(self) -> dict[str, str]:
        """Legacy tool names that still work, and the tool each gives (`Task` → `Agent`)."""
        return {
            name: tool.replacement
            for name, tool in self.legacy_tools.items()
            if tool.works and tool.replacement
        }

    @functools.cached_property
    def bash_search(self) -> tuple[str, frozenset[str]]:
        """The tool through which Claude Code searches, and the tools it then withholds."""
        spec = self.raw["bashSearch"]
        return spec["tool"], frozenset(spec["replaces"])

    def with_settings(self, settings: Settings) -> Catalogue:
        """Returns this catalogue extended by the user's extra keys and tools."""
        if not settings.extra_keys and not settings.extra_tools:
            return self
        tools = dict(self.tools)
        for name in settings.extra_tools:
            tools.setdefault(name, "Declared in agent-ls settings (extra-tools).")
        return replace(self, tools=tools, extra_keys=self.extra_keys | set(settings.extra_keys))

    def inherit_doc(self) -> str:
        return str(self.raw["models"]["inherit"])

    def resolve_model(self, value: str) -> str | None:
        """Returns the model ID Claude Code sends for `value`; None means inherit."""
        value = value.strip()
        if not value or value.lower() == "inherit":
            return None
        alias = self.model_aliases.get(self.alias_of(value.lower()))
        return alias[0] if alias else value

    def alias_of(self, lowered: str) -> str:
        """The alias a lowered value resolves through: itself, or itself without the context
        window's suffix (`haiku[1m]` is sent as `haiku`, measured: c191)."""
        suffix = self.raw["models"]["contextSuffix"]
        if lowered not in self.model_aliases and lowered.endswith(suffix):
            return lowered.removesuffix(suffix)
        return lowered

    def model_kind(self, value: str) -> str:
        """Returns how Claude Code treats a `model` value: "inherit" (empty or `inherit`),
        "known" (an alias or a current model ID, any case), "claude" (another `claude-…` ID, sent
        verbatim) or "unknown" (sent verbatim, and the API refuses it)."""
        lowered = value.strip().lower()
        if not lowered or lowered == "inherit":
            return "inherit"
        if self.alias_of(lowered) in self.model_aliases or lowered in self._model_ids_lowered:
            return "known"
        return "claude" if lowered.startswith("claude-") else "unknown"

    def enum_values(self, key: str) -> dict[str, str]:
        """Returns value → doc for an enumerated key (color included), else {}."""
        spec = self.keys.get(key)
        if spec is None or spec.values is None:
            return {}
        if spec.values == "colors":
            return self._color_docs
        return self.enums[spec.values]

    # Worked out once per catalogue, not once per file (a frozen dataclass keeps no attribute
    # but these caches, which `functools.cached_property` writes past its `__setattr__`).
    @functools.cached_property
    def _model_ids_lowered(self) -> frozenset[str]:
        return frozenset(m.lower() for m in self.model_ids)

    @functools.cached_property
    def _color_docs(self) -> dict[str, str]:
        return {name: doc for name, (_, doc) in self.colors.items()}

    def nearest_color(self, value: str) -> str | None:
        """Returns the named color closest to `value` (a hex code, a synonym or a misspelling)."""
        hex_match = re.fullmatch(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.strip())
        if hex_match:
            digits = hex_match.group(1)
            if len(digits) == 3:
                digits = "".join(d * 2 for d in digits)
            return min(self.colors, key=lambda name: _hue_distance(digits, self.colors[name][0]))
        return self.color_synonyms.get(value.strip().lower()) or suggest(value, self.colors)

    def all_tool_names(self) -> list[str]:
        return [*self.tools, *self.gated_tools]


def _hue_distance(a: str, b: str) -> float:
    """Distance between two hex colors by hue first, then lightness and saturation."""
    ha, la, sa = colorsys.rgb_to_hls(*(int(a[i : i + 2], 16) / 255 for i in (0, 2, 4)))
    hb, lb, sb = colorsys.rgb_to_hls(*(int(b.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)))
    hue = min(abs(ha - hb), 1 - abs(ha - hb))
    return hue * 4 + abs(la - lb) + abs(sa - sb) / 2


@functools.cache
def load_catalogue(dialect: str = "claude_code") -> Catalogue:
    """Returns the built-in catalogue of `dialect` (parsed once per process)."""
    raw = json.loads((Path(__file__).parent / f"{dialect}.json").read_text("utf-8"))
    keys = key_specs(raw["keys"])
    models = raw["models"]
    return Catalogue(
        raw=raw,
        keys=keys,
        key_hints=raw["keyHints"],
        tools=raw["tools"],
        gated_tools=raw["gatedTools"],
        legacy_tools={
            name: LegacyTool(name, spec["replacement"], spec["works"], spec["doc"])
            for name, spec in raw["legacyTools"].items()
        },
        model_aliases={a: (s["id"], s["doc"]) for a, s in models["aliases"].items()},
        model_ids=models["ids"],
        colors={name: (spec["hex"], spec["doc"]) for name, spec in raw["colors"].items()},
        color_synonyms=raw["colorSynonyms"],
        enums={
            "permissionModes": raw["permissionModes"],
            "memoryScopes": raw["memoryScopes"],
            "isolationModes": raw["isolationModes"],
            "effortLevels": raw["effortLevels"],
        },
        hooks=load_hooks(),
    )
