"""Typed settings: from `[tool.agent-ls]` / `.agent-ls.toml` on disk and from the LSP client.

On the wire (initializationOptions, workspace/configuration section `agentLs`) names are
camelCase; in TOML files they are kebab-case. Both map onto the same dataclasses, and an invalid
value is reported once and replaced by its default.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_AGENT_GLOBS = ("**/.claude/agents/**/*.md",)


@dataclass(frozen=True)
class PersonaSettings:
    """How persona actions reach the Anthropic Messages API."""

    default_model: str = "claude-sonnet-5-5"
    """Model used for agents whose `model` is `inherit` or absent."""
    model_override: str = ""
    """When set, every persona action uses this model."""
    api_key_env: str = "ANTHROPIC_API_KEY"
    """Name of the environment variable holding the API key."""
    base_url: str = ""
    """Messages API base URL (proxies, gateways); empty means the SDK default."""
    max_tokens: int = 4096
    timeout_seconds: float = 120.0
    max_retries: int = 2
    context_lines: int = 40
    """Lines of surrounding code sent on each side of the selection."""
    max_selection_chars: int = 60_000
    secrets: str = "ask"
    """What to do when what would be sent looks like it holds credentials: ask, refuse, allow, or
    redact (each secret in the context replaced by a placeholder)."""
    confirm: str = "always"
    """Whether a rewrite waits for the user to see its diff and accept it: always or never."""


@dataclass(frozen=True)
class Settings:
    """Everything agent-ls reads from configuration."""

    extra_keys: tuple[str, ...] = ()
    """Frontmatter keys to accept without a warning (Claude Code still ignores them)."""
    extra_tools: tuple[str, ...] = ()
    """Tool names to accept beyond the catalogue (e.g. tools of your own MCP setup)."""
    agent_globs: tuple[str, ...] = DEFAULT_AGENT_GLOBS
    """Workspace-relative globs of agent files, in addition to `.claude/agents/**/*.md`."""
    debounce_ms: int = 0
    """Delay between the last keystroke and the diagnostics run (0: check at once)."""
    personas: PersonaSettings = field(default_factory=PersonaSettings)

    def merged(self, overrides: Mapping[str, Any], *, camel: bool) -> tuple[Settings, list[str]]:
        """Returns these settings updated from a raw mapping, and one message per bad value."""
        return _merge(self, overrides, camel=camel)


_CHOICES = {
    "secrets": ("ask", "refuse", "allow", "redact"),
    "confirm": ("always", "never"),
}


def _wire_name(name: str, *, camel: bool) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest) if camel else "-".join([head, *rest])


def _merge(
    base: Any, raw: Mapping[str, Any], *, camel: bool, prefix: str = ""
) -> tuple[Any, list[str]]:
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for f in fields(base):
        key = _wire_name(f.name, camel=camel)
        if key not in raw:
            continue
        value, current = raw[key], getattr(base, f.name)
        where = f"{prefix}{key}"
        if dataclasses.is_dataclass(current):
            if isinstance(value, Mapping):
                changes[f.name], sub = _merge(current, value, camel=camel, prefix=where + ".")
                problems += sub
            else:
                problems.append(f"{where} must be a table of settings; using the defaults")
            continue
        converted = _convert(value, current)
        if converted is None or (f.name in _CHOICES and converted not in _CHOICES[f.name]):
            choices = _CHOICES.get(f.name)
            expected = " or ".join(choices) if choices else type(current).__name__
            problems.append(
                f"{where} = {value!r} is not valid (expected {expected}); using {current!r}"
            )
            continue
        if f.name == "agent_globs":
            converted = tuple(dict.fromkeys((*DEFAULT_AGENT_GLOBS, *converted)))
        changes[f.name] = converted
    return dataclasses.replace(base, **changes), problems


def _convert(value: Any, current: Any) -> Any:
    """Returns `value` as the type of `current`, or None when it cannot be."""
    if isinstance(current, tuple):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return None
    if isinstance(current, bool):
        return value if isinstance(value, bool) else None
    if isinstance(current, int):
        return (
            value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
        )
    if isinstance(current, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        return float(value) if ok else None
    if isinstance(current, str):
        return value if isinstance(value, str) else None
    return None


def load_project_settings(root: Path, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Reads `.agent-ls.toml`, else `[tool.agent-ls]` in `pyproject.toml`, found at `root`."""
    base = base or Settings()
    for name, section in ((".agent-ls.toml", None), ("pyproject.toml", ("tool", "agent-ls"))):
        path = root / name
        if not path.is_file():
            continue
        if sys.version_info >= (3, 11):  # imported only when there is TOML to read
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            return base, [f"{path}: cannot read settings: {err}"]
        for part in section or ():
            data = data.get(part, {}) if isinstance(data, dict) else {}
        if section and not data:
            continue
        merged, problems = base.merged(data, camel=False)
        return merged, [f"{path}: {p}" for p in problems]
    return base, []


def find_project_root(start: Path) -> Path:
    """Returns the nearest folder at or above `start` holding a config file or `.git`, else `start`."""
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        if any(
            (folder / marker).exists() for marker in (".agent-ls.toml", ".git", "pyproject.toml")
        ):
            return folder
    return start
