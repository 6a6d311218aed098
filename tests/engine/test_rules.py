"""The rules as tables: agent-file text in, findings out, with exact codes, severities and ranges.

Each case says what Claude Code (2.1.332) does with the text (docs/claude-code.md)
and the findings agent-ls must report, in document order, as (code, severity, the exact text the
range covers), optionally with the LSP position (line, UTF-16 character) of the start and words
the message must contain. Properties run over the whole table: CRLF and a BOM keep every range,
and applying a finding's first quick fix makes that finding go away.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent_ls.core.findings import Finding, Fix, Severity
from agent_ls.core.globs import matches_globs
from agent_ls.core.textindex import LineIndex
from agent_ls.dialects.agents import CODES, CheckContext, LoadedAgent, check, read_agent
from agent_ls.dialects.agents import DIALECT as AGENTS
from agent_ls.dialects.agents.catalogue import Catalogue, load_catalogue
from agent_ls.settings import Settings

E, W, I, H = Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT  # noqa: E741
CAT = load_catalogue()
HEAD = ("name: a", "description: d")  # a valid name and description: lines 1 and 2


def doc(*lines: str, body: str = "You review code.\n") -> str:
    """An agent file: `---`, the frontmatter lines, `---`, the body."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


@dataclass(frozen=True)
class F:
    """One expected finding."""

    code: str
    severity: Severity
    covers: str  # text[start:end]
    at: tuple[int, int] | None = None  # (line, UTF-16 character) of the start
    says: tuple[str, ...] = ()  # fragments of the message


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    expected: tuple[F, ...]
    mcp_servers: frozenset[str] | None = None
    file_stem: str | None = None
    extra_keys: tuple[str, ...] = ()
    is_agent_path: bool = True
    crlf_safe: bool = True  # False when the text's meaning depends on its line ends

    def context(self) -> CheckContext:
        return context(self.text, self)


def context(text: str, case: Case) -> CheckContext:
    catalogue: Catalogue = (
        CAT.with_settings(Settings(extra_keys=case.extra_keys)) if case.extra_keys else CAT
    )
    return CheckContext(catalogue, case.is_agent_path, case.file_stem, case.mcp_servers)


def C(id: str, text: str, *expected: F, **options: Any) -> Case:  # noqa: N802 - reads as a table row
    return Case(id, text, expected, **options)


LONG_NAME = "a" * 257
HOOK = (
    "hooks:",
    "  PreToolUse:",
    "    - matcher: Bash",
    "      hooks:",
    "        - type: command",
    "          command: ./check.sh",
)

