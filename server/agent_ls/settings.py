"""Typed settings, layered: defaults → the user's config file → the repository's files (local
settings only) → the editor's settings.

On the wire (initializationOptions, workspace/configuration section `agentLs`) names are
camelCase; in TOML files they are kebab-case. Both map onto the same dataclasses, and an invalid
value is reported once and replaced by its default.

Where code and credentials go is the user's decision, never a repository's: the settings marked
user-only (the endpoint, the key's variable, the secrets policy, the confirmation) are read from
the user's config file (`$XDG_CONFIG_HOME/agent-ls/config.toml`, else
`~/.config/agent-ls/config.toml`), the editor, the environment and CLI flags. A repository's
`.agent-ls.toml` or `[tool.agent-ls]` that sets one is ignored for that key, with a
`ConfigProblem` on its line.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from agent_ls.personas.actions import PersonaAction, actions_from_data
from agent_ls.reading import CONFIG_MAX_BYTES, UnreadableFile, read_decoded

log = logging.getLogger(__name__)

USER_ONLY = {"user_only": True}
"""Field metadata of a setting that only the user's own configuration may set."""


@dataclass(frozen=True)
class PersonaSettings:
    """How persona actions reach the Anthropic Messages API."""

    default_model: str = "claude-sonnet-5-5"
    """Model used for agents whose `model` is `inherit` or absent."""
    model_override: str = ""
    """When set, every persona action uses this model."""
    api_key_env: str = field(default="ANTHROPIC_API_KEY", metadata=USER_ONLY)
    """Name of the environment variable holding the API key (user-only)."""
    base_url: str = field(default="", metadata=USER_ONLY)
    """Messages API base URL (proxies, gateways); empty means the SDK default (user-only)."""
    max_tokens: int = 4096
    timeout_seconds: float = 120.0
    max_retries: int = 2
    context_lines: int = 40
    """Lines of surrounding code sent on each side of the selection."""
    max_selection_chars: int = 60_000
    max_turns: int = 8
    """Turns of the agent's read-only tool loop when its file sets no `maxTurns`."""
    actions: tuple[PersonaAction, ...] = ()
    """The project's own actions (`[[personas.actions]]`), beside the shipped ones."""
    secrets: str = field(default="ask", metadata=USER_ONLY)
    """What to do when what would be sent looks like it holds credentials: ask, refuse, allow, or
    redact (each secret in the context replaced by a placeholder; one in the selection still
    asks). User-only."""
    confirm: str = field(default="always", metadata=USER_ONLY)
    """Whether a rewrite waits for the user to see its diff and accept it: always or never
    (user-only)."""


