"""Refreshes the settings dialect's table of top-level keys from the pinned Claude Code binary.

    .venv/bin/python tests/conformance/settings/refresh_catalogue.py

The binary embeds its settings schema (zod) as one object literal of `key:()=>schema`, beginning
`{$schema:()=>`. For each key this reads the type (string, number, boolean, an enum of literal
values, a list of strings or of anything, a record of strings, of enum values or of anything, an
object), the bounds of a number, whether an invalid value
is dropped on its own (`.catch(…)`: the file still loads) or makes the whole file not load, and
its description. The keys of `permissions` likewise. Writes `server/agent_ls/dialects/settings/keys.json`; the hand-written parts of
the catalogue (hooks, permissions, env) stay in `catalogue.json`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from record import install, installed_version  # noqa: E402

TARGET = HERE.parents[2] / "server" / "agent_ls" / "dialects" / "settings" / "keys.json"
ANCHOR = b"return{$schema:()=>"
PERMISSIONS_ANCHOR = b'.describe("List of permission rules for allowed operations")'


def _skip_string(s: str, i: int) -> int:
    quote, i, n = s[i], i + 1, len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
            continue
        if quote == "`" and s.startswith("${", i):
            depth, i = 0, i + 2
            while i < n and not (s[i] == "}" and depth == 0):
                if s[i] in "\"'`":
                    i = _skip_string(s, i)
                    continue
                depth += {"{": 1, "}": -1}.get(s[i], 0)
                i += 1
        elif s[i] == quote:
            return i + 1
        i += 1
    return i


def _scan(s: str, start: int) -> Iterator[tuple[int, str, int]]:
    """Yields (offset, character, depth before it) of `s` from `start`, strings skipped."""
    depth, i = 0, start
    while i < len(s):
        c = s[i]
        if c in "\"'`":
            i = _skip_string(s, i)
            continue
        yield i, c, depth
        depth += 1 if c in "({[" else -1 if c in ")}]" else 0
        i += 1


def _split_top(s: str, start: int) -> list[str]:
    """Splits the object literal at `start` into its members."""
    members, begin = [], start + 1
    for i, c, depth in _scan(s, start):
        if c in ")}]" and depth == 1:
            members.append(s[begin:i])
            break
        if c == "," and depth == 1:
            members.append(s[begin:i])
            begin = i + 1
    return members


def _top_calls(body: str) -> list[tuple[str, int]]:
    """The methods chained at the top level of `body` (`.optional`, `.catch`, …), each with the
    offset of its argument."""
    names = []
    for i, c, depth in _scan(body, 0):
        match = re.match(r"\.(\w+)\(", body[i:]) if c == "." and depth == 0 else None
        if match:
            names.append((match.group(1), i + match.end()))
    return names


def describe(body: str) -> dict[str, Any]:
    """The catalogue row of one key's zod schema."""
    row: dict[str, Any] = {}
    chain = _top_calls(body)
    calls = [name for name, _ in chain]
    if body.startswith("r()"):
        row["type"] = "string"
    elif body.startswith("v()"):
        row["type"] = "integer" if "int" in calls else "number"
        for name, key in (("positive", "exclusiveMinimum"), ("gt", "exclusiveMinimum")):
            if name in calls:
                found = re.search(rf"\.{name}\(([\d.]*)\)", body)
                row[key] = float(found.group(1)) if found and found.group(1) else 0
        for name, key in (("nonnegative", "minimum"), ("min", "minimum"), ("max", "maximum")):
            found = re.search(rf"^v\(\)(?:\.\w+\([^)]*\))*?\.{name}\(([\d.]*)\)", body)
            if found:
                row[key] = float(found.group(1)) if found.group(1) else 0
        if "lte" in calls:
            found = re.search(r"\.lte\(([\d.]+)\)", body)
            row["maximum"] = float(found.group(1)) if found else None
    elif body.startswith("M()"):
        row["type"] = "boolean"
    elif re.match(r'U\(\["', body):
        row["type"] = "enum"
        row["values"] = json.loads(body[2 : body.index("]") + 1])
    elif re.match(r"U\([A-Za-z_$]", body):  # an enum of values held in a variable
        row["type"] = "string"
    elif body.startswith("O(r())"):
        row["type"] = "stringList"
    elif body.startswith("O("):
        row["type"] = "array"
    elif body.startswith("Te(r(),r())"):
        row["type"] = "stringMap"
    elif re.match(r'Te\(r\(\),U\(\["', body):
        row["type"] = "enumMap"
        row["values"] = json.loads(body[9 : body.index("]") + 1])
    elif body.startswith("Te(r(),"):  # a record keyed by strings
        row["type"] = "record"
    elif body.startswith("u({"):
        row["type"] = "object"
    else:
        row["type"] = "any"
    for key in ("exclusiveMinimum", "minimum", "maximum"):
        if isinstance(row.get(key), float) and row[key].is_integer():
            row[key] = int(row[key])
    row["lenient"] = "catch" in calls
    doc = ""
    for name, at in chain:
        if name == "describe" and body[at : at + 1] in "\"'`":
            raw = body[at : _skip_string(body, at)]
            doc = json.loads(raw) if raw.startswith('"') else raw[1:-1]
    row["internal"] = doc.startswith("@internal")
    row["doc"] = doc.removeprefix("@internal ").strip()
    return row


def _members(text: str) -> dict[str, dict[str, Any]]:
    """The catalogue rows of the object literal `text` starts with (`key:()=>schema` or
    `key:schema` members)."""
    keys = {}
    for member in _split_top(text, 0):
        match = re.match(r'\s*"?([\w$]+)"?:(?:\(\)=>)?(.*)', member, re.S)
        if match:
            keys[match.group(1)] = describe(match.group(2))
    return keys


def extract(binary: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The top-level settings, and the keys of `permissions` (found by its first description,
    the object literal around it)."""
    data = binary.read_bytes()
    at = data.index(ANCHOR) + len("return")
    top = _members(data[at : at + 400_000].decode("utf-8", errors="replace"))
    found = data.index(PERMISSIONS_ANCHOR)
    start = data.rindex(b"u({allow:", 0, found) + 2
    permissions = _members(data[start : start + 100_000].decode("utf-8", errors="replace"))
    return {"keys": top, "permissions": permissions}


def main() -> int:
    tables = extract(install())
    document = {"claudeCodeVersion": installed_version(), **tables}
    TARGET.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in tables.items())
    print(f"{counts} → {TARGET}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
