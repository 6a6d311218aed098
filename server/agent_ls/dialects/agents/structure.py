"""Rules on the file's structure: the fences, the bytes, the YAML as a whole, the body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent_ls.core.findings import Edit, Finding, Fix, Severity
from agent_ls.core.yamltext import show
from agent_ls.dialects.agents.context import RULES, AgentFile
from agent_ls.dialects.base import Applies, line_bounds

# An opening fence line as Claude Code's split accepts it (`---`, then blanks up to a newline).
_OPENING_FENCE = re.compile(r"---[^\S\n]*(?:\n|\Z)")
_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:")
_YAML_TAGS = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(f"!!{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_CORE_TAG_URIS = frozenset(_YAML_TAGS + t[2:] for t in _CORE_TAGS)


@RULES.rule("AL101", "AL102", "AL103", applies_to=Applies.NO_FRONTMATTER)
def no_frontmatter(file: AgentFile) -> Iterator[Finding]:
    """No frontmatter as Claude Code splits it: none, one not at byte 0, or one never closed."""
    text = file.text
    start = 1 if text.startswith("\ufeff") else 0
    first_end = line_bounds(text, start)[1]
    stripped = text[start:].lstrip()
    if stripped.startswith("---") and not text.startswith("---", start):
        fence = text.index("---", start)
        line_start = line_bounds(text, fence)[0]
        what = "indented" if line_start < fence else "preceded by blank lines or text"
        fix = Fix(
            "Move the opening `---` to the start of the file", (Edit(start, fence, ""),), True
        )
        yield Finding(
            "AL102",
            f"The opening `---` is {what}: Claude Code only reads frontmatter that starts at "
            "the first byte of the file, so it sees none and drops this agent without a word.",
            fence,
            fence + 3,
            (fix,),
        )
        return
    if _OPENING_FENCE.match(text, start):
        yield Finding(
            "AL103",
            "The frontmatter is never closed: without a second `---` Claude Code reads the "
            "whole file as body, finds no `name`, and drops this agent without a word.",
            start,
            first_end,
            (_close_fence_fix(text, start),),
        )
        return
    yield Finding(
        "AL101",
        "No frontmatter: Claude Code reads an agent's `name` and `description` from a "
        "`---` block at the very start of the file, so it drops this one without a word.",
        start,
        first_end,
        (
            Fix(
                "Add frontmatter",
                (
                    Edit(
                        start,
                        start,
                        "---\nname: my-agent\ndescription: Use this agent when …\n---\n\n",
                    ),
                ),
            ),
        ),
    )


def _close_fence_fix(text: str, start: int) -> Fix:
    """Inserts `---` after the last `key:`-looking line of the unclosed block."""
    pos = text.find("\n", start) + 1 or len(text)
    insert_at = pos
    while pos < len(text):
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end == -1 else line_end + 1
        line = text[pos:line_end]
        if not line.strip() or not (_KEY_LINE.match(line) or line[:1] in " \t-"):
            break
        insert_at = pos = line_end
    prefix = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    return Fix(
        "Close the frontmatter with `---`", (Edit(insert_at, insert_at, prefix + "---\n"),), True
    )


@RULES.rule("AL902", applies_to=Applies.FRONTMATTER)
def invalid_utf8(file: AgentFile) -> Iterator[Finding]:
    """Bytes that are not UTF-8 (known from the bytes only, `CheckContext.invalid_utf8_at`)."""
    bad_byte = file.ctx.invalid_utf8_at
    if bad_byte is not None:
        yield Finding(
            "AL902",
            "This file is not valid UTF-8: Claude Code reads each bad byte as U+FFFD (�). "
            "Save the file as UTF-8.",
            bad_byte,
            bad_byte + 1,
        )


@RULES.rule("AL104", "AL105", applies_to=Applies.FRONTMATTER)
def closing_fence(file: AgentFile) -> Iterator[Finding]:
    """The closing `---`: inside a value (it still closes), or indented."""
    close = file.split.close_start
    line_start, line_end = line_bounds(file.text, close)
    before = file.text[line_start:close]
    after = file.text[file.split.close_end : line_end]
    if before.strip() or after.strip():
        lost = _keys_after_early_close(file)
        lost_note = f" (keys {', '.join(f'`{k}`' for k in lost)} included)" if lost else ""
        yield Finding(
            "AL104",
            "This `---` ends the frontmatter: Claude Code closes it at the first `---` "
            f"anywhere, even inside a value, and reads everything after it{lost_note} as the "
            "system prompt. Quote the value and avoid `---` in it.",
            close,
            file.split.close_end,
        )
    elif before:
        yield Finding(
            "AL105",
            "This indented `---` still closes the frontmatter in Claude Code; put it at "
            "column 0 so other tools agree.",
            close,
            file.split.close_end,
            (Fix("Unindent the closing `---`", (Edit(line_start, close, ""),), True),),
        )


def _keys_after_early_close(file: AgentFile) -> list[str]:
    keys: list[str] = []
    for line in file.text[file.split.body_start :].splitlines()[:200]:
        if line.strip() == "---":
            break
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            keys.append(match.group(1))
    return keys


@RULES.rule("AL110", "AL111", applies_to=Applies.FRONTMATTER)
def yaml_error(file: AgentFile) -> Iterator[Finding]:
    """A YAML error, and whether Claude Code's lenient retry still loads the file."""
    fm = file.fm
    if fm.error is None:
        return
    offset = fm.error.offset
    _, line_end = line_bounds(file.text, offset)
    end = max(offset + 1, min(line_end, offset + 1)) if offset < line_end else offset
    if fm.too_large:  # not a YAML error: agent-ls did not parse it, Claude Code will
        yield Finding(
            "AL110",
            f"Not checked: {fm.error.message}. Claude Code reads frontmatter of any size (in "
            "files up to 1 MiB), so agent-ls cannot tell whether it loads this agent.",
            offset,
            end,
            severity_override=Severity.INFORMATION,
        )
        return
    fixes = file.quote_fixes() if file.ctx.quote_fixes else ()
    if fm.lenient:
        read = [
            f'`{e.key}` as "{show(e.value)}"'
            for e in fm.entries
            if file.line_of(e.value_start) in fm.rewritten_lines
        ]
        reads = f"; it reads {', '.join(read)}" if read else ""
        yield Finding(
            "AL111",
            f"YAML error: {fm.error.message}. Claude Code's lenient retry still loads this "
            f"file, with values read literally, as written{reads}. Quote the value for other "
            "YAML tools.",
            offset,
            end,
            fixes,
        )
        return
    yield Finding(
        "AL110",
        f"YAML error: {fm.error.message}. Claude Code's lenient retry fails too, so it "
        "ignores the frontmatter and drops this agent.",
        offset,
        end,
        fixes,
    )


