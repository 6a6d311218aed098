"""The commands dialect: slash commands, `.claude/commands/**/*.md` (and a plugin's
`commands/`). Claude Code loads them through the skills loader, so this dialect is the skills
dialect with its own codes (`CM`, `codes.json`), globs and naming: a command is named by its path
(`a/b.md` is `/a:b`), never by its `name`.
"""

from __future__ import annotations

from pathlib import Path

from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.core.names import NameSlot
from agent_ls.dialects.skills import SkillsDialect
from agent_ls.dialects.skills.catalogue import load_catalogue
from agent_ls.dialects.skills.loader import Placement, place_command

__all__ = ["DIALECT", "CommandsDialect"]


class CommandsDialect(SkillsDialect):
    """Claude Code slash commands."""

    name = "commands"
    title = "Claude Code slash command"
    prefix = "CM"
    globs_key = "commandGlobs"
    schema_id = "https://agent-ls.dev/schemas/claude-code-command.json"
    name_slot = NameSlot("skills", "command", "CM114")
    extension_code = "CM106"

    def place(self, path: Path | None, source: MarkdownSource) -> Placement:
        return place_command(path, self.catalogue.skill_file)


DIALECT = CommandsDialect(load_catalogue(), Path(__file__).with_name("codes.json"))