@dataclass(frozen=True)
class Settings:
    """Everything agent-ls reads from configuration."""

    extra_keys: tuple[str, ...] = ()
    """Frontmatter keys to accept without a warning (Claude Code still ignores them)."""
    extra_tools: tuple[str, ...] = ()
    """Tool names to accept beyond the catalogue (e.g. tools of your own MCP setup)."""
    agent_globs: tuple[str, ...] = ()
    """Workspace-relative globs of agent files, in addition to the agents dialect's own
    (`**/.claude/agents/**/*.md`); the same as `globs.agents`."""
    globs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per dialect (`agents`, `skills`, …), globs of its files beyond its defaults."""
    debounce_ms: int = 0
    """Delay between the last keystroke and the diagnostics run (0: check at once)."""
    personas: PersonaSettings = field(default_factory=PersonaSettings)

    def merged(
        self, overrides: Mapping[str, Any], *, camel: bool, local_only: bool = False
    ) -> tuple[Settings, list[str]]:
        """Returns these settings updated from a raw mapping, and one message per bad value (with
        `local_only`, user-only settings are ignored, each with a message)."""
        merged, problems = _merge(self, overrides, camel=camel, local_only=local_only)
        return merged, [message for _, message in problems]


@dataclass(frozen=True)
class ConfigProblem:
    """A problem with a setting in a config file: where it is (0-based line, columns) and why."""

    path: Path
    line: int
    start: int
    end: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line + 1}: {self.message}"


_CHOICES = {
    "secrets": ("ask", "refuse", "allow", "redact"),
    "confirm": ("always", "never"),
}


def _wire_name(name: str, *, camel: bool) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest) if camel else "-".join([head, *rest])


def _merge(
    base: Any, raw: Mapping[str, Any], *, camel: bool, local_only: bool, prefix: str = ""
) -> tuple[Any, list[tuple[str, str]]]:
    """Returns `base` updated from `raw`, and (dotted key, message) per problem."""
    problems: list[tuple[str, str]] = []
    changes: dict[str, Any] = {}
    for f in fields(base):
        key = _wire_name(f.name, camel=camel)
        if key not in raw:
            continue
        value, current = raw[key], getattr(base, f.name)
        where = f"{prefix}{key}"
        if local_only and f.metadata.get("user_only"):
            problems.append((where, _user_only_message(where)))
            continue
        if f.name == "actions":
            changes[f.name], messages = actions_from_data(value)
            problems += [(where, f"{where}: {message}") for message in messages]
            continue
        if dataclasses.is_dataclass(current):
            if isinstance(value, Mapping):
                changes[f.name], sub = _merge(
                    current, value, camel=camel, local_only=local_only, prefix=where + "."
                )
                problems += sub
            else:
                problems.append((where, f"{where} must be a table of settings; using the defaults"))
            continue
        converted = _convert(value, current)
        if converted is None or (f.name in _CHOICES and converted not in _CHOICES[f.name]):
            choices = _CHOICES.get(f.name)
            expected = " or ".join(choices) if choices else type(current).__name__
            problems.append(
                (
                    where,
                    f"{where} = {value!r} is not valid (expected {expected}); using {current!r}",
                )
            )
            continue
        changes[f.name] = converted
    return dataclasses.replace(base, **changes), problems


def _convert(value: Any, current: Any) -> Any:
    """Returns `value` as the type of `current`, or None when it cannot be."""
    if isinstance(current, Mapping):  # a table of string lists (`globs`)
        if not isinstance(value, Mapping):
            return None
        table = {str(k): _convert(v, ()) for k, v in value.items()}
        return None if None in table.values() else {**current, **table}
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


def _user_only_message(key: str) -> str:
    return (
        f"{key} is ignored here: a repository's settings cannot choose where your code and "
        "credentials go. Set it in your own configuration "
        f"({user_config_path()}), your editor's user settings or a command-line flag."
    )


def user_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Returns the user's config file: `$XDG_CONFIG_HOME/agent-ls/config.toml`, else
    `~/.config/agent-ls/config.toml` (it need not exist)."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    home = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return home / "agent-ls" / "config.toml"


def load_user_settings(
    base: Settings | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Settings, list[str]]:
    """Returns `base` updated from the user's config file (every setting allowed there), and
    one message per problem; a missing file changes nothing."""
    base = base or Settings()
    path = user_config_path(environ)
    if not path.is_file():
        return base, []
    data, text, problem = _read_toml(path)
    if problem is not None:
        return base, [str(problem)]
    merged, problems = _merge(base, data, camel=False, local_only=False)
    return merged, [str(_locate(path, text, (), key, message)) for key, message in problems]


def read_project_settings(
    root: Path, base: Settings | None = None
) -> tuple[Settings, list[ConfigProblem]]:
    """Returns `base` updated from `.agent-ls.toml`, else `[tool.agent-ls]` in `pyproject.toml`,
    at `root` (local settings only), and every problem found, with its line."""
    base = base or Settings()
    for name, section in ((".agent-ls.toml", ()), ("pyproject.toml", ("tool", "agent-ls"))):
        path = root / name
        if not path.is_file():
            continue
        data, text, problem = _read_toml(path)
        if problem is not None:
            return base, [problem]
        for part in section:
            data = data.get(part, {}) if isinstance(data, dict) else {}
        if section and not data:
            continue
        if not isinstance(data, Mapping):
            return base, [ConfigProblem(path, 0, 0, 0, "[tool.agent-ls] must be a table")]
        merged, problems = _merge(base, data, camel=False, local_only=True)
        located = [_locate(path, text, section, key, message) for key, message in problems]
        return merged, sorted(located, key=lambda p: (p.line, p.start))
    return base, []


def project_config_problems(root: Path) -> list[ConfigProblem]:
    """Returns the problems of the repository's settings at `root` (ignored user-only keys,
    invalid values, unreadable files), each with its line, for publishing as diagnostics."""
    return read_project_settings(root)[1]


def load_project_settings(root: Path, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Returns what `read_project_settings` does, its problems as messages (`path:line: …`)."""
    settings, problems = read_project_settings(root, base)
    return settings, [str(p) for p in problems]


def _read_toml(path: Path) -> tuple[dict[str, Any], str, ConfigProblem | None]:
    """Returns a TOML file's data and text, or the problem that stops reading it (placed on the
    line the parser names)."""
    if sys.version_info >= (3, 11):  # imported only when there is TOML to read
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    text = ""
    try:
        text = read_decoded(path, CONFIG_MAX_BYTES).text
        return tomllib.loads(text), text, None
    except (UnreadableFile, tomllib.TOMLDecodeError, RecursionError) as err:
        why = "nested too deeply" if isinstance(err, RecursionError) else err
        at = re.search(r"line (\d+), column (\d+)", str(err))
        line, column = (int(at.group(1)) - 1, int(at.group(2)) - 1) if at else (0, 0)
        return {}, text, ConfigProblem(path, line, column, column, f"cannot read settings: {why}")


_TABLE = re.compile(r"^\s*\[+\s*(?P<name>[^\]]+?)\s*\]+")
_KEY = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_\-"'. ]+?)\s*=""")


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _locate(
    path: Path, text: str, section: tuple[str, ...], key: str, message: str
) -> ConfigProblem:
    """Returns the problem placed on the line that sets `section + key` (else on line 0)."""
    wanted = (*section, *key.split("."))
    leaf = wanted[-1]
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines()):
        header = _TABLE.match(line)
        if header:
            table = _dotted(header.group("name"))
            if table == wanted:
                return ConfigProblem(
                    path, number, header.start("name"), header.end("name"), message
                )
            continue
        assignment = _KEY.match(line)
        if assignment is None:
            continue
        full = (*table, *_dotted(assignment.group("key")))
        if full == wanted:
            return ConfigProblem(path, number, assignment.start("key"), len(line.rstrip()), message)
        inline = re.search(rf"""(?<![\w-])["']?{re.escape(leaf)}["']?\s*=""", line)
        if inline and wanted[: len(full)] == full and assignment.end() <= inline.start():
            return ConfigProblem(path, number, inline.start(), len(line.rstrip()), message)
    return ConfigProblem(path, 0, 0, 0, message)


def find_project_root(start: Path) -> Path:
    """Returns the nearest folder at or above `start` holding a config file or `.git`, else `start`."""
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        if any(
            (folder / marker).exists() for marker in (".agent-ls.toml", ".git", "pyproject.toml")
        ):
            return folder
    return start
