"""What Claude Code loads from an output-style file: the name it goes by, the description
`/output-style` shows, the prompt, and the two flags it reads. It loads every `.md` file of an
output-styles folder; broken frontmatter only loses the keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.dialects.frontmatter import first_line
from agent_ls.dialects.output_styles.catalogue import StylesCatalogue, js_string


@dataclass(frozen=True)
class LoadedStyle:
    """What Claude Code loads from an output-style file (a `Loaded`)."""

    name: str
    description: str
    prompt: str
    keep_coding_instructions: bool | None
    force_for_plugin: bool | None
    """Read only for a plugin's style; None elsewhere."""
    data: dict[str, Any]


def style_name(data: dict[str, Any], stem: str, plugin: str | None) -> str:
    """The name Claude Code gives the style: `name` as text, else the file's stem; a plugin's
    style is `PLUGIN:NAME`."""
    value = data.get("name")
    name = (js_string(value) if value is not None else "") or stem
    return f"{plugin}:{name}" if plugin else name


def description_value(value: object) -> str | None:
    """The description Claude Code takes from the key: text (trimmed; empty is none), a number
    or a boolean as text; None for anything else (a list or mapping is dropped)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (bool, int, float)):
        return js_string(value)
    return None


def load_style(
    source: MarkdownSource, stem: str, cat: StylesCatalogue, plugin: str | None = None
) -> LoadedStyle:
    """Returns the style Claude Code loads from `source`, a file named `stem`.md."""
    data = source.data
    content = source.body if source.split.has_frontmatter else source.text
    name = style_name(data, stem, plugin)
    default = f"Output style from {plugin} plugin" if plugin else f"Custom {stem} output style"
    description = (
        description_value(data.get("description"))
        or first_line(content, cat.description_line_limit)
        or default
    )
    return LoadedStyle(
        name=name,
        description=description,
        prompt=content.strip(),
        keep_coding_instructions=cat.flag(data.get("keep-coding-instructions")),
        force_for_plugin=cat.flag(data.get("force-for-plugin")) if plugin else None,
        data=data,
    )
