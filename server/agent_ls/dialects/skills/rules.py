"""The rules of skills and commands: one loader reads both, so each rule is written once and
registered by both dialects with their own codes (`SK` + number, `CM` + number). A rule whose
numbers one dialect's table lacks is not registered there (`rules_for`).

Every fact a rule relies on is in docs/claude-code.md ("Skills and slash commands").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry, MarkdownSource
from agent_ls.core.renames import rename_fix
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import (
    Applies,
    CheckContext,
    FileContext,
    Rules,
    change_to,
    line_bounds,
)
from agent_ls.dialects.skills.catalogue import SkillsCatalogue
from agent_ls.dialects.skills.loader import (
    COMMAND,
    LoadedSkill,
    Placement,
    load_skill,
)


class SkillFile(FileContext):
    """One skill or command file: where it sits, what Claude Code loads from it, and the
    dialect's code prefix."""

    def __init__(
        self, source: MarkdownSource, ctx: CheckContext, placement: Placement, prefix: str
    ) -> None:
        super().__init__(source, ctx)
        self.cat: SkillsCatalogue = ctx.catalogue
        self.placement = placement
        self.kind = placement.kind
        self.prefix = prefix
        self.loaded: LoadedSkill | None = load_skill(source, placement, self.cat)
        self.extra_tools = self.cat.extra_tools

    def code(self, number: str) -> str:
        """This dialect's code for a rule's number (`SK301`, `CM301`)."""
        return self.prefix + number

    def at_value(
        self, entry: Entry, number: str, message: str, guess: str | None = None
    ) -> Finding:
        """A finding of `number` on `entry`'s value; its fix changes the value to `guess`."""
        start, end = self.value_range(entry)
        return Finding(self.code(number), message, start, end, change_to(start, end, guess))


@dataclass(frozen=True)
class _Shared:
    check: Callable[..., Iterable[Finding]]
    numbers: tuple[str, ...]
    phases: tuple[Applies, ...]


_SHARED: list[_Shared] = []


