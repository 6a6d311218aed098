"""The catalogue of skills and slash commands (`skills.json`, next to this module).

Claude Code loads both through one loader, so one catalogue serves the skills and the commands
dialects: the keys it reads with their value types and docs, the limits, the boolean strings.
Tool names and models are the agents catalogue's (one list of tools, one of models).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agent_ls.dialects.agents.catalogue import Catalogue as AgentsCatalogue
from agent_ls.dialects.agents.catalogue import load_catalogue as load_agents_catalogue
from agent_ls.dialects.base import KeySpec, key_specs, read_boolean
from agent_ls.settings import Settings


@dataclass(frozen=True)
class SkillsCatalogue:
    """Typed view of `skills.json`, with the agents catalogue for tools and models."""

    raw: dict[str, Any]
    keys: dict[str, KeySpec]
    key_hints: dict[str, str]
    inert_keys: frozenset[str]
    enums: dict[str, dict[str, str]]
    agents: AgentsCatalogue
    extra_keys: frozenset[str] = frozenset()
    extra_tools: frozenset[str] = frozenset()

    def with_settings(self, settings: Settings) -> SkillsCatalogue:
        """This catalogue with the user's `extra-keys` and `extra-tools` (the agents' settings:
        the same names mean the same there)."""
        if not settings.extra_keys and not settings.extra_tools:
            return self
        return replace(
            self,
            extra_keys=self.extra_keys | set(settings.extra_keys),
            extra_tools=self.extra_tools | set(settings.extra_tools),
        )

    @property
    def version(self) -> str:
        return str(self.raw["claudeCodeVersion"])

    @property
    def skill_file(self) -> str:
        return str(self.raw["skillFile"])

    @property
    def file_max_bytes(self) -> int:
        return int(self.raw["fileMaxBytes"])

    @property
    def name_max_length(self) -> int:
        return int(self.raw["nameMaxLength"])

    @property
    def listing_max_length(self) -> int:
        return int(self.raw["listingMaxLength"])

    @property
    def fallback_max_length(self) -> int:
        return int(self.raw["fallbackDescriptionMaxLength"])

    def model_kind(self, value: str) -> str:
        """How Claude Code treats a `model` value (the agents catalogue's `model_kind`), once the
        context-window suffix (`opus[1m]`) is set aside: the skill loader resolves it on any
        alias."""
        return self.agents.model_kind(self.without_suffix(value))

    def without_suffix(self, value: str) -> str:
        return value.strip().removesuffix(self.raw["modelContextSuffix"])

    def boolean(self, value: Any) -> bool | None:
        """How Claude Code reads a boolean value: True, False, or None when it is neither (a
        string it does not know, a list…)."""
        return read_boolean(value, self.raw, _python_text)

    def enum_values(self, key: str) -> dict[str, str]:
        """Returns value → doc for an enumerated key, else {}."""
        spec = self.keys.get(key)
        if spec is None or spec.values is None:
            return {}
        return self.enums[spec.values]

    def enum_key(self, key: str, value: str) -> str:
        """A value as Claude Code compares it with its table: trimmed and lowercased for the
        tables it reads that way (`shells`), as written for the others (`context: fork`)."""
        spec = self.keys.get(key)
        if spec is not None and spec.values in self.raw["caseInsensitiveEnums"]:
            return value.strip().lower()
        return value


def template_values(raw: dict[str, Any], effort_levels: dict[str, str]) -> dict[str, str]:
    """The catalogue values that `${name}` placeholders in docs and code tables are filled from."""
    return {
        "fileMaxBytes": f"{raw['fileMaxBytes']:,}",
        "nameMaxLength": str(raw["nameMaxLength"]),
        "listingMaxLength": f"{raw['listingMaxLength']:,}",
        "fallbackDescriptionMaxLength": str(raw["fallbackDescriptionMaxLength"]),
        "claudeCodeVersion": str(raw["claudeCodeVersion"]),
        "effortLevels": ", ".join(f"`{level}`" for level in effort_levels),
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def _python_text(value: object) -> str | None:
    """A scalar's text as the skills loader takes it (`str`); None for anything else (a list,
    a mapping, a date)."""
    return str(value) if isinstance(value, (str, int, float)) else None


@functools.cache
def load_catalogue() -> SkillsCatalogue:
    """Returns the built-in catalogue of skills and commands (parsed once per process)."""
    raw = json.loads(Path(__file__).with_name("skills.json").read_text("utf-8"))
    agents = load_agents_catalogue()
    enums = {
        "contexts": raw["contexts"],
        "shells": raw["shells"],
        "effortLevels": agents.enums["effortLevels"],
    }
    values = template_values(raw, enums["effortLevels"])
    docs = {name: {**spec, "doc": _fill(spec["doc"], values)} for name, spec in raw["keys"].items()}
    return SkillsCatalogue(
        raw=raw,
        keys=key_specs(docs),
        key_hints=raw["keyHints"],
        inert_keys=frozenset(raw["inertKeys"]),
        enums=enums,
        agents=agents,
    )
