"""The plugins dialect: a Claude Code plugin's layout (`.claude-plugin/plugin.json` and the
folders it reads). `layout.py` says which files Claude Code finds in a plugin and under which
names; this module gives each of those files its own dialect (an agent in a plugin's `agents/`
is an agent file, wherever the plugin lives), adding the `PL` findings of where it sits.

- `component_dialect(path)`: the dialect of a file in a plugin's component folder (the registry
  asks when no dialect's globs match);
- `plugin_agent_name(path)`: the name Claude Code gives a plugin's agent, and
  `load_plugin_agent(path, source)` the agent its lenient loader loads (the persona menu);
The manifest itself (its fields, and whether the paths it declares exist) is the
plugin-manifest dialect's; this one reads only the paths.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import MarkdownSource, read_source
from agent_ls.core.names import DeclaredName, name_span
from agent_ls.dialects.agents.loader import LoadedAgent
from agent_ls.dialects.base import CheckContext, Dialect, line_bounds, load_codes
from agent_ls.dialects.plugins.layout import (
    LAYOUT,
    Found,
    Layout,
    forget_plugin_roots,
    frontmatter_of,
    named,
    plugin_root,
    read_layout,
)
from agent_ls.dialects.registry import dialect_named
from agent_ls.features.results import Candidate, Swatch, Symbol

__all__ = [
    "component_dialect",
    "forget_plugin_roots",
    "load_plugin_agent",
    "plugin_agent_name",
    "read_layout",
]

CODES = load_codes(Path(__file__).with_name("codes.json"), {})
_IN_PLUGIN: dict[str, str] = {
    k: v for k, v in LAYOUT["agentCodesInPlugin"].items() if not k.startswith("$")
}


_RENAMED = ("agents", "output-styles")  # named by their frontmatter, which may have changed


def _found(path: Path, data: dict[str, Any] | None = None) -> tuple[Layout, Found] | None:
    """The plugin layout holding `path` and how it treats the file, named from `data` (the
    file's current frontmatter; default: read from disk)."""
    root = plugin_root(path)
    if root is None:
        return None
    layout = read_layout(root)
    found = layout.files.get(Path(path).absolute())
    if found is None:
        return None
    if found.kind in _RENAMED and found.code in (None, "PL301") and not layout.broken:
        found = named(found, layout.name, frontmatter_of(found.path) if data is None else data)
    return layout, found


def plugin_agent_name(path: Path, data: dict[str, Any] | None = None) -> str | None:
    """The name Claude Code lists a plugin's agent file under (named from its frontmatter
    `data`, by default the file's on disk), or None (not a plugin's agent, or not loaded)."""
    hit = _found(path, data)
    if hit is None or hit[1].kind != "agents" or hit[0].broken:
        return None
    return hit[1].name if hit[1].code in (None, "PL301") else None


def load_plugin_agent(path: Path, source: MarkdownSource) -> LoadedAgent | None:
    """The agent a plugin's lenient loader loads from the file at `path` (None: not a plugin's
    agent, or not loaded): under its prefixed name, from a file without frontmatter, with YAML
    that does not parse or without `name` too, described `Agent from PLUGIN plugin` where the
    file gives no description."""
    hit = _found(path, source.data)
    if (
        hit is None
        or hit[1].kind != "agents"
        or hit[0].broken
        or hit[1].code not in (None, "PL301")
    ):
        return None
    layout, found = hit
    assert found.name is not None, "a loaded plugin file has a name"
    data = source.data
    described, model = data.get("description"), data.get("model")
    default = LAYOUT["agentDefaultDescription"].replace("${plugin}", layout.name)
    return LoadedAgent(
        name=found.name,
        description=described.replace("\\n", "\n")
        if isinstance(described, str) and described.strip()
        else default,
        model=model.strip() if isinstance(model, str) else None,
        tools=data.get("tools"),
        body=source.body.strip(),
        data=data,
    )


def component_dialect(path: Path) -> Dialect[MarkdownSource] | None:
    """The dialect of a Markdown file in a plugin's component folder, or None."""
    hit = _found(path)
    if hit is None:
        return None
    layout, found = hit
    inner = dialect_named(LAYOUT["components"][found.kind]["dialect"])
    if inner is not None and found.kind == "output-styles":
        inner = _style_dialect(layout.name)
    return PluginFile(layout, found, inner)


@functools.lru_cache(maxsize=64)
def _style_dialect(plugin: str) -> Dialect[MarkdownSource]:
    """The output-styles dialect for the styles of `plugin` (names `PLUGIN:…`, force-for-plugin)."""
    from agent_ls.dialects.output_styles import DIALECT as STYLES

    variant = copy.copy(STYLES)
    variant.__dict__.pop("_configured", None)  # the original's settings cache is not ours
    variant.catalogue = STYLES.catalogue.for_plugin(plugin)
    return variant


class PluginFile(Dialect[MarkdownSource]):
    """One file of a plugin: checked by the dialect of its component (agents, output styles…),
    plus where it sits (`PL` codes). The features are its component dialect's."""

    name = "plugins"
    default_globs = ()

    def __init__(self, layout: Layout, found: Found, inner: Dialect[MarkdownSource] | None) -> None:
        self.layout, self.found, self.inner = layout, found, inner
        self.title = f"{found.kind[:-1]} of the Claude Code plugin {layout.name}"
        self.codes = CODES
        self.catalogue = inner.catalogue if inner is not None else LAYOUT

    def extend_catalogue(self, settings: Any) -> Any:
        return self.inner.with_settings(settings).catalogue if self.inner else self.catalogue

    def read(self, text: str) -> MarkdownSource:
        return self.inner.read(text) if self.inner else read_source(text)

    def claims(self, source: MarkdownSource, in_globs: bool) -> bool:
        return True

    def load(self, source: MarkdownSource) -> Any:
        return self.inner.load(source) if self.inner else None

    def declared_name(self, path: Path, source: MarkdownSource) -> DeclaredName | None:
        """The prefixed name the plugin loads the file under (`p015:shared`), when it does."""
        slot = None if self.inner is None else self.inner.name_slot
        hit = _found(path, source.data)
        if slot is None or hit is None or hit[0].broken:
            return None
        found = hit[1]
        if found.name is None or found.code not in (None, "PL301"):
            return None
        span = name_span(source, line_bounds(source.text, 0))
        return DeclaredName(path, found.name, *span, *slot, plugin=True)

    def check(self, source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
        hit = _found(self.found.path, source.data)  # the name as the text now says
        found = self.found if hit is None else hit[1]
        text = source.text
        first = line_bounds(text, 0)
        out = []
        if found.code is not None:
            at = first
            entry = source.frontmatter.entries if source.frontmatter else []
            name = next((e for e in entry if e.key == "name"), None)
            if found.code == "PL301" and name is not None:
                at = (name.value_start, name.value_end)
            what = (
                f"Claude Code does not load this {found.kind[:-1]}: " if found.name is None else ""
            )
            out.append(Finding(found.code, f"{what}{found.why}.", *at))
        if self.inner is not None:
            inner_ctx = ctx._replace(catalogue=self.catalogue, in_globs=True)
            for finding in self.inner.check(source, inner_ctx):
                out.append(self._in_plugin(finding, found))
        out.sort(key=lambda f: (f.start, f.end, f.code))
        return out

    def _in_plugin(self, finding: Finding, found: Found) -> Finding:
        """An agent finding whose file a plugin still loads, as the warning it is there."""
        reason = _IN_PLUGIN.get(finding.code)
        if reason is None or found.kind != "agents" or found.name is None:
            return finding
        message = (
            f"In a plugin Claude Code still loads this agent, as `{found.name}`: {reason}. "
            f"Outside a plugin: {finding.message}"
        )
        return Finding("PL401", message, finding.start, finding.end, finding.fixes)

    def complete(
        self, source: MarkdownSource, offset: int, mcp: frozenset[str] | None
    ) -> list[Candidate]:
        return self.inner.complete(source, offset, mcp) if self.inner else []

    def hover(
        self, source: MarkdownSource, offset: int, findings: list[Finding]
    ) -> tuple[str, int, int] | None:
        return self.inner.hover(source, offset, findings) if self.inner else None

    def symbols(self, source: MarkdownSource) -> list[Symbol]:
        return self.inner.symbols(source) if self.inner else []

    def swatches(self, source: MarkdownSource) -> list[Swatch]:
        return self.inner.swatches(source) if self.inner else []

    def schema(self) -> dict[str, Any]:
        return self.inner.schema() if self.inner else {}
