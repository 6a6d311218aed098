"""Rules on the keys: unknown, duplicate and misplaced keys, `name`, `description`, and values a
YAML comment cuts short."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import yaml

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry
from agent_ls.core.suggest import suggest
from agent_ls.core.yamltext import describe_type, quote, show
from agent_ls.dialects.agents.context import RULES, AgentFile
from agent_ls.dialects.base import Applies, change_to, line_bounds
from agent_ls.dialects.hooks import guards_outside_hooks

_TRAILING_COMMENT = re.compile(r"\s*(#.*?)\s*$")


@RULES.rule("AL301", "AL302", "AL303")
def keys(file: AgentFile) -> Iterator[Finding]:
    """Duplicate keys, hook events at the top level, keys Claude Code does not read."""
    cat = file.cat
    for entry in file.fm.entries:
        last = file.by_key[entry.key]
        if last is not entry:
            later = file.text.count("\n", 0, last.key_start) + 1
            yield Finding(
                "AL302",
                f"`{entry.key}` appears again on line {later}: Claude Code keeps the last "
                "value and ignores this one.",
                entry.key_start,
                entry.key_end,
                (Fix("Remove this earlier duplicate", (file.delete_entry(entry),), True),),
            )
        if guards_outside_hooks(entry.key, entry.value, cat.hooks, cat.raw["hookScanExempt"]):
            yield Finding(
                "AL303",
                f"`{entry.key}` holds what may be a PreToolUse/PermissionRequest hook outside "
                "`hooks:`: Claude Code drops this agent (such a hook may guard its "
                "permissions). Hooks belong under `hooks:`.",
                entry.key_start,
                entry.key_end,
            )
        elif entry.key not in cat.keys and entry.key not in cat.extra_keys:
            yield _unknown_key(file, entry)


def _unknown_key(file: AgentFile, entry: Entry) -> Finding:
    hint = file.cat.key_hints.get(entry.key) or suggest(entry.key, file.cat.keys)
    fixes: tuple[Fix, ...] = ()
    if hint and entry.key.lower() == hint.lower():
        message = f"Keys are case-sensitive: Claude Code ignores `{entry.key}`; it reads `{hint}`."
    else:
        message = f"Claude Code does not recognise `{entry.key}` and ignores it"
        message += f": did you mean `{hint}`?" if hint else "."
    if hint and hint not in file.fm.data:
        fixes = change_to(entry.key_start, entry.key_end, hint)
    elif hint and entry.key.lower() == hint.lower():
        fixes = (Fix(f"Remove `{entry.key}` (`{hint}` is set)", (file.delete_entry(entry),), True),)
    elif hint == "tools" and (merge := file.merge_tools(entry)) is not None:
        fixes = (merge,)
    if not hint:
        message += " Declare it in `[tool.agent-ls] extra-keys` if another tool reads it."
    return Finding("AL301", message, entry.key_start, entry.key_end, fixes)


_NORMAL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def normalise_name(value: str) -> str:
    """Returns `value` as lowercase letters, digits and single hyphens."""
    if _NORMAL_NAME.fullmatch(value):  # most names: already so
        return value
    return _NOT_NAME.sub("-", _CAMEL_HUMP.sub(r"\1-\2", value).lower()).strip("-")


@RULES.rule("AL201", "AL202", "AL203", "AL204", "AL205", "AL206", "AL207", "AL209")
def name(file: AgentFile) -> Iterator[Finding]:
    """`name`: missing, not text, blank, reserved characters, too long, unusual, not the file's."""
    file.judged.add("name")  # judged here, not by its value type
    entry = file.entry("name")
    if entry is None:
        wrong_case = next((e for e in file.fm.entries if e.key.lower() == "name"), None)
        where = (wrong_case.key_start, wrong_case.key_end) if wrong_case else file.opening()
        stem = file.ctx.file_stem or "my-agent"
        yield Finding(
            "AL201",
            "No `name`: Claude Code identifies agents by their frontmatter `name` (never the "
            "file name), so it drops this agent without a word.",
            *where,
            (
                file.insert_key_fix(
                    f"Add `name: {normalise_name(stem)}`", f"name: {normalise_name(stem)}"
                ),
            ),
        )
        return
    value = entry.value
    if not isinstance(value, str) or not value:
        what = "empty" if value in (None, "") else f"{describe_type(value)}, not text"
        yield Finding(
            "AL202",
            f"`name` is {what}: Claude Code drops this agent.",
            entry.value_start if value is not None else entry.key_start,
            entry.value_end if value is not None else entry.key_end,
        )
        return
    if not value.strip():  # observed in 2.1.328: loaded, listed under a blank name
        yield Finding(
            "AL209",
            "`name` is only spaces: Claude Code loads this agent under a blank name that "
            "nobody can ask for. Give it a real name.",
            entry.value_start,
            entry.value_end,
        )
        return
    normal = unicodedata.normalize("NFKC", value)
    if ":" in normal:
        yield _name_finding(file, entry, "AL203", "contains `:` (reserved for plugin namespaces)")
    if value.startswith("-"):
        yield _name_finding(file, entry, "AL204", "starts with `-`")
    if len(value) > file.cat.name_max_length:
        yield _name_finding(
            file,
            entry,
            "AL205",
            f"is {len(value)} characters long (at most {file.cat.name_max_length})",
        )
    suggestion = normalise_name(value)
    if suggestion != value:
        yield Finding(
            "AL206",
            "Claude Code loads this name, but agent names should be lowercase letters, "
            "digits and hyphens" + (f": `{suggestion}`." if suggestion else "."),
            entry.value_start,
            entry.value_end,
            change_to(entry.value_start, entry.value_end, suggestion),
        )
    file_stem = file.ctx.file_stem
    if file_stem and file_stem != value and suggestion == value:
        yield Finding(
            "AL207",
            f"The name `{value}` differs from the file name `{file_stem}.md`. Claude Code goes by "
            "the name; keep them equal so the agent is easy to find.",
            entry.value_start,
            entry.value_end,
            change_to(entry.value_start, entry.value_end, file_stem, preferred=False)
            if normalise_name(file_stem) == file_stem
            else (),
        )


