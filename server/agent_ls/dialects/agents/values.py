"""The agents dialect's value types (the catalogue's `type` of each key), each owning its check,
completion candidates, hover and JSON schema; `tools` lives in `tools.py`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry, to_python
from agent_ls.core.suggest import suggest
from agent_ls.core.yamltext import describe_type, dropped_value, show
from agent_ls.dialects.agents.catalogue import Catalogue
from agent_ls.dialects.agents.context import VALUE_TYPES, AgentFile
from agent_ls.dialects.base import Choice, KeySpec, ValueSite, ValueType, change_to
from agent_ls.dialects.hooks import event_problems, holds_guard_hooks, hooks_schema


def _enum_schema(values: dict[str, str]) -> dict[str, Any]:
    return {"enum": list(values), "markdownEnumDescriptions": list(values.values())}


def _enum_options(spec: KeySpec, cat: Catalogue) -> list[Choice]:
    hidden = cat.raw["completionHides"]
    return [(v, spec.name, d) for v, d in cat.enum_values(spec.name).items() if v not in hidden]


def _enum_hover(entry: Entry, cat: Catalogue, extra: str = "") -> tuple[str, int, int] | None:
    value = entry.value
    values = cat.enum_values(entry.key)
    if isinstance(value, str) and value in values:
        return f"**{value}**{extra}: {values[value]}", entry.value_start, entry.value_end
    return None


@VALUE_TYPES.register
class AnyValue(ValueType[AgentFile]):
    """A value Claude Code reads in any shape (`observer`, `experimental`)."""

    name = "any"


@VALUE_TYPES.register
class Text(ValueType[AgentFile]):
    """Text (`initialPrompt`, …)."""

    name = "string"
    codes = ("AL707",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        if entry.value is not None and not isinstance(entry.value, str):
            yield file.bad_type(entry, "text")

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": "string"}


@VALUE_TYPES.register
class Enum(ValueType[AgentFile]):
    """One of a catalogue table's values (`permissionMode`, `memory`, `isolation`)."""

    name = "enum"
    codes = ("AL701",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        allowed = file.cat.enum_values(entry.key)
        value = entry.value
        if isinstance(value, str) and value in allowed:
            return
        yield file.dropped(
            entry,
            ", ".join(allowed),
            suggest(str(value), allowed, cutoff=0)
            if isinstance(value, (str, int, float))
            else None,
        )

    def candidates(self, site: ValueSite) -> list[Choice]:
        return _enum_options(site.spec, site.catalogue)

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        return _enum_hover(entry, catalogue)

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return _enum_schema(catalogue.enum_values(spec.name))


@VALUE_TYPES.register
class Colors(Enum):
    """One of the catalogue's colour names (`color`); a swatch in the editor."""

    name = "colors"
    codes = ("AL601",)
    completion_kind = "color"

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        cat = file.cat
        value = entry.value
        if isinstance(value, str) and value in cat.colors:
            return
        nearest = cat.nearest_color(show(value)) if value is not None else None
        yield Finding(
            "AL601",
            f"Claude Code drops this color: it accepts {', '.join(cat.colors)} (case-sensitive)"
            + (f"; the nearest is `{nearest}`." if nearest else "."),
            *file.value_range(entry),
            change_to(entry.value_start, entry.value_end, nearest),
        )

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        value = entry.value
        known = isinstance(value, str) and value in catalogue.colors
        extra = f" `{catalogue.colors[value][0]}`" if known else ""
        return _enum_hover(entry, catalogue, extra)

    def swatch(self, value: Any, catalogue: Any) -> str | None:
        """The hex code of a colour name Claude Code accepts, else None."""
        if isinstance(value, str) and value in catalogue.colors:
            return str(catalogue.colors[value][0])
        return None


@VALUE_TYPES.register
class Effort(Enum):
    """An effort level, or an integer token budget (a number or digits)."""

    name = "effort"
    codes = ("AL701",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        levels = file.cat.enum_values(entry.key)
        if isinstance(value, int) and not isinstance(value, bool):
            return
        if isinstance(value, str) and (value in levels or value.strip().isdigit()):
            return
        yield file.dropped(
            entry,
            ", ".join(levels) + " or an integer",
            suggest(value, levels, cutoff=0) if isinstance(value, str) else None,
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {
            "anyOf": [
                super().schema(spec, catalogue),
                {"type": "integer"},
                {"type": "string", "pattern": r"^\s*[0-9]+\s*$"},
            ]
        }


@VALUE_TYPES.register
class PositiveInteger(ValueType[AgentFile]):
    """A whole number of at least the key's `minimum` (1 unless the catalogue says), or its
    digits as text."""

    name = "positiveInteger"
    codes = ("AL703",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        minimum = _minimum(file.cat.keys[entry.key])
        if number is not None and number >= minimum:
            return
        need = "a positive integer" if minimum <= 1 else f"an integer of at least {minimum}"
        yield Finding(
            "AL703",
            f"`{entry.key}` must be {need}; Claude Code drops {dropped_value(value)}.",
            *file.value_range(entry),
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        minimum = _minimum(spec)
        return {
            "anyOf": [
                {"type": "integer", "minimum": minimum},
                {"type": "string", "pattern": rf"^\s*{_digits_at_least(minimum)}\s*$"},
            ]
        }


def _minimum(spec: KeySpec) -> int:
    return max(spec.minimum or 1, 1)


def _digits_at_least(minimum: int) -> str:
    """A regular expression of the digit strings of at least `minimum`: exact for 1 and for
    powers of ten (`autoCompactWindow`'s 100000), any digits otherwise."""
    if minimum <= 1:
        return "[0-9]*[1-9][0-9]*"
    zeros = len(str(minimum)) - 1
    if minimum == 10**zeros:
        return f"0*[1-9][0-9]{{{zeros},}}"
    return "[0-9]+"


@VALUE_TYPES.register
class Boolean(ValueType[AgentFile]):
    """`true` or `false` (as a boolean or as text, `booleanStrings`); `yes`/`on` are text."""

    name = "boolean"
    codes = ("AL702",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        if isinstance(value, bool) or value in file.cat.raw["booleanStrings"]:
            return
        lookalikes = file.cat.raw["booleanLookalikes"]
        hint = lookalikes.get(str(value).lower()) if isinstance(value, str) else None
        yield Finding(
            "AL702",
            f"`{entry.key}` takes true or false; Claude Code drops {dropped_value(value)}"
            + (" (in YAML 1.2 it is a string, not a boolean)." if hint else "."),
            *file.value_range(entry),
            change_to(entry.value_start, entry.value_end, hint),
        )

    def candidates(self, site: ValueSite) -> list[Choice]:
        return [(b, "boolean", "") for b in site.catalogue.raw["booleanStrings"]]

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "boolean"}, {"enum": list(catalogue.raw["booleanStrings"])}]}


@VALUE_TYPES.register
class Model(ValueType[AgentFile]):
    """A model alias, a model ID, or `inherit` (empty means inherit)."""

    name = "model"
    codes = ("AL501", "AL502", "AL503", "AL504")

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        cat = file.cat
        if value is None or (isinstance(value, str) and not value.strip()):
            yield Finding(
                "AL504",
                "An empty `model` means `inherit`: say `inherit` explicitly.",
                *file.value_range(entry),
                (
                    Fix(
                        "Change to `inherit`",
                        (
                            Edit(
                                entry.value_start,
                                entry.value_end,
                                "inherit" if entry.value_end > entry.value_start else " inherit",
                            ),
                        ),
                        True,
                    ),
                ),
            )
            return
        if not isinstance(value, str):
            yield file.bad_type(entry, "a model name", "AL503")
            return
        model = value.strip()
        kind = cat.model_kind(model)  # full IDs in any case count: Claude Code lowers them
        if kind in ("inherit", "known"):
            return
        if kind == "claude":
            yield Finding(
                "AL502",
                f"Claude Code sends `{model}` to the API verbatim; it is not a current model ID "
                f"that agent-ls knows ({', '.join(cat.model_ids)}), and retired models are refused.",
                *file.value_range(entry),
            )
            return
        hint = suggest(model, [*cat.model_aliases, *cat.model_ids, "inherit"])
        yield Finding(
            "AL501",
            f"Claude Code sends `{model}` to the API verbatim, which refuses it: the agent fails "
            f"when spawned. Use an alias ({', '.join(cat.model_aliases)}), a model ID, or `inherit`"
            + (f"; did you mean `{hint}`?" if hint else "."),
            *file.value_range(entry),
            change_to(entry.value_start, entry.value_end, hint or "inherit"),
        )

    def candidates(self, site: ValueSite) -> list[Choice]:
        cat = site.catalogue
        options = [(a, f"alias → {i}", doc) for a, (i, doc) in cat.model_aliases.items()]
        options += [(i, "model ID", doc) for i, doc in cat.model_ids.items()]
        options.append(("inherit", "default", cat.inherit_doc()))
        return options

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        value = entry.value
        if not isinstance(value, str):
            return None
        span = (entry.value_start, entry.value_end)
        resolved = catalogue.resolve_model(value)
        if resolved is None:
            return f"**inherit**: {catalogue.inherit_doc()}", *span
        alias = catalogue.model_aliases.get(catalogue.alias_of(value.strip().lower()))
        if alias:
            return f"**{value}** → `{alias[0]}`\n\n{alias[1]}", *span
        known = catalogue.model_ids.get(resolved)
        return (
            f"**{resolved}**: {known}" if known else f"`{resolved}` is sent to the API verbatim."
        ), *span

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "examples": ["inherit", *catalogue.model_aliases, *catalogue.model_ids],
        }


@VALUE_TYPES.register
class Skills(ValueType[AgentFile]):
    """A skill name or a list of names."""

    name = "skills"
    codes = ("AL704",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        if value is None or isinstance(value, str):
            return
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return
        what = (
            "a list with non-text items"
            if isinstance(value, list)
            else f"{describe_type(value)}, not a skill name or a list of names"
        )
        yield Finding(
            "AL704", f"`skills` is {what}: Claude Code gives no skills.", *file.value_range(entry)
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


@VALUE_TYPES.register
class McpServers(ValueType[AgentFile]):
    """A list of MCP server names or one-key mappings of name → config."""

    name = "mcpServers"
    codes = ("AL705",)

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        value = entry.value
        if value is None:
            return
        if isinstance(value, dict):
            yield Finding(
                "AL705",
                "`mcpServers` is a mapping: Claude Code ignores it. Write a list (`- name` or "
                "`- name: {config}`).",
                *file.value_range(entry),
            )
            return
        if not isinstance(value, list):
            yield Finding(
                "AL705",
                f"`mcpServers` is {describe_type(value)}, not a list: Claude Code ignores it.",
                *file.value_range(entry),
            )
            return
        assert isinstance(entry.node, yaml.SequenceNode)
        for item_node, item in zip(entry.node.value, value, strict=False):
            if isinstance(item, str) or (
                isinstance(item, dict)
                and len(item) == 1
                and isinstance(next(iter(item.values())), dict)
            ):
                continue
            yield Finding(
                "AL705",
                "Claude Code drops this `mcpServers` item: use a server name or a one-key mapping of name → config.",
                *file.node_range(item_node),
            )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "object", "minProperties": 1, "maxProperties": 1},
                ]
            },
        }


