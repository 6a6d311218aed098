"""Completion, hover and the JSON Schema of settings files, from the catalogue."""

from __future__ import annotations

from typing import Any

from agent_ls.core.jsondoc import JsonArray, JsonMember, JsonNode, JsonString
from agent_ls.dialects.settings.catalogue import KeyType, SettingsCatalogue
from agent_ls.dialects.settings.rules import SettingsSource
from agent_ls.features.results import Candidate

Chain = list[JsonNode | JsonMember]


def _site(chain: Chain) -> tuple[list[str], str, JsonString] | None:
    """Where a string at the cursor sits: the keys leading to it, whether it is a "key" or a
    "value" (or a list "item"), and the string node."""
    if not chain or not isinstance(chain[-1], JsonString):
        return None
    string = chain[-1]
    path: list[str] = []
    role = "value"
    for index, node in enumerate(chain[:-1]):
        if isinstance(node, JsonMember):
            if node.key is string:
                role = "key"
            else:
                path.append(node.key.value)
        elif isinstance(node, JsonArray):
            path.append("[]")
            if index == len(chain) - 2:
                role = "item"
    return path, role, string


def _options(
    path: list[str], role: str, cat: SettingsCatalogue, servers: frozenset[str] | None = None
) -> list[tuple[str, str, str]]:
    """(label, kind, doc) of what may be written at a site (`servers`: the MCP servers)."""
    mcp = [
        (f"mcp__{s}__*", "tool", f"Every tool of the MCP server `{s}`.")
        for s in sorted(servers or ())
    ]
    if role == "key":
        if not path:
            return [(n, "key", cat.keys[n].doc) for n in cat.public_keys()]
        if path == ["hooks"]:
            return [(e, "key", d) for e, d in cat.hook_events.items()]
        if path == ["permissions"]:
            return [(k, "key", d) for k, d in cat.permission_keys.items()]
        if len(path) == 3 and path[0] == "hooks" and path[2] == "[]":
            return [
                ("matcher", "key", "The tools this group applies to."),
                ("hooks", "key", "The hooks to run."),
            ]
        if len(path) == 5 and path[0] == "hooks" and path[3] == "hooks":
            fields = {"type": "The hook's type."}
            for spec in cat.hook_types.values():
                fields.update(
                    {
                        f: f"{k} ({spec.name} hooks)"
                        for f, k in {**spec.required, **spec.optional}.items()
                    }
                )
            return [(f, "key", d) for f, d in fields.items()]
        return []
    last = path[-1] if path else ""
    if role == "value" and last == "matcher" and len(path) > 1 and path[1] in cat.tool_events:
        return [(t, "tool", d) for t, d in cat.tools.items()] + mcp
    if role == "value" and last == "type" and path[:1] == ["hooks"]:
        return [(n, "value", t.doc) for n, t in cat.hook_types.items()]
    if role == "value" and path == ["permissions", "defaultMode"]:
        return [(m, "value", d) for m, d in cat.default_modes.items()]
    if (
        role == "item"
        and len(path) == 3
        and path[0] == "permissions"
        and path[1] in cat.permission_lists
    ):
        forms = [(f, "value", d) for f, d in cat.rule_forms.items()]
        return forms + [(t, "tool", d) for t, d in cat.tools.items()] + mcp
    if role == "value" and len(path) == 1:
        key = cat.keys.get(last)
        if key is not None and key.values:
            return [(v, "value", key.doc) for v in key.values]
    return []


def complete(
    source: SettingsSource,
    offset: int,
    cat: SettingsCatalogue,
    mcp_servers: frozenset[str] | None = None,
) -> list[Candidate]:
    """The candidates for the string at `offset` (a key or a value), replacing its content."""
    site = _site(source.doc.path_at(offset))
    if site is None:
        return []
    path, role, string = site
    start = string.start + 1
    closed = string.end - string.start >= 2 and source.text[string.end - 1] == '"'
    end = string.end - 1 if closed else string.end
    return [
        Candidate(label, kind, "", doc, label, None, start, max(start, end), f"{i:04d}")
        for i, (label, kind, doc) in enumerate(_options(path, role, cat, mcp_servers))
    ]


def hover(
    source: SettingsSource, offset: int, cat: SettingsCatalogue
) -> tuple[str, int, int] | None:
    """Markdown for the key or value at `offset`: the catalogue's documentation of it."""
    site = _site(source.doc.path_at(offset))
    if site is None:
        return None
    path, role, string = site
    word = string.value
    for label, _, doc in _options(path, role, cat):
        if label == word:
            return f"**{word}**\n\n{doc}", string.start, string.end
    return None


def _key_schema(key: KeyType) -> dict[str, Any]:
    simple: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "number": {"type": "number"},
        "integer": {"type": "integer"},
        "boolean": {"type": "boolean"},
        "enum": {"type": "string", "enum": list(key.values)},
        "stringList": {"type": "array", "items": {"type": "string"}},
        "array": {"type": "array"},
        "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
        "enumMap": {"type": "object", "additionalProperties": {"enum": list(key.values)}},
        "record": {"type": "object"},
        "object": {"type": "object"},
    }
    schema = dict(simple.get(key.type, {}))
    for name, value in (
        ("minimum", key.minimum),
        ("exclusiveMinimum", key.exclusive_minimum),
        ("maximum", key.maximum),
    ):
        if value is not None:
            schema[name] = value
    if key.doc:
        schema["description"] = key.doc
    return schema


def schema(cat: SettingsCatalogue) -> dict[str, Any]:
    """A JSON Schema (draft-07) of settings files as Claude Code validates them."""
    entries = []
    for spec in cat.hook_types.values():
        kinds = {**spec.required, **spec.optional}
        entries.append(
            {
                "type": "object",
                "description": spec.doc,
                "required": ["type", *spec.required],
                "properties": {
                    "type": {"const": spec.name},
                    **{f: _field(k) for f, k in kinds.items()},
                },
            }
        )
    group = {
        "type": "object",
        "required": ["hooks"],
        "properties": {
            "matcher": {
                "type": "string",
                "description": "A case-sensitive regular expression over tool names; `*`, empty or absent: every tool.",
            },
            "hooks": {"type": "array", "items": {"oneOf": entries}},
        },
    }
    hooks = {
        "type": "object",
        "description": cat.keys["hooks"].doc,
        "properties": {
            e: {"type": "array", "description": d, "items": group}
            for e, d in cat.hook_events.items()
        },
        "additionalProperties": False,
    }
    rules = {"type": "array", "items": {"type": "string"}}
    permissions = {
        "type": "object",
        "description": cat.keys["permissions"].doc,
        "properties": {
            **{n: _key_schema(k) for n, k in cat.permission_types.items() if not k.internal},
            **{name: {**rules, "description": doc} for name, doc in cat.permission_lists.items()},
            "defaultMode": {
                "enum": list(cat.default_modes),
                "description": cat.permission_keys["defaultMode"],
            },
        },
    }
    properties = {name: _key_schema(key) for name, key in cat.keys.items() if not key.internal}
    properties["hooks"] = hooks
    properties["permissions"] = permissions
    properties["env"] = {
        "type": "object",
        "description": cat.keys["env"].doc,
        "additionalProperties": {"type": ["string", "number", "boolean"]},
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"Claude Code settings (as Claude Code {cat.version} reads them)",
        "type": "object",
        "properties": properties,
    }


def _field(kind: str) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "boolean": {"type": "boolean"},
        "positive": {"type": "number", "exclusiveMinimum": 0},
        "stringList": {"type": "array", "items": {"type": "string"}},
        "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
        "object": {"type": "object"},
    }
    return fields[kind]
