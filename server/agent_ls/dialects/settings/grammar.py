"""Hook matchers and permission rules as Claude Code reads them: whether a matcher can ever
fire, and why a permission rule is skipped (the binary's wording)."""

from __future__ import annotations

import re
from collections.abc import Collection

from agent_ls.core.suggest import suggest

_NAMES = re.compile(r"[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)*")
_RULE_SYNTAX = re.compile(r"[A-Za-z_]\w*\(.*\)")


def mcp_server(tool: str) -> str | None:
    """The server an MCP tool name (`mcp__server__tool`) belongs to; None for other tools."""
    if not tool.startswith("mcp__"):
        return None
    return tool[5:].split("__", 1)[0]


def unknown_server(tool: str, servers: Collection[str] | None) -> str | None:
    """The server of an MCP tool name when it is known not to be configured."""
    server = mcp_server(tool)
    if server is None or servers is None or server in servers or "*" in server:
        return None
    return server


def matcher_problem(
    matcher: str,
    tools: Collection[str],
    everything: Collection[str],
    servers: Collection[str] | None = None,
) -> tuple[str, str | None] | None:
    """Why a tool matcher never fires, with the matcher to write instead; None when it can fire.

    `*`, `""` and the absent matcher match every tool; `A|B` names tools exactly; anything else
    is a case-sensitive regular expression searched in the tool name. `servers`: the MCP servers
    configured (None when unknown), whose tools a matcher may name.
    """
    if matcher in everything:
        return None
    if _NAMES.fullmatch(matcher):
        names = matcher.split("|")
        absent = [unknown_server(name, servers) for name in names if name.startswith("mcp__")]
        if any(name in tools for name in names) or None in absent:
            return None
        if absent:
            listed = ", ".join(f"`{a}`" for a in dict.fromkeys(a for a in absent if a))
            return f"`{matcher}` names the MCP server {listed}, which is not configured", None
        fixed = [suggest(name, list(tools)) or name for name in names]
        better = "|".join(fixed) if fixed != names else None
        case = (
            " (matchers are case-sensitive)" if better and better.lower() == matcher.lower() else ""
        )
        return f"`{matcher}` names no tool{case}, so this hook never runs", better
    if _RULE_SYNTAX.fullmatch(matcher):
        tool = matcher.split("(", 1)[0]
        return (
            f"`{matcher}` is permission-rule syntax; a matcher is a regular expression over tool "
            f"names, so this one matches no tool and the hook never runs",
            tool if tool in tools else None,
        )
    try:
        pattern = re.compile(matcher)
    except re.error:
        return f"`{matcher}` is not a valid regular expression: it never matches", None
    # A pattern about MCP tools may match one of a server's tools, which this check cannot see.
    if any(pattern.search(name) for name in tools) or "mcp" in matcher:
        return None
    return f"`{matcher}` matches no tool Claude Code has, so this hook never runs", None


def rule_problem(
    rule: str,
    list_name: str,
    tools: Collection[str],
    file_tools: Collection[str],
    servers: Collection[str] | None = None,
) -> tuple[str, bool, str | None]:
    """Returns (message, skipped, suggestion) for a permission rule; message "" when it is fine.

    `skipped`: Claude Code drops the rule with a message; otherwise the rule loads but names no
    tool it has. The messages are the binary's.
    """
    if not rule.strip():
        return "Permission rule cannot be empty", True, None
    tool, content = rule, None
    if "(" in rule or ")" in rule:
        tool, sep, rest = rule.partition("(")
        if not sep or not rest.endswith(")"):
            return (
                "Malformed Tool(content) rule. Rules take the form Tool or Tool(content) and must "
                'end at the closing ")"',
                True,
                None,
            )
        content = rest[:-1]
    if content == "":
        if not tool:
            return "Empty parentheses with no tool name", True, None
        return f'Empty parentheses. Either specify a pattern or use just "{tool}"', True, tool
    if tool.startswith("mcp__"):
        if content is not None:
            return "MCP rules do not support patterns in parentheses", True, tool
        server = tool[5:].split("__", 1)[0]
        if list_name == "allow" and "*" in server:
            return (
                f'Wildcard tool name "{tool}" is not supported in allow rules: a glob is '
                "permitted only after a literal mcp__<server>__ prefix",
                True,
                None,
            )
        absent = unknown_server(tool, servers)
        if absent is not None:
            return (
                f"`{tool}` names the MCP server `{absent}`, which is not configured: the rule never applies",
                False,
                None,
            )
        return "", False, None
    if not tool:
        return "Tool name cannot be empty", True, None
    if list_name == "allow" and "*" in tool:
        return f'Wildcard tool name "{tool}" is not supported in allow rules', True, None
    if "_" not in tool and tool[0] != tool[0].upper():
        fixed = tool[0].upper() + tool[1:]
        return f'Tool names must start with uppercase. Use "{fixed}"', True, _with(rule, fixed)
    if tool == "Bash" and content == ":*":
        return "Prefix cannot be empty before :*", True, None
    if tool == "WebFetch" and content is not None and not content.startswith("domain:"):
        return (
            'WebFetch permissions must use "domain:" prefix. Use "domain:hostname" format',
            True,
            f"WebFetch(domain:{content})",
        )
    if tool in file_tools and content is not None and ":*" in content:
        return 'The ":*" syntax is only for Bash prefix rules', True, None
    if tool not in tools and "*" not in tool:
        better = suggest(tool, list(tools))
        hint = f" (did you mean `{better}`?)" if better else ""
        return (
            f"`{tool}` matches no known tool{hint}: the rule loads and never applies",
            False,
            _with(rule, better) if better else None,
        )
    return "", False, None


def _with(rule: str, tool: str) -> str:
    """`rule` with its tool name replaced by `tool`."""
    _, sep, rest = rule.partition("(")
    return f"{tool}{sep}{rest}"


def bash_rule_notice(rule: str, list_name: str) -> tuple[str, str] | None:
    """What Claude Code says on stderr about a Bash rule it loads: ("literal", …) when a `*` or
    `:*` is not read the way it looks, ("broad", …) when an allow rule's wildcard comes before
    the rest of the command (it also approves options inserted there); None otherwise."""
    if not (rule.startswith("Bash(") and rule.endswith(")")):
        return None
    content = rule[5:-1]
    star = content.find("*")
    if star < 0:
        return None
    if list_name == "allow" and content[star + 1 :].strip(" *:"):
        return (
            "broad",
            f"`{rule}` has a wildcard before the rest of the command, so it also approves any "
            "options inserted at that position without a prompt (Claude Code says so on every "
            "start); use * only after the subcommand",
        )
    if content.endswith(":*") and "*" in content[:-2]:
        return (
            "literal",
            f"`{rule}` mixes * with the trailing :* prefix syntax, so Claude Code reads it as a "
            "literal prefix (the * is not expanded): it matches only commands with a literal *",
        )
    if ":*" in content and not content.endswith(":*"):
        return (
            "literal",
            f"`{rule}` has a :* that is not at the end, so Claude Code reads it as a * wildcard "
            "(the : is literal), not as the prefix syntax",
        )
    return None