CASES: list[Case] = [
    # -- the fences ------------------------------------------------------------------------
    C("valid-minimal", doc(*HEAD)),
    C(
        "no-frontmatter",
        "You review code.\n",
        F("AL101", E, "You review code.", (0, 0), ("drops this one without a word",)),
    ),
    C(
        "blank-line-before-fence",
        "\n" + doc(*HEAD),
        F("AL102", E, "---", (1, 0), ("preceded by blank lines",)),
    ),
    C("indented-opening-fence", "  " + doc(*HEAD), F("AL102", E, "---", (0, 2), ("indented",))),
    C(
        "unclosed-fence",
        "---\nname: a\ndescription: d\n\nYou review code.\n",
        F("AL103", E, "---", (0, 0), ("never closed",)),
    ),
    C("only-an-opening-fence", "---", F("AL103", E, "---", (0, 0))),
    C(
        "four-dashes-are-not-a-fence",
        "----\nname: a\ndescription: d\n---\nBody\n",
        F("AL101", E, "----", (0, 0)),
    ),
    C(
        "dashes-inside-a-value-end-the-frontmatter",
        doc("name: a", "description: fast---careful", "tools: Read", "model: opus"),
        F("AL104", W, "---", (2, 17), ("`tools`, `model`", "as the system prompt")),
    ),
    C(
        "indented-closing-fence",
        "---\nname: a\ndescription: d\n  ---\nBody\n",
        F("AL105", I, "---", (3, 2)),
    ),
    C("fence-with-trailing-spaces", "---  \nname: a\ndescription: d\n---   \nBody\n"),
    # -- YAML --------------------------------------------------------------------------------
    C(
        "colon-in-description-loads-by-the-retry",
        doc("name: a", "description: Use when: the user asks"),
        F("AL111", I, ":", (2, 21), ('reads `description` as "Use when: the user asks"',)),
        crlf_safe=False,  # the retry never quotes a CRLF line: with CRLF the agent is dropped
    ),
    C(
        "crlf-line-is-never-quoted-by-the-retry",
        doc("name: a", "description: Use when: the user asks").replace("\n", "\r\n"),
        F("AL110", E, ":", (2, 21), ("lenient retry fails too",)),
        crlf_safe=False,
    ),
    C(
        "unclosed-bracket-loads-as-a-literal",
        doc(*HEAD, "tools: [Read, Grep"),
        F("AL111", I, "[", (3, 7), ('reads `tools` as "[Read, Grep"',)),
        F("AL410", W, "[Read", (3, 7)),
        crlf_safe=False,
    ),
    C(
        "a-flow-list-beside-a-retried-line-stays-a-list",
        doc("name: a", "description: Use when: x", "tools: [Read, Grep]"),
        F("AL111", I, ":", (2, 21), ('reads `description` as "Use when: x"',)),
        crlf_safe=False,
    ),
    C(
        "unquoted-star-is-an-alias-error-the-retry-quotes",
        doc(*HEAD, "tools: *"),
        F("AL111", I, "*", (3, 7), ('reads `tools` as "*"',)),
        crlf_safe=False,
    ),
    C(
        "tab-indentation-loads-by-the-retry",
        doc(*HEAD, "tools:", "\t- Frob", "\t- Read"),
        F("AL111", I, "\t", (4, 0), ("lenient retry still loads",)),
        F("AL401", W, "Frob", (4, 3)),
    ),
    C(
        "retry-ranges-survive-escapes",
        doc(*HEAD, 'tools: Re\\ad "x", Frob: y'),
        F("AL410", W, "Re\\ad", (3, 7)),
        F("AL406", E, 'Re\\ad "x", Frob: y', (3, 7)),
        F("AL410", W, '"x"', (3, 13)),
        F("AL410", W, "Frob:", (3, 18)),
        F("AL111", I, ":", (3, 22)),
        F("AL401", W, "y", (3, 24)),
        crlf_safe=False,
    ),
    C(
        "unterminated-quote-drops-the-agent",
        doc(*HEAD, 'model: "sonnet'),
        F("AL110", E, '"', (3, 7), ("lenient retry fails too", "drops this agent")),
    ),
    C(
        "quoted-value-then-text-loads-by-the-retry",
        doc("name: a", 'description: "Reviews" code: yes'),
        F("AL111", I, "c", (2, 23), ('reads `description` as ""Reviews" code: yes"',)),
        crlf_safe=False,
    ),
    C(
        "quoted-at-both-ends-is-left-alone-by-the-retry",
        doc("name: a", 'description: "Reviews" code: "yes"'),
        F("AL110", E, "c", (2, 23)),
    ),
    C(
        "continuation-line-with-colon-drops-the-agent",
        doc("name: a", "description: Use this agent for reviews.", "  Example: the user asks"),
        F("AL110", E, ":", (3, 9)),
    ),
    C(
        "frontmatter-is-a-list",
        doc("- name: a", "- description: d"),
        F("AL112", E, "- name: a\n- description: d", (1, 0), ("a list",)),
    ),
    C(
        "frontmatter-is-a-scalar",
        doc("just some text"),
        F("AL112", E, "just some text", (1, 0), ("a single value",)),
    ),
    C("frontmatter-is-empty", "---\n---\nBody\n", F("AL113", E, "---", (0, 0))),
    C("frontmatter-is-only-a-comment", doc("# nothing here"), F("AL113", E, "---", (0, 0))),
    C(
        "anchors-and-aliases-work",
        doc("name: a", "description: &d Reviews code", "initialPrompt: *d"),
    ),
    C(
        "duplicate-key-last-wins",
        doc("name: a", "description: d", "model: opus", "model: haiku"),
        F("AL302", W, "model", (3, 0), ("line 5",)),
    ),
    C(
        "yaml-1.2-yes-is-a-string",
        doc("name: yes", "description: on", "background: yes"),
        F("AL702", W, "yes", (3, 12), ("YAML 1.2",)),
    ),
    C(
        "yaml-tag-is-ignored",
        doc("name: a", "description: !custom Reviews code"),
        F("AL114", W, "!custom Reviews code", (2, 13)),
    ),
    C(
        "python-tag-constructs-nothing",
        doc(*HEAD, "initialPrompt: !!python/object/apply:os.system [echo hi]"),
        F("AL114", W, "!!python/object/apply:os.system [echo hi]", (3, 15)),
        F("AL707", W, "!!python/object/apply:os.system [echo hi]", (3, 15), ("a list, not text",)),
    ),
    # A literal U+FFFD in valid UTF-8 is just a character (AL902 comes from the bytes: see
    # tests/cli/test_check.py).
    C("literal-replacement-character", doc("name: a", "description: a \ufffd character")),
    # -- name ---------------------------------------------------------------------------------
    C("name-missing", doc("description: d"), F("AL201", E, "---", (0, 0))),
    C(
        "name-key-wrong-case",
        doc("Name: a", "description: d"),
        F("AL201", E, "Name", (1, 0)),
        F("AL301", W, "Name", (1, 0), ("case-sensitive",)),
    ),
    C("name-empty", doc("name:", "description: d"), F("AL202", E, "name", (1, 0), ("empty",))),
    C("name-empty-string", doc('name: ""', "description: d"), F("AL202", E, '""', (1, 6))),
    C(
        "name-number",
        doc("name: 12345", "description: d"),
        F("AL202", E, "12345", (1, 6), ("a number",)),
    ),
    C(
        "name-true-is-a-bool",
        doc("name: true", "description: d"),
        F("AL202", E, "true", (1, 6), ("a boolean",)),
    ),
    C(
        "name-list",
        doc("name: [a, b]", "description: d"),
        F("AL202", E, "[a, b]", (1, 6), ("a list",)),
    ),
    C(  # conformance case c017: loaded by Claude Code 2.1.328, under the blank name
        "name-only-spaces",
        doc('name: "   "', "description: d"),
        F("AL209", I, '"   "', (1, 6), ("only spaces",)),
    ),
    C(
        "name-with-colon",
        doc("name: team:reviewer", "description: d"),
        F("AL203", E, "team:reviewer", (1, 6), ("`:`",)),
        F("AL206", H, "team:reviewer", (1, 6)),
    ),
    C(
        "name-with-fullwidth-colon",
        doc("name: team\uff1areviewer", "description: d"),
        F("AL203", E, "team\uff1areviewer"),
        F("AL206", H, "team\uff1areviewer"),
    ),
    C(
        "name-leading-dash",
        doc("name: -reviewer", "description: d"),
        F("AL204", E, "-reviewer", (1, 6)),
        F("AL206", H, "-reviewer", (1, 6)),
    ),
    C(
        "name-257-chars",
        doc(f"name: {LONG_NAME}", "description: d"),
        F("AL205", E, LONG_NAME, (1, 6), ("257 characters",)),
    ),
    C("name-256-chars-loads", doc(f"name: {'a' * 256}", "description: d")),
    C(
        "name-not-lowercase-hyphens",
        doc("name: Code_Reviewer", "description: d"),
        F("AL206", H, "Code_Reviewer", (1, 6), ("`code-reviewer`",)),
    ),
    C(
        "name-without-latin-letters",
        doc("name: 审查", "description: d"),
        F("AL206", H, "审查", (1, 6)),
    ),
    C(
        "name-differs-from-file",
        doc("name: reviewer", "description: d"),
        F("AL207", H, "reviewer", (1, 6), ("`code-reviewer.md`",)),
        file_stem="code-reviewer",
    ),
    C("name-equals-file", doc("name: reviewer", "description: d"), file_stem="reviewer"),
    # -- description --------------------------------------------------------------------------
    C("description-missing", doc("name: a"), F("AL211", E, "---", (0, 0))),
    C(
        "description-key-wrong-case",
        doc("name: a", "Description: d"),
        F("AL211", E, "---"),
        F("AL301", W, "Description", (2, 0), ("case-sensitive",)),
    ),
    C(
        "description-empty",
        doc("name: a", "description:"),
        F("AL212", E, "description", (2, 0), ("empty",)),
    ),
    C("description-empty-string", doc("name: a", "description: ''"), F("AL212", E, "''", (2, 13))),
    C(  # conformance case c018: loaded by Claude Code 2.1.328
        "description-only-spaces",
        doc("name: a", 'description: "   "'),
        F("AL215", I, '"   "', (2, 13), ("only spaces",)),
    ),
    C(
        "description-number",
        doc("name: a", "description: 42"),
        F("AL212", E, "42", (2, 13), ("a number",)),
    ),
    C(
        "description-list",
        doc("name: a", "description: [review, test]"),
        F("AL212", E, "[review, test]", (2, 13)),
    ),
    C(
        "hash-comment-truncates-description",
        doc("name: a", "description: Use for C# code #dotnet"),
        F("AL213", W, "#dotnet", (2, 29), ('reads `description` as "Use for C# code"',)),
    ),
    C(
        "only-a-comment-empties-description",
        doc("name: a", "description: #reviewer"),
        F("AL212", E, "description", (2, 0)),
        F("AL213", W, "#reviewer", (2, 13), ("as empty",)),
    ),
    C("quoted-hash-is-kept", doc("name: a", 'description: "Use for C# code #dotnet"')),
    C(
        "literal-backslash-n",
        doc("name: a", "description: first\\nsecond"),
        F("AL214", I, "first\\nsecond", (2, 13)),
    ),
    C(
        "block-scalar-description",
        doc("name: a", "description: |", "  Reviews code.", "  Example: the user asks"),
    ),
    # -- keys ---------------------------------------------------------------------------------
    C(
        "unknown-key-allowedTools",
        doc(*HEAD, "allowedTools: Read"),
        F("AL301", W, "allowedTools", (3, 0), ("did you mean `tools`?",)),
    ),
    C(
        "unknown-key-whenToUse",
        doc(*HEAD, "whenToUse: reviews"),
        F("AL301", W, "whenToUse", (3, 0), ("`description`",)),
    ),
    C(
        "unknown-key-misspelt",
        doc(*HEAD, "colour: blue"),
        F("AL301", W, "colour", (3, 0), ("`color`",)),
    ),
    C(
        "unknown-key-own",
        doc(*HEAD, "role: reviewer"),
        F("AL301", W, "role", (3, 0), ("extra-keys",)),
    ),
    C("unknown-key-declared", doc(*HEAD, "role: reviewer"), extra_keys=("role",)),
    C(
        "tools-key-wrong-case",
        doc(*HEAD, "Tools: Read"),
        F("AL301", W, "Tools", (3, 0), ("it reads `tools`",)),
    ),
    C(
        "hook-event-at-top-level",
        doc(*HEAD, "PreToolUse:", "  - matcher: Bash"),
        F("AL303", E, "PreToolUse", (3, 0), ("drops this agent",)),
    ),
    # -- tools --------------------------------------------------------------------------------
    C("tools-comma-string", doc(*HEAD, "tools: Read, Grep, Glob")),
    C("tools-comma-no-space", doc(*HEAD, "tools: Read,Grep")),
    C(
        "tools-space-string",
        doc(*HEAD, "tools: Read Edit Blah"),
        F("AL401", W, "Blah", (3, 17), ("did you mean `Bash`?",)),
    ),
    C(
        "tools-list",
        doc(*HEAD, "tools:", "  - Read", "  - Grepp"),
        F("AL401", W, "Grepp", (5, 4), ("did you mean `Grep`?",)),
    ),
    C("tools-flow-list", doc(*HEAD, "tools: [Read, Wirte]"), F("AL401", W, "Wirte", (3, 14))),
    C(
        "tools-legacy-removed",
        doc(*HEAD, "tools: [Read, LS, MultiEdit, TodoWrite]"),
        F("AL402", W, "LS", (3, 14), ("use `Glob`",)),
        F("AL402", W, "MultiEdit", (3, 18), ("use `Edit`",)),
        F("AL402", W, "TodoWrite", (3, 29)),
    ),
    C(
        "tools-only-removed",
        doc(*HEAD, "tools: LS, MultiEdit"),
        F("AL402", W, "LS"),
        F("AL406", E, "LS, MultiEdit", (3, 7)),
        F("AL402", W, "MultiEdit"),
    ),
    C(
        "tools-listed-twice",
        doc(*HEAD, "tools: Read, Grep, Read"),
        F("AL412", H, "Read", (3, 19), ("already listed",)),
    ),
    C(
        "tools-listed-twice-in-a-list",
        doc(*HEAD, "tools:", "  - Grep", '  - "Grep"'),
        F("AL412", H, "Grep", (5, 5)),
    ),
    C(
        "tools-wrong-case",
        doc(*HEAD, "tools: read"),
        F("AL401", W, "read", (3, 7), ("case-sensitive", "did you mean `Read`?")),
        F("AL406", E, "read", (3, 7), ("refuses to spawn",)),
    ),
    C("tools-star-quoted", doc(*HEAD, 'tools: "*"')),
    C("tools-star-and-names", doc(*HEAD, 'tools: ["*", Read]'), F("AL411", H, "Read", (3, 13))),
    C("tools-agent-restricted", doc(*HEAD, "tools: Read, Agent(reviewer)")),
    C(
        "tools-task-legacy",
        doc(*HEAD, "tools: Read, Task(reviewer), Task"),
        F("AL403", H, "Task", (3, 13)),
        F("AL403", H, "Task", (3, 29)),
    ),
    C("tools-bash-rule", doc(*HEAD, "tools: Bash(git diff:*), Read")),
    C(
        "tools-malformed-rule",
        doc(*HEAD, "tools: Read, Bash(git diff"),
        F("AL410", W, "Bash(git diff", (3, 13)),
    ),
    C(
        "tools-gated",
        doc(*HEAD, "tools: Read, TaskCreate"),
        F("AL404", W, "TaskCreate", (3, 13), ("may be unavailable",)),
    ),
    C(
        "tools-bash-hides-glob-and-grep",
        doc(*HEAD, "tools: Bash, Glob, Grep"),
        F("AL409", I, "Glob", (3, 13)),
        F("AL409", I, "Grep", (3, 19)),
    ),
    C(
        "tools-mcp-absent-server",
        doc(*HEAD, "tools: mcp__github__create_issue, mcp__slack__post"),
        F("AL407", W, "mcp__slack__post", (3, 34), ("`slack`", "servers: github")),
        mcp_servers=frozenset({"github"}),
    ),
    C("tools-mcp-without-mcp-json", doc(*HEAD, "tools: mcp__slack__post")),
    C("tools-empty", doc(*HEAD, "tools:"), F("AL405", E, "tools", (3, 0), ('"All tools"',))),
    C("tools-empty-string", doc(*HEAD, 'tools: ""'), F("AL405", E, '""', (3, 7))),
    C("tools-empty-list", doc(*HEAD, "tools: []"), F("AL405", E, "[]", (3, 7))),
    C("tools-number", doc(*HEAD, "tools: 5"), F("AL405", E, "5", (3, 7))),
    C(
        "tools-all-unknown",
        doc(*HEAD, "tools: Frobnicate, Zap"),
        F("AL401", W, "Frobnicate", (3, 7)),
        F("AL406", E, "Frobnicate, Zap", (3, 7), ("refuses to spawn",)),
        F("AL401", W, "Zap", (3, 19)),
    ),
    C(
        "tools-all-unknown-block-list",
        doc(*HEAD, "tools:", "  - Foo", "  - Bar"),
        F("AL406", E, "- Foo\n  - Bar", (4, 2)),
        F("AL401", W, "Foo"),
        F("AL401", W, "Bar"),
    ),
    C("tools-list-with-a-number", doc(*HEAD, "tools: [Read, 5]"), F("AL410", W, "5", (3, 14))),
    C(
        "disallowed-tools",
        doc(*HEAD, "disallowedTools: Write, LS, Frob"),
        F("AL402", W, "LS", (3, 24), ("not removed",)),
        F("AL401", W, "Frob", (3, 28), ("not removed",)),
    ),
    C(
        "disallowed-tools-list",
        doc(*HEAD, "disallowedTools:", "  - Write", "  - edit"),
        F("AL401", W, "edit", (5, 4)),
    ),
    C("disallowed-tools-empty", doc(*HEAD, "disallowedTools:")),
    C(
        "disallowed-tools-space-separated",
        doc(*HEAD, "disallowedTools: Write MultiEdit"),
        F("AL402", W, "MultiEdit", (3, 23)),
    ),
    C("disallowed-tools-number", doc(*HEAD, "disallowedTools: 5"), F("AL408", W, "5", (3, 17))),
    # -- model --------------------------------------------------------------------------------
    *[
        C(f"model-{m}", doc(*HEAD, f"model: {m}"))
        for m in (
            "sonnet",
            "Sonnet",
            "OPUS",
            "haiku",
            "fable",
            "opusplan",
            "sonnet[1m]",
            "inherit",
            "claude-opus-5-5",
            "'  haiku  '",
        )
    ],
    C(
        "model-retired-id",
        doc(*HEAD, "model: claude-3-opus-20240229"),
        F("AL502", I, "claude-3-opus-20240229", (3, 7), ("verbatim",)),
    ),
    C("model-garbage", doc(*HEAD, "model: gpt-4"), F("AL501", E, "gpt-4", (3, 7), ("verbatim",))),
    C(
        "model-misspelt",
        doc(*HEAD, "model: sonet"),
        F("AL501", E, "sonet", (3, 7), ("did you mean `sonnet`?",)),
    ),
    C("model-empty", doc(*HEAD, "model:"), F("AL504", H, "model", (3, 0))),
    C("model-empty-string", doc(*HEAD, 'model: ""'), F("AL504", H, '""', (3, 7))),
    C("model-number", doc(*HEAD, "model: 4"), F("AL503", W, "4", (3, 7))),
    # -- color --------------------------------------------------------------------------------
    C("color-valid", doc(*HEAD, "color: blue")),
    C(
        "color-capitalised",
        doc(*HEAD, "color: Blue"),
        F("AL601", W, "Blue", (3, 7), ("case-sensitive", "`blue`")),
    ),
    C("color-magenta", doc(*HEAD, "color: magenta"), F("AL601", W, "magenta", (3, 7), ("`pink`",))),
    C(
        "color-hex-unquoted",
        doc(*HEAD, "color: #60a5fa"),
        F("AL601", W, "#60a5fa", (3, 7), ("starts a YAML comment", "`color` is empty", "`blue`")),
    ),
    C(
        "color-hex-quoted",
        doc(*HEAD, 'color: "#60a5fa"'),
        F("AL601", W, '"#60a5fa"', (3, 7), ("drops this color", "`blue`")),
    ),
    C(
        "color-then-comment",
        doc(*HEAD, "color: teal # brand"),
        F("AL601", W, "teal", (3, 7), ("`cyan`",)),
        F("AL213", W, "# brand", (3, 12)),
    ),
    # -- other values -------------------------------------------------------------------------
    C("permission-mode-valid", doc(*HEAD, "permissionMode: plan")),
    C("permission-mode-manual", doc(*HEAD, "permissionMode: manual")),
    C(
        "permission-mode-invalid",
        doc(*HEAD, "permissionMode: accept"),
        F("AL701", W, "accept", (3, 16), ("`acceptEdits`",)),
    ),
    C("effort-valid", doc(*HEAD, "effort: high")),
    C("effort-integer", doc(*HEAD, "effort: 3")),
    C("effort-invalid", doc(*HEAD, "effort: extreme"), F("AL701", W, "extreme", (3, 8))),
    C(
        "effort-boolean",
        doc(*HEAD, "effort: true"),
        F("AL701", W, "true", (3, 8), ("`effort: true`",)),
    ),
    C("max-turns-valid", doc(*HEAD, "maxTurns: 5")),
    C("max-turns-string", doc(*HEAD, 'maxTurns: "5"')),
    *[
        C(f"max-turns-{v}", doc(*HEAD, f"maxTurns: {v}"), F("AL703", W, v, (3, 10)))
        for v in ("0", "-3", "five", "1.5")
    ],
    C(
        "auto-compact-too-small",
        doc(*HEAD, "autoCompactWindow: 1000"),
        F("AL703", W, "1000", (3, 19), ("at least 100000",)),
    ),
    C("auto-compact-valid", doc(*HEAD, "autoCompactWindow: 200000")),
    C("memory-valid", doc(*HEAD, "memory: project")),
    C("memory-invalid", doc(*HEAD, "memory: global"), F("AL701", W, "global", (3, 8))),
    C(
        "memory-adds-file-tools",
        doc(*HEAD, "memory: user", "tools: Read, Grep"),
        F("AL709", I, "user", (3, 8), ("`Write` and `Edit`",)),
    ),
    C("isolation-valid", doc(*HEAD, "isolation: worktree")),
    C("isolation-invalid", doc(*HEAD, "isolation: docker"), F("AL701", W, "docker", (3, 11))),
    C("background-true", doc(*HEAD, "background: true")),
    C(
        "background-empty",
        doc(*HEAD, "background:"),
        F("AL702", W, "background", (3, 0), ("the empty value",)),
    ),
    C(
        "max-turns-empty",
        doc(*HEAD, "maxTurns:"),
        F("AL703", W, "maxTurns", (3, 0), ("the empty value",)),
    ),
    C("background-string-false", doc(*HEAD, 'background: "false"')),
    C("omit-claude-md-number", doc(*HEAD, "omitClaudeMd: 1"), F("AL702", W, "1", (3, 14))),
    C("observe-subagents-no", doc(*HEAD, "observeSubagents: no"), F("AL702", W, "no", (3, 18))),
    C("skills-string", doc(*HEAD, "skills: review")),
    C("skills-list", doc(*HEAD, "skills: [review, test]")),
    C(
        "skills-list-with-number",
        doc(*HEAD, "skills: [review, 5]"),
        F("AL704", W, "[review, 5]", (3, 8), ("non-text items",)),
    ),
    C(
        "skills-mapping",
        doc(*HEAD, "skills: {review: yes}"),
        F("AL704", W, "{review: yes}", (3, 8), ("a mapping, not",)),
    ),
    C(
        "mcp-servers-list",
        doc(*HEAD, "mcpServers:", "  - github", "  - slack: {command: slack-mcp}"),
    ),
    C(
        "mcp-servers-mapping",
        doc(*HEAD, "mcpServers:", "  github: {command: gh-mcp}"),
        F("AL705", W, "github: {command: gh-mcp}", (4, 2), ("ignores it",)),
    ),
    C("mcp-servers-bad-item", doc(*HEAD, "mcpServers: [github, 5]"), F("AL705", W, "5", (3, 21))),
    C("initial-prompt-number", doc(*HEAD, "initialPrompt: 5"), F("AL707", W, "5", (3, 15))),
    C("hooks-valid", doc(*HEAD, *HOOK)),
    C(
        "hooks-stop-without-matcher",
        doc(
            *HEAD,
            "hooks:",
            "  Stop:",
            "    - hooks:",
            "        - type: command",
            "          command: echo done",
        ),
    ),
    C(
        "hooks-empty-list",
        doc(*HEAD, "hooks: []"),
        F("AL706", E, "[]", (3, 7), ("drops this whole agent",)),
    ),
    C(
        "hooks-missing-command",
        doc(
            *HEAD,
            "hooks:",
            "  PreToolUse:",
            "    - matcher: Bash",
            "      hooks:",
            "        - type: command",
        ),
        F(
            "AL706",
            E,
            "PreToolUse:\n    - matcher: Bash\n      hooks:\n        - type: command",
            (4, 2),
            ("needs `command`",),
        ),
    ),
    C("hooks-string", doc(*HEAD, "hooks: ./check.sh"), F("AL706", E, "./check.sh", (3, 7))),
    C(
        "hooks-unknown-event",
        doc(*HEAD, "hooks:", "  PreToolUs:", "    - hooks: [{type: command, command: x}]"),
        F("AL708", W, "PreToolUs", (4, 2), ("never runs", "`PreToolUse`")),
    ),
    C(  # Claude Code's schema strips an unknown event unread: any value loads (real files do this)
        "hooks-unknown-event-with-a-script-loads",
        doc(*HEAD, "hooks:", "  pre_execution: |", "    echo start"),
        F("AL708", W, "pre_execution", (4, 2), ("never runs",)),
    ),
    # -- body ---------------------------------------------------------------------------------
    C("empty-body", doc(*HEAD, body=""), F("AL801", I, "---", (3, 0), ("no instructions",))),
    C("blank-body", doc(*HEAD, body="\n  \n\n"), F("AL801", I, "---", (3, 0))),
    C(
        "text-after-the-closing-fence-is-body",
        "---\nname: a\ndescription: d\n--- Review code.\n",
        F("AL104", W, "---", (3, 0)),
    ),
    # -- ordinary Markdown outside agent folders ------------------------------------------------
    C("markdown-outside-agent-folders", "# Notes\n\nNo frontmatter.\n", is_agent_path=False),
    C(
        "blog-frontmatter-outside-agent-folders",
        doc("title: Hello", "date: 2024-01-01"),
        is_agent_path=False,
    ),
    C(
        "agent-frontmatter-outside-agent-folders",
        doc(*HEAD, "tools: Read, Reed"),
        F("AL401", W, "Reed", (3, 13)),
        is_agent_path=False,
    ),
]

