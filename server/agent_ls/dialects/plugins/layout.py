"""A plugin's layout as Claude Code reads it: given a plugin root, which files it finds as
agents, commands, skills and output styles, under which (prefixed) names, and which files in
those folders it does not read, and why.

Pure but for reading the plugin's folders and files (`read_layout`, remembered per root until
its `plugin.json` changes). Only the paths of `.claude-plugin/plugin.json` are read here; its
other fields are the plugin-manifest dialect's.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ls.core.frontmatter import read_source
from agent_ls.dialects.output_styles.catalogue import js_string

LAYOUT: dict[str, Any] = json.loads(Path(__file__).with_name("layout.json").read_text("utf-8"))
MANIFEST = Path(LAYOUT["manifest"])
_MAX_DEPTH = 32  # Claude Code skips folders deeper than this


@dataclass(frozen=True)
class Found:
    """One Markdown file in a plugin's component folder, as Claude Code treats it."""

    path: Path
    kind: str
    """The component: `agents`, `commands`, `skills` or `output-styles`."""
    name: str | None
    """The name it goes by (`plugin:…`); None when Claude Code does not load it."""
    code: str | None = None
    """Why it is not loaded, or what is wrong with its name (a PL code); None when neither."""
    why: str = ""
    base: Path | None = None
    """Where the scan that found it started (its name's folders are counted from there)."""


@dataclass
class Layout:
    """What Claude Code finds in one plugin."""

    root: Path
    name: str
    broken: str | None = None
    """Why Claude Code loads nothing of this plugin (its manifest), or None."""
    files: dict[Path, Found] = field(default_factory=dict)

    def names(self, kind: str | None = None) -> list[str]:
        """The names of every loaded file (of one component), sorted."""
        return sorted(
            f.name for f in self.files.values() if f.name is not None and kind in (None, f.kind)
        )


def plugin_root(path: Path) -> Path | None:
    """The plugin root holding `path` (the nearest folder above it with a
    `.claude-plugin/plugin.json`), or None."""
    return _root_of(str(Path(path).absolute().parent))


def forget_plugin_roots() -> None:
    """Forgets the plugin roots found so far (a `plugin.json` came or went)."""
    _root_of.cache_clear()


@functools.lru_cache(maxsize=4096)
def _root_of(folder: str) -> Path | None:
    if (Path(folder) / MANIFEST).is_file():
        return Path(folder)
    parent = os.path.dirname(folder)
    return None if parent == folder else _root_of(parent)


def read_layout(root: Path) -> Layout:
    """The layout of the plugin at `root`, remembered until its manifest or a component
    folder's entries change (a file's name is read again by `named`)."""
    stamp = []
    for part in [MANIFEST, *(spec["folder"] for spec in LAYOUT["components"].values())]:
        try:
            stamp.append((root / part).stat().st_mtime_ns)
        except OSError:
            stamp.append(0)
    return _read_layout(root, tuple(stamp))


@functools.lru_cache(maxsize=64)
def _read_layout(root: Path, _stamp: tuple[int, ...]) -> Layout:
    manifest, broken = _read_manifest(root)
    name = manifest.get("name") if isinstance(manifest.get("name"), str) else None
    layout = Layout(root, name or root.name, broken)
    for kind, spec in LAYOUT["components"].items():
        # A refused manifest's paths are never read; nor is one that leaves the plugin.
        declared = [] if broken else _declared(manifest.get(spec["field"]))
        declared = [d for d in declared if _inside(root, root / d)]
        default = root / spec["folder"]
        if default.is_dir():
            # A field that lists paths replaces the default folder (skills: adds to it); a file
            # it lists inside that folder still loads (below).
            replaced = bool(declared) and spec["replacedByField"]
            why = f"the manifest sets `{spec['field']}`: only the paths it lists load"
            _scan(layout, kind, default, "PL102" if replaced else None, why)
        for written in declared:
            target = root / written
            if target.is_dir():
                _scan(layout, kind, target, None, "")
            elif target.is_file() and target.name.lower().endswith(".md"):
                layout.files[target] = _found(layout, kind, target, target.parent)
    skill = root / LAYOUT["skillFile"]
    if skill.is_file() and not (root / "skills").is_dir() and "skills" not in manifest:
        named_as = frontmatter_of(skill).get("name")
        name = js_string(named_as) if named_as is not None else ""
        layout.files[skill] = Found(skill, "skills", f"{layout.name}:{name or layout.name}")
    commands = {f.name for f in layout.files.values() if f.kind == "commands" and f.name}
    for path, found in list(layout.files.items()):
        if found.kind == "skills" and found.name in commands:
            why = f"the plugin's command `{found.name}` has the same name and wins"
            layout.files[path] = Found(path, "skills", None, "PL104", why)
    if broken:
        layout.files = {p: Found(p, f.kind, None, "PL101", broken) for p, f in layout.files.items()}
    return layout


