"""What the JSON dialects share (`.mcp.json`, plugin manifests, marketplaces): a file read with
positions (`core.jsondoc`), its rules registered on the seam's `Rules`, and completion, hover and
schema read from the dialect's shapes (`jsonshape`).

A JSON dialect's rules all run in one phase (`Applies.FILE`), in registration order, on a
`JsonFile`; a dialect turns the shape mismatches into its own codes (`JsonDialect.mismatch`),
as what Claude Code does with a bad value differs by file and by key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.jsondoc import (
    JsonDocument,
    JsonMember,
    JsonNode,
    JsonNumber,
    JsonObject,
    JsonString,
    parse_json,
    to_python,
)
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import CatalogueError, CheckContext, Dialect, Rules, load_codes
from agent_ls.dialects.jsonshape import (
    KeyShape,
    Mismatch,
    Shapes,
    document_schema,
    load_shapes,
    mismatches,
    shape_at,
    type_of,
)

if TYPE_CHECKING:
    from agent_ls.features.results import Candidate


class JsonFile:
    """One JSON file being checked: its parse, its Python value, the run's context."""

    def __init__(
        self, doc: JsonDocument, ctx: CheckContext, shapes: Shapes, path: Path | None = None
    ) -> None:
        self.doc = doc
        self.path = path
        """Where the file is, when known (rules that look at files beside it need it)."""
        self.text = doc.text
        self.ctx = ctx
        self.shapes = shapes
        self.data: Any = to_python(doc.root) if doc.valid else None

    @property
    def root(self) -> JsonObject | None:
        return self.doc.root if isinstance(self.doc.root, JsonObject) else None

    def mismatches(self) -> list[Mismatch]:
        """Every mismatch of the file's top object with the root shape."""
        shape = self.shapes.objects[self.shapes.root]
        return list(mismatches(self.root, shape, self.shapes))


@dataclass(frozen=True)
class LoadedJson:
    """What Claude Code takes from a JSON file it loads: the name it goes by and its values."""

    name: str
    data: dict[str, Any]


def at(
    code: str, message: str, node: JsonNode | JsonMember, fixes: tuple[Fix, ...] = ()
) -> Finding:
    """A finding over a node (a member: over its key)."""
    return Finding(code, message, *span(node), fixes)


def path_text(path: tuple[str | int, ...]) -> str:
    """A JSON path as Claude Code's messages write it (`mcpServers.alpha.args.1`)."""
    return ".".join(str(p) for p in path) or "(root)"


def span(node: JsonNode | JsonMember) -> tuple[int, int]:
    """A node's offsets; a member's are its key's (where a misspelt key is underlined)."""
    if isinstance(node, JsonMember):
        return node.key.start, node.key.end
    return node.start, node.end


def rename_key(member: JsonMember, name: str) -> tuple[Fix, ...]:
    """The fix renaming a key to `name` (its quotes kept)."""
    edit = Edit(member.key.start, member.key.end, json.dumps(name))
    return (Fix(f"Rename to `{name}`", (edit,), True),)


def retype(node: JsonNode, expected: str, text: str) -> tuple[Fix, ...]:
    """The fix for a value of the wrong type, where one is obvious: a number or boolean where a
    string belongs is quoted; a scalar where an array belongs is wrapped in `[...]`."""
    raw = text[node.start : node.end]
    if "string" in expected.split(" or ") and isinstance(node, JsonNumber):
        return (Fix(f"Quote `{raw}`", (Edit(node.start, node.end, json.dumps(raw)),), True),)
    if (
        expected.startswith("array")
        and not isinstance(node, JsonObject)
        and type_of(node) != "array"
    ):
        return (Fix(f"Make it a list: `[{raw}]`", (Edit(node.start, node.end, f"[{raw}]"),), True),)
    return ()


def unknown_key(m: Mismatch, code: str, effect: str) -> Finding:
    """The finding of a key its shape does not list, with the nearest known key as the fix."""
    assert isinstance(m.node, JsonMember) and m.shape is not None
    key = m.node.key.value
    near = suggest(key, list(m.shape.keys)) if m.shape.keys else None
    hint = f" Did you mean `{near}`?" if near and near != key else ""
    fixes = rename_key(m.node, near) if near and near != key else ()
    return Finding(
        code,
        f"`{key}` is not a key of {m.shape.doc or m.shape.name}: {effect}.{hint}",
        *span(m.node),
        fixes,
    )


def wrong_type(m: Mismatch, code: str, effect: str, text: str) -> Finding:
    """The finding of a value of the wrong type (or outside its enum), with a fix where obvious."""
    assert not isinstance(m.node, JsonMember)
    where = path_text(m.path)
    if m.kind == "enum":
        assert isinstance(m.node, JsonString) and m.key is not None
        near = suggest(m.node.value, list(m.key.enum))
        hint = f" Did you mean `{near}`?" if near else ""
        fixes = (
            (Fix(f"Change to `{near}`", (Edit(m.node.start, m.node.end, json.dumps(near)),), True),)
            if near
            else ()
        )
        return Finding(
            code,
            f"`{where}` is {json.dumps(m.node.value)}, not one of {m.expected}: {effect}.{hint}",
            m.node.start,
            m.node.end,
            fixes,
        )
    return Finding(
        code,
        f"`{where}` is {a_type(type_of(m.node))}, not {a_type(m.expected)}: {effect}.",
        m.node.start,
        m.node.end,
        retype(m.node, m.expected, text),
    )


def a_type(kind: str) -> str:
    """`a string`, `an object`."""
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


