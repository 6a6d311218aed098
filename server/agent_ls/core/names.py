"""Names across files: which file Claude Code loads when several files declare one name.

Dialect-free. A dialect says under which name (and in which namespace) a file is loaded
(`DeclaredName`) and, as data, who wins a name (`NamePolicy`); `NameTable` keeps every file's name
and finds the files another file of the same name hides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import Entry, MarkdownSource


class NameSlot(NamedTuple):
    """Where a dialect's files keep their names: the namespace, what a file is in it, and the
    code of the finding on a file another file of the same name hides."""

    namespace: str
    kind: str
    code: str


class DeclaredName(NamedTuple):
    """Where one file declares the name Claude Code loads it under (a tuple: one is made for
    every file of a walk or a workspace, and a frozen dataclass costs several times as much)."""

    path: Path
    name: str
    start: int
    end: int
    namespace: str
    """Names collide only inside one namespace (skills and commands share one)."""
    kind: str
    """What the file is in its namespace (`skill`, `command`): a part of its origin."""
    code: str
    """The code of the finding on this file when another file takes its name."""
    plugin: bool = False
    """A plugin's file (loaded under the plugin's prefix, which `name` includes)."""


@dataclass(frozen=True)
class NamePolicy:
    """Who wins a name in one namespace (a dialect's catalogue, `sameName`)."""

    noun: str
    """What the name is, for messages (`agent name`, `output style name`)."""
    precedence: tuple[str, ...]
    """Origins (`project style`, `user skill`…), the winner first: the first kind loaded wins."""
    deeper_wins: bool = False
    """Between two project files, the deeper project folder wins (measured for agents only)."""
    tell_winner: bool = False
    """Also report the winner (AL208 reports every file of the name)."""

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> NamePolicy:
        return cls(
            raw["noun"],
            tuple(raw["precedence"]),
            bool(raw.get("deeperWins", False)),
            bool(raw.get("tellWinner", False)),
        )


@dataclass
class NameTable:
    """Every file's declared name, by path and by (namespace, name), to find duplicates."""

    policies: Mapping[str, NamePolicy]
    home: Path | None = None
    """The user's home: files under `HOME/.claude/` are the user's."""
    by_path: dict[Path, DeclaredName] = field(default_factory=dict)
    by_key: dict[tuple[str, str], set[Path]] = field(default_factory=dict)
    """Paths by (namespace, name), so a file's duplicates cost no scan of the workspace."""

    def record(self, path: Path, name: DeclaredName | None) -> None:
        """Records `name` as the one `path` declares (None: it declares none)."""
        old = self.by_path.pop(path, None)
        if old is not None:
            self.by_key[(old.namespace, old.name)].discard(path)
        if name is None:
            return
        self.by_path[path] = name
        self.by_key.setdefault((name.namespace, name.name), set()).add(path)

    def duplicates(self, path: Path) -> Finding | None:
        """Returns the finding for `path` when another file declares its name and may win it."""
        mine = self.by_path.get(path)
        if mine is None:
            return None
        same = self.by_key[(mine.namespace, mine.name)]
        policy = self.policies.get(mine.namespace)
        if len(same) < 2 or policy is None:  # most files: no other file has the name
            return None
        others = sorted(same - {path}, key=str)
        everyone = (path, *others)
        rank = {p: self._rank(self.by_path[p], policy) for p in everyone}
        best = max(rank.values())
        leaders = [p for p in everyone if rank[p] == best]
        if leaders == [path] and not policy.tell_winner:
            return None
        verdict = self._verdict(path, leaders, rank, policy)
        other_list = ", ".join(f"`{p}`" for p in others[:3]) + (" …" if len(others) > 3 else "")
        return Finding(
            mine.code,
            f"The {policy.noun} `{mine.name}` is also used by {other_list}: {verdict}.",
            mine.start,
            mine.end,
        )

    def origin(self, name: DeclaredName) -> str:
        """Where the file sits, as a policy ranks it: `project agent`, `user skill`, …"""
        if name.plugin:
            level = "plugin"
        elif self.home is not None and name.path.is_relative_to(self.home / ".claude"):
            level = "user"
        else:
            level = "project"
        return f"{level} {name.kind}"

    def _rank(self, name: DeclaredName, policy: NamePolicy) -> tuple[int, int]:
        """Higher wins: the origin's place in the policy, then (if it says so) the depth."""
        origin = self.origin(name)
        place = policy.precedence.index(origin) if origin in policy.precedence else 0
        depth = _project_depth(name.path) if policy.deeper_wins else 0
        return (len(policy.precedence) - place, depth)

    def _verdict(
        self,
        path: Path,
        leaders: list[Path],
        rank: dict[Path, tuple[int, int]],
        policy: NamePolicy,
    ) -> str:
        if len(leaders) > 1 and path in leaders:
            return "only one of these is loaded (which one depends on Claude Code's scan order)"
        # The reason the leaders win: their origin, else (same origin) their deeper project.
        leader, loser = leaders[0], path if path not in leaders else None
        if loser is None:
            beaten = min(rank, key=lambda p: rank[p])
            why = self._why(leader, beaten, rank, policy)
            return f"Claude Code loads this one ({why}) and ignores the others"
        why = self._why(leader, loser, rank, policy)
        if len(leaders) == 1:
            return f"Claude Code loads `{leader}` ({why}) and ignores this one"
        return f"Claude Code loads one of those ({why}) and ignores this one"

    def _why(
        self, winner: Path, loser: Path, rank: dict[Path, tuple[int, int]], policy: NamePolicy
    ) -> str:
        if rank[winner][0] == rank[loser][0]:
            return "its project folder is deeper"
        won, lost = self.origin(self.by_path[winner]), self.origin(self.by_path[loser])
        return f"a {won} wins over a {lost}"


def name_entry(source: MarkdownSource) -> Entry | None:
    """The frontmatter's last `name` entry (the one YAML keeps), if any."""
    frontmatter = getattr(source, "frontmatter", None)  # a JSON dialect's source has none
    if frontmatter is None:
        return None
    return next((e for e in reversed(frontmatter.entries) if e.key == "name"), None)


def name_span(source: MarkdownSource, fallback: tuple[int, int]) -> tuple[int, int]:
    """The range of the `name` value, else `fallback` (where a file named by its path points)."""
    entry = name_entry(source)
    return fallback if entry is None else (entry.value_start, entry.value_end)


def _project_depth(path: Path) -> int:
    """Depth of the project folder whose `.claude` holds `path` (its parent's, if none)."""
    parts = path.absolute().parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == ".claude":
            return i
    return len(parts) - 1
