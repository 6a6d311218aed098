"""The output-styles dialect's rules and value types: each rule one function registered with
the codes it emits; each value type owns its check, hover and schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry, MarkdownSource
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import (
    Applies,
    CheckContext,
    FileContext,
    KeySpec,
    Option,
    Rules,
    ValueSite,
    ValueType,
    ValueTypes,
    change_to,
    line_bounds,
)
from agent_ls.dialects.output_styles.catalogue import StylesCatalogue, js_string
from agent_ls.dialects.output_styles.loader import LoadedStyle, description_value, load_style


class StyleFile(FileContext):
    """One output-style file, with what Claude Code loads from it."""

    def __init__(self, source: MarkdownSource, ctx: CheckContext) -> None:
        super().__init__(source, ctx)
        self.cat: StylesCatalogue = ctx.catalogue
        self.loaded: LoadedStyle = load_style(
            source, ctx.file_stem or "", self.cat, self.cat.plugin
        )


RULES: Rules[StyleFile] = Rules()
VALUE_TYPES = ValueTypes()

_OPENING_FENCE = re.compile(r"---[^\S\n]*(?:\n|\Z)")


@RULES.rule("OS101", applies_to=Applies.NO_FRONTMATTER)
def frontmatter_not_read(file: StyleFile) -> Iterator[Finding]:
    """A `---` block Claude Code does not read: not at byte 0, or never closed."""
    text = file.text
    start = 1 if text.startswith("\ufeff") else 0
    if text[start:].lstrip().startswith("---") and not text.startswith("---", start):
        fence = text.index("---", start)
        fix = Fix(
            "Move the opening `---` to the start of the file", (Edit(start, fence, ""),), True
        )
        yield Finding(
            "OS101",
            "The opening `---` is not at the start of the file: Claude Code reads no "
            f"frontmatter, names this style `{file.loaded.name}` after its file, and sends the "
            "`---` block as part of its prompt.",
            fence,
            fence + 3,
            (fix,),
        )
    elif _OPENING_FENCE.match(text, start):
        yield Finding(
            "OS101",
            "The frontmatter is never closed: Claude Code reads the whole file as the prompt "
            f"and names this style `{file.loaded.name}` after its file.",
            start,
            line_bounds(text, start)[1],
        )


@RULES.rule("OS110", "OS111", applies_to=Applies.FRONTMATTER)
def yaml_error(file: StyleFile) -> Iterator[Finding]:
    """YAML that only the lenient retry reads, or that nothing reads."""
    problem = file.fm.error
    if problem is None:
        return
    offset = problem.offset
    end = max(offset + 1, min(line_bounds(file.text, offset)[1], offset + 1))
    if file.fm.lenient:
        yield Finding(
            "OS111",
            f"YAML error: {problem.message}. Claude Code's lenient retry still reads this "
            "frontmatter, with values read literally, as written. Quote the value for other "
            "YAML tools.",
            offset,
            end,
        )
    else:
        yield Finding(
            "OS110",
            f"YAML error: {problem.message}. Claude Code's lenient retry fails too: it ignores "
            f"the frontmatter and loads this style as `{file.loaded.name}`, described by its "
            "first body line.",
            offset,
            end,
        )


@RULES.rule("OS403", applies_to=Applies.ENTRY)
def ignored_key(file: StyleFile, entry: Entry) -> Iterator[Finding]:
    """A key an output style does not read (keys are case-sensitive)."""
    if entry.key in file.cat.keys or entry.key in file.cat.extra_keys:
        return
    meant = suggest(entry.key, file.cat.keys)
    fixes: tuple[Fix, ...] = ()
    if meant is not None and meant not in file.by_key:
        fixes = change_to(entry.key_start, entry.key_end, meant)
    fixes += (Fix(f"Delete `{entry.key}`", (file.delete_entry(entry),)),)
    hint = f" Did you mean `{meant}`?" if meant else ""
    yield Finding(
        "OS403",
        f"Claude Code ignores `{entry.key}` in an output style: it reads only "
        f"{', '.join(f'`{k}`' for k in file.cat.keys)}.{hint}",
        entry.key_start,
        entry.key_end,
        fixes,
    )


@RULES.rule("OS203", "OS302", "OS501", applies_to=Applies.FILE)
def what_it_shows(file: StyleFile) -> Iterator[Finding]:
    """What Claude Code does on its own: a built-in name replaced, a description taken from
    the body, an empty prompt."""
    loaded = file.loaded
    name_entry = file.entry("name")
    at = (name_entry.key_start, name_entry.key_end) if name_entry else file.opening()
    builtin = file.cat.builtin_styles.get(loaded.name)
    if builtin is not None:
        yield Finding(
            "OS203",
            f"`{loaded.name}` is a built-in output style ({builtin}): this one replaces it in "
            "`/output-style` and in settings `outputStyle`.",
            *at,
        )
    described = file.entry("description")
    if described is None or (
        isinstance(described.value, str) and description_value(described.value) is None
    ):
        where = (described.key_start, described.key_end) if described else at
        yield Finding(
            "OS302",
            f'No description: `/output-style` shows "{loaded.description}".',
            *where,
        )
    if not loaded.prompt:
        yield Finding(
            "OS501",
            "The body is empty: this style's prompt is empty.",
            *file.opening(),
        )


# -- value types -----------------------------------------------------------------------------------


@VALUE_TYPES.register
class StyleName(ValueType[StyleFile]):
    """`name`: any value, read as text; empty means the file name."""

    name = "styleName"
    codes = ("OS201", "OS202")

    def check(self, entry: Entry, file: StyleFile) -> Iterator[Finding]:
        value = entry.value
        span = file.value_range(entry)
        if value is None or value == "":
            yield Finding(
                "OS201",
                f"The name is empty: Claude Code names this style `{file.loaded.name}` after "
                "its file.",
                *span,
            )
        elif not isinstance(value, str) or not value.strip():
            text = js_string(value)
            yield Finding(
                "OS202",
                f'Claude Code reads this name as the text "{text}".',
                *span,
                change_to(*span, text.strip() if isinstance(value, (list, dict)) else None),
            )

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        plugin = catalogue.plugin
        name = js_string(entry.value)
        shown = f"{plugin}:{name}" if plugin and name else name
        if not shown:
            return None
        return (
            f"Selected as `{shown}` (`/output-style {shown}`).",
            entry.value_start,
            entry.value_end,
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


@VALUE_TYPES.register
class StyleDescription(ValueType[StyleFile]):
    """`description`: text, a number or a boolean; anything else is dropped."""

    name = "styleDescription"
    codes = ("OS301",)

    def check(self, entry: Entry, file: StyleFile) -> Iterator[Finding]:
        if entry.value is None or description_value(entry.value) is not None:
            return
        if isinstance(entry.value, str):
            return  # empty text: OS302 says what is shown instead
        yield Finding(
            "OS301",
            f"Claude Code drops a description that is not text ('Description invalid … "
            f'omitting\'); `/output-style` shows "{file.loaded.description}" instead.',
            *file.value_range(entry),
        )

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean"]}


@VALUE_TYPES.register
class StyleFlag(ValueType[StyleFile]):
    """`keep-coding-instructions`, `force-for-plugin`: a boolean, or one of its strings."""

    name = "boolean"
    codes = ("OS401", "OS402")

    def check(self, entry: Entry, file: StyleFile) -> Iterator[Finding]:
        if entry.key in file.cat.plugin_only_keys and file.cat.plugin is None:
            yield Finding(
                "OS402",
                f"`{entry.key}` applies only to a plugin's output styles: Claude Code logs a "
                "warning and ignores it here.",
                entry.key_start,
                entry.key_end,
                (Fix(f"Delete `{entry.key}`", (file.delete_entry(entry),), True),),
            )
            return
        if file.cat.flag(entry.value) is None:
            span = file.value_range(entry)
            yield Finding(
                "OS401",
                f"`{entry.key}` is not a boolean: Claude Code ignores `{js_string(entry.value)}`"
                " and reads the key as absent (false).",
                *span,
                (*change_to(*span, "true", False), *change_to(*span, "false", False)),
            )

    def candidates(self, site: ValueSite) -> list[Option]:
        return [Option("true", "boolean", ""), Option("false", "boolean", "")]

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        read = catalogue.flag(entry.value)
        if read is None:
            return None
        return f"Claude Code reads **{str(read).lower()}**.", entry.value_start, entry.value_end

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        strings = [*catalogue.raw["trueStrings"], *catalogue.raw["falseStrings"]]
        return {"anyOf": [{"type": "boolean"}, {"enum": strings}]}