class JsonDialect(Dialect[JsonDocument]):
    """A dialect of JSON files. Subclasses set `name`, `title`, `default_globs`, `catalogue`,
    `codes`, `shapes` and `rules`, and map shape mismatches to their codes in `mismatch`."""

    shapes: Shapes
    rules: Rules[Any]
    syntax_code: str
    """The code of a file that is not JSON (`JSON.parse` refuses it)."""

    def __init__(
        self, catalogue: Any, folder: Path, root: str, values: Mapping[str, str] | None = None
    ) -> None:
        """Reads the dialect's data in `folder`: the catalogue's shapes (`root` the shape of the
        file's top) and `codes.json`, its `${name}`s filled from `values`."""
        self.catalogue = catalogue
        self.default_globs = catalogue.default_globs
        self.shapes = load_shapes(catalogue.raw["shapes"], root)
        self.codes = load_codes(folder / "codes.json", values or {})
        missing = sorted(self.rules.codes() - set(self.codes))
        if missing:
            raise CatalogueError(f"{self.name}: rules emit codes without a row: {missing}")

    def read(self, text: str) -> JsonDocument:
        return parse_json(text)

    def check(
        self, source: JsonDocument, ctx: CheckContext, path: Path | None = None
    ) -> list[Finding]:
        file = JsonFile(source, ctx, self.shapes, path or ctx.path)
        findings = [f for rule in self.rules.all() for f in rule.check(file)]
        findings.sort(key=lambda f: (f.start, f.end, f.code))
        return findings

    def check_text(
        self, text: str, ctx: CheckContext | None = None, path: Path | None = None
    ) -> list[Finding]:
        """Every finding for one file's text (at `path`, when it is known)."""
        return self.check(self.read(text), ctx or CheckContext(self.catalogue), path)

    def syntax(self, file: JsonFile, effect: str) -> Iterator[Finding]:
        """The first place `JSON.parse` stops, as this dialect's syntax error."""
        if file.doc.errors:
            error = file.doc.errors[0]
            end = max(error.end, error.start + 1) if error.start < len(file.text) else error.end
            yield Finding(
                self.syntax_code, f"Not valid JSON ({error.message}): {effect}.", error.start, end
            )

    def top_problems(self, file: JsonFile, object_code: str, effect: str) -> Iterator[Finding]:
        """A file that is not JSON, or whose top is not an object: `effect` says what follows."""
        yield from self.syntax(file, effect)
        if file.doc.valid and file.root is None:
            node = file.doc.root
            start, end = (node.start, node.end) if node is not None else (0, len(file.text))
            yield Finding(object_code, f"The file is not a JSON object: {effect}.", start, end)

    def mismatch(self, m: Mismatch, file: JsonFile) -> Finding | None:
        """The finding of one shape mismatch (None: Claude Code does not mind)."""
        raise NotImplementedError

    def shape_findings(self, file: JsonFile) -> Iterator[Finding]:
        """Every shape mismatch of a parsed file, as this dialect's findings."""
        for m in file.mismatches():
            finding = self.mismatch(m, file)
            if finding is not None:
                yield finding

    # -- features ---------------------------------------------------------------------------------

    def complete(
        self, source: JsonDocument, offset: int, mcp_servers: frozenset[str] | None
    ) -> list[Candidate]:
        from agent_ls.features.results import Candidate

        shape, chain = shape_at(source, offset, self.shapes)
        if shape is None or not chain:
            return []
        last = chain[-1]
        if isinstance(last, JsonString) and len(chain) >= 2 and isinstance(chain[-2], JsonMember):
            member = chain[-2]
            spec = shape.keys.get(member.key.value)
            if member.key is last:  # a key being typed: every key of its object
                present = {m.key.value for m in chain[-3].members} if len(chain) > 2 else set()
                return [
                    Candidate(
                        k, "key", "key", s.doc, json.dumps(k), None, last.start, last.end, f"{i:03}"
                    )
                    for i, (k, s) in enumerate(shape.keys.items())
                    if k not in present or k == last.value
                ]
            if spec is not None and spec.enum:  # a value of an enumerated key
                return [
                    Candidate(
                        v,
                        "value",
                        spec.name,
                        spec.doc,
                        json.dumps(v),
                        None,
                        last.start,
                        last.end,
                        f"{i:03}",
                    )
                    for i, v in enumerate(spec.enum)
                ]
        if isinstance(last, JsonObject) and offset > last.start:  # between members: a new key
            present = {m.key.value for m in last.members}
            return [
                Candidate(k, "key", "key", s.doc, json.dumps(k), None, offset, offset, f"{i:03}")
                for i, (k, s) in enumerate(shape.keys.items())
                if k not in present
            ]
        return []

    def hover(
        self, source: JsonDocument, offset: int, findings: list[Finding]
    ) -> tuple[str, int, int] | None:
        shape, chain = shape_at(source, offset, self.shapes)
        member = next((c for c in reversed(chain) if isinstance(c, JsonMember)), None)
        if shape is None or member is None:
            return None
        spec: KeyShape | None = shape.keys.get(member.key.value)
        if spec is None or not (member.key.start <= offset <= member.key.end):
            return None
        text = f"**{spec.name}** ({' or '.join(spec.type)})"
        if spec.enum:
            text += ": one of " + ", ".join(f"`{v}`" for v in spec.enum)
        if spec.doc:
            text += f"\n\n{spec.doc}"
        return text, member.key.start, member.key.end

    def schema(self) -> dict[str, Any]:
        return document_schema(self.shapes, self.title)