# Codes the rules cannot emit for one text: they are tested where they arise.
NOT_FROM_ONE_FILE = {
    "AL208": "duplicate names across files: tests/cli/test_check.py",
    "AL902": "bytes that are not UTF-8, known only from the file: tests/cli/test_check.py",
    "AL901": "I/O errors: tests/cli",
    "AL106": "a file named `.txt`, `.MD`…, known from its path: tests/engine/test_names.py",
}


def run(case: Case, text: str | None = None) -> list[Finding]:
    return check(case.text if text is None else text, case.context())


def test_the_table_covers_every_code() -> None:
    covered = {f.code for case in CASES for f in case.expected}
    assert set(CODES) - covered - set(NOT_FROM_ONE_FILE) == set()


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_findings(case: Case) -> None:
    findings = run(case)
    got = [(f.code, f.severity, case.text[f.start : f.end]) for f in findings]
    assert got == [(e.code, e.severity, e.covers) for e in case.expected]
    index = LineIndex(case.text)
    for finding, expected in zip(findings, case.expected, strict=True):
        if expected.at is not None:
            assert index.position(finding.start) == expected.at, finding
        for fragment in expected.says:
            assert fragment in finding.message, finding.message


@pytest.mark.parametrize("case", [c for c in CASES if c.crlf_safe], ids=lambda c: c.id)
def test_crlf_keeps_every_range(case: Case) -> None:
    crlf = case.text.replace("\n", "\r\n")
    lf_index, crlf_index = LineIndex(case.text), LineIndex(crlf)
    expected = [(f.code, lf_index.position(f.start), lf_index.position(f.end)) for f in run(case)]
    assert [
        (f.code, crlf_index.position(f.start), crlf_index.position(f.end)) for f in run(case, crlf)
    ] == expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_bom_keeps_every_range(case: Case) -> None:
    with_bom = "\ufeff" + case.text
    expected = [(f.code, case.text[f.start : f.end]) for f in run(case)]
    assert [(f.code, with_bom[f.start : f.end]) for f in run(case, with_bom)] == expected


