"""The value types of skills and commands: each owns the check, completion, hover and schema of
one kind of frontmatter value, as Claude Code's skill loader reads it.

Tools and models are the agents catalogue's, but the loader treats them its own way:
`allowed-tools` is kept verbatim (a name that is no tool stays and allows nothing, where an
agent's `tools` drops it), and booleans take `yes`/`on`/`1` (an agent's do not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import yaml

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import Entry
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import KeySpec, Option, ValueSite, ValueType, ValueTypes, change_to
from agent_ls.dialects.skills.catalogue import SkillsCatalogue
from agent_ls.dialects.skills.loader import written_description

if TYPE_CHECKING:
    from agent_ls.dialects.skills.rules import SkillFile

VALUE_TYPES = ValueTypes()


@VALUE_TYPES.register
class AnyValue(ValueType["SkillFile"]):
    """A value Claude Code reads without a check agent-ls can make (hooks, paths, arguments)."""

    name = "any"


@VALUE_TYPES.register
class TextValue(ValueType["SkillFile"]):
    """Text Claude Code takes as written (numbers too, as text)."""

    name = "text"

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": ["string", "number"]}


@VALUE_TYPES.register
class DisplayNameValue(ValueType["SkillFile"]):
    """A skill's `name`: shown beside the folder name, ignored over the length limit."""

    name = "displayName"

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": "string", "maxLength": catalogue.name_max_length}


