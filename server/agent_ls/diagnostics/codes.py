"""Every diagnostic code agent-ls reports, with its severity and a short explanation.

Severity follows the consequence in Claude Code (`SEVERITY_RULE`, stated by `agent-ls explain`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered like LSP's DiagnosticSeverity (1 = error)."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


SEVERITY_RULE = (
    "Severity follows the consequence in Claude Code: error — it does not load the agent, or the "
    "agent cannot run (zero tools, a model the API refuses); warning — it loads the agent but "
    "drops, changes or ignores something the author wrote, and the author can fix it; "
    "information — what Claude Code does on its own, which changes nothing the author wrote; "
    "hint — advice."
)


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    explanation: str
    example: str = ""  # frontmatter lines that produce it
    fix: str = ""  # what to write instead


E, W, N, H = Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT  # N: notice

_TABLE = [
    Code(
        "AL101",
        E,
        "No frontmatter",
        "Claude Code reads an agent only from a file that starts with `---` at its very first byte (a BOM is fine). Without it there is no `name`, and the agent is dropped without any log line.",
        example="You review code.",
        fix="Start the file with `---`, the frontmatter, and a closing `---`.",
    ),
    Code(
        "AL102",
        E,
        "Opening fence not at the start",
        "A blank line, indentation or any text before the opening `---` means Claude Code sees no frontmatter, and drops the agent silently.",
        example="\n---\nname: reviewer\ndescription: Reviews code\n---\nYou review code.",
        fix="Delete whatever comes before the opening `---`.",
    ),
    Code(
        "AL103",
        E,
        "Unclosed frontmatter",
        "Claude Code needs a second `---`; without it the whole file is body, there is no `name`, and the agent is dropped silently.",
        example="---\nname: reviewer\ndescription: Reviews code\n\nYou review code.",
        fix="Add the closing `---` after the last key.",
    ),
    Code(
        "AL104",
        W,
        "`---` inside a value ends the frontmatter",
        "Claude Code ends the frontmatter at the first `---` anywhere, even inside a value (`a---b`); everything after it, keys included, becomes the system prompt.",
        example="description: fast---careful\ntools: Read",
        fix="Write the value without `---`, or quote it and keep `---` out of it.",
    ),
    Code(
        "AL105",
        N,
        "Indented closing fence",
        "An indented `---` still closes the frontmatter in Claude Code, but other tools may disagree: put it at column 0.",
    ),
    Code(
        "AL110",
        E,
        "YAML syntax error: agent dropped",
        "The frontmatter is not valid YAML, and Claude Code's lenient retry (quoting risky `key: value` lines, tabs to spaces) fails too: it logs 'failed to parse and was ignored', reads `{}`, and drops the agent.",
        example="description: Use this agent for reviews.\n  Example: the user asks",
        fix="Quote the value, or write it as a block: `description: |` and the text indented below.",
    ),
    Code(
        "AL111",
        N,
        "YAML syntax error, loaded as written by the lenient retry",
        "The frontmatter is not valid YAML. Claude Code retries after double-quoting every `key: value` line whose value holds `: ` or one of {}[]*&#!|>%@` (unless it both starts and ends with the same quote, or is a `[...]` that parses as a list) and turning leading tabs into spaces — so it loads, and each such value is read literally, as written. Other YAML tools reject the file: quote the value.",
        example="description: Use when: the user asks",
        fix='Quote the value: `description: "Use when: the user asks"`.',
    ),
    Code(
        "AL112",
        E,
        "Frontmatter is not a mapping",
        "The frontmatter must be `key: value` pairs. A list or a single value gives Claude Code no `name`, and the agent is dropped silently.",
    ),
    Code(
        "AL113",
        E,
        "Empty frontmatter",
        "Empty frontmatter has no `name`; Claude Code drops the agent silently.",
    ),
    Code(
        "AL114",
        W,
        "YAML tag ignored",
        "Explicit tags (`!!python/object`, `!custom`) construct nothing: the plain value is read.",
    ),
    Code(
        "AL201",
        E,
        "`name` missing",
        "Claude Code identifies an agent by its frontmatter `name` (never the file name). Without one the agent is dropped with no log line.",
        example="---\ndescription: Reviews code\n---",
        fix="Add `name: reviewer` (lowercase letters, digits and hyphens).",
    ),
    Code(
        "AL202",
        E,
        "`name` empty or not a string",
        "An empty or non-string `name` (e.g. `name: 12345`, a list) drops the agent (a DEBUG log line at most).",
        example="name: 12345",
        fix="Write the name as text: `name: reviewer-12345`.",
    ),
    Code(
        "AL203",
        E,
        "`name` contains `:`",
        "`:` is reserved for plugin namespacing: Claude Code logs an error and drops the agent.",
    ),
    Code(
        "AL204",
        E,
        "`name` starts with `-`",
        "Claude Code logs an error and drops an agent whose name starts with `-`.",
    ),
    Code(
        "AL205",
        E,
        "`name` too long",
        "Claude Code drops an agent whose name is longer than 256 characters.",
    ),
    Code(
        "AL206",
        H,
        "`name` is not lowercase-and-hyphens",
        "Claude Code loads any name, and lookups ignore case and separators, but the docs ask for lowercase letters, digits and hyphens.",
    ),
    Code(
        "AL207",
        H,
        "`name` differs from the file name",
        "Claude Code ignores the file name; keeping them equal makes agents easy to find.",
    ),
    Code(
        "AL208",
        W,
        "Duplicate agent name",
        "Two agent files share a name: Claude Code keeps one (deeper project folders first, then scan order) and ignores the other.",
    ),
    Code(
        "AL209",
        N,
        "`name` is only spaces",
        "Claude Code loads an agent whose name is only spaces, under that blank name: nobody can ask for it.",
    ),
    Code(
        "AL211",
        E,
        "`description` missing",
        "Claude Code logs an error and drops an agent without a description.",
    ),
    Code(
        "AL212",
        E,
        "`description` empty or not a string",
        "Claude Code logs an error and drops an agent whose description is empty or not text.",
    ),
    Code(
        "AL213",
        W,
        "` #` starts a YAML comment",
        "In YAML, `#` after a space starts a comment: the rest of the line is not part of the value. Quote the value to keep it.",
    ),
    Code(
        "AL214",
        N,
        "Literal `\\n` in description",
        "Claude Code turns the two characters `\\n` in a description into a newline.",
    ),
    Code(
        "AL215",
        N,
        "`description` is only spaces",
        "Claude Code loads the agent, but the main model sees no description and never knows when to use it.",
    ),
    Code(
        "AL301",
        W,
        "Unknown key",
        "Claude Code loads the agent but ignores keys it does not recognise (it logs a warning). Keys are case-sensitive. Declare your own keys in `[tool.agent-ls] extra-keys` to silence this.",
        example="allowedTools: Read, Grep\nName: reviewer",
        fix="Use the key Claude Code reads: `tools: Read, Grep`, `name: reviewer` (the quick fix merges into an existing `tools`).",
    ),
    Code(
        "AL302",
        W,
        "Duplicate key",
        "YAML duplicate keys: Claude Code keeps the last value and ignores the earlier ones.",
        example="model: opus\nmodel: sonnet",
        fix="Delete the earlier duplicate; keep the value you mean.",
    ),
    Code(
        "AL303",
        E,
        "Hook event at the top level",
        "A hook event (e.g. `PreToolUse:`) outside `hooks:` makes Claude Code drop the agent (a WARN line about the key, then 'Failed to parse agent' in the debug log). Move it under `hooks:`.",
    ),
    Code(
        "AL401",
        W,
        "Unknown tool",
        "Claude Code silently drops tool names it does not know; names are case-sensitive.",
        example="tools: Read, Reed, read",
        fix="Use the exact name (`Read`), or remove the tool; the quick fix never leaves a duplicate.",
    ),
    Code(
        "AL402",
        W,
        "Removed tool",
        "This tool no longer exists in Claude Code and is dropped silently.",
        example="tools: Read, TodoWrite, MultiEdit",
        fix="Use the current tool (`MultiEdit` → `Edit`) or remove the legacy one.",
    ),
    Code(
        "AL403",
        H,
        "Legacy tool name",
        "A legacy name that still works: `Task` gives the Agent tool.",
    ),
    Code(
        "AL404",
        W,
        "Tool may be unavailable",
        "This tool exists behind a feature gate, a setting or a platform: when that is off, Claude Code drops it.",
    ),
    Code(
        "AL405",
        E,
        "Empty `tools`: zero tools",
        '`tools:` with an empty value, `""` or `[]` gives the agent no tools at all (the listing even says "All tools"). Remove the key to inherit every tool, or list the tools.',
        example="tools:",
        fix="Remove the `tools:` line to inherit every tool, or list the tools: `tools: Read, Grep, Glob`.",
    ),
    Code(
        "AL406",
        E,
        "No known tool: the agent refuses to spawn",
        "Every tool name is unknown or unavailable, so nothing remains: Claude Code lists the agent but refuses to spawn it ('would be spawned with zero tools').",
        example="tools: Frobnicate, TodoWrite",
        fix="List at least one tool Claude Code has, e.g. `tools: Read`.",
    ),
    Code(
        "AL407",
        W,
        "MCP tool of an unknown server",
        "The MCP server is not in the workspace's `.mcp.json`; Claude Code drops tools of absent servers.",
    ),
    Code(
        "AL408",
        W,
        "Bad `tools` value",
        "`tools` and `disallowedTools` take a comma- or space-separated string, or a list of strings.",
    ),
    Code(
        "AL409",
        N,
        "Bash stands in for Glob and Grep",
        "An agent that has Bash is not given Glob or Grep (in every form of `tools`, `*` included): Claude Code searches through Bash instead, so nothing is lost, and nothing in the file changes it.",
    ),
    Code(
        "AL410",
        W,
        "Malformed tool rule",
        "A tool rule's parentheses are unbalanced; Claude Code splits the string on spaces and commas outside parentheses and the pieces are not tools.",
    ),
    Code("AL411", H, "Redundant with `*`", "`*` already means every tool."),
    Code(
        "AL412",
        H,
        "Tool listed twice",
        "Claude Code reads each tool once; the second mention changes nothing. Remove it.",
        example="tools: Read, Grep, Read",
        fix="Remove the second `Read`.",
    ),
    Code(
        "AL501",
        E,
        "Unknown model: sent verbatim",
        "Claude Code sends an unknown model string to the API verbatim; the API refuses it, so the agent cannot run: it fails each time it is spawned.",
        example="model: gpt-4",
        fix="Use an alias (`sonnet`, `opus`, `haiku`), a current model ID, or `inherit`.",
    ),
    Code(
        "AL502",
        N,
        "Model ID not in the catalogue",
        "A full model ID is sent verbatim. This one is not a current model that agent-ls knows; retired models are refused by the API.",
    ),
    Code(
        "AL503",
        W,
        "Bad `model` value",
        "`model` must be a string; anything else is ignored and the agent inherits the main model.",
    ),
    Code("AL504", H, "Empty `model`", "An empty model means `inherit`: say so explicitly."),
    Code(
        "AL601",
        W,
        "Color dropped",
        "Claude Code accepts exactly red, blue, green, yellow, purple, orange, pink, cyan (case-sensitive) and silently drops anything else.",
        example='color: Blue\ncolor: "#60a5fa"',
        fix="Use one of the eight names, lowercase: `color: blue`.",
    ),
    Code(
        "AL701",
        W,
        "Value dropped",
        "Claude Code drops a value outside the allowed set; the agent loads with the default.",
        example="permissionMode: plann",
        fix="Use one of the values it lists: `permissionMode: plan`.",
    ),
    Code(
        "AL702",
        W,
        "Not a boolean",
        'Only true/false (or the strings "true"/"false") count; `yes`, `no`, `on` are strings in YAML 1.2 and the value is dropped.',
        example="background: yes",
        fix="Write `true` or `false` (YAML 1.2 reads `yes` as text).",
    ),
    Code(
        "AL703",
        W,
        "Not a positive integer",
        "The value must be a positive integer (a number or a numeric string); it is dropped.",
    ),
    Code(
        "AL704",
        W,
        "Bad `skills` value",
        "`skills` takes a skill name or a list of names; anything else gives no skills.",
    ),
    Code(
        "AL705",
        W,
        "Bad `mcpServers` value",
        "`mcpServers` takes a list of server names or one-key mappings of name → config; a mapping instead of a list is ignored, bad items are dropped.",
    ),
    Code(
        "AL708",
        W,
        "Unknown hook event",
        "Claude Code loads the agent, but a hook under an event it does not know never runs. Event names are case-sensitive.",
    ),
    Code(
        "AL709",
        N,
        "`memory` adds file tools",
        "An agent with `memory` gets Write and Edit (to keep its memory files) even when `tools` leaves them out.",
    ),
    Code(
        "AL706",
        E,
        "Invalid hooks: agent dropped",
        "`hooks` must map hook events to lists of `{matcher, hooks: [{type, command}]}`. Anything else makes Claude Code drop the whole agent (DEBUG log only).",
    ),
    Code(
        "AL707",
        W,
        "Bad value type",
        "This key expects a different type; Claude Code ignores the value.",
    ),
    Code(
        "AL801",
        N,
        "Empty body: no system prompt of its own",
        "The Markdown after the frontmatter is the agent's system prompt. It is empty: the agent loads and runs as written, with no instructions of its own.",
        example="---\nname: reviewer\ndescription: Reviews code\n---\n",
        fix="Write the agent's instructions after the closing `---`.",
    ),
    Code("AL901", E, "Cannot read file", "The file could not be read or is not text."),
    Code(
        "AL902",
        W,
        "Invalid UTF-8",
        "The file has bytes that are not UTF-8; Claude Code reads each as the replacement character U+FFFD.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _TABLE}


def explain(code: str) -> str | None:
    """Returns a Markdown explanation of `code`, or None when there is no such code."""
    entry = CODES.get(code.upper())
    if entry is None:
        return None
    text = f"**{entry.code}** ({entry.severity.label}): {entry.title}\n\n{entry.explanation}"
    if entry.example:
        text += f"\n\nExample:\n\n```yaml\n{entry.example}\n```"
    if entry.fix:
        text += f"\n\nFix: {entry.fix}"
    return text
