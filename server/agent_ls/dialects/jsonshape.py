"""The shapes of a JSON file's values, as data: what each key holds, read from a dialect's catalogue.

A catalogue's `shapes` table names object shapes; each lists its keys, and each key its
`type` (`string`, `number`, `boolean`, `array`, `record`, `object`, `any`, or several joined
by `|`), `items` / `values` (the shape or type of an array's items or a record's values),
`ref` (the object shape of an `object`), `enum`, `doc`, and what Claude Code does with a bad
value (`onBad`, the dialect's word). One reading of that table gives the type check, the keys
to complete, the hover text and the JSON Schema, so the four cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_ls.core.jsondoc import (
    JsonArray,
    JsonDocument,
    JsonMember,
    JsonNode,
    JsonNull,
    JsonObject,
    JsonString,
)

SCALARS = ("string", "number", "boolean", "any")


@dataclass(frozen=True)
class KeyShape:
    """One key of an object shape."""

    name: str
    type: tuple[str, ...]
    doc: str = ""
    items: str | None = None
    values: str | None = None
    ref: str | None = None
    enum: tuple[str, ...] = ()
    on_bad: str = ""
    required: bool = False
    snippet: str | None = None


@dataclass(frozen=True)
class ObjectShape:
    """An object shape: its known keys; `open` when other keys are allowed silently."""

    name: str
    doc: str
    keys: Mapping[str, KeyShape]
    open: bool = False
    values: str | None = None
    """For a record shape (free keys): the shape or type of every value."""


@dataclass(frozen=True)
class Shapes:
    """A dialect's table of object shapes, with the shape of the file's top."""

    root: str
    objects: Mapping[str, ObjectShape] = field(default_factory=dict)

    def get(self, name: str | None) -> ObjectShape | None:
        return self.objects.get(name) if name else None


def load_shapes(raw: Mapping[str, Any], root: str) -> Shapes:
    """Reads a catalogue's `shapes` table."""
    objects = {}
    for name, spec in raw.items():
        keys = {
            key: KeyShape(
                name=key,
                type=tuple(k["type"].split("|")),
                doc=k.get("doc", ""),
                items=k.get("items"),
                values=k.get("values"),
                ref=k.get("ref"),
                enum=tuple(k.get("enum", ())),
                on_bad=k.get("onBad", ""),
                required=k.get("required", False),
                snippet=k.get("snippet"),
            )
            for key, k in spec.get("keys", {}).items()
        }
        objects[name] = ObjectShape(
            name, spec.get("doc", ""), keys, spec.get("open", False), spec.get("values")
        )
    return Shapes(root, objects)


def type_of(node: JsonNode | None) -> str:
    """The JSON type of a node as the messages name it (`string`, `array`, `object`, …)."""
    return "nothing" if node is None else node.kind


def fits(node: JsonNode | None, types: tuple[str, ...]) -> bool:
    """Whether a node is of one of `types` (`record` and `object` are both JSON objects)."""
    kind = type_of(node)
    return "any" in types or kind in types or (kind == "object" and "record" in types)


@dataclass(frozen=True)
class Mismatch:
    """A value of the wrong type, an unknown key or a value outside its enum."""

    kind: str  # "type", "unknown-key", "enum"
    path: tuple[str | int, ...]
    node: JsonNode | JsonMember
    expected: str
    key: KeyShape | None = None
    """The key whose value this is (None for an array item or a record value)."""
    shape: ObjectShape | None = None
    """The object shape the key belongs to (for an unknown key: the shape it is missing from)."""


def mismatches(
    node: JsonNode | None, shape: ObjectShape, shapes: Shapes, path: tuple[str | int, ...] = ()
) -> Iterator[Mismatch]:
    """Yields every mismatch between an object node and its shape, nested shapes included."""
    if not isinstance(node, JsonObject):
        return
    for member in node.members:
        if node.member(member.key.value) is not member:
            continue  # an earlier duplicate: the last one is read
        key = member.key.value
        here = (*path, key)
        if shape.values is not None and not shape.keys:
            yield from _value(member.value, shape.values, shapes, here, None, shape)
            continue
        spec = shape.keys.get(key)
        if spec is None:
            if not shape.open:
                yield Mismatch("unknown-key", here, member, "", None, shape)
            continue
        yield from _keyed(member.value, spec, shapes, here, shape)