def _name_finding(file: AgentFile, entry: Entry, code: str, what: str) -> Finding:
    fixes: tuple[Fix, ...] = ()
    suggestion = normalise_name(str(entry.value))[: file.cat.name_max_length].strip("-")
    if suggestion:
        fixes = change_to(entry.value_start, entry.value_end, suggestion)
    return Finding(
        code,
        f"The name {what}: Claude Code logs an error and drops this agent.",
        entry.value_start,
        entry.value_end,
        fixes,
    )


@RULES.rule("AL211", "AL212", "AL214", "AL215")
def description(file: AgentFile) -> Iterator[Finding]:
    """`description`: missing, not text, blank, a literal `\\n`."""
    file.judged.add("description")  # judged here, not by its value type
    entry = file.entry("description")
    if entry is None:
        yield Finding(
            "AL211",
            "No `description`: Claude Code logs an error and drops this agent. Say when "
            "Claude should use it.",
            *file.opening(),
            (file.insert_key_fix("Add `description`", 'description: "Use this agent when …"'),),
        )
        return
    value = entry.value
    if isinstance(value, str) and value and not value.strip():  # loaded (2.1.328)
        yield Finding(
            "AL215",
            "`description` is only spaces: Claude Code loads this agent, but the main model "
            "sees no description, so it never knows when to use it.",
            entry.value_start,
            entry.value_end,
        )
        return
    if not isinstance(value, str) or not value.strip():
        what = (
            "empty"
            if value in (None, "") or isinstance(value, str)
            else f"{describe_type(value)}, not text"
        )
        start, end = (
            (entry.value_start, entry.value_end)
            if value is not None
            else (entry.key_start, entry.key_end)
        )
        yield Finding(
            "AL212",
            f"`description` is {what}: Claude Code logs an error and drops this agent.",
            start,
            end,
        )
        return
    if "\\n" in value and isinstance(entry.node, yaml.ScalarNode) and entry.node.style != '"':
        yield Finding(
            "AL214",
            "Claude Code turns the literal `\\n` here into a newline.",
            entry.value_start,
            entry.value_end,
        )


@RULES.rule("AL601", "AL213", applies_to=Applies.ENTRY)
def comment_truncation(file: AgentFile, entry: Entry) -> tuple[Finding, ...]:
    """A ` #` on the value's line starts a YAML comment that cuts the value short; a colour it
    empties (`color: #60a5fa`) is judged here, so its value type does not report it again.
    (A plain function, not a generator: it runs for every key of every file.)"""
    if not isinstance(entry.node, yaml.ScalarNode) or entry.node.style not in (None, ""):
        return ()
    anchor = entry.value_end if entry.value_end > entry.value_start else entry.key_end + 1
    text = file.text
    newline = text.find("\n", anchor)
    if text.find("#", anchor, len(text) if newline == -1 else newline) == -1:
        return ()  # most values: no `#` after them on their line
    _, line_end = line_bounds(text, anchor)
    rest = text[anchor:line_end]
    match = _TRAILING_COMMENT.match(rest)
    if not match or (entry.value_end > entry.value_start and not rest[:1].isspace()):
        return ()
    comment_start = anchor + match.start(1)
    comment = match.group(1)
    spec = file.cat.keys.get(entry.key)
    if spec is not None and spec.type == "colors" and entry.value in (None, ""):
        file.judged.add(entry.key)
        nearest = file.cat.nearest_color(comment)
        return (
            Finding(
                "AL601",
                f"`{comment}` starts a YAML comment, so `{entry.key}` is empty and Claude Code shows "
                f"no color. It accepts {', '.join(file.cat.colors)}"
                + (f"; the nearest is `{nearest}`." if nearest else "."),
                comment_start,
                comment_start + len(comment),
                change_to(comment_start, comment_start + len(comment), nearest),
            ),
        )
    value_text = file.text[entry.value_start : comment_start].rstrip()
    whole = (value_text + " " + comment).strip() if value_text else comment
    reads = (
        f'reads `{entry.key}` as "{show(entry.value)}"'
        if entry.value not in (None, "")
        else f"reads `{entry.key}` as empty"
    )
    return (
        Finding(
            "AL213",
            f"`{comment}` starts a YAML comment: Claude Code {reads}. Quote the value to keep it.",
            comment_start,
            comment_start + len(comment),
            (
                Fix(
                    "Quote the value",
                    (
                        Edit(
                            anchor if not value_text else entry.value_start,
                            comment_start + len(comment),
                            (" " if not value_text and not rest[:1].isspace() else "")
                            + quote(whole),
                        ),
                    ),
                    True,
                ),
            ),
        ),
    )
