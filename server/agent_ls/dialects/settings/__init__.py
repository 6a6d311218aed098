"""The settings dialect: Claude Code's settings files (`.claude/settings.json`,
`.claude/settings.local.json`, `~/.claude/settings.json`) and the hooks and permission rules
in them, JSON read as Claude Code reads it (`core.jsondoc`), on the JSON dialects' base
(`jsonfile.JsonDialect`).

Its data is `keys.json` (every top-level setting, extracted from the binary), `catalogue.json`
(hooks, permissions, env) and `codes.json` (the `ST` codes); `DIALECT` is the one instance the
registry lists. Its top-level keys are typed by the binary's schema (`keys.json`), not by
shapes: its rules judge them in the binary's words, and its completion, hover and schema are
its own (`features.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_ls.core.jsondoc import JsonDocument, to_python
from agent_ls.dialects.base import CheckContext
from agent_ls.dialects.jsonfile import JsonDialect, LoadedJson
from agent_ls.dialects.settings import features
from agent_ls.dialects.settings.catalogue import SettingsCatalogue, load_catalogue
from agent_ls.dialects.settings.rules import RULES, SettingsFile, blank
from agent_ls.features.results import Candidate

__all__ = ["DIALECT", "SettingsDialect"]


class SettingsDialect(JsonDialect):
    """Claude Code settings files and their hooks."""

    name = "settings"
    title = "Claude Code settings"
    syntax_code = "ST001"
    rules = RULES

    def __init__(self, catalogue: SettingsCatalogue) -> None:
        super().__init__(
            catalogue,
            Path(__file__).parent,
            None,
            {
                "hookEvents": ", ".join(catalogue.hook_events),
                "hookTypes": ", ".join(catalogue.hook_types),
                "defaultModes": ", ".join(f"`{m}`" for m in catalogue.default_modes),
                "guardEvents": ", ".join(sorted(catalogue.guard_events)),
            },
        )

    def file(self, source: JsonDocument, ctx: CheckContext, path: Path | None) -> SettingsFile:
        return SettingsFile(source, ctx, self.shapes, path, self.catalogue)

    def load(self, source: JsonDocument) -> LoadedJson | None:
        """The settings Claude Code reads from the file; None when it does not load it."""
        if blank(source.text):
            return LoadedJson("settings", {})
        if self.drops(self.check(source, self.default_context())):
            return None
        data = to_python(source.root)
        return LoadedJson("settings", data if isinstance(data, dict) else {})

    def complete(
        self, source: JsonDocument, offset: int, mcp_servers: frozenset[str] | None
    ) -> list[Candidate]:
        return features.complete(source, offset, self.catalogue, mcp_servers)

    def hover(
        self, source: JsonDocument, offset: int, findings: list[Any]
    ) -> tuple[str, int, int] | None:
        return features.hover(source, offset, self.catalogue)

    def schema(self) -> dict[str, Any]:
        return features.schema(self.catalogue)


DIALECT = SettingsDialect(load_catalogue())
