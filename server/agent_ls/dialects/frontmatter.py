"""The base of the Markdown + YAML frontmatter dialects (agents, skills, commands, output
styles): `check` runs the dialect's registered rules, and every feature hook is the generic
feature of `features/` read from the dialect's keys and value types. It sits above both the seam
(`dialects.base`) and the features, which know a frontmatter dialect only as the seam's
`FrontmatterFeatures`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import MarkdownSource, read_source
from agent_ls.dialects.base import (
    CatalogueError,
    CheckContext,
    Dialect,
    FileContext,
    KeySpec,
    Rules,
    ValueTypes,
)
from agent_ls.features.completion import complete_frontmatter
from agent_ls.features.hover import hover_frontmatter
from agent_ls.features.results import Candidate, Swatch, Symbol
from agent_ls.features.schema import frontmatter_schema
from agent_ls.features.symbols import markdown_symbols, value_swatches


class FrontmatterDialect(Dialect[MarkdownSource]):
    """A Markdown file with YAML frontmatter (agents, skills, commands, output styles): keys from
    the catalogue, a value type per key, registered rules. Subclasses set `rules`,
    `value_types`, `catalogue` (with `keys`, `extra_keys` and `version`) and `codes`, and may
    set `file_context` to their `FileContext` subclass."""

    rules: Rules[Any]
    value_types: ValueTypes
    file_context: Callable[[MarkdownSource, CheckContext], FileContext] = FileContext

    def validate(self) -> None:
        """Raises `CatalogueError` when the data and the code disagree: a key of an unknown
        type, or a rule or value type emitting a code its table lacks."""
        self.value_types.require(self.catalogue.keys)
        missing = sorted(self.emitted_codes() - set(self.codes))
        if missing:
            raise CatalogueError(f"{self.name}: codes emitted without a row: {missing}")

    def emitted_codes(self) -> frozenset[str]:
        """The codes its rules and value types declare."""
        return self.rules.codes() | self.value_types.codes()

    def read(self, text: str) -> MarkdownSource:
        return read_source(text)

    def check(self, source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
        if not self.claims(source, ctx.in_globs):
            return []
        findings = self.rules.run(self.file_context(source, ctx), self.value_types)
        findings.sort(key=lambda f: (f.start, f.end, f.code))
        return findings

    def complete(
        self, source: MarkdownSource, offset: int, mcp_servers: frozenset[str] | None
    ) -> list[Candidate]:
        return complete_frontmatter(self, source, offset, mcp_servers)

    def hover(
        self, source: MarkdownSource, offset: int, findings: list[Finding]
    ) -> tuple[str, int, int] | None:
        return hover_frontmatter(self, source, offset, findings)

    def symbols(self, source: MarkdownSource) -> list[Symbol]:
        return markdown_symbols(source)

    def swatches(self, source: MarkdownSource) -> list[Swatch]:
        return value_swatches(self, source)

    def schema(self) -> dict[str, Any]:
        return frontmatter_schema(self)

    schema_id: str = ""
    """The `$id` of its published schema."""

    def key_schema(self, spec: KeySpec) -> dict[str, Any]:
        """What the schema says of one key beyond its value type (a key's own limits)."""
        return {}