def _keyed(
    node: JsonNode | None,
    spec: KeyShape,
    shapes: Shapes,
    path: tuple[str | int, ...],
    shape: ObjectShape,
) -> Iterator[Mismatch]:
    if node is None:
        return
    if not fits(node, spec.type):
        yield Mismatch("type", path, node, " or ".join(spec.type), spec, shape)
        return
    if spec.enum and isinstance(node, JsonString) and node.value not in spec.enum:
        yield Mismatch("enum", path, node, ", ".join(spec.enum), spec, shape)
    if isinstance(node, JsonArray) and spec.items:
        for index, item in enumerate(node.items):
            yield from _value(item, spec.items, shapes, (*path, index), spec, shape)
    if isinstance(node, JsonObject):
        inner = shapes.get(spec.ref)
        if inner is not None:
            yield from mismatches(node, inner, shapes, path)
        elif spec.values:
            for member in node.members:
                here = (*path, member.key.value)
                yield from _value(member.value, spec.values, shapes, here, spec, shape)


def _value(
    node: JsonNode | None,
    of: str,
    shapes: Shapes,
    path: tuple[str | int, ...],
    spec: KeyShape | None,
    shape: ObjectShape,
) -> Iterator[Mismatch]:
    """An array item or record value: a scalar type or an object shape."""
    inner = shapes.get(of)
    if inner is not None:
        if not isinstance(node, JsonObject):
            yield Mismatch("type", path, node or JsonNull(0, 0), "object", spec, shape)
            return
        yield from mismatches(node, inner, shapes, path)
    elif node is not None and not fits(node, tuple(of.split("|"))):
        yield Mismatch("type", path, node, of.replace("|", " or "), spec, shape)


def shape_at(
    doc: JsonDocument, offset: int, shapes: Shapes
) -> tuple[ObjectShape | None, list[Any]]:
    """The object shape of the innermost object around `offset`, and the chain to it."""
    chain: list[Any] = doc.path_at(offset)
    shape = shapes.get(shapes.root)
    current: ObjectShape | None = shape
    pending: KeyShape | None = None
    innermost: ObjectShape | None = None
    for item in chain:
        if isinstance(item, JsonObject):
            if pending is not None:
                current = shapes.get(pending.ref) or shapes.get(pending.values or pending.items)
            innermost = current
            pending = None
        elif isinstance(item, JsonMember) and current is not None:
            pending = current.keys.get(item.key.value)
            if pending is None and current.values is not None:
                pending = KeyShape(item.key.value, ("object",), ref=current.values)
        elif isinstance(item, JsonArray) and pending is not None:
            pending = KeyShape("", ("object",), ref=pending.items)
    return innermost, chain


def key_schema(spec: KeyShape, shapes: Shapes) -> dict[str, Any]:
    """The JSON Schema of one key's value."""
    out: list[dict[str, Any]] = []
    for kind in spec.type:
        if kind == "any":
            return {"description": spec.doc} if spec.doc else {}
        if kind == "array":
            items = _of_schema(spec.items, shapes) if spec.items else {}
            out.append({"type": "array", "items": items} if items else {"type": "array"})
        elif kind in ("object", "record"):
            inner = _of_schema(spec.ref or spec.values, shapes) if (spec.ref or spec.values) else {}
            if spec.values and not spec.ref:
                inner = {"type": "object", "additionalProperties": _of_schema(spec.values, shapes)}
            out.append(inner or {"type": "object"})
        else:
            out.append({"type": kind, **({"enum": list(spec.enum)} if spec.enum else {})})
    schema = out[0] if len(out) == 1 else {"anyOf": out}
    return {**schema, "description": spec.doc} if spec.doc else schema


def _of_schema(of: str | None, shapes: Shapes) -> dict[str, Any]:
    inner = shapes.get(of)
    if inner is not None:
        return {"$ref": f"#/$defs/{inner.name}"}
    if of is None:
        return {}
    kinds = [{"type": k} for k in of.split("|") if k != "any"]
    return kinds[0] if len(kinds) == 1 else ({"anyOf": kinds} if kinds else {})


def object_schema(shape: ObjectShape, shapes: Shapes) -> dict[str, Any]:
    """The JSON Schema of an object shape."""
    schema: dict[str, Any] = {"type": "object"}
    if shape.doc:
        schema["description"] = shape.doc
    if shape.keys:
        schema["properties"] = {k: key_schema(s, shapes) for k, s in shape.keys.items()}
    required = [k for k, s in shape.keys.items() if s.required]
    if required:
        schema["required"] = required
    if shape.values is not None and not shape.keys:
        schema["additionalProperties"] = _of_schema(shape.values, shapes)
    return schema


def document_schema(shapes: Shapes, title: str) -> dict[str, Any]:
    """The JSON Schema of a whole file: its root shape, every other shape under `$defs`."""
    root = shapes.objects[shapes.root]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **object_schema(root, shapes),
    }
    defs = {n: object_schema(s, shapes) for n, s in shapes.objects.items() if n != shapes.root}
    if defs:
        schema["$defs"] = defs
    return schema
