"""The plugin manifest dialect: `.claude-plugin/plugin.json`, as Claude Code 2.1.332 loads it.

Its data is `catalogue.json` (the manifest's fields with what a bad value costs, `onBad`, and
the component paths) and `codes.json` (the `PM` codes). Measured (`tests/conformance/mcp/`,
`docs/claude-code.md`): a manifest that is not JSON or not an object, a missing or invalid
`name`, a value of the wrong type in a field the loader needs, a component path that does not
start with `./` (or lacks its suffix), or one bad inline MCP server: the plugin does not load. A
descriptive field of the wrong type is ignored; a declared path that does not exist is a load
failure of that component only; unknown fields are ignored. Finding a plugin's agents, commands
and skills is the plugins dialect's; this one checks the manifest's fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ls.core.findings import Finding
from agent_ls.core.jsondoc import JsonArray, JsonNode, JsonObject, JsonString
from agent_ls.dialects.base import Applies, Rules
from agent_ls.dialects.jsonfile import (
    JsonDialect,
    JsonFile,
    LoadedJson,
    at,
    unknown_key,
    wrong_type,
)
from agent_ls.dialects.jsonshape import Mismatch
from agent_ls.dialects.mcp import DIALECT as MCP
from agent_ls.dialects.mcp import judge_server

_HERE = Path(__file__).resolve().parent
_NOT_LOADED = "the plugin does not load"
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")

RULES: Rules[Any] = Rules()


@dataclass(frozen=True)
class ComponentPath:
    """A manifest field that declares paths: the suffix its files need."""

    key: str
    suffixes: tuple[str, ...]
    doc: str
    root_allowed: bool


@dataclass(frozen=True)
class ManifestCatalogue:
    version: str
    default_globs: tuple[str, ...]
    paths: Mapping[str, ComponentPath]
    raw: Mapping[str, Any] = field(repr=False)


def load_catalogue() -> ManifestCatalogue:
    raw = json.loads((_HERE / "catalogue.json").read_text("utf-8"))
    paths = {
        key: ComponentPath(
            key,
            tuple(s for s in (spec["suffix"], *spec.get("alsoSuffixes", ())) if s),
            spec["doc"],
            spec.get("root", False),
        )
        for key, spec in raw["componentPaths"].items()
    }
    return ManifestCatalogue(raw["version"], tuple(raw["globs"]), paths, raw)


class PluginManifestDialect(JsonDialect):
    """`.claude-plugin/plugin.json`."""

    name = "plugin"
    title = "Claude Code plugin manifest (.claude-plugin/plugin.json)"
    syntax_code = "PM001"
    rules = RULES

    def __init__(self, catalogue: ManifestCatalogue) -> None:
        super().__init__(catalogue, _HERE, "manifest")

    def mismatch(self, m: Mismatch, file: JsonFile) -> Finding | None:
        if m.kind == "unknown-key":
            return unknown_key(m, "PM201", "Claude Code ignores it")
        top = self.shapes.objects["manifest"].keys.get(str(m.path[0]))
        if top is None or top.name == "name":
            return None  # `name` has its own rule
        if top.on_bad == "ignored":
            return wrong_type(
                m, "PM101", "Claude Code ignores it (the plugin still loads)", file.text
            )
        return wrong_type(m, "PM004", _NOT_LOADED, file.text)

    def load(self, source: Any) -> LoadedJson | None:
        """The plugin's name and fields; None when Claude Code does not load it."""
        findings = self.check(source, self.default_context())
        if self.drops(findings):
            return None
        data = JsonFile(source, self.default_context(), self.shapes).data
        return LoadedJson(str(data["name"]), data)


def plugin_root(file: JsonFile) -> Path | None:
    """The plugin's folder: the one holding `.claude-plugin/`, when the file's path is known."""
    if file.path is None or file.path.parent.name != ".claude-plugin":
        return None
    return file.path.parent.parent


@RULES.rule("PM001", "PM002", applies_to=Applies.FILE)
def manifest_shape(file: JsonFile) -> Iterator[Finding]:
    """A manifest that is not JSON, or not an object."""
    yield from DIALECT.top_problems(file, "PM002", _NOT_LOADED)


