"""Tools: the `tools` value type (also `disallowedTools`, a key marked `denies` in the
catalogue), and the rules that look at the tools together with other keys."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry
from agent_ls.core.suggest import suggest
from agent_ls.core.yamltext import describe_type
from agent_ls.dialects.agents.catalogue import Catalogue
from agent_ls.dialects.agents.context import (
    RULES,
    VALUE_TYPES,
    AgentFile,
    ToolToken,
    split_tool_names,
    tool_name_spans,
)
from agent_ls.dialects.base import Applies, Choice, KeySpec, ValueSite, ValueType, change_to

__all__ = ["Tools", "split_tool_names", "tool_name_spans"]

_TOOL_SHAPE = re.compile(r"([A-Za-z_*][\w.*-]*)(\((.*)\))?")
_WORD = re.compile(r"[\w*]+")
_HOVER_WORD = re.compile(r"[A-Za-z_*][\w*-]*")


def denies(spec_name: str, cat: Catalogue) -> bool:
    """Whether a tools key removes tools (`disallowedTools`) rather than allowing them."""
    return bool(cat.raw["keys"][spec_name].get("denies", False))


@VALUE_TYPES.register
class Tools(ValueType[AgentFile]):
    """Tool names, as a comma/space-separated string or a list; `*`, rules such as
    `Bash(git diff:*)`, MCP tools `mcp__server__tool`."""

    name = "tools"
    codes = (
        "AL401",
        "AL402",
        "AL403",
        "AL404",
        "AL405",
        "AL406",
        "AL407",
        "AL408",
        "AL409",
        "AL410",
        "AL411",
        "AL412",
    )
    completion_kind = "tool"

    def check(self, entry: Entry, file: AgentFile) -> Iterator[Finding]:
        allow = not denies(entry.key, file.cat)
        value = entry.value
        tokens = list(file.tool_tokens(entry))
        if value is None or value == "" or value == [] or (isinstance(value, str) and not tokens):
            if allow:
                yield _empty_tools(entry, file)
            return
        if not isinstance(value, (str, list)):
            if allow:
                yield Finding(
                    "AL405",
                    f"`{entry.key}` is {describe_type(value)}, not tool names: Claude Code gives "
                    'this agent zero tools (the agent listing says "All tools").',
                    *file.value_range(entry),
                    (
                        Fix(
                            f"Remove `{entry.key}:` (inherit every tool)",
                            (file.delete_entry(entry),),
                            True,
                        ),
                    ),
                )
                return
            yield file.bad_type(entry, "a string or list of tool names", "AL408")
            return
        kept = 0
        names = {t.text.split("(")[0] for t in tokens}
        known = file.cat.tools
        bash, searches = file.cat.bash_search
        # What `_tool` says of a tool Claude Code knows, without asking it (most tools of most
        # files): nothing, unless `*` makes it redundant or Bash withholds it.
        withheld = searches if allow and bash in names else ()
        quiet = not (allow and "*" in names)
        seen: set[str] = set()
        for index, token in enumerate(tokens):
            if quiet and token.text in known and token.text not in seen:
                if token.text not in withheld:
                    seen.add(token.text)
                    kept += 1
                    continue
            if token.text in seen:
                removal = file.remove_tool(tokens, index)
                yield Finding(
                    "AL412",
                    f"`{token.text}` is already listed: Claude Code reads it once.",
                    token.start,
                    token.end,
                    (Fix(f"Remove this `{token.text}`", (removal,), True),) if removal else (),
                )
                continue
            seen.add(token.text)
            # The removal edit is worked out only for a tool that gets a finding (few do).
            removal_of = functools.partial(file.remove_tool, tokens, index)
            finding, survives = _tool(file, token, allow, names, removal_of)
            kept += survives
            if finding:
                yield finding
        if allow and tokens and kept == 0:
            yield Finding(
                "AL406",
                "None of these tools exists in Claude Code, so nothing remains: it lists the agent "
                'but refuses to spawn it ("would be spawned with zero tools").',
                *file.value_range(entry),
            )

    def candidates(self, site: ValueSite) -> list[Choice]:
        cat = site.catalogue
        listed = set(_WORD.findall(site.typed))
        if not site.in_list:
            listed |= set(_WORD.findall(site.after))
        options = [(n, "tool", d) for n, d in cat.tools.items() if n not in listed]
        options += [
            (n, "tool · may be unavailable", d)
            for n, d in cat.gated_tools.items()
            if n not in listed
        ]
        options += [
            (f"mcp__{s}", "MCP server", f"Every tool of the MCP server `{s}`.")
            for s in sorted(site.mcp_servers or ())
        ]
        if not listed and not site.in_list:
            options.append(("*", "all tools", "Every tool."))
        return options

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        for match in _HOVER_WORD.finditer(text[entry.value_start : entry.value_end]):
            start, end = entry.value_start + match.start(), entry.value_start + match.end()
            if start <= offset <= end:
                return _tool_doc(match.group(), catalogue), start, end
        return None

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        names = [
            *catalogue.tools,
            *catalogue.gated_tools,
            *(n for n, t in catalogue.legacy_tools.items() if t.works),
        ]
        with_rules = "|".join(map(re.escape, catalogue.raw["toolsWithRules"]))
        item = {
            "type": "string",
            "anyOf": [
                {"enum": ["*", *names]},
                {"pattern": rf"^({with_rules})\(.*\)$"},
                {"pattern": r"^mcp__[^_]+(__.+)?$"},
            ],
        }
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": item}]}


def _empty_tools(entry: Entry, file: AgentFile) -> Finding:
    padding = "" if entry.value_end > entry.value_start else " "
    return Finding(
        "AL405",
        f"Empty `{entry.key}` gives this agent zero tools (the agent listing even says "
        '"All tools"): it loads but cannot do anything.',
        *file.value_range(entry),
        (
            Fix(f"Remove `{entry.key}:` (inherit every tool)", (file.delete_entry(entry),), True),
            Fix(
                "Allow read-only tools",
                (Edit(entry.value_start, entry.value_end, padding + "Read, Grep, Glob"),),
            ),
            Fix(
                "Allow every tool (`*`)",
                (Edit(entry.value_start, entry.value_end, padding + '"*"'),),
            ),
        ),
    )


def _tool(
    file: AgentFile,
    token: ToolToken,
    allow: bool,
    names: set[str],
    removal_of: Callable[[], Edit | None],
) -> tuple[Finding | None, bool]:
    """Returns the finding for one tool name, and whether Claude Code keeps the tool."""
    cat = file.cat
    bash, searches = cat.bash_search
    has_bash, has_star = bash in names, "*" in names
    text = token.text
    span = (token.start, token.end)
    effect = "drops it" if allow else "ignores it here, so it is not removed"
    if text == "*":
        return None, True
    shape = _TOOL_SHAPE.fullmatch(text)
    if shape is None or (text.count("(") != text.count(")")):
        return Finding(
            "AL410",
            f"`{text}` is not a tool name or a well-formed rule like `Bash(git diff:*)`: Claude Code {effect}.",
            *span,
        ), False
    name = shape.group(1)
    name_span = (token.start, token.start + len(name))
    if has_star and allow:
        return Finding(
            "AL411", f"`{name}` is redundant: `*` already gives every tool.", *span
        ), True
    if name.startswith("mcp__"):
        server = name.split("__")[1] if name.count("__") >= 1 else ""
        known = file.ctx.mcp_servers
        if known is not None and server not in known:
            listed = ", ".join(sorted(known)) or "none"
            return Finding(
                "AL407",
                f"The MCP server `{server}` is not configured for this workspace (.mcp.json, ~/.claude.json, enabled plugins; servers: {listed}): Claude Code {effect}.",
                *span,
            ), False
        return None, True
    if name in cat.tools:
        if name in searches and has_bash and allow:
            return Finding(
                "AL409",
                f"Claude Code gives an agent that has {bash} no `{name}`: it searches through "
                f"{bash} instead, so nothing is lost (nothing to change here).",
                *name_span,
            ), True
        return None, True
    if name in cat.legacy_tools:
        legacy = cat.legacy_tools[name]
        repl = legacy.replacement
        fixes = _tool_fixes(name_span, repl, names, removal_of())
        if legacy.works:
            return Finding(
                "AL403",
                f"`{name}` is the legacy name of `{repl}`; it still works.",
                *name_span,
                fixes,
            ), True
        instead = f"; use `{repl}`" if repl else ""
        return Finding(
            "AL402",
            f"`{name}` no longer exists in Claude Code {cat.version}, which {effect}{instead}. {legacy.doc}",
            *name_span,
            fixes,
        ), False
    if name in cat.gated_tools:
        return Finding(
            "AL404",
            f"`{name}` may be unavailable: {cat.gated_tools[name]} When it is off, Claude Code {effect}.",
            *name_span,
        ), True
    hint = suggest(name, cat.all_tool_names(), cutoff=0.7)
    fixes = _tool_fixes(name_span, hint, names, removal_of())
    case = hint is not None and hint.lower() == name.lower()
    why = "tool names are case-sensitive, " if case else ""
    return Finding(
        "AL401",
        f"Claude Code has no tool `{name}` ({why}it {effect})"
        + (f": did you mean `{hint}`?" if hint else "."),
        *name_span,
        fixes,
    ), False


def _tool_fixes(
    span: tuple[int, int], hint: str | None, names: set[str], removal: Edit | None
) -> tuple[Fix, ...]:
    """Change to `hint` unless it is listed already (that would be a duplicate), and removal."""
    change = change_to(*span, hint) if hint not in names else ()
    remove = (Fix("Remove this tool", (removal,), not change),) if removal else ()
    return change + remove


def _tool_doc(name: str, cat: Catalogue) -> str:
    if name == "*":
        return "**\\***: every tool."
    if name in cat.tools:
        return f"**{name}** (tool): {cat.tools[name]}"
    if name in cat.gated_tools:
        return f"**{name}** (tool, may be unavailable): {cat.gated_tools[name]}"
    if name in cat.legacy_tools:
        legacy = cat.legacy_tools[name]
        return f"**{name}** (legacy tool): {legacy.doc}"
    if name.startswith("mcp__"):
        return f"**{name}**: an MCP tool (`mcp__server__tool`)."
    return f"**{name}**: not a Claude Code {cat.version} tool."


@RULES.rule("AL709", applies_to=Applies.FILE)
def memory_tools(file: AgentFile) -> Iterator[Finding]:
    """`memory` adds tools (`memoryTools`) that `tools` leaves out."""
    memory, tools = file.entry("memory"), file.entry("tools")
    if (
        memory is None
        or tools is None
        or not isinstance(memory.value, str)
        or memory.value not in file.cat.enum_values("memory")
    ):
        return
    names = {t.text.split("(")[0] for t in file.tool_tokens(tools)}
    if not names or "*" in names:
        return
    added = [t for t in file.cat.raw.get("memoryTools", []) if t not in names]
    if added:
        yield Finding(
            "AL709",
            f"With `memory`, Claude Code also gives this agent {' and '.join(f'`{t}`' for t in added)}, "
            "which `tools` leaves out.",
            *file.value_range(memory),
        )


@RULES.rule("AL405", applies_to=Applies.FILE)
def denied_everything(file: AgentFile) -> Iterator[Finding]:
    """`disallowedTools` that removes every tool `tools` allows: zero tools (2.1.328)."""
    tools, denied = file.entry("tools"), file.entry("disallowedTools")
    if tools is None or denied is None:
        return
    allowed, removed = file.tool_names(tools), file.tool_names(denied)
    if allowed and "*" not in allowed and allowed <= removed:
        yield Finding(
            "AL405",
            "`disallowedTools` removes every tool that `tools` allows: Claude Code gives this "
            'agent zero tools (its listing says "None").',
            *file.value_range(denied),
        )
