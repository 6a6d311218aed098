"""What Claude Code does with a skill or a command file: whether it reads it (by its place in
`skills/` or `commands/`), under which name, and the values it takes (the listing's description,
the allowed tools, the model, who may invoke it). Skills and commands load through one loader.

`place` looks at the path (and, for the few rules that need them, at the files next to it);
`load_skill` reads the frontmatter as Claude Code does. Both are pure apart from `place`'s
look at the neighbouring files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.dialects.skills.catalogue import SkillsCatalogue

SKILL = "skill"
COMMAND = "command"
SUPPORT = "support"
"""A file in a skill's folder that Claude Code does not load as a skill (a reference, a
template): nothing to check."""


@dataclass(frozen=True)
class Placement:
    """Where a file sits: what Claude Code takes it for, the name it gets, and the code number
    (`"102"`) of why it never reads it, if it does not."""

    kind: str
    name: str
    problem: str | None = None
    folder_has_spaces: bool = False
    rename: str | None = None
    """Where the file would be read, relative to its folder, when that is certain (the quick
    fix of `problem`)."""


def _under(path: Path, folder: str) -> tuple[Path, tuple[str, ...]] | None:
    """The `folder` (`skills`, `commands`) holding `path` and the parts below it: the one in
    `.claude/` if any, else the innermost (a plugin's)."""
    parts = path.parts
    spots = [i for i, part in enumerate(parts[:-1]) if part == folder]
    if not spots:
        return None
    claude = [i for i in spots if i > 0 and parts[i - 1] == ".claude"]
    at = claude[0] if claude else spots[-1]
    return Path(*parts[: at + 1]), tuple(parts[at + 1 :])


def place_skill(path: Path | None, has_frontmatter: bool, skill_file: str) -> Placement:
    """Where a file of `skills/` sits, as Claude Code reads it: only `<folder>/SKILL.md`."""
    if path is None:
        return Placement(SKILL, "skill")
    found = _under(path, "skills")
    if found is None:
        return Placement(SKILL, path.parent.name or "skill")
    root, below = found
    folder = below[0] if len(below) > 1 else path.stem
    is_skill_name = below[-1].lower() == skill_file.lower()
    spaces = " " in folder
    if len(below) == 1:  # a loose file: an error only when it looks like a skill
        if not has_frontmatter:
            return Placement(SUPPORT, folder)
        return Placement(SKILL, folder, "104", rename=f"{folder}/{skill_file}")
    if len(below) > 2:
        return Placement(SKILL, folder, "103") if is_skill_name else Placement(SUPPORT, folder)
    if below[-1] == skill_file:
        return Placement(SKILL, folder, folder_has_spaces=spaces)
    if is_skill_name:  # another spelling (`skill.md`): the fix when it is the only one
        spellings = [p for p in _markdown_beside(path) if p.name.lower() == skill_file.lower()]
        return Placement(SKILL, folder, "102", rename=skill_file if len(spellings) == 1 else None)
    if has_frontmatter and not (root / folder / skill_file).is_file():
        # the skill's main file, for certain, when no other Markdown beside it has a frontmatter
        alone = not any(p != path and _starts_frontmatter(p) for p in _markdown_beside(path))
        return Placement(SKILL, folder, "105", rename=skill_file if alone else None)
    return Placement(SUPPORT, folder)


def _markdown_beside(path: Path) -> list[Path]:
    """The Markdown files (`.md` in any case) in `path`'s folder, `path` included if there."""
    try:
        return [p for p in path.parent.iterdir() if p.suffix.lower() == ".md" and p.is_file()]
    except OSError:
        return []


def _starts_frontmatter(path: Path) -> bool:
    """Whether the file starts with `---` (after a BOM): it may be a skill's main file."""
    try:
        with path.open("rb") as handle:
            return handle.read(6).removeprefix(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return True  # unreadable: it may be one


def place_command(path: Path | None, skill_file: str) -> Placement:
    """Where a file of `commands/` sits: its name is its path joined with `:`."""
    if path is None:
        return Placement(COMMAND, "command")
    found = _under(path, "commands")
    if found is None:
        return Placement(COMMAND, path.stem)
    root, below = found
    if below[-1] == skill_file and len(below) > 1:
        return Placement(COMMAND, ":".join(below[:-1]))
    name = ":".join((*below[:-1], path.stem))
    if path.suffix != ".md":
        lower = f"{path.stem}.md" if path.suffix.lower() == ".md" else None
        return Placement(COMMAND, name, "106", rename=lower)
    if len(below) > 1 and (path.parent / skill_file).is_file():
        return Placement(COMMAND, name, "107")
    if (root.parent / "skills" / name / skill_file).is_file():
        return Placement(COMMAND, name, "108")
    return Placement(COMMAND, name)


@dataclass(frozen=True)
class LoadedSkill:
    """What Claude Code loads from a skill or command file (a `Loaded`)."""

    name: str
    display_name: str | None
    description: str
    """The description the model is shown in the Skill tool's listing (cut as it cuts it)."""
    allowed_tools: list[str]
    model: str | None
    """The model ID its turns use; None inherits the conversation's."""
    model_invocable: bool
    user_invocable: bool
    conditional: bool
    data: dict[str, Any]


_HEADING = re.compile(r"#+\s+(\S.*)")


def fallback_description(body: str, limit: int, default: str) -> str:
    """The description Claude Code derives from the body: its first non-empty line, heading
    marks stripped, cut at `limit` characters."""
    for line in body.split("\n"):
        text = line.strip()
        if text:
            heading = _HEADING.fullmatch(text)
            text = heading.group(1) if heading else text
            return text if len(text) <= limit else text[: limit - 3] + "..."
    return default


def written_description(value: Any) -> str | None:
    """The description as Claude Code takes it from the frontmatter: trimmed text (numbers and
    booleans as text); None when it is missing, empty or not text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def listed_description(description: str, when_to_use: Any, limit: int) -> str:
    """The listing's text: the description (and ` - when_to_use`), whitespace folded, cut at
    `limit` characters with `…`."""
    text = description if when_to_use is None else f"{description} - {when_to_use}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def allowed_tools(value: Any) -> list[str]:
    """The tools of `allowed-tools` as Claude Code keeps them: verbatim, split at commas outside
    parentheses; a value that is neither a string nor a list gives none."""
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list):
        items = [item for item in value if isinstance(item, str)]
    else:
        return []
    tools = [tool.strip() for item in items for tool in _split_tools(item)]
    tools = [tool for tool in tools if tool]
    return ["*"] if "*" in tools else list(dict.fromkeys(tools))


def _split_tools(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def load_skill(
    source: MarkdownSource, placement: Placement, cat: SkillsCatalogue
) -> LoadedSkill | None:
    """Returns what Claude Code loads from the file, or None when it never reads it."""
    if placement.problem is not None or placement.kind == SUPPORT:
        return None
    if len(source.text.encode("utf-8", "surrogatepass")) > cat.file_max_bytes:
        return None
    data = source.data
    body = source.body
    command = placement.kind == COMMAND
    default = "Custom command" if command else "Skill"
    description = written_description(data.get("description"))
    if description is None:
        description = fallback_description(body, cat.fallback_max_length, default)
    when_to_use = data.get("when_to_use")
    name = data.get("name")
    display = None
    if not command and name is not None and len(str(name)) <= cat.name_max_length:
        display = str(name) if str(name) != placement.name else None
    model = data.get("model")
    resolved = None
    if isinstance(model, str) and model.strip():
        resolved = cat.agents.resolve_model(cat.without_suffix(model))
    user = data.get("user-invocable")
    return LoadedSkill(
        name=placement.name,
        display_name=display,
        description=listed_description(
            description,
            None if when_to_use is None else str(when_to_use),
            cat.listing_max_length,
        ),
        allowed_tools=allowed_tools(data.get("allowed-tools")),
        model=resolved,
        model_invocable=not bool(cat.boolean(data.get("disable-model-invocation"))),
        user_invocable=True if user is None else bool(cat.boolean(user)),
        conditional=bool(data.get("paths")),
        data=data,
    )
