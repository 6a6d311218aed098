"""Claude Code's hook catalogue and how it reads one event's hooks, shared by every dialect that
holds hooks (settings files and agents' `hooks:` frontmatter).

The data is the settings dialect's catalogue (`settings/catalogue.json`: events, hook types and
their fields, as the binary's schema has them); the checks are over plain Python values (what
`json.loads` or YAML gives), each problem with its path below the event, so a dialect marks its
own node.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOGUE = Path(__file__).parent / "settings" / "catalogue.json"


@dataclass(frozen=True)
class HookType:
    name: str
    doc: str
    required: dict[str, str]
    optional: dict[str, str]

    @property
    def fields(self) -> dict[str, str]:
        """Every field of this type with its kind (required ones first)."""
        return {**self.required, **self.optional}


@dataclass(frozen=True)
class HookCatalogue:
    events: dict[str, str]
    """Every hook event Claude Code knows (case-sensitive), with its doc."""
    tool_events: frozenset[str]
    """The events whose matcher names tools."""
    guard_events: frozenset[str]
    """Events whose invalid hook makes Claude Code refuse the whole file (it may guard
    permissions): PreToolUse, PermissionRequest, PreSkillShellCommand."""
    types: dict[str, HookType]


@functools.cache
def load_hooks() -> HookCatalogue:
    """Returns the hook catalogue (read once per process)."""
    raw = json.loads(CATALOGUE.read_text("utf-8"))
    return HookCatalogue(
        events=raw["hookEvents"],
        tool_events=frozenset(raw["toolEvents"]),
        guard_events=frozenset(raw["guardEvents"]),
        types={
            name: HookType(name, spec["doc"], spec["required"], spec["optional"])
            for name, spec in raw["hookTypes"].items()
        },
    )


_TYPE_NAMES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (dict, "object"),
    (list, "array"),
    (str, "string"),
    (bool, "boolean"),  # before numbers: a bool is an int in Python
    ((int, float), "number"),
)


def value_type_name(value: object) -> str:
    """The type name Claude Code's messages use for a Python value (as `core.jsondoc.json_type`
    names a node)."""
    if value is None:
        return "null"
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), "undefined")


_KIND_CHECKS: dict[str, tuple[str, Any]] = {
    # kind: (the word of the message, whether a value is of that kind)
    "string": ("string", lambda v: isinstance(v, str)),
    "boolean": ("bool", lambda v: isinstance(v, bool)),
    "positive": ("number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "stringList": ("array", lambda v: isinstance(v, list)),
    "stringMap": ("object", lambda v: isinstance(v, dict)),
    "object": ("object", lambda v: isinstance(v, dict)),
}


def entry_problem(entry: object, types: dict[str, HookType]) -> tuple[str, str | None] | None:
    """Why Claude Code drops one hook entry and the field to mark (None: the entry itself);
    None when the entry loads."""
    if not isinstance(entry, dict):
        return f"A hook entry must be an object; received {value_type_name(entry)}", None
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in types:
        shown = kind if isinstance(kind, str) else value_type_name(kind)
        return f'Unknown hook type "{shown}" (valid types: {", ".join(types)})', (
            "type" if "type" in entry else None
        )
    spec = types[kind]
    for field, field_kind in spec.fields.items():
        if field not in entry or entry[field] is None:
            if field in spec.required:
                return f"This {spec.name} hook has no `{field}` (a {field_kind} is required)", None
            continue
        value = entry[field]
        word, fits = _KIND_CHECKS[field_kind]
        if not fits(value):
            return f"`{field}` must be a {word}; received {value_type_name(value)}", field
        if field_kind == "positive" and value <= 0:
            return f"`{field}` must be a number above 0", field
    return None


@dataclass(frozen=True)
class HookProblem:
    """One thing Claude Code skips under an event: the path below the event's value (`()` is the
    value itself), the message, and whether it refuses the whole file instead."""

    path: tuple[int | str, ...]
    message: str
    refuses_file: bool


def event_problems(event: str, value: object, cat: HookCatalogue) -> Iterator[HookProblem]:
    """What Claude Code skips (or refuses the file for) under one known event, in order."""
    guard = event in cat.guard_events
    if value is None:
        return  # null drops the event alone, even under a guard event
    if not isinstance(value, list):
        yield HookProblem(
            (),
            f'Hook event "{event}" must be an array of matchers; received {value_type_name(value)}',
            guard or _holds_guards(value, cat),
        )
        return
    for index, group in enumerate(value):
        if _holds_guards(group, cat):
            yield HookProblem(
                (index,),
                "holds PreToolUse/PermissionRequest hooks where a matcher was expected",
                True,
            )
            continue
        if not isinstance(group, dict):
            yield HookProblem(
                (index,),
                f"Hook matcher must be an object; received {value_type_name(group)}",
                guard,
            )
            continue
        entries = group.get("hooks")
        if not isinstance(entries, list):
            yield HookProblem(
                (index, "hooks") if "hooks" in group else (index,),
                'Hook matcher "hooks" must be an array of hook entries; received '
                + value_type_name(entries),
                guard,
            )
            continue
        matcher = group.get("matcher")
        if matcher is not None and not isinstance(matcher, str):
            yield HookProblem(
                (index, "matcher"),
                f"`matcher` must be a string; received {value_type_name(matcher)}",
                guard,
            )
            continue
        for position, entry in enumerate(entries):
            problem = entry_problem(entry, cat.types)
            if problem is not None:
                message, field = problem
                path: tuple[int | str, ...] = (index, "hooks", position)
                yield HookProblem((*path, field) if field else path, message, guard)


def _holds_guards(value: object, cat: HookCatalogue) -> bool:
    return holds_guard_hooks(value, cat.events, cat.guard_events, (), matchers_count=False)


def holds_guard_hooks(
    value: object,
    events: Collection[str],
    guards: Collection[str],
    unscanned: Collection[str],
    depth: int = 3,
    matchers_count: bool = True,
    in_hooks_list: bool = False,
) -> bool:
    """Whether `value`, within `depth` levels, holds what may be a PreToolUse/PermissionRequest
    hook: Claude Code then refuses the whole file, since such a hook may guard its permissions
    (the binary's scan of everything outside `hooks`, transcribed)."""
    if looks_like_guard(value, guards) or matchers_count and looks_like_matcher(value, events):
        return True
    if depth == 0 or not isinstance(value, (dict, list)):
        return False
    if isinstance(value, list):
        return any(
            holds_guard_hooks(
                item, events, guards, unscanned, depth - 1, matchers_count, in_hooks_list
            )
            for item in value
        )
    if in_hooks_list and isinstance(value.get("type"), str):
        return False
    return any(
        key not in unscanned
        and holds_guard_hooks(
            item,
            events,
            guards,
            unscanned,
            depth - 1,
            matchers_count and key not in events,
            key == "hooks" and isinstance(item, list),
        )
        for key, item in value.items()
    )


def looks_like_guard(value: object, guards: Collection[str]) -> bool:
    """An object holding a non-empty PreToolUse/PermissionRequest/PreSkillShellCommand value."""
    return isinstance(value, dict) and any(
        key in guards and item is not None and item != [] for key, item in value.items()
    )


def looks_like_matcher(value: object, events: Collection[str]) -> bool:
    """An object that reads as one matcher group (`{"matcher": …, "hooks": [ … ]}`)."""
    if not isinstance(value, dict):
        return False
    if "matcher" not in value and any(key in events for key in value):
        return False
    hooks = value.get("hooks")
    if isinstance(hooks, list):
        return bool(hooks)
    return isinstance(hooks, dict) and ("matcher" in value or isinstance(hooks.get("type"), str))


def guards_outside_hooks(
    name: str, value: object, cat: HookCatalogue, unscanned: Collection[str]
) -> bool:
    """Whether a top-level key other than `hooks` holds what may be a PreToolUse/
    PermissionRequest hook (a guard event's key, or a matcher group, within three levels)."""
    if name == "hooks" or name in unscanned or value is None:
        return False
    if not isinstance(value, (dict, list)):  # a scalar holds nothing below it (most keys)
        return name in cat.guard_events
    if looks_like_guard({name: value}, cat.guard_events):
        return True
    return holds_guard_hooks(
        value,
        cat.events,
        cat.guard_events,
        unscanned,
        matchers_count=name not in cat.events,
    )


_FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "positive": {"type": "number", "exclusiveMinimum": 0},
    "stringList": {"type": "array", "items": {"type": "string"}},
    "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
    "object": {"type": "object"},
}


def hooks_schema(cat: HookCatalogue, doc: str) -> dict[str, Any]:
    """The JSON Schema of a `hooks` value: events → matcher groups → typed hook entries."""
    entries = [
        {
            "type": "object",
            "description": spec.doc,
            "required": ["type", *spec.required],
            "properties": {
                "type": {"const": spec.name},
                **{f: _FIELD_SCHEMAS[k] for f, k in spec.fields.items()},
            },
        }
        for spec in cat.types.values()
    ]
    group = {
        "type": "object",
        "required": ["hooks"],
        "properties": {
            "matcher": {
                "type": "string",
                "description": "A case-sensitive regular expression over tool names; `*`, empty "
                "or absent: every tool.",
            },
            "hooks": {"type": "array", "items": {"oneOf": entries}},
        },
    }
    return {
        "type": "object",
        "description": doc,
        "properties": {
            e: {"type": "array", "description": d, "items": group} for e, d in cat.events.items()
        },
        "additionalProperties": False,
    }