@RULES.rule("PM003", "PM301", applies_to=Applies.FILE)
def plugin_name(file: JsonFile) -> Iterator[Finding]:
    """`name`: required, a non-empty string without spaces (kebab-case advised)."""
    root = file.root
    if root is None or not file.doc.valid:
        return
    member = root.member("name")
    if member is None or member.value is None:
        yield Finding("PM003", f"No `name`: {_NOT_LOADED}.", root.start, root.start + 1)
        return
    value = member.value
    if not isinstance(value, JsonString):
        yield at("PM003", f"`name` is not a string: {_NOT_LOADED}.", value)
    elif not value.value:
        yield at("PM003", f"`name` is empty: {_NOT_LOADED}.", value)
    elif " " in value.value:
        yield at(
            "PM003",
            f"`name` contains a space: {_NOT_LOADED}. Use kebab-case (`{_kebab(value.value)}`); a `displayName` may hold spaces.",
            value,
        )
    elif not _KEBAB.match(value.value):
        yield at(
            "PM301",
            f"`{value.value}` is not kebab-case: Claude Code loads it, the claude.ai marketplace sync refuses it.",
            value,
        )


def _kebab(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@RULES.rule("PM004", "PM101", "PM201", applies_to=Applies.FILE)
def field_types(file: JsonFile) -> Iterator[Finding]:
    """Fields of the wrong type (the plugin drops, or the field is ignored) and unknown fields."""
    if file.doc.valid and file.root is not None:
        yield from DIALECT.shape_findings(file)
        homepage = file.root.get("homepage")
        if isinstance(homepage, JsonString) and not _URL.match(homepage.value):
            yield at(
                "PM101",
                "`homepage` is not a URL: Claude Code ignores it (the plugin still loads).",
                homepage,
            )


def _declared(node: JsonNode | None) -> Iterator[JsonString]:
    """The path strings of a component field: a string, or the strings of a list."""
    if isinstance(node, JsonString):
        yield node
    elif isinstance(node, JsonArray):
        yield from (item for item in node.items if isinstance(item, JsonString))


@RULES.rule("PM005", "PM102", applies_to=Applies.FILE)
def component_paths(file: JsonFile) -> Iterator[Finding]:
    """Declared paths: `./…` with the right suffix (else the plugin drops), and that they exist
    (else that component fails to load)."""
    root = file.root
    if root is None or not file.doc.valid:
        return
    folder = plugin_root(file)
    cat: ManifestCatalogue = DIALECT.catalogue
    for key, spec in cat.paths.items():
        for path in _declared(root.get(key)):
            value = path.value
            if spec.root_allowed and value == ".":
                continue
            if not value.startswith("./"):
                yield at(
                    "PM005",
                    f"`{key}` path `{value}` does not start with `./`: {_NOT_LOADED}.",
                    path,
                )
                continue
            if spec.suffixes and not value.endswith(spec.suffixes):
                want = " or ".join(f"`{s}`" for s in spec.suffixes)
                yield at(
                    "PM005", f"`{key}` path `{value}` does not end in {want}: {_NOT_LOADED}.", path
                )
                continue
            if folder is not None and not (folder / value).exists():
                yield at(
                    "PM102",
                    f"`{value}` does not exist: Claude Code loads the plugin without these {spec.doc}.",
                    path,
                )


@RULES.rule("PM006", applies_to=Applies.FILE)
def inline_servers(file: JsonFile) -> Iterator[Finding]:
    """Inline MCP servers: one that `.mcp.json` would skip drops the whole plugin here."""
    root = file.root
    servers = root.get("mcpServers") if root is not None and file.doc.valid else None
    if not isinstance(servers, JsonObject):
        return
    for member in servers.members:
        for problem in judge_server(member, file):
            why = MCP.codes[problem.code].title.replace("`", "")
            yield Finding(
                "PM006",
                f"The inline MCP server `{member.key.value}` is invalid ({why}): {_NOT_LOADED}.",
                problem.start,
                problem.end,
                problem.fixes,
            )


DIALECT = PluginManifestDialect(load_catalogue())