def _read_manifest(root: Path) -> tuple[dict[str, Any], str | None]:
    """The manifest's object and why Claude Code refuses it (None when it loads it). Without
    one, a folder given to `--plugin-dir` is a plugin named after the folder."""
    if not (root / MANIFEST).exists():
        return {}, None
    try:
        data = json.loads((root / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as err:
        return {}, f"its `plugin.json` is not valid JSON ({err})"
    if not isinstance(data, dict):
        return {}, "its `plugin.json` is not a JSON object"
    if not isinstance(data.get("name"), str) or not data["name"]:
        return data, "its `plugin.json` has no `name`"
    if re.search(LAYOUT["pluginNameForbidden"], data["name"]):
        return data, (
            f"its name `{data['name']}` holds `@`, `:`, a space, a path separator or an "
            "invisible character"
        )
    for spec in LAYOUT["components"].values():
        value = data.get(spec["field"])
        items = value if isinstance(value, list) else [value]
        if any(not isinstance(v, str) for v in items if v is not None) and not (
            spec.get("mappingAllowed") and isinstance(value, dict)
        ):
            return (
                data,
                f"`{spec['field']}` in its `plugin.json` lists something that is not a path",
            )
        for written in _declared(value):
            suffix = spec.get("pathSuffix", "")
            if not written.startswith(LAYOUT["pathPrefix"]) or not written.endswith(suffix):
                rule = f"start with `{LAYOUT['pathPrefix']}`" + (
                    f" and end with `{suffix}`" if suffix else ""
                )
                return (
                    data,
                    f"`{spec['field']}` in its `plugin.json` has `{written}`: paths must {rule}",
                )
    return data, None


def _declared(value: object) -> list[str]:
    """The paths a manifest field declares (a string, a list, or a mapping of `source`s)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [
            v["source"]
            for v in value.values()
            if isinstance(v, dict) and isinstance(v.get("source"), str)
        ]
    return []


def _inside(root: Path, path: Path) -> bool:
    """Whether `path` (links resolved) lies in the plugin at `root`."""
    return os.path.realpath(path).startswith(os.path.join(os.path.realpath(root), ""))


def _scan(layout: Layout, kind: str, base: Path, code: str | None, why: str) -> None:
    """Adds every Markdown file under `base` (any depth, `.md` in any case, links to folders
    not followed), as Claude Code scans a component folder."""
    for folder, dirs, files in os.walk(base):
        depth = len(Path(folder).relative_to(base).parts)
        dirs[:] = sorted(
            d for d in dirs if depth < _MAX_DEPTH and not os.path.islink(Path(folder, d))
        )
        for name in sorted(files):
            if name.lower().endswith(".md"):
                path = Path(folder, name)
                found = _found(layout, kind, path, base)
                layout.files[path] = found if code is None else Found(path, kind, None, code, why)


def _found(layout: Layout, kind: str, path: Path, base: Path) -> Found:
    """How Claude Code treats one Markdown file of a component folder whose scan starts at
    `base`."""
    folders = list(path.parent.relative_to(base).parts) if path.is_relative_to(base) else []
    plugin = layout.name
    skill_file = LAYOUT["skillFile"]
    if kind == "skills":
        if path.name != skill_file or len(folders) != 1:
            return Found(
                path,
                kind,
                None,
                "PL103",
                f"Claude Code reads only `{base.name}/<folder>/{skill_file}` as a skill",
            )
        return Found(path, kind, f"{plugin}:{path.parent.name}")
    if kind == "commands":
        if path.name.lower() == skill_file.lower():
            return Found(path, kind, f"{plugin}:{':'.join(folders)}")
        if any(p.name.lower() == skill_file.lower() for p in path.parent.glob("*")):
            return Found(
                path,
                kind,
                None,
                "PL103",
                f"its folder holds a `{skill_file}`, which Claude Code reads instead of the "
                "folder's other files",
            )
        return Found(path, kind, ":".join([plugin, *folders, path.name.removesuffix(".md")]))
    return named(Found(path, kind, None, base=base), plugin, frontmatter_of(path))


def named(found: Found, plugin: str, data: dict[str, Any]) -> Found:
    """An agent or output style of `plugin` named from its frontmatter `data` (the file's
    current text, in an editor), with PL301 when the name repeats the plugin's prefix."""
    path, kind, base = found.path, found.kind, found.base or found.path.parent
    folders = list(path.parent.relative_to(base).parts) if path.is_relative_to(base) else []
    value = data.get("name")
    declared = (js_string(value) or None) if value is not None else None
    if kind == "agents":
        if declared is not None and len(declared) > LAYOUT["nameMaxLength"]:
            declared = None
        base_name = declared or path.name.removesuffix(".md")
        name = ":".join([plugin, *folders, base_name])
    else:  # output styles: no folder in the name
        name = f"{plugin}:{declared or path.name.removesuffix('.md')}"
    if declared is not None and declared.startswith(f"{plugin}:"):
        why = f"Claude Code prefixes the plugin's name itself: this is listed as `{name}`"
        return Found(path, kind, name, "PL301", why, base)
    return Found(path, kind, name, base=base)


def frontmatter_of(path: Path) -> dict[str, Any]:
    """The frontmatter of a file on disk as Claude Code reads it ({} when it cannot)."""
    try:
        return read_source(path.read_text("utf-8", errors="replace")).data
    except OSError:
        return {}
