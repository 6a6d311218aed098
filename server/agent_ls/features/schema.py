"""`agent-ls schema`: a JSON Schema of the frontmatter, generated from the catalogue."""

from __future__ import annotations

from typing import Any

from agent_ls.dialects.agents.catalogue import Catalogue


def _enum(values: dict[str, str]) -> dict[str, Any]:
    return {"enum": list(values), "markdownEnumDescriptions": list(values.values())}


def frontmatter_schema(cat: Catalogue) -> dict[str, Any]:
    """Returns a draft-07 JSON Schema describing what Claude Code accepts."""
    tool_names = [
        *cat.tools,
        *cat.gated_tools,
        *(n for n, t in cat.legacy_tools.items() if t.works),
    ]
    tool_item = {
        "type": "string",
        "anyOf": [
            {"enum": ["*", *tool_names]},
            {"pattern": r"^(Agent|Task|Bash|Read|Edit|Write|WebFetch)\(.*\)$"},
            {"pattern": r"^mcp__[^_]+(__.+)?$"},
        ],
    }
    tools = {"anyOf": [{"type": "string"}, {"type": "array", "items": tool_item}]}
    hook = {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"enum": list(cat.hook_types)},
            "command": {"type": "string"},
            "prompt": {"type": "string"},
            "url": {"type": "string"},
            "timeout": {"type": "number"},
        },
    }
    matcher = {
        "type": "object",
        "required": ["hooks"],
        "properties": {
            "matcher": {"type": "string"},
            "hooks": {"type": "array", "minItems": 1, "items": hook},
        },
    }
    by_type: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "tools": tools,
        "model": {"type": "string", "examples": ["inherit", *cat.model_aliases, *cat.model_ids]},
        "effort": {"anyOf": [_enum(cat.enum_values("effort")), {"type": "integer", "minimum": 1}]},
        "positiveInteger": {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": "^[0-9]*[1-9][0-9]*$"},
            ]
        },
        "boolean": {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]},
        "skills": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "mcpServers": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "object", "minProperties": 1, "maxProperties": 1},
                ]
            },
        },
        "hooks": {
            "type": "object",
            "propertyNames": {"enum": list(cat.hook_events)},
            "additionalProperties": {"type": "array", "items": matcher},
        },
        "any": {},
    }
    properties: dict[str, Any] = {}
    for spec in sorted(cat.keys.values(), key=lambda s: s.order):
        schema = (
            dict(_enum(cat.enum_values(spec.name))) if spec.values else dict(by_type[spec.type])
        )
        if spec.name == "name":
            schema.update(
                {"minLength": 1, "maxLength": cat.name_max_length, "pattern": "^[^-:][^:]*$"}
            )
        if spec.name == "description":
            schema["minLength"] = 1
        schema["description"] = spec.doc
        properties[spec.name] = schema
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://agent-ls.dev/schemas/claude-code-agent.json",
        "title": f"{cat.raw['title']} frontmatter (Claude Code {cat.version})",
        "type": "object",
        "required": [s.name for s in cat.keys.values() if s.required],
        "properties": properties,
        "additionalProperties": True,
    }