@VALUE_TYPES.register
class DescriptionValue(ValueType["SkillFile"]):
    """The description of the listing: text; a list or mapping is dropped."""

    name = "description"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        if entry.value is None or written_description(entry.value) is not None:
            return
        if isinstance(entry.value, str):
            return  # empty: the first body line is shown (a file rule says so)
        shown = file.loaded.description if file.loaded else ""
        yield file.at_value(
            entry,
            "210",
            f"Claude Code drops a {type(entry.value).__name__} as description; the model is "
            f"shown the first body line instead: “{shown}”.",
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean"]}


def _scalar_items(entry: Entry, file: SkillFile) -> Iterator[tuple[str, int]]:
    """The tool strings of an `allowed-tools` value with the offset each starts at."""
    node = entry.node
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for item in nodes:
        if not isinstance(item, yaml.ScalarNode) or not isinstance(item.value, str):
            continue
        start, end = file.node_range(item)
        raw = file.text[start:end]
        if raw[:1] in ("'", '"') and raw[-1:] == raw[:1] and len(raw) > 1:
            start, raw = start + 1, raw[1:-1]
        yield raw, start


_TOOL_PIECE = re.compile(r"(?:[^,(]|\([^)]*\)?)+")
_TOOL_RULE = re.compile(r"([^()\s]+)(\(.*\))?", re.S)


def tool_pieces(entry: Entry, file: SkillFile) -> Iterator[tuple[str, int, int]]:
    """Each tool of an `allowed-tools` value as Claude Code splits it (at commas outside
    parentheses, trimmed), with its offsets in the text."""
    for raw, base in _scalar_items(entry, file):
        for match in _TOOL_PIECE.finditer(raw):
            piece = match.group()
            lead = len(piece) - len(piece.lstrip())
            tool = piece.strip()
            if tool:
                start = base + match.start() + lead
                yield tool, start, start + len(tool)


@VALUE_TYPES.register
class AllowedToolsValue(ValueType["SkillFile"]):
    """`allowed-tools`: kept verbatim; a name that is no tool (wrong case included) or a removed
    one allows nothing."""

    name = "allowedTools"
    completion_kind = "tool"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        value = entry.value
        if value is None:
            return
        if not isinstance(value, (str, list)):
            yield file.at_value(
                entry,
                "303",
                f"Claude Code reads no tools from a {type(value).__name__}: the {file.kind} "
                "gets no allowed tools.",
            )
            return
        cat: SkillsCatalogue = file.cat
        for tool, start, _end in tool_pieces(entry, file):
            shape = _TOOL_RULE.fullmatch(tool)
            name = shape.group(1) if shape else tool
            name_end = start + len(name)
            if _is_tool(name, cat, file.extra_tools):
                continue
            legacy = cat.agents.legacy_tools.get(name)
            if legacy is not None:
                yield Finding(
                    file.code("302"),
                    f"`{name}` was removed from Claude Code: it allows nothing"
                    + (f"; use `{legacy.replacement}`." if legacy.replacement else "."),
                    start,
                    name_end,
                    change_to(start, name_end, legacy.replacement),
                )
                continue
            guess = suggest(name, cat.agents.all_tool_names())
            hint = f" Did you mean `{guess}`?" if guess else ""
            yield Finding(
                file.code("301"),
                f"`{name}` is not a Claude Code tool (names are case-sensitive): Claude Code "
                f"keeps it, and it allows nothing.{hint}",
                start,
                name_end,
                change_to(start, name_end, guess),
            )

    def candidates(self, site: ValueSite) -> list[Option]:
        cat: SkillsCatalogue = site.catalogue
        listed = set(re.findall(r"[\w*]+", site.typed + " " + site.after))
        options = [Option(n, "tool", d) for n, d in cat.agents.tools.items() if n not in listed]
        options += [
            Option(n, "tool · may be unavailable", d)
            for n, d in cat.agents.gated_tools.items()
            if n not in listed
        ]
        options += [
            Option(f"mcp__{s}", "MCP server (.mcp.json)", f"Every tool of the MCP server `{s}`.")
            for s in sorted(site.mcp_servers or ())
        ]
        return options

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        cat: SkillsCatalogue = catalogue
        for match in re.finditer(r"[A-Za-z_*][\w*-]*", text[entry.value_start : entry.value_end]):
            start, end = entry.value_start + match.start(), entry.value_start + match.end()
            if start <= offset <= end:
                name = match.group()
                doc = cat.agents.tools.get(name) or cat.agents.gated_tools.get(name)
                if doc is None:
                    doc = "not a Claude Code tool: allows nothing."
                return f"**{name}**: {doc}", start, end
        return None

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _is_tool(name: str, cat: SkillsCatalogue, extra: frozenset[str]) -> bool:
    agents = cat.agents
    if name == "*" or name.startswith("mcp__") or name in extra:
        return True
    if name in agents.tools or name in agents.gated_tools:
        return True
    legacy = agents.legacy_tools.get(name)
    return legacy is not None and legacy.works


@VALUE_TYPES.register
class ModelValue(ValueType["SkillFile"]):
    """`model`: an alias in any case or a model ID; anything else is sent verbatim and refused
    (the agents catalogue says which: `model_kind`)."""

    name = "model"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        if not isinstance(entry.value, str):
            return
        cat: SkillsCatalogue = file.cat
        kind = cat.model_kind(entry.value)
        if kind == "unknown":
            guess = suggest(entry.value.strip(), list(cat.agents.model_aliases)) or "inherit"
            yield file.at_value(
                entry,
                "401",
                f"Claude Code sends `{entry.value.strip()}` to the API verbatim and the API "
                f"refuses it: the {file.kind} cannot run.",
                guess,
            )
        elif kind == "claude":
            message = f"`{entry.value.strip()}` is not a current model agent-ls knows."
            yield file.at_value(entry, "402", message)

    def candidates(self, site: ValueSite) -> list[Option]:
        agents = site.catalogue.agents
        options = [Option(a, f"alias → {i}", d) for a, (i, d) in agents.model_aliases.items()]
        options += [Option(i, "model ID", d) for i, d in agents.model_ids.items()]
        return [*options, Option("inherit", "default", agents.inherit_doc())]

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        if not isinstance(entry.value, str):
            return None
        agents = catalogue.agents
        resolved = agents.resolve_model(entry.value)
        span = entry.value_start, entry.value_end
        if resolved is None:
            return f"**inherit**: {agents.inherit_doc()}", *span
        known = agents.model_ids.get(resolved)
        if known:
            return f"**{entry.value.strip()}** → `{resolved}`: {known}", *span
        return f"`{resolved}` is sent to the API verbatim.", *span

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        agents = catalogue.agents
        return {"type": "string", "examples": [*agents.model_aliases, "inherit"]}


@VALUE_TYPES.register
class BooleanValue(ValueType["SkillFile"]):
    """A boolean as the skill loader reads it: `true`/`yes`/`on`/`1` and `false`/`no`/`off`/`0`
    (any case); anything else counts as false."""

    name = "boolean"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        if entry.value is None or file.cat.boolean(entry.value) is not None:
            return
        yield file.at_value(
            entry,
            "501",
            f"Claude Code does not read `{_shown(entry.value)}` as a boolean: `{entry.key}` "
            "counts as false.",
        )

    def candidates(self, site: ValueSite) -> list[Option]:
        return [Option("true", "boolean", ""), Option("false", "boolean", "")]

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        strings = [*catalogue.raw["trueStrings"], *catalogue.raw["falseStrings"]]
        return {"anyOf": [{"type": "boolean"}, {"enum": strings}]}


class _Enumerated(ValueType["SkillFile"]):
    """Shared by the enumerated types: completion, hover and schema from the catalogue table."""

    name = "enumerated"

    def candidates(self, site: ValueSite) -> list[Option]:
        values = site.catalogue.enum_values(site.spec.name)
        return [Option(v, site.spec.name, d) for v, d in values.items()]

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        if not isinstance(entry.value, str):
            return None
        doc = catalogue.enum_values(spec.name).get(catalogue.enum_key(spec.name, entry.value))
        if doc is None:
            return None
        return f"**{entry.value}**: {doc}", entry.value_start, entry.value_end

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        values = catalogue.enum_values(spec.name)
        return {"enum": list(values), "markdownEnumDescriptions": list(values.values())}


@VALUE_TYPES.register
class EnumValue(_Enumerated):
    """One of a catalogue table's values (`shell`, `context`); Claude Code ignores any other."""

    name = "enum"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        values = file.cat.enum_values(entry.key)
        if entry.value is None or file.cat.enum_key(entry.key, str(entry.value)) in values:
            return
        known = ", ".join(f"`{v}`" for v in values)
        yield file.at_value(
            entry,
            "504",
            f"Claude Code ignores `{entry.key}: {_shown(entry.value)}` (it knows {known}).",
            suggest(str(entry.value), list(values)),
        )


@VALUE_TYPES.register
class EffortValue(_Enumerated):
    """`effort`: a level (any case) or an integer; Claude Code ignores anything else."""

    name = "effort"

    def check(self, entry: Entry, file: SkillFile) -> Iterator[Finding]:
        value = entry.value
        levels = file.cat.enums["effortLevels"]
        if value is None or value == "" or isinstance(value, bool):
            return
        if isinstance(value, int) or str(value).strip().lower() in levels:
            return
        if re.match(r"\s*[+-]?\d", str(value)):
            return  # parseInt reads a leading integer
        yield file.at_value(
            entry,
            "503",
            f"Claude Code ignores `effort: {_shown(value)}` with a warning.",
            suggest(str(value), list(levels)),
        )

    def candidates(self, site: ValueSite) -> list[Option]:
        levels = site.catalogue.enums["effortLevels"]
        return [Option(v, "effort", d) for v, d in levels.items()]

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        doc = catalogue.enums["effortLevels"].get(str(entry.value).strip().lower())
        if doc is None:
            return None
        return f"**{entry.value}**: {doc}", entry.value_start, entry.value_end

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(catalogue.enums["effortLevels"])}, {"type": "integer"}]}


def _shown(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
