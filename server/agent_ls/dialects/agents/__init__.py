"""The agents dialect: Claude Code sub-agents (`.claude/agents/**/*.md`), Markdown with YAML
frontmatter.

Its data is `claude_code.json` (the catalogue) and `codes.json` (the `AL` codes); its rules and
value types are registered in this folder's modules; `DIALECT` is the one instance the registry
(`agent_ls.dialects`) lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_ls.core.findings import Code, Finding
from agent_ls.core.frontmatter import MarkdownSource, read_source
from agent_ls.core.names import DeclaredName, NamePolicy, NameSlot, name_entry
from agent_ls.dialects.agents import keys, structure, tools, values  # noqa: F401 - they register
from agent_ls.dialects.agents.catalogue import Catalogue, load_catalogue
from agent_ls.dialects.agents.context import RULES, VALUE_TYPES, AgentFile
from agent_ls.dialects.agents.loader import LoadedAgent, loaded_agent
from agent_ls.dialects.base import CheckContext, KeySpec, load_codes
from agent_ls.dialects.frontmatter import FrontmatterDialect
from agent_ls.settings import Settings

__all__ = ["CODES", "DIALECT", "CheckContext", "LoadedAgent", "check", "check_source", "read_agent"]


_SLOT = NameSlot("agents", "agent", "AL208")


class AgentsDialect(FrontmatterDialect):
    """Claude Code sub-agents."""

    name = "agents"
    schema_id = "https://agent-ls.dev/schemas/claude-code-agent.json"
    rules = RULES
    value_types = VALUE_TYPES
    file_context = AgentFile
    name_slot = _SLOT
    extension_code = "AL106"

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue: Catalogue = catalogue
        self.title = str(catalogue.raw["title"])
        self.default_globs = catalogue.default_globs
        self.codes = load_codes(
            Path(__file__).with_name("codes.json"),
            {
                "nameMaxLength": str(catalogue.name_max_length),
                "colors": ", ".join(catalogue.colors),
                "claudeCodeVersion": catalogue.version,
            },
        )
        self.name_policy = NamePolicy.from_raw(catalogue.raw["sameName"])
        self.validate()

    def declared_name(self, path: Path, source: MarkdownSource) -> DeclaredName | None:
        """The agent's `name` (its last key), when it is text that is not blank."""
        entry = name_entry(source)
        if entry is None or not isinstance(entry.value, str) or not entry.value.strip():
            return None
        return DeclaredName(path, entry.value, entry.value_start, entry.value_end, *_SLOT)

    def matches(self, path: Path, root: Path | None, settings: Settings) -> bool:
        """A Markdown file matching the agent globs."""
        return path.suffix == ".md" and super().matches(path, root, settings)

    def globs(self, settings: Settings) -> tuple[str, ...]:
        """The catalogue's agent globs, then `agent-globs` and `[globs] agents`."""
        return tuple(
            dict.fromkeys(
                (*self.default_globs, *settings.agent_globs, *settings.globs.get(self.name, ()))
            )
        )

    claims_outside_globs = True

    def extend_catalogue(self, settings: Settings) -> Catalogue:
        """The catalogue with `extra-keys` and `extra-tools`."""
        return self.catalogue.with_settings(settings)

    def claims(self, source: MarkdownSource, in_globs: bool) -> bool:
        """A file in an agent folder, or any Markdown whose frontmatter is an agent's."""
        if in_globs:
            return True
        fm = source.frontmatter
        return fm is not None and fm.loaded and self.catalogue.looks_like_agent(fm.data)

    def key_schema(self, spec: KeySpec) -> dict[str, Any]:
        """`name`: 1 to `nameMaxLength` characters, no `:`, not starting with `-`;
        `description`: not empty."""
        if spec.name == "name":
            return {
                "minLength": 1,
                "maxLength": self.catalogue.name_max_length,
                "pattern": "^[^-:][^:]*$",
            }
        if spec.name == "description":
            return {"minLength": 1}
        return {}

    def load(self, source: MarkdownSource) -> LoadedAgent | None:
        """The agent Claude Code loads from `source`, or None when it drops the file."""
        if self.drops(self.check(source, self.default_context())):
            return None
        return loaded_agent(source)


DIALECT = AgentsDialect(load_catalogue())
CODES: dict[str, Code] = DIALECT.codes


def check_source(source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
    """Returns every finding for an already read agent file, in document order."""
    return DIALECT.check(source, ctx)


def check(text: str, ctx: CheckContext) -> list[Finding]:
    """Returns every finding for one agent file, in document order."""
    return DIALECT.check(read_source(text), ctx)


def read_agent(text: str) -> LoadedAgent | None:
    """Returns the agent Claude Code would load from `text`, or None when it would drop it."""
    return DIALECT.load(read_source(text))