@RULES.rule("AL113", "AL112", applies_to=Applies.FRONTMATTER)
def not_key_value_pairs(file: AgentFile) -> Iterator[Finding]:
    """A frontmatter that parses but holds no `key: value` pairs: empty, a list, a scalar."""
    fm = file.fm
    if not fm.loaded:
        return
    if fm.empty:
        yield Finding(
            "AL113",
            "The frontmatter is empty: Claude Code finds no `name` and drops this agent "
            "without a word.",
            *file.opening(),
        )
    elif fm.not_mapping:
        yield Finding(
            "AL112",
            f"The frontmatter is {fm.not_mapping}, not `key: value` pairs: Claude Code finds "
            "no `name` and drops this agent without a word.",
            file.split.yaml_start,
            file.split.yaml_start + len(fm.source.rstrip()),
        )


@RULES.rule("AL114", applies_to=Applies.FILE)
def yaml_tags(file: AgentFile) -> Iterator[Finding]:
    """A YAML tag (`!foo`, `!!python/…`): it constructs nothing."""
    for entry in file.fm.entries:
        tag = entry.node.tag or ""
        if tag in _CORE_TAG_URIS:  # what the resolver gives every untagged value
            continue
        if tag.startswith(_YAML_TAGS):  # `!!python/object` arrives as tag:yaml.org,2002:python/…
            tag = "!!" + tag[len(_YAML_TAGS) :]
        if tag.startswith("!") and tag not in _CORE_TAGS:
            yield Finding(
                "AL114",
                f"The YAML tag `{tag}` constructs nothing: Claude Code ignores it and reads the "
                "plain value. Remove the tag.",
                *file.value_range(entry),
            )


@RULES.rule("AL801", applies_to=Applies.FILE)
def empty_body(file: AgentFile) -> Iterator[Finding]:
    """An empty body: the agent has no system prompt."""
    if not file.source.has_body:
        yield Finding(
            "AL801",
            "The body is empty: it is the agent's system prompt, so this agent runs with no "
            "instructions of its own.",
            file.split.close_start,
            file.split.close_end,
        )
