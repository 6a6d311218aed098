"""The output-styles dialect: `.claude/output-styles/**/*.md` (and a plugin's `output-styles/`),
Markdown whose body is the style's prompt, with an optional YAML frontmatter.

Its data is `catalogue.json` and `codes.json` (the `OS` codes); its rules and value types are in
`rules.py`; `DIALECT` is the one instance the registry (`agent_ls.dialects`) lists.
"""

from __future__ import annotations

from pathlib import Path

from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.core.names import DeclaredName, NamePolicy, NameSlot, name_span
from agent_ls.dialects.base import CheckContext, line_bounds, load_codes
from agent_ls.dialects.frontmatter import FrontmatterDialect
from agent_ls.dialects.output_styles.catalogue import StylesCatalogue, load_catalogue
from agent_ls.dialects.output_styles.loader import LoadedStyle, load_style
from agent_ls.dialects.output_styles.rules import RULES, VALUE_TYPES, StyleFile

__all__ = ["DIALECT", "LoadedStyle", "OutputStylesDialect"]


_SLOT = NameSlot("output-styles", "style", "OS204")


class OutputStylesDialect(FrontmatterDialect):
    """Claude Code output styles."""

    name = "output-styles"
    title = "Claude Code output style"
    schema_id = "https://agent-ls.dev/schemas/claude-code-output-style.json"
    rules = RULES
    value_types = VALUE_TYPES
    file_context = StyleFile
    name_slot = _SLOT
    extension_code = "OS102"

    def __init__(self, catalogue: StylesCatalogue) -> None:
        self.catalogue = catalogue
        self.default_globs = catalogue.default_globs
        self.codes = load_codes(Path(__file__).with_name("codes.json"), catalogue.template_values())
        self.name_policy = NamePolicy.from_raw(catalogue.raw["sameName"])
        self.validate()

    def declared_name(self, path: Path, source: MarkdownSource) -> DeclaredName | None:
        """Every style file loads, named by its `name` or its file name (`PLUGIN:` in a plugin)."""
        style = self.load(source, path.stem, self.catalogue.plugin)
        span = name_span(source, line_bounds(source.text, 0))
        return DeclaredName(path, style.name, *span, *_SLOT, self.catalogue.plugin is not None)

    def context(self, stem: str, plugin: str | None = None) -> CheckContext:
        """The context of a style file named `stem`.md (in `plugin`'s `output-styles/`)."""
        return CheckContext(self.catalogue.for_plugin(plugin), file_stem=stem)

    def load(
        self, source: MarkdownSource, stem: str = "", plugin: str | None = None
    ) -> LoadedStyle:
        """What Claude Code loads: every `.md` file of an output-styles folder loads."""
        return load_style(source, stem, self.catalogue.for_plugin(plugin), plugin)


DIALECT = OutputStylesDialect(load_catalogue())
