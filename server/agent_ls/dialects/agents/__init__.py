"""The agents dialect: Claude Code sub-agents (`.claude/agents/**/*.md`), Markdown with YAML
frontmatter.

Its data is `claude_code.json` (the catalogue) and `codes.json` (the `AL` codes); its rules and
value types are registered in this folder's modules; `DIALECT` is the one instance the registry
(`agent_ls.dialects`) lists.
"""

from __future__ import annotations

from pathlib import Path

from agent_ls.core.findings import Code, Finding
from agent_ls.core.frontmatter import MarkdownSource, read_source
from agent_ls.dialects.agents.catalogue import Catalogue, load_catalogue
from agent_ls.dialects.agents.loader import LoadedAgent, load_agent, read_agent
from agent_ls.dialects.base import CheckContext, FrontmatterDialect, load_codes
from agent_ls.settings import Settings

__all__ = ["CODES", "DIALECT", "CheckContext", "LoadedAgent", "check", "check_source", "read_agent"]


class AgentsDialect(FrontmatterDialect):
    """Claude Code sub-agents."""

    name = "agents"
    title = "Claude Code sub-agent"

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.default_globs = catalogue.default_globs
        self.codes = load_codes(
            Path(__file__).with_name("codes.json"),
            {
                "nameMaxLength": str(catalogue.name_max_length),
                "colors": ", ".join(catalogue.colors),
                "claudeCodeVersion": catalogue.version,
            },
        )

    def globs(self, settings: Settings) -> tuple[str, ...]:
        """The catalogue's agent globs, then `agent-globs` and `[globs] agents`."""
        return tuple(
            dict.fromkeys(
                (*self.default_globs, *settings.agent_globs, *settings.globs.get(self.name, ()))
            )
        )

    def claims(self, source: MarkdownSource, in_globs: bool) -> bool:
        """A file in an agent folder, or any Markdown whose frontmatter is an agent's."""
        if in_globs:
            return True
        fm = source.frontmatter
        return fm is not None and fm.loaded and self.catalogue.looks_like_agent(fm.data)

    def default_context(self) -> CheckContext:
        """The context of a file in an agent folder, without workspace facts."""
        return CheckContext(self.catalogue)

    def check(self, source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
        from agent_ls.dialects.agents.rules import check_source as run_rules

        return run_rules(source, ctx)

    def load(self, source: MarkdownSource) -> LoadedAgent | None:
        return load_agent(source)


DIALECT = AgentsDialect(load_catalogue())
CODES: dict[str, Code] = DIALECT.codes


def check_source(source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
    """Returns every finding for an already read agent file, in document order."""
    return DIALECT.check(source, ctx)


def check(text: str, ctx: CheckContext) -> list[Finding]:
    """Returns every finding for one agent file, in document order."""
    return DIALECT.check(read_source(text), ctx)
