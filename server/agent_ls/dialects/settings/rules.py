"""The settings dialect's rules: one function per check, registered with the codes it emits.

Each rule takes the `SettingsFile` (a `JsonFile`: the parse, the catalogue, the workspace's MCP
servers) and yields `Finding`s at exact ranges. What Claude Code does with each case is in
docs/claude-code.md ("Settings and hooks"), recorded in tests/conformance/settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.jsondoc import (
    JsonArray,
    JsonBool,
    JsonDocument,
    JsonMember,
    JsonNode,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    json_type,
    to_python,
)
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import Applies, CheckContext, Rules
from agent_ls.dialects.hooks import entry_problem, guards_outside_hooks
from agent_ls.dialects.jsonfile import (
    JsonFile,
    first_error,
    misspelt_key,
    rename_key,
    replace_string,
)
from agent_ls.dialects.jsonshape import Shapes
from agent_ls.dialects.settings.catalogue import KeyType, SettingsCatalogue
from agent_ls.dialects.settings.grammar import bash_rule_notice, matcher_problem, rule_problem

RULES: Rules[Any] = Rules()
OBJECT_KEYS = {"permissions": "object", "env": "record"}
"""Top-level keys whose value must be an object (the word the binary's message uses); their
contents have rules of their own, as have those of `hooks`."""


def blank(text: str) -> bool:
    """An empty file (or only whitespace): Claude Code loads it as no settings."""
    return not text.removeprefix("\ufeff").strip()


class SettingsFile(JsonFile):
    """One settings file being checked, with the settings catalogue."""

    def __init__(
        self,
        doc: JsonDocument,
        ctx: CheckContext,
        shapes: Shapes,
        path: Path | None,
        cat: SettingsCatalogue,
    ) -> None:
        super().__init__(doc, ctx, shapes, path)
        self.cat = cat
        self.mcp_servers = ctx.mcp_servers
        """The MCP servers configured for the workspace; None when unknown (MCP tool names are
        then not judged)."""

    @property
    def root(self) -> JsonObject | None:
        """The top-level object, when the file parses as one (the rules below need it)."""
        return super().root if self.doc.valid else None


# -- the file as a whole ---------------------------------------------------------------------------


@RULES.rule("ST001", "ST002", applies_to=Applies.FILE)
def file_parses(file: SettingsFile) -> Iterator[Finding]:
    """A syntax error, or a top level that is not an object: the file does not load."""
    doc = file.doc
    if blank(file.text):
        return
    found = first_error(doc)
    if found is not None:
        error, end = found
        yield Finding(
            "ST001",
            f"Invalid JSON: {error.message}. Claude Code does not load this file "
            '("Invalid or malformed JSON"): none of its hooks, permission rules or env apply.',
            error.start,
            end,
        )
    elif not isinstance(doc.root, JsonObject) and doc.root is not None:
        yield Finding(
            "ST002",
            f"The settings must be an object; this is {json_type(doc.root)}: "
            "Claude Code does not load the file.",
            doc.root.start,
            doc.root.end,
        )


# -- top-level keys -------------------------------------------------------------------------------


_EXPECTED = {
    "string": ("string", "string"),
    "number": ("number", "number"),
    "integer": ("number", "number"),
    "boolean": ("boolean", "boolean"),
    "enum": ("string", "string"),
    "stringList": ("array", "array"),
    "array": ("array", "array"),
    "stringMap": ("object", "record"),
    "record": ("object", "record"),
    "enumMap": ("object", "record"),
    "object": ("object", "object"),
}
"""Each key type's JSON type, and the word the binary's messages use for it."""


def type_problem(node: JsonNode | None, key: KeyType) -> str | None:
    """How `node` fails the schema of `key`, in the binary's words; None when it fits."""
    kind = json_type(node)
    expected = _EXPECTED.get(key.type)
    if expected is None:
        return None
    if kind != expected[0]:
        return f"Expected {expected[1]}, but received {kind}"
    if isinstance(node, JsonNumber):
        value = node.value
        if key.type == "integer" and not float(value).is_integer():
            return "Expected an integer"
        if key.exclusive_minimum is not None and value <= key.exclusive_minimum:
            return f"Too small: expected number to be >{key.exclusive_minimum}"
        if key.minimum is not None and value < key.minimum:
            return f"Too small: expected number to be >={key.minimum}"
        if key.maximum is not None and value > key.maximum:
            return f"Too big: expected number to be <={key.maximum}"
    if isinstance(node, JsonString) and key.values and node.value not in key.values:
        return "Invalid value. Expected one of: " + ", ".join(f'"{v}"' for v in key.values)
    if isinstance(node, JsonArray) and key.type == "stringList":
        bad = next((i for i in node.items if not isinstance(i, JsonString)), None)
        if bad is not None:
            return f"Expected string, but received {json_type(bad)} (in the list)"
    if isinstance(node, JsonObject) and key.type in ("stringMap", "enumMap"):
        for member in node.members:
            if not isinstance(member.value, JsonString):
                return f"Expected string, but received {json_type(member.value)}"
            if key.values and member.value.value not in key.values:
                allowed = ", ".join(f'"{v}"' for v in key.values)
                return f"`{member.key.value}`: Invalid value. Expected one of: {allowed}"
    return None


def _type_fixes(node: JsonNode | None, key: KeyType) -> tuple[Fix, ...]:
    """Quick fixes for a value of the wrong type: a number written as a string and back, a
    boolean written as a string, an enum value's nearest spelling."""
    if isinstance(node, JsonString):
        if key.type in ("number", "integer"):
            try:
                number = float(node.value)
            except ValueError:
                return ()
            text = str(int(number)) if number.is_integer() else str(number)
            return (Fix(f"Change to the number {text}", (Edit(node.start, node.end, text),), True),)
        if key.type == "boolean" and node.value in ("true", "false"):
            return (
                Fix(f"Change to {node.value}", (Edit(node.start, node.end, node.value),), True),
            )
        if key.values:
            better = suggest(node.value, list(key.values))
            return replace_string(node, better) if better else ()
    if isinstance(node, (JsonNumber, JsonBool)) and key.type == "string":
        raw = node.raw if isinstance(node, JsonNumber) else str(node.value).lower()
        return (Fix(f'Change to "{raw}"', (Edit(node.start, node.end, f'"{raw}"'),), True),)
    return ()


@RULES.rule("ST101", "ST102", "ST103", applies_to=Applies.FILE)
def top_level_keys(file: SettingsFile) -> Iterator[Finding]:
    """Known keys with values of the wrong type; keys Claude Code does not know."""
    if file.root is None:
        return
    cat = file.cat
    for member in file.root.members:
        name, node = member.key.value, member.value
        key = cat.keys.get(name)
        if key is None:
            yield from _unknown_key(member, cat)
            continue
        if name == "hooks":
            continue
        if name in OBJECT_KEYS:
            if node is not None and not isinstance(node, JsonObject):
                problem = f"Expected {OBJECT_KEYS[name]}, but received {json_type(node)}"
                yield from _typed(name, node, key, problem)
        else:
            yield from _typed(name, node, key)


def _typed(
    where: str, node: JsonNode | None, key: KeyType, problem: str | None = None
) -> Iterator[Finding]:
    """The finding of a value that does not fit its key's type (`problem`, else judged here):
    dropped alone for a lenient key, else the whole file does not load."""
    problem = problem or type_problem(node, key)
    if problem is None or node is None:
        return
    if key.lenient:
        message = (
            f"`{where}`: {problem}. Claude Code drops this value silently; the default applies."
        )
        yield Finding("ST102", message, node.start, node.end, _type_fixes(node, key))
    else:
        message = (
            f"`{where}`: {problem}. Claude Code does not load this file: none of its hooks, "
            "permission rules or env apply."
        )
        yield Finding("ST101", message, node.start, node.end, _type_fixes(node, key))


def _unknown_key(member: JsonMember, cat: SettingsCatalogue) -> Iterator[Finding]:
    name = member.key.value
    key = member.key
    if _guards_outside_hooks(member, cat):
        return  # ST206 says more
    if name in cat.hook_events:
        yield Finding(
            "ST103",
            f"`{name}` is a hook event: at the top level Claude Code ignores it. Put it under `hooks`.",
            key.start,
            key.end,
        )
        return
    message = f"Claude Code does not know the setting `{name}` and ignores it."
    yield misspelt_key("ST103", member, cat.public_keys(), message)


@RULES.rule("ST206", applies_to=Applies.FILE)
def hooks_outside_hooks(file: SettingsFile) -> Iterator[Finding]:
    """PreToolUse/PermissionRequest hooks (or matcher groups) outside `hooks`: not loaded."""
    for member in file.root.members if file.root is not None else ():
        if _guards_outside_hooks(member, file.cat):
            yield Finding(
                "ST206",
                f"`{member.key.value}` holds what may be a PreToolUse/PermissionRequest hook outside "
                "`hooks`: Claude Code does not load this file (such a hook may guard its "
                "permissions). Hooks belong under `hooks`.",
                member.key.start,
                member.key.end,
            )


# -- hooks ----------------------------------------------------------------------------------------


_HOOK_CODES = ("ST202", "ST102", "ST201", "ST203", "ST204", "ST205", "ST207", "ST209", "ST211")


@RULES.rule(*_HOOK_CODES, applies_to=Applies.FILE)
def hooks(file: SettingsFile) -> Iterator[Finding]:
    """`hooks`: events, matcher groups, hook entries and matchers, as Claude Code reads them."""
    if file.root is None:
        return
    node = file.root.get("hooks")
    if node is None:
        return
    if isinstance(node, JsonArray):
        yield Finding(
            "ST202",
            '`hooks` must be an object mapping event names to matcher arrays ("Expected record, '
            'but received array"): Claude Code does not load this file.',
            node.start,
            node.end,
        )
        return
    if not isinstance(node, JsonObject):
        yield Finding(
            "ST102",
            f"`hooks` must be an object mapping event names to matcher arrays; received "
            f"{json_type(node)}. Claude Code ignores it.",
            node.start,
            node.end,
        )
        return
    cat = file.cat
    for member in node.members:
        event = member.key.value
        if event not in cat.hook_events:
            message = (
                f'Unknown hook event "{event}": Claude Code ignores it and its hooks never run '
                "(event names are case-sensitive)."
            )
            yield misspelt_key("ST201", member, cat.hook_events, message)
            continue
        yield from _event(file, member)


def _event(file: SettingsFile, member: JsonMember) -> Iterator[Finding]:
    event, value = member.key.value, member.value
    guard = event in file.cat.guard_events
    if value is None:
        return

    def invalid(code: str, message: str, node: JsonNode, what: str) -> Finding:
        if guard:
            return Finding(
                "ST211",
                f"{message}. Under {event} Claude Code does not load this file at all: "
                "no hooks, no permission rules.",
                node.start,
                node.end,
            )
        return Finding(code, f"{message}; Claude Code ignores this {what}.", node.start, node.end)

    if not isinstance(value, JsonArray):
        message = f'Hook event "{event}" must be an array of matchers; received {json_type(value)}'
        if isinstance(value, JsonNull):  # null drops the event alone, even under a guard event
            yield Finding(
                "ST203", f"{message}; Claude Code ignores this event.", value.start, value.end
            )
        else:
            yield invalid("ST203", message, value, "event")
        return
    for group in value.items:
        if not isinstance(group, JsonObject):
            yield invalid(
                "ST204",
                f"Hook matcher must be an object; received {json_type(group)}",
                group,
                "matcher",
            )
            continue
        entries = group.get("hooks")
        if not isinstance(entries, JsonArray):
            yield invalid(
                "ST204",
                f'Hook matcher "hooks" must be an array of hook entries; received {json_type(entries)}',
                entries or group,
                "matcher",
            )
            continue
        matcher = group.get("matcher")
        if matcher is not None and not isinstance(matcher, (JsonString, JsonNull)):
            yield invalid(
                "ST204",
                f"`matcher` must be a string; received {json_type(matcher)}",
                matcher,
                "matcher",
            )
            continue
        yield from _misspelt_fields(group, ("matcher", "hooks"))
        for entry in entries.items:
            problem = _entry_problem(entry, file.cat)
            if problem is not None:
                yield invalid("ST205", problem[0], problem[1], "hook")
            if isinstance(entry, JsonObject):
                yield from _misspelt_fields(entry, _hook_fields(entry, file.cat))
        if isinstance(matcher, JsonString) and event in file.cat.tool_events:
            found = matcher_problem(
                matcher.value, file.cat.tools, file.cat.matcher_everything, file.mcp_servers
            )
            if found is not None:
                message, better = found
                yield Finding(
                    "ST207",
                    f"{message} (Claude Code says nothing).",
                    matcher.start,
                    matcher.end,
                    replace_string(matcher, better) if better else (),
                )


def _hook_fields(entry: JsonObject, cat: SettingsCatalogue) -> tuple[str, ...]:
    """The fields a hook entry may have (those of its type; of every type when it has none)."""
    type_node = entry.get("type")
    name = type_node.value if isinstance(type_node, JsonString) else None
    specs = [cat.hook_types[name]] if name in cat.hook_types else list(cat.hook_types.values())
    return ("type", *dict.fromkeys(f for spec in specs for f in (*spec.required, *spec.optional)))


def _misspelt_fields(node: JsonObject, fields: tuple[str, ...]) -> Iterator[Finding]:
    """A hint on each unknown field that looks like a misspelt known one (Claude Code ignores
    unknown fields silently, so `comand` leaves the hook without its command)."""
    for member in node.members:
        name = member.key.value
        if name in fields:
            continue
        better = suggest(name, list(fields), cutoff=0.75)
        if better is not None and better not in {m.key.value for m in node.members}:
            yield Finding(
                "ST209",
                f"Claude Code ignores the field `{name}`: did you mean `{better}`?",
                member.key.start,
                member.key.end,
                rename_key(member, better),
            )


def _entry_problem(entry: JsonNode, cat: SettingsCatalogue) -> tuple[str, JsonNode] | None:
    """Why Claude Code drops one hook entry, and the node to mark; None when it loads."""
    problem = entry_problem(to_python(entry), cat.hook_types)
    if problem is None:
        return None
    message, field = problem
    marked = entry.get(field) if field and isinstance(entry, JsonObject) else None
    return message, marked or entry


def _guards_outside_hooks(member: JsonMember, cat: SettingsCatalogue) -> bool:
    value = to_python(member.value) if member.value is not None else None
    return guards_outside_hooks(member.key.value, value, cat.hooks, cat.guard_scan_exempt)


@RULES.rule("ST208", applies_to=Applies.FILE)
def all_hooks_disabled(file: SettingsFile) -> Iterator[Finding]:
    """`disableAllHooks: true`: no hook runs."""
    member = file.root.member("disableAllHooks") if file.root is not None else None
    if member is not None and isinstance(member.value, JsonBool) and member.value.value:
        yield Finding(
            "ST208",
            "`disableAllHooks` is true: Claude Code runs no hook at all (nor the status line).",
            member.key.start,
            member.key.end,
        )


# -- permissions ---------------------------------------------------------------------------------


def _object_setting(file: SettingsFile, key: str) -> JsonObject | None:
    """The value of a top-level setting when it is an object (`top_level_keys` judges the
    rest)."""
    node = file.root.get(key) if file.root is not None else None
    return node if isinstance(node, JsonObject) else None


_PERMISSION_CODES = (
    "ST101",
    "ST102",
    "ST103",
    "ST301",
    "ST302",
    "ST303",
    "ST304",
    "ST305",
    "ST306",
)


@RULES.rule(*_PERMISSION_CODES, applies_to=Applies.FILE)
def permissions(file: SettingsFile) -> Iterator[Finding]:
    """`permissions`: the rule lists, `defaultMode` and the other keys."""
    node = _object_setting(file, "permissions")
    if node is None:
        return
    cat = file.cat
    for member in node.members:
        name, value = member.key.value, member.value
        if value is None:
            continue
        if name in cat.permission_lists:
            if not isinstance(value, JsonArray):
                yield Finding(
                    "ST303",
                    f"`permissions.{name}`: Expected array, but received {json_type(value)}. "
                    "Claude Code does not load this file.",
                    value.start,
                    value.end,
                )
                continue
            for item in value.items:
                yield from _rule(file, name, item)
        elif name == "defaultMode":
            mode = value.value if isinstance(value, JsonString) else None
            if mode not in cat.default_modes:
                modes = ", ".join(f'"{m}"' for m in sorted(cat.default_modes))
                better = suggest(mode, list(cat.default_modes)) if mode is not None else None
                yield Finding(
                    "ST304",
                    f"`permissions.defaultMode`: Invalid value. Expected one of: {modes}. "
                    "Claude Code does not load this file.",
                    value.start,
                    value.end,
                    replace_string(value, better)
                    if better and isinstance(value, JsonString)
                    else (),
                )
        elif name in cat.permission_types:
            yield from _typed(f"permissions.{name}", value, cat.permission_types[name])
        else:
            message = f"`{name}` is not a key of `permissions`: Claude Code ignores it."
            yield misspelt_key("ST103", member, cat.permission_keys, message)


def _rule(file: SettingsFile, list_name: str, item: JsonNode) -> Iterator[Finding]:
    if not isinstance(item, JsonString):
        yield Finding(
            "ST301",
            f"Non-string value in {list_name} array: Claude Code removes it.",
            item.start,
            item.end,
        )
        return
    message, skipped, better = rule_problem(
        item.value, list_name, file.cat.tools, file.cat.file_tools, file.mcp_servers
    )
    notice = bash_rule_notice(item.value, list_name) if not message else None
    if notice is not None:
        code = "ST305" if notice[0] == "literal" else "ST306"
        yield Finding(code, notice[1] + ".", item.start, item.end)
        return
    if not message:
        return
    fixes = replace_string(item, better) if better else ()
    if skipped:
        text = f'Invalid permission rule "{item.value}": {message}. Claude Code skips it.'
        yield Finding("ST301", text, item.start, item.end, fixes)
    else:
        yield Finding("ST302", message + ".", item.start, item.end, fixes)


# -- env -----------------------------------------------------------------------------------------


@RULES.rule("ST401", applies_to=Applies.FILE)
def env(file: SettingsFile) -> Iterator[Finding]:
    """`env`: an object of strings (numbers and booleans are turned into text)."""
    node = _object_setting(file, "env")
    if node is None:
        return
    for member in node.members:
        value = member.value
        if isinstance(value, (JsonNumber, JsonBool)):
            raw = value.raw if isinstance(value, JsonNumber) else str(value.value).lower()
            yield Finding(
                "ST401",
                f"`{member.key.value}` is {json_type(value)}; Claude Code sets it to the text "
                f'"{raw}".',
                value.start,
                value.end,
                (Fix(f'Quote it: "{raw}"', (Edit(value.start, value.end, f'"{raw}"'),), True),),
            )
