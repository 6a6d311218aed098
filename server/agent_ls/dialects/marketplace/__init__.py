"""The marketplace dialect: `.claude-plugin/marketplace.json`, as Claude Code 2.1.332 adds it.

Its data is `catalogue.json` (the file's and an entry's fields, the source kinds) and
`codes.json` (the `MK` codes). Measured with `claude plugin marketplace add`, `plugin list
--available` and `plugin install` (`tests/conformance/mcp/`, `docs/claude-code.md`): a file that
is not JSON or not an object, an invalid `name`, a missing or invalid `owner`, or `plugins` that
is not a list and the marketplace is not added; an entry without a `name` is left out; an
entry with a bad `source` or a value of the wrong type is offered but does not install.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ls.core.findings import Finding
from agent_ls.core.jsondoc import JsonArray, JsonObject, JsonString
from agent_ls.dialects.base import Applies, CheckContext, Rules
from agent_ls.dialects.jsonfile import (
    JsonDialect,
    JsonFile,
    LoadedJson,
    a_type,
    at,
    unknown_key,
    wrong_type,
)
from agent_ls.dialects.jsonshape import Mismatch, type_of

_HERE = Path(__file__).resolve().parent
_NOT_ADDED = "Claude Code does not add the marketplace"
_NOT_INSTALLED = "the entry is listed, but installing it fails"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

RULES: Rules[Any] = Rules()


@dataclass(frozen=True)
class MarketplaceCatalogue:
    version: str
    default_globs: tuple[str, ...]
    sources: Mapping[str, str]
    """Each object source kind and the field it requires."""
    raw: Mapping[str, Any] = field(repr=False)


def load_catalogue() -> MarketplaceCatalogue:
    raw = json.loads((_HERE / "catalogue.json").read_text("utf-8"))
    sources = {kind: spec["requires"] for kind, spec in raw["sources"].items()}
    return MarketplaceCatalogue(raw["version"], tuple(raw["globs"]), sources, raw)


class MarketplaceDialect(JsonDialect):
    """`.claude-plugin/marketplace.json`."""

    name = "marketplace"
    title = "Claude Code plugin marketplace (.claude-plugin/marketplace.json)"
    syntax_code = "MK001"
    rules = RULES

    def __init__(self, catalogue: MarketplaceCatalogue) -> None:
        kinds = ", ".join(f"`{k}`" for k in catalogue.sources)
        super().__init__(catalogue, _HERE, "marketplace", {"sources": kinds})

    def mismatch(self, m: Mismatch, file: JsonFile) -> Finding | None:
        if m.path[:1] != ("plugins",) or len(m.path) < 3 or m.path[2] in ("name", "source"):
            return None  # the top's fields, an entry's name and source: their own rules
        if m.kind == "unknown-key":
            return unknown_key(m, "MK201", "Claude Code ignores it")
        return wrong_type(m, "MK103", _NOT_INSTALLED, file.text)

    def load(self, source: Any) -> LoadedJson | None:
        """The marketplace and the entries it offers; None when Claude Code does not add it."""
        file = JsonFile(source, CheckContext(self.catalogue), self.shapes)
        findings = self.check(source, CheckContext(self.catalogue))
        if self.drops(findings):
            return None
        entries = [
            e
            for e in file.data["plugins"]
            if isinstance(e, dict) and isinstance(e.get("name"), str)
        ]
        return LoadedJson(str(file.data["name"]), {**file.data, "plugins": entries})


@RULES.rule("MK001", "MK002", applies_to=Applies.FILE)
def file_shape(file: JsonFile) -> Iterator[Finding]:
    """A file that is not JSON, or not an object."""
    yield from DIALECT.top_problems(file, "MK002", _NOT_ADDED)


@RULES.rule("MK003", "MK004", "MK005", applies_to=Applies.FILE)
def required_fields(file: JsonFile) -> Iterator[Finding]:
    """`name` (valid characters), `owner` (an object with a name) and `plugins` (a list)."""
    root = file.root
    if root is None or not file.doc.valid:
        return
    head = (root.start, root.start + 1)
    name = root.get("name")
    if not isinstance(name, JsonString) or not _NAME.match(name.value):
        why = (
            "no `name`"
            if name is None
            else f"`name` is {a_type(type_of(name))}"
            if not isinstance(name, JsonString)
            else f"`name` {json.dumps(name.value)} is not letters, digits, `.`, `_` and `-`"
        )
        at = head if name is None else (name.start, name.end)
        yield Finding("MK003", f"{why[0].upper()}{why[1:]}: {_NOT_ADDED}.", *at)
    owner = root.get("owner")
    owner_name = owner.get("name") if isinstance(owner, JsonObject) else None
    if not isinstance(owner, JsonObject) or not isinstance(owner_name, JsonString):
        why = (
            "no `owner`"
            if owner is None
            else "`owner` has no `name`"
            if isinstance(owner, JsonObject)
            else f"`owner` is {a_type(type_of(owner))}, not an object"
        )
        at = head if owner is None else (owner.start, owner.end)
        yield Finding("MK004", f"{why[0].upper()}{why[1:]}: {_NOT_ADDED}.", *at)
    plugins = root.get("plugins")
    if not isinstance(plugins, JsonArray):
        why = (
            "no `plugins` list"
            if plugins is None
            else f"`plugins` is {a_type(type_of(plugins))}, not a list"
        )
        at = head if plugins is None else (plugins.start, plugins.end)
        yield Finding("MK005", f"{why[0].upper()}{why[1:]}: {_NOT_ADDED}.", *at)


def _entries(file: JsonFile) -> list[JsonObject | Any]:
    root = file.root
    plugins = root.get("plugins") if root is not None and file.doc.valid else None
    return list(plugins.items) if isinstance(plugins, JsonArray) else []


@RULES.rule("MK101", "MK105", applies_to=Applies.FILE)
def entry_names(file: JsonFile) -> Iterator[Finding]:
    """Entries left out (no string `name`) and names used twice."""
    seen: dict[str, list[JsonString]] = {}
    for entry in _entries(file):
        name = entry.get("name") if isinstance(entry, JsonObject) else None
        if not isinstance(name, JsonString):
            why = "is not an object" if not isinstance(entry, JsonObject) else "has no `name`"
            yield Finding(
                "MK101",
                f"This entry {why}: Claude Code leaves it out.",
                entry.start,
                entry.start + 1 if isinstance(entry, JsonObject) else entry.end,
            )
            continue
        seen.setdefault(name.value, []).append(name)
    for shared, nodes in seen.items():
        if len(nodes) > 1:
            for node in nodes:
                yield at(
                    "MK105",
                    f"{len(nodes)} entries are named `{shared}`: `{shared}@…` installs only one of them.",
                    node,
                )


@RULES.rule("MK102", "MK104", applies_to=Applies.FILE)
def entry_sources(file: JsonFile) -> Iterator[Finding]:
    """Each entry's `source`: `./…` that exists, or an object of a known kind with its field."""
    cat: MarketplaceCatalogue = DIALECT.catalogue
    root_folder = (
        file.path.parent.parent
        if file.path is not None and file.path.parent.name == ".claude-plugin"
        else None
    )
    for entry in _entries(file):
        if not isinstance(entry, JsonObject) or not isinstance(entry.get("name"), JsonString):
            continue
        source = entry.get("source")
        if source is None:
            yield Finding("MK102", f"No `source`: {_NOT_INSTALLED}.", entry.start, entry.start + 1)
        elif isinstance(source, JsonString):
            if not source.value.startswith("./"):
                yield at(
                    "MK102", f"A relative `source` starts with `./`: {_NOT_INSTALLED}.", source
                )
            elif root_folder is not None and not (root_folder / source.value).is_dir():
                yield at(
                    "MK104",
                    f"`{source.value}` is not a folder of the marketplace: {_NOT_INSTALLED}.",
                    source,
                )
        elif isinstance(source, JsonObject):
            kind = source.get("source")
            kinds = ", ".join(cat.sources)
            if not isinstance(kind, JsonString) or kind.value not in cat.sources:
                yield at(
                    "MK102", f"The source kind is not one of {kinds}: {_NOT_INSTALLED}.", source
                )
            elif not isinstance(source.get(cat.sources[kind.value]), JsonString):
                need = cat.sources[kind.value]
                yield at(
                    "MK102", f"A `{kind.value}` source needs `{need}`: {_NOT_INSTALLED}.", source
                )
        else:
            yield at("MK102", f"`source` is {a_type(type_of(source))}: {_NOT_INSTALLED}.", source)


@RULES.rule("MK103", "MK201", applies_to=Applies.FILE)
def entry_fields(file: JsonFile) -> Iterator[Finding]:
    """An entry's other fields: of the wrong type (not installable) or unknown (ignored)."""
    if file.doc.valid and file.root is not None:
        yield from DIALECT.shape_findings(file)


DIALECT = MarketplaceDialect(load_catalogue())
