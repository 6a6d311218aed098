"""The settings dialect: Claude Code's settings files (`.claude/settings.json`,
`.claude/settings.local.json`, `~/.claude/settings.json`) and the hooks and permission rules
in them, JSON read as Claude Code reads it (`core.jsondoc`).

Its data is `keys.json` (every top-level setting, extracted from the binary), `catalogue.json`
(hooks, permissions, env) and `codes.json` (the `ST` codes); `DIALECT` is the one instance the
registry lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_ls.core.findings import Finding
from agent_ls.core.jsondoc import to_python
from agent_ls.dialects.base import CheckContext, Dialect, load_codes
from agent_ls.dialects.settings import features
from agent_ls.dialects.settings.catalogue import SettingsCatalogue, load_catalogue
from agent_ls.dialects.settings.rules import SettingsSource, check_settings, read_settings

if TYPE_CHECKING:
    from agent_ls.features.results import Candidate

__all__ = ["DIALECT", "SettingsDialect", "SettingsSource", "read_settings"]


@dataclass(frozen=True)
class LoadedSettings:
    """What Claude Code takes from a settings file it loads."""

    name: str
    data: dict[str, Any]


class SettingsDialect(Dialect[SettingsSource]):
    """Claude Code settings files and their hooks, read into a `SettingsSource` (JSON with
    positions)."""

    name = "settings"
    title = "Claude Code settings"

    def __init__(self, catalogue: SettingsCatalogue) -> None:
        self.catalogue = catalogue
        self.default_globs = catalogue.globs
        self.codes = load_codes(
            Path(__file__).with_name("codes.json"),
            {
                "hookEvents": ", ".join(catalogue.hook_events),
                "hookTypes": ", ".join(catalogue.hook_types),
                "defaultModes": ", ".join(f"`{m}`" for m in catalogue.default_modes),
                "guardEvents": ", ".join(sorted(catalogue.guard_events)),
            },
        )

    def read(self, text: str) -> SettingsSource:
        return read_settings(text)

    def claims(self, source: SettingsSource, in_globs: bool) -> bool:
        return in_globs

    def check(self, source: SettingsSource, ctx: CheckContext) -> list[Finding]:
        return check_settings(source, self.catalogue, ctx.mcp_servers if ctx else None)

    def load(self, source: SettingsSource) -> LoadedSettings | None:
        """The settings Claude Code reads from the file; None when it does not load it."""
        if source.empty:
            return LoadedSettings("settings", {})
        if self.drops(check_settings(source, self.catalogue)):
            return None
        data = to_python(source.doc.root)
        return LoadedSettings("settings", data if isinstance(data, dict) else {})

    def complete(
        self, source: SettingsSource, offset: int, mcp_servers: frozenset[str] | None
    ) -> list[Candidate]:
        return features.complete(source, offset, self.catalogue, mcp_servers)

    def hover(
        self, source: SettingsSource, offset: int, findings: list[Finding]
    ) -> tuple[str, int, int] | None:
        return features.hover(source, offset, self.catalogue)

    def schema(self) -> dict[str, Any]:
        return features.schema(self.catalogue)


DIALECT = SettingsDialect(load_catalogue())