def shared(
    *numbers: str, applies_to: tuple[Applies, ...] = (Applies.MAPPING,)
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Declares a rule of both dialects, emitting the code numbers `numbers`."""

    def declare(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        _SHARED.append(_Shared(func, numbers, applies_to))
        return func

    return declare


def rules_for(prefix: str, codes: Iterable[str]) -> Rules[SkillFile]:
    """The rules of one dialect: every shared rule with at least one of its numbers in the
    dialect's table, registered with those codes."""
    table = set(codes)
    rules: Rules[SkillFile] = Rules()
    for item in _SHARED:
        own = tuple(prefix + n for n in item.numbers if prefix + n in table)
        if own:
            for phase in item.phases:
                rules.rule(*own, applies_to=phase)(item.check)
    return rules


_ANY_FILE = (Applies.NO_FRONTMATTER, Applies.FRONTMATTER)


# -- where the file sits ---------------------------------------------------------------------


_NEVER_READ = {
    "102": "Claude Code reads only `SKILL.md` (exactly so): this file is skipped.",
    "103": "Claude Code reads `SKILL.md` only one folder below `skills/`: this one is skipped.",
    "104": "A skill is a folder with `SKILL.md`; Claude Code skips a file directly in `skills/`.",
    "105": "This folder has no `SKILL.md`: Claude Code loads no skill from it.",
    "106": "Claude Code reads only `.md` files (lowercase) as commands: this one is skipped.",
    "107": "The `SKILL.md` next to this file makes the folder one command: Claude Code never "
    "reads this file.",
    "108": "A skill named `{name}` exists: Claude Code loads it and drops this command.",
}


def never_read_problem(file: SkillFile) -> str | None:
    """The number of the reason Claude Code never reads this file, or None."""
    if file.placement.problem is not None:
        return file.placement.problem
    if len(file.text.encode("utf-8", "surrogatepass")) > file.cat.file_max_bytes:
        return "101"
    return None


@shared("101", "102", "103", "104", "105", "106", "107", "108", applies_to=_ANY_FILE)
def never_read(file: SkillFile) -> Iterator[Finding]:
    """A file Claude Code never reads: its place, its name, its size."""
    number = never_read_problem(file)
    if number is None:
        return
    if number == "101":
        size = len(file.text.encode("utf-8", "surrogatepass"))
        message = (
            f"Claude Code skips this {file.kind}: {size:,} bytes exceeds its "
            f"{file.cat.file_max_bytes:,}-byte limit."
        )
    else:
        message = _NEVER_READ[number].format(name=file.placement.name)
    target = file.placement.rename if number == file.placement.problem else None
    fixes = rename_fix(file.ctx.path, target) if target else ()
    yield Finding(file.code(number), message, 0, min(len(file.text), 3) or 0, fixes)


@shared("206", applies_to=_ANY_FILE)
def folder_with_spaces(file: SkillFile) -> Iterator[Finding]:
    """A skill folder whose name holds spaces: loaded, but `/name` cannot be typed."""
    if file.placement.folder_has_spaces:
        yield Finding(
            file.code("206"),
            f"The skill loads as `{file.placement.name}`, but nobody can type it as a "
            "`/name`: use hyphens in the folder's name.",
            0,
            min(len(file.text), 3),
        )


# -- the frontmatter as a whole --------------------------------------------------------------


_FENCE_AFTER_BLANKS = re.compile(r"\A\ufeff?\s*---")


@shared("110", "111", applies_to=(Applies.NO_FRONTMATTER,))
def no_frontmatter(file: SkillFile) -> Iterator[Finding]:
    """No frontmatter as Claude Code splits it: the whole file is the body."""
    shown = file.loaded.description if file.loaded else ""
    if _FENCE_AFTER_BLANKS.match(file.text):
        start = file.text.find("---")
        yield Finding(
            file.code("111"),
            "Claude Code finds no frontmatter (it must start with `---` at the first byte and "
            f"close with `---`): every key is ignored, and the model is shown “{shown}”.",
            start,
            start + 3,
        )
        return
    yield Finding(
        file.code("110"),
        f"No frontmatter: the {file.kind} loads as `{file.placement.name}` and the model is "
        f"shown its first line, “{shown}”.",
        0,
        min(len(file.text), 3) if file.text.strip() else 0,
    )


@shared("112", "113", applies_to=(Applies.FRONTMATTER,))
def yaml_problem(file: SkillFile) -> Iterator[Finding]:
    """A YAML error: read by the lenient retry, or the whole frontmatter ignored."""
    error = file.fm.error
    if error is None:
        return
    at = min(max(error.offset, file.split.yaml_start), max(file.split.yaml_end - 1, 0))
    at, end = line_bounds(file.text, at)
    if file.fm.lenient:
        yield Finding(
            file.code("113"),
            f"YAML error ({error.message}): Claude Code's lenient retry reads the values "
            "literally, as written; other YAML tools reject the file.",
            at,
            end,
        )
        return
    shown = file.loaded.description if file.loaded else ""
    yield Finding(
        file.code("112"),
        f"YAML error ({error.message}): Claude Code ignores the whole frontmatter — "
        f"allowed-tools, model and every other key — and shows the model “{shown}”.",
        at,
        end,
    )


@shared("109")
def conditional(file: SkillFile) -> Iterator[Finding]:
    """`paths`: the skill is kept out of the listing until a matching file is touched."""
    entry = file.entry("paths")
    if entry is not None and entry.value:
        yield Finding(
            file.code("109"),
            f"Conditional: Claude Code lists this {file.kind} only once a file matching `paths` "
            "is read or edited.",
            entry.key_start,
            entry.key_end,
        )


@shared("207")
def duplicate_key(file: SkillFile) -> Iterator[Finding]:
    """A key written twice: the last one wins."""
    for entry in file.fm.entries:
        if file.by_key.get(entry.key) is not entry:
            yield Finding(
                file.code("207"),
                f"`{entry.key}` is written again below: Claude Code reads the last one and "
                "ignores this one.",
                entry.key_start,
                entry.key_end,
                (Fix(f"Delete this `{entry.key}`", (file.delete_entry(entry),), True),),
            )


# -- keys ------------------------------------------------------------------------------------


@shared("201", "202", applies_to=(Applies.ENTRY,))
def unknown_key(file: SkillFile, entry: Entry) -> Iterator[Finding]:
    """A key Claude Code does not read: a misspelling (with the key it reads), or ignored."""
    cat = file.cat
    key = entry.key
    if key in cat.keys or key in cat.inert_keys or key in cat.extra_keys:
        return
    hint = cat.key_hints.get(key) or suggest(key, list(cat.keys), cutoff=0.8)
    if hint is None:
        yield Finding(
            file.code("202"),
            f"Claude Code does not read `{key}` in a {file.kind}: it is ignored.",
            entry.key_start,
            entry.key_end,
        )
        return
    fixes: tuple[Fix, ...] = ()
    if hint not in file.by_key:
        fixes = (Fix(f"Rename to `{hint}`", (Edit(entry.key_start, entry.key_end, hint),), True),)
    yield Finding(
        file.code("201"),
        f"Claude Code ignores `{key}` (keys are case-sensitive): did you mean `{hint}`?",
        entry.key_start,
        entry.key_end,
        fixes,
    )


@shared("203", "204", "205", applies_to=(Applies.ENTRY,))
def display_name(file: SkillFile, entry: Entry) -> Iterator[Finding]:
    """`name`: ignored in a command; in a skill only a display name, ignored when too long."""
    if entry.key != "name" or entry.value is None:
        return
    name = str(entry.value)
    folder = file.placement.name
    if file.kind == COMMAND:
        yield Finding(
            file.code("204"),
            f"Claude Code names a command by its path: this one is `/{folder}`; `name` is ignored.",
            entry.key_start,
            entry.key_end,
        )
        return
    start, end = file.value_range(entry)
    if len(name) > file.cat.name_max_length:
        yield Finding(
            file.code("205"),
            f"`name` has {len(name)} characters: Claude Code ignores a name over "
            f"{file.cat.name_max_length} (the skill is still `{folder}`).",
            start,
            end,
        )
    elif name != folder:
        yield Finding(
            file.code("203"),
            f"Claude Code names this skill `{folder}` after its folder (it is run as "
            f"`/{folder}`); `{name}` is only shown beside it.",
            start,
            end,
            (Fix(f"Change to `{folder}`", (Edit(start, end, folder),), False),),
        )


# -- what the model is shown ------------------------------------------------------------------


@shared("211", "212", applies_to=(Applies.FILE,))
def description_shown(file: SkillFile) -> Iterator[Finding]:
    """The listing's description: derived from the body when missing, cut when too long."""
    loaded = file.loaded
    if loaded is None:
        return
    entry = file.entry("description")
    written = entry is not None and isinstance(entry.value, str) and entry.value.strip()
    if entry is None or (isinstance(entry.value, str) or entry.value is None) and not written:
        start, end = (entry.key_start, entry.key_end) if entry else file.opening()
        yield Finding(
            file.code("211"),
            f"No description: Claude Code shows the model the first body line, "
            f"“{loaded.description}”.",
            start,
            end,
        )
        return
    limit = file.cat.listing_max_length
    if loaded.description.endswith("…") and entry is not None:
        start, end = file.value_range(entry)
        yield Finding(
            file.code("212"),
            f"The listing cuts the description (with `when_to_use`) at {limit:,} characters: "
            "the model never sees the rest.",
            start,
            end,
        )


@shared("502", applies_to=(Applies.FILE,))
def nobody_can_run(file: SkillFile) -> Iterator[Finding]:
    """Neither the model (`disable-model-invocation`) nor a user (`user-invocable`) may run it."""
    loaded = file.loaded
    entry = file.entry("user-invocable")
    if loaded is None or entry is None or loaded.model_invocable or loaded.user_invocable:
        return
    yield Finding(
        file.code("502"),
        f"With `disable-model-invocation` true and `user-invocable` false, nobody can run this "
        f"{file.kind}.",
        entry.key_start,
        entry.key_end,
    )


# -- the body --------------------------------------------------------------------------------


_FENCED = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[^\n]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_ARG_ONE = re.compile(r"\$(?:1|ARGUMENTS\[1\])(?!\d)")
_AT_FILE = re.compile(r"(?<![\w@`])@((?:\.{0,2}/)?[\w.-]+(?:/[\w.-]+)*\.\w+)\b")
_BANG = re.compile(r"!`([^`\n]+)`")


def _prose(file: SkillFile) -> Iterator[tuple[str, int]]:
    """The body outside fenced code blocks, piece by piece, with each piece's offset."""
    body_start = file.split.body_start if file.split.has_frontmatter else 0
    body = file.text[body_start:]
    at = 0
    for block in _FENCED.finditer(body):
        yield body[at : block.start()], body_start + at
        at = block.end()
    yield body[at:], body_start + at


@shared("601", applies_to=_ANY_FILE)
def second_argument(file: SkillFile) -> Iterator[Finding]:
    """`$1` when `$0` is not used: Claude Code counts the arguments from `$0`."""
    pieces = list(_prose(file))
    if any("$0" in text for text, _ in pieces):
        return
    for text, base in pieces:
        for match in _ARG_ONE.finditer(text):
            yield Finding(
                file.code("601"),
                f"`{match.group()}` is the second argument: Claude Code counts from `$0`.",
                base + match.start(),
                base + match.end(),
            )
            return


@shared("602", applies_to=_ANY_FILE)
def at_file(file: SkillFile) -> Iterator[Finding]:
    """`@path` in the text: Claude Code does not read the file into it."""
    for text, base in _prose(file):
        code_spans = [m.span() for m in _INLINE_CODE.finditer(text)]
        for match in _AT_FILE.finditer(text):
            if any(a <= match.start() < b for a, b in code_spans):
                continue
            yield Finding(
                file.code("602"),
                f"Claude Code does not expand `{match.group()}`: the model sees it as written.",
                base + match.start(),
                base + match.end(),
            )


@shared("603", applies_to=_ANY_FILE)
def bang_command(file: SkillFile) -> Iterator[Finding]:
    """A `!`-command that `allowed-tools` does not allow."""
    allowed = file.loaded.allowed_tools if file.loaded else []
    if "*" in allowed or "Bash" in allowed:
        return
    prefixes = [
        rule[5:-1].removesuffix("*").removesuffix(":").strip()
        for rule in allowed
        if rule.startswith("Bash(") and rule.endswith(")")
    ]
    for text, base in _prose(file):
        for match in _BANG.finditer(text):
            command = match.group(1).strip()
            if any(command.startswith(p) for p in prefixes if p):
                continue
            yield Finding(
                file.code("603"),
                f"`allowed-tools` does not allow `{command}`: Claude Code asks before running "
                "it, and without anyone to ask (`claude -p`) the command fails.",
                base + match.start(),
                base + match.end(),
            )
