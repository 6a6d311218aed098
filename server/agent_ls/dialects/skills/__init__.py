"""The skills dialect: `SKILL.md` in `.claude/skills/<folder>/` (and a plugin's `skills/`),
Markdown with YAML frontmatter.

Claude Code loads skills and slash commands through one loader, so this folder holds what both
dialects share: the catalogue (`skills.json`), the loader, the rules and the value types; the
commands dialect (`dialects/commands/`) brings its own codes and globs. `DIALECT` is the one
instance the registry lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from agent_ls.core.findings import Code, Finding
from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.core.names import DeclaredName, NamePolicy, NameSlot, name_span
from agent_ls.dialects.base import CheckContext, line_bounds, load_codes
from agent_ls.dialects.frontmatter import FrontmatterDialect
from agent_ls.dialects.skills.catalogue import SkillsCatalogue, load_catalogue, template_values
from agent_ls.dialects.skills.loader import (
    SUPPORT,
    LoadedSkill,
    Placement,
    load_skill,
    place_skill,
)
from agent_ls.dialects.skills.rules import SkillFile, never_read, never_read_problem, rules_for
from agent_ls.dialects.skills.values import VALUE_TYPES
from agent_ls.settings import Settings

__all__ = ["DIALECT", "LoadedSkill", "SkillsDialect"]


class SkillsDialect(FrontmatterDialect):
    """Claude Code skills (and, subclassed, slash commands)."""

    name = "skills"
    title = "Claude Code skill"
    prefix = "SK"
    globs_key = "skillGlobs"
    schema_id = "https://agent-ls.dev/schemas/claude-code-skill.json"
    catalogue: SkillsCatalogue
    name_slot: ClassVar[NameSlot] = NameSlot("skills", "skill", "SK114")
    globs_reach_plugins: ClassVar[bool] = True

    def __init__(self, catalogue: SkillsCatalogue, codes_path: Path) -> None:
        self.catalogue = catalogue
        self.default_globs = tuple(catalogue.raw[self.globs_key])
        values = template_values(catalogue.raw, catalogue.enums["effortLevels"])
        self.codes: dict[str, Code] = load_codes(codes_path, values)
        self.rules = rules_for(self.prefix, self.codes)
        self.value_types = VALUE_TYPES
        self.name_policy = NamePolicy.from_raw(catalogue.raw["sameName"])
        self.validate()

    def declared_name(self, path: Path, source: MarkdownSource) -> DeclaredName | None:
        """The name it loads under (its folder; a command's path), when Claude Code loads it:
        pointing at its `name`, else at its first line. (A plugin's skill, which the
        `**/skills/*/SKILL.md` glob gives this dialect too, goes by its plugin's prefixed name:
        `agent_ls.dialects.declared_name` asks the plugin first.)"""
        loaded = self.load_at(source, path)
        if loaded is None:
            return None
        span = name_span(source, line_bounds(source.text, 0))
        return DeclaredName(path, loaded.name, *span, *self.name_slot)

    def extend_catalogue(self, settings: Settings) -> SkillsCatalogue:
        """The catalogue with `extra-keys` and `extra-tools`."""
        return self.catalogue.with_settings(settings)

    def place(self, path: Path | None, source: MarkdownSource) -> Placement:
        """Where the file sits, and what Claude Code takes it for."""
        return place_skill(path, source.split.has_frontmatter, self.catalogue.skill_file)

    def file_context(self, source: MarkdownSource, ctx: CheckContext) -> SkillFile:
        return SkillFile(source, ctx, self.place(ctx.path, source), self.prefix)

    def check(self, source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
        """Every finding; for a file Claude Code never reads, only why."""
        file = self.file_context(source, ctx)
        if file.kind == SUPPORT:
            return []  # a skill's support file: Claude Code does not load it as a skill
        if never_read_problem(file) is not None:
            return list(never_read(file))
        findings = list(self.rules.run(file, self.value_types))
        findings.sort(key=lambda f: (f.start, f.end, f.code))
        return findings

    def load(self, source: MarkdownSource) -> LoadedSkill | None:
        return self.load_at(source, None)

    def load_at(self, source: MarkdownSource, path: Path | None) -> LoadedSkill | None:
        """What Claude Code loads from the file at `path`, or None when it never reads it."""
        return load_skill(source, self.place(path, source), self.catalogue)


DIALECT = SkillsDialect(load_catalogue(), Path(__file__).with_name("codes.json"))