def apply_fix(text: str, fix: Fix) -> str:
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def map_offset(offset: int, fix: Fix) -> int:
    """Where `offset` lands after the fix (inside an edited span: at the edit's start)."""
    shift = 0
    for edit in sorted(fix.edits, key=lambda e: e.start):
        if edit.start < offset < edit.end:
            return edit.start + shift
        if edit.end <= offset and not edit.start == edit.end == offset:
            shift += len(edit.text) - (edit.end - edit.start)
    return offset + shift


FIXED = [(case, i) for case in CASES for i, f in enumerate(run(case)) if f.fixes]


@pytest.mark.parametrize("case, index", FIXED, ids=[f"{c.id}-{run(c)[i].code}" for c, i in FIXED])
def test_the_first_fix_removes_its_finding(case: Case, index: int) -> None:
    finding = run(case)[index]
    fix = finding.fixes[0]
    edits = sorted(fix.edits, key=lambda e: e.start)
    assert all(0 <= e.start <= e.end <= len(case.text) for e in edits)
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:], strict=False)), "edits overlap"
    fixed = apply_fix(case.text, fix)
    start, end = map_offset(finding.start, fix), map_offset(finding.end, fix)
    left = [
        f for f in run(case, fixed) if f.code == finding.code and f.start <= end and start <= f.end
    ]
    if all(not e.text for e in edits):  # a removal: its neighbours touch the cut
        left = [
            f for f in run(case, fixed) if (f.code, f.message) == (finding.code, finding.message)
        ]
    assert left == [], f"{fix.title!r} gave:\n{fixed}"