@VALUE_TYPES.register
class Hooks(ValueType[AgentFile]):
    """A mapping of hook events to lists of matchers, each with its `hooks`, read as the settings
    files' `hooks` are (one catalogue: `dialects/hooks.py`)."""

    name = "hooks"
    codes = ("AL706", "AL708", "AL710")

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        hooks = file.cat.hooks
        value = entry.value
        if value in (None, False, "", 0):
            return  # what JavaScript reads as false: Claude Code reads no hooks
        if not isinstance(value, dict) or not isinstance(entry.node, yaml.MappingNode):
            yield Finding(
                "AL706",
                f"Invalid hooks (`hooks` is {describe_type(value)}, not a mapping of events to "
                "lists of matchers): Claude Code drops this whole agent.",
                *file.value_range(entry),
            )
            return
        for key_node, value_node in entry.node.value:
            event = to_python(key_node)
            matchers = to_python(value_node)
            if not isinstance(event, str) or event not in hooks.events:
                if holds_guard_hooks(
                    matchers,
                    hooks.events,
                    hooks.guard_events,
                    (),
                    3,
                    not isinstance(matchers, list),
                ):
                    yield Finding(
                        "AL706",
                        f"`{show(event)}` is not a hook event, but it holds PreToolUse/"
                        "PermissionRequest hooks: Claude Code drops this whole agent.",
                        *file.node_range(key_node),
                    )
                    continue
                hint = suggest(show(event), hooks.events)
                yield Finding(
                    "AL708",
                    f"`{show(event)}` is not a hook event: Claude Code loads the agent but this "
                    "hook never runs" + (f". Did you mean `{hint}`?" if hint else "."),
                    *file.node_range(key_node),
                    change_to(*file.node_range(key_node), hint),
                )
                continue
            for problem in event_problems(event, matchers, hooks):
                node = _node_at(value_node, problem.path)
                if problem.refuses_file:
                    yield Finding(
                        "AL706",
                        f"Invalid hooks ({problem.message}). Under {event} Claude Code drops "
                        "this whole agent: such a hook may guard its permissions.",
                        *file.node_range(node),
                    )
                else:
                    depth = len(problem.path)
                    what = "hook" if depth > 2 else "matcher" if depth else "event"
                    yield Finding(
                        "AL710",
                        f"{problem.message}: Claude Code ignores this {what}; the agent loads "
                        "without it.",
                        *file.node_range(node),
                    )

    def candidates(self, site: ValueSite) -> Sequence[Choice]:
        if site.in_list and site.typed.rstrip() == "type:":  # `- type: |` in a matcher's hooks
            types = site.catalogue.hooks.types.values()
            return [(t.name, "hook type", f"{t.doc} Needs {', '.join(t.required)}.") for t in types]
        return []

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        node = entry.node
        if not isinstance(node, yaml.MappingNode):
            return None
        hooks = catalogue.hooks
        shift = entry.value_start - node.start_mark.index  # the nodes' marks → text offsets
        at = offset - shift
        for key_node, value_node in node.value:
            start, end = key_node.start_mark.index, key_node.end_mark.index
            if start <= at <= end:
                doc = hooks.events.get(to_python(key_node))
                if doc is None:
                    return None
                return f"**{key_node.value}** (hook event)\n\n{doc}", start + shift, end + shift
            found = _hook_type_at(value_node, at, hooks)
            if found is not None:
                return found[0], found[1] + shift, found[2] + shift
        return None

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        schema = hooks_schema(catalogue.hooks, spec.doc)
        del schema["description"]  # the schema's caller adds the key's doc
        return schema


def _node_at(node: yaml.Node, path: tuple[int | str, ...]) -> yaml.Node:
    """The YAML node at `path` below `node` (the deepest one found)."""
    for step in path:
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode):
            if step >= len(node.value):
                break
            node = node.value[step]
        elif isinstance(step, str) and isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if to_python(k) == step), None)
            if child is None:
                break
            node = child
        else:
            break
    return node


def _hook_type_at(node: yaml.Node, offset: int, hooks: Any) -> tuple[str, int, int] | None:
    """The hover of a hook's `type` value under `node` at `offset`, or None."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == "type" and isinstance(value, yaml.ScalarNode):
                    start, end = value.start_mark.index, value.end_mark.index
                    kind = hooks.types.get(value.value)
                    if kind is not None and start <= offset <= end:
                        fields = ", ".join(f"`{f}`" for f in kind.required)
                        return f"**{kind.name}** hook: {kind.doc}\n\nNeeds {fields}.", start, end
                else:
                    stack.append(value)
    return None
