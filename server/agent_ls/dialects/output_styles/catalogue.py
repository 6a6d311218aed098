"""The output-styles dialect's catalogue: what Claude Code reads from an output-style file, from
one JSON file (`catalogue.json`, next to this module)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agent_ls.dialects.base import KeySpec, key_specs, read_boolean


@dataclass(frozen=True)
class StylesCatalogue:
    """Typed view of `catalogue.json`; `plugin` names the plugin a checked style ships in."""

    raw: dict[str, Any]
    keys: dict[str, KeySpec]
    plugin: str | None = None
    """The plugin whose `output-styles/` holds the file (its name is then `PLUGIN:NAME`, and
    `force-for-plugin` applies), or None for a project or user style."""
    extra_keys: frozenset[str] = frozenset()

    @property
    def version(self) -> str:
        return str(self.raw["claudeCodeVersion"])

    @property
    def default_globs(self) -> tuple[str, ...]:
        return tuple(self.raw["globs"])

    @property
    def builtin_styles(self) -> dict[str, str]:
        return dict(self.raw["builtinStyles"])

    @property
    def plugin_only_keys(self) -> frozenset[str]:
        return frozenset(self.raw["pluginOnlyKeys"])

    @property
    def description_line_limit(self) -> int:
        return int(self.raw["descriptionLineLimit"])

    def flag(self, value: object) -> bool | None:
        """How Claude Code reads a boolean key: True, False, or None (ignored)."""
        return read_boolean(value, self.raw, _js_text)

    def enum_values(self, key: str) -> dict[str, str]:
        """No key of an output style is enumerated (the features ask every catalogue)."""
        return {}

    def for_plugin(self, plugin: str | None) -> StylesCatalogue:
        """This catalogue for a style shipped in `plugin` (None: a project or user style)."""
        return self if plugin == self.plugin else replace(self, plugin=plugin)

    def template_values(self) -> dict[str, str]:
        """The values `codes.json` texts are filled from."""
        return {
            "builtinStyles": ", ".join(n for n in self.builtin_styles if n != "default"),
            "trueStrings": "/".join(self.raw["trueStrings"]),
            "falseStrings": "/".join(self.raw["falseStrings"]),
            "descriptionLineLimit": str(self.description_line_limit),
            "keys": ", ".join(f"`{k}`" for k in self.keys),
        }


def js_string(value: object) -> str:
    """`String(value)` as Claude Code's JavaScript writes it (a YAML value it reads as text)."""
    if value is None:
        return ""  # inside a list: `String([null])` is ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return ",".join(js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _js_text(value: object) -> str | None:
    """A scalar's text as the output-styles loader takes it (`String(value)`); None for
    nothing, a list or a mapping."""
    return None if value is None or isinstance(value, (list, dict)) else js_string(value)


@functools.cache
def load_catalogue() -> StylesCatalogue:
    raw = json.loads(Path(__file__).with_name("catalogue.json").read_text("utf-8"))
    return StylesCatalogue(raw=raw, keys=key_specs(raw["keys"]))