# -- what the preferred fix of each common mistake writes (the whole file after it) -----------
FIX_RESULTS = [
    ("unknown-tool-in-a-string", ["tools: Read, Frob, Grep"], "AL401", ["tools: Read, Grep"]),
    ("unknown-tool-last", ["tools: Read, Frob"], "AL401", ["tools: Read"]),
    ("removed-tool-in-a-flow-list", ["tools: [Read, TodoWrite]"], "AL402", ["tools: [Read]"]),
    (
        "removed-tool-in-a-block-list",
        ["tools:", "  - Read", "  - TodoWrite", "  - Grep"],
        "AL402",
        ["tools:", "  - Read", "  - Grep"],
    ),
    ("quoted-list-item", ['tools: ["TodoWrite", "Read"]'], "AL402", ['tools: ["Read"]']),
    ("wrong-case-already-listed", ["tools: read, Read"], "AL401", ["tools: Read"]),
    ("wrong-case-alone", ["tools: Grep, read"], "AL401", ["tools: Grep, Read"]),
    ("legacy-replacement-listed", ["tools: Edit, MultiEdit"], "AL402", ["tools: Edit"]),
    ("listed-twice", ["tools: Read, Grep, Read"], "AL412", ["tools: Read, Grep"]),
    ("unknown-model-to-inherit", ["model: gpt-4"], "AL501", ["model: inherit"]),
    ("unknown-model-to-nearest", ["model: sonet"], "AL501", ["model: sonnet"]),
    ("allowed-tools-renamed", ["allowedTools: Read, Grep"], "AL301", ["tools: Read, Grep"]),
    (
        "allowed-tools-merged-into-a-string",
        ["tools: Read", "allowedTools: Grep, Read"],
        "AL301",
        ["tools: Read, Grep"],
    ),
    (
        "allowed-tools-merged-into-a-flow-list",
        ["tools: [Read]", "allowedTools:", "  - Bash", "model: opus"],
        "AL301",
        ["tools: [Read, Bash]", "model: opus"],
    ),
    (
        "allowed-tools-merged-into-a-block-list",
        ["tools:", "  - Read", "allowedTools: [Grep]"],
        "AL301",
        ["tools:", "  - Read", "  - Grep"],
    ),
    ("effort-to-its-nearest", ["effort: hihg"], "AL701", ["effort: high"]),
    ("capital-name-key-deleted", ["Name: b"], "AL301", []),
    ("enum-to-its-nearest", ["permissionMode: plann"], "AL701", ["permissionMode: plan"]),
    ("enum-far-off-still-nearest", ["permissionMode: xyzzy"], "AL701", None),
    ("color-to-its-nearest", ["color: Blue"], "AL601", ["color: blue"]),
]


