"""`agent-ls schema`: a JSON Schema of a frontmatter dialect's files, generated from its catalogue
and its value types (each type describes its own values, so the schema and the rules agree)."""

from __future__ import annotations

from typing import Any

from agent_ls.dialects.base import FrontmatterFeatures


def frontmatter_schema(dialect: FrontmatterFeatures) -> dict[str, Any]:
    """Returns a draft-07 JSON Schema describing the frontmatter Claude Code accepts."""
    cat = dialect.catalogue
    properties: dict[str, Any] = {}
    for spec in sorted(cat.keys.values(), key=lambda s: s.order):
        schema = dict(dialect.value_types.get(spec.type).schema(spec, cat))
        schema.update(dialect.key_schema(spec))
        schema["description"] = spec.doc
        properties[spec.name] = schema
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": dialect.schema_id,
        "title": f"{dialect.title} frontmatter (Claude Code {cat.version})",
        "type": "object",
        "required": [s.name for s in cat.keys.values() if s.required],
        "properties": properties,
        "additionalProperties": True,
    }