@pytest.mark.parametrize(
    "lines, code, expected", [r[1:] for r in FIX_RESULTS], ids=[r[0] for r in FIX_RESULTS]
)
def test_the_preferred_fix_writes(lines: list[str], code: str, expected: list[str] | None) -> None:
    text = doc(*HEAD, *lines)
    [finding] = [f for f in check(text, CheckContext(CAT)) if f.code == code]
    [fix] = [f for f in finding.fixes if f.preferred]
    fixed = apply_fix(text, fix)
    if expected is not None:
        assert fixed == doc(*HEAD, *expected)
    assert [f.code for f in check(fixed, CheckContext(CAT))] == []


def test_the_only_tool_is_never_removed() -> None:
    """Removing it would leave zero tools, an Error: only the change to its successor is offered."""
    for tools, titles in (("TodoWrite", []), ("MultiEdit", ["Change to `Edit`"])):
        text = doc(*HEAD, f"tools: {tools}")
        [finding] = [f for f in check(text, CheckContext(CAT)) if f.code == "AL402"]
        assert [f.title for f in finding.fixes] == titles


# -- UTF-16 positions: emoji (2 code units) and CJK (1 code unit) before a finding -------------
UNICODE = [
    (
        "emoji-and-cjk-before-a-comment",
        doc("name: a", "description: 😀 héllo 中文 #tag"),
        "AL213",
        "#tag",
        (2, 25),
        (2, 29),
    ),
    ("emoji-tool", doc(*HEAD, "tools: [😀, Foo]"), "AL410", "😀", (3, 8), (3, 10)),
    ("tool-after-an-emoji", doc(*HEAD, "tools: [😀, Foo]"), "AL401", "Foo", (3, 12), (3, 15)),
    ("tool-after-cjk", doc(*HEAD, 'tools: "中文, Foo, read"'), "AL401", "read", (3, 17), (3, 21)),
    (
        "color-after-an-emoji-key-comment",
        doc("name: a", "description: 🎨🎨 colors", "color: 🎨"),
        "AL601",
        "🎨",
        (3, 7),
        (3, 9),
    ),
    (
        "emoji-in-the-name-line-before-a-comment",
        doc("name: 🤖-bot #x", "description: d"),
        "AL213",
        "#x",
        (1, 13),
        (1, 15),
    ),
    (
        "astral-cjk-before-a-colon-error",
        doc("name: a", "description: 𠀀 Use: when"),
        "AL111",
        ":",
        (2, 19),
        (2, 20),
    ),
]


@pytest.mark.parametrize(
    "text, code, covers, start, end", [u[1:] for u in UNICODE], ids=[u[0] for u in UNICODE]
)
def test_utf16_positions(
    text: str, code: str, covers: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    index = LineIndex(text)
    finding = next(
        f
        for f in check(text, CheckContext(CAT))
        if f.code == code and text[f.start : f.end] == covers
    )
    assert (index.position(finding.start), index.position(finding.end)) == (start, end)
    assert index.offset(*start) == finding.start and index.offset(*end) == finding.end


# -- read_agent: what Claude Code loads -------------------------------------------------------
DROPPED = [
    "You review code.\n",
    "\n" + doc(*HEAD),
    "---\nname: a\ndescription: d\n",
    doc(*HEAD, 'model: "sonnet'),
    doc("- a"),
    doc("description: d"),
    doc("Name: a", "description: d"),
    doc("name: 12345", "description: d"),
    doc("name: a:b", "description: d"),
    doc("name: -a", "description: d"),
    doc(f"name: {LONG_NAME}", "description: d"),
    doc("name: a"),
    doc("name: a", "description: ''"),
    doc(*HEAD, "hooks: []"),
    doc(*HEAD, "Stop: []"),
]


@pytest.mark.parametrize("text", DROPPED, ids=range(len(DROPPED)))
def test_read_agent_returns_none_for_dropped_agents(text: str) -> None:
    assert read_agent(text) is None


LOADED = [
    (
        "plain",
        doc(
            "name: reviewer",
            "description: Reviews code",
            "model: Sonnet ",
            body="\n  You review code.\n\n",
        ),
        LoadedAgent("reviewer", "Reviews code", "Sonnet", None, "You review code.", {}),
    ),
    (
        "lenient-retry",
        doc("name: reviewer", "description: Use when: asked", "tools: [Read, Grep"),
        LoadedAgent("reviewer", "Use when: asked", None, "[Read, Grep", "You review code.", {}),
    ),
    (
        "early-close",
        doc("name: reviewer", "description: a---b", "model: opus"),
        LoadedAgent("reviewer", "a", None, None, "b\nmodel: opus\n---\nYou review code.", {}),
    ),
    (
        "crlf-bom-and-backslash-n",
        "\ufeff---\r\nname: reviewer\r\ndescription: one\\ntwo\r\nmodel: haiku\r\n---\r\nBody\r\n",
        LoadedAgent("reviewer", "one\ntwo", "haiku", None, "Body", {}),
    ),
    (
        "yes-is-a-name",
        doc("name: yes", "description: on", "tools: [Read]"),
        LoadedAgent("yes", "on", None, ["Read"], "You review code.", {}),
    ),
    (
        "comment-cut",
        doc("name: reviewer", "description: C# code #dotnet"),
        LoadedAgent("reviewer", "C# code", None, None, "You review code.", {}),
    ),
]


@pytest.mark.parametrize("text, expected", [x[1:] for x in LOADED], ids=[x[0] for x in LOADED])
def test_read_agent_returns_what_claude_code_loads(text: str, expected: LoadedAgent) -> None:
    agent = read_agent(text)
    assert agent is not None
    got = (agent.name, agent.description, agent.model, agent.tools, agent.body)
    assert got == (
        expected.name,
        expected.description,
        expected.model,
        expected.tools,
        expected.body,
    )


DEFAULT_AGENT_GLOBS = AGENTS.default_globs  # the catalogue's `agentGlobs`

# -- agent globs --------------------------------------------------------------------------------
ROOT = Path("/work/project")
GLOBS = [
    ("in-agents-folder", ROOT / ".claude/agents/a.md", ROOT, DEFAULT_AGENT_GLOBS, True),
    (
        "nested-agents-folder",
        ROOT / ".claude/agents/team/deep/a.md",
        ROOT,
        DEFAULT_AGENT_GLOBS,
        True,
    ),
    (
        "agents-folder-of-a-subproject",
        ROOT / "pkg/.claude/agents/a.md",
        ROOT,
        DEFAULT_AGENT_GLOBS,
        True,
    ),
    ("not-markdown", ROOT / ".claude/agents/a.txt", ROOT, DEFAULT_AGENT_GLOBS, False),
    ("docs", ROOT / "docs/a.md", ROOT, DEFAULT_AGENT_GLOBS, False),
    ("claude-but-not-agents", ROOT / ".claude/commands/a.md", ROOT, DEFAULT_AGENT_GLOBS, False),
    ("no-root-any-tail", Path("/home/me/p/.claude/agents/a.md"), None, DEFAULT_AGENT_GLOBS, True),
    ("outside-the-root", Path("/elsewhere/.claude/agents/a.md"), ROOT, DEFAULT_AGENT_GLOBS, True),
    ("single-star-one-level", ROOT / "agents/a.md", ROOT, ("agents/*.md",), True),
    ("single-star-not-deeper", ROOT / "agents/x/a.md", ROOT, ("agents/*.md",), False),
    ("question-mark", ROOT / "agents/ab.md", ROOT, ("agents/a?.md",), True),
    (
        "root-is-the-agent-folder",
        ROOT / ".claude/agents/a.md",
        ROOT / ".claude/agents",
        DEFAULT_AGENT_GLOBS,
        True,
    ),
    ("relative-glob-not-at-any-depth", ROOT / "sub/agents/a.md", ROOT, ("agents/*.md",), False),
]


@pytest.mark.parametrize(
    "path, root, globs, expected", [g[1:] for g in GLOBS], ids=[g[0] for g in GLOBS]
)
def test_matches_globs(
    path: Path, root: Path | None, globs: tuple[str, ...], expected: bool
) -> None:
    assert matches_globs(path, root, globs) is expected


# -- settings -----------------------------------------------------------------------------------
SETTINGS = [
    (
        "camel-case",
        {"extraKeys": ["role"], "extraTools": "MyTool", "debounceMs": 0},
        True,
        {"extra_keys": ("role",), "extra_tools": ("MyTool",), "debounce_ms": 0},
        [],
    ),
    (
        "kebab-case",
        {"extra-keys": ["role", "expertise"], "agent-globs": ["agents/*.md"]},
        False,
        {"extra_keys": ("role", "expertise"), "agent_globs": ("agents/*.md",)},
        [],
    ),
    (
        "bad-values-keep-defaults",
        {"extraKeys": [1, 2], "debounceMs": -5, "agentGlobs": 3},
        True,
        {"extra_keys": (), "debounce_ms": 0, "agent_globs": ()},
        ["extraKeys", "agentGlobs", "debounceMs"],
    ),
    (
        "nested-personas",
        {"personas": {"maxTokens": 100, "secrets": "maybe", "timeoutSeconds": 0}},
        True,
        {"personas.max_tokens": 100, "personas.secrets": "ask", "personas.timeout_seconds": 120.0},
        ["personas.timeoutSeconds", "personas.secrets"],
    ),
    (
        "personas-not-a-table",
        {"personas": "fast"},
        True,
        {"personas.max_tokens": 4096},
        ["personas"],
    ),
    (
        "globs-per-dialect",
        {"globs": {"agents": ["team/*.md"], "skills": "skills/*/SKILL.md"}},
        True,
        {"globs": {"agents": ("team/*.md",), "skills": ("skills/*/SKILL.md",)}},
        [],
    ),
    ("globs-not-a-table", {"globs": ["a"]}, True, {"globs": {}}, ["globs"]),
    ("bool-is-not-an-int", {"debounceMs": True}, True, {"debounce_ms": 0}, ["debounceMs"]),
    ("unknown-settings-are-ignored", {"colour": "blue"}, True, {}, []),
]


@pytest.mark.parametrize(
    "raw, camel, expected, problems", [s[1:] for s in SETTINGS], ids=[s[0] for s in SETTINGS]
)
def test_settings_merged(
    raw: dict[str, Any], camel: bool, expected: dict[str, Any], problems: list[str]
) -> None:
    settings, messages = Settings().merged(raw, camel=camel)
    for dotted, value in expected.items():
        obj: Any = settings
        for part in dotted.split("."):
            obj = getattr(obj, part)
        assert obj == value, dotted
    assert len(messages) == len(problems)
    for message, name in zip(messages, problems, strict=True):
        assert message.startswith(name + " ") and "using" in message, message
