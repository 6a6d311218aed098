"""A real-world corpus: agent files that public npm packages ship, read by the real Claude Code.

    .venv/bin/python tests/conformance/corpus.py                 # record corpus.json
    .venv/bin/python tests/conformance/corpus.py --score         # agent-ls against corpus.json
    .venv/bin/python tests/conformance/corpus.py --measure DIR   # record and score any folder

`PACKAGES` pins each package's exact version and says which of its files are agent files (those
it installs into `.claude/agents/`). `npm pack` downloads each tarball into `.corpus/`
(gitignored; nothing is installed or run); the agent files are read straight from it. Each
package's files go into one throwaway project's `.claude/agents/` (as the package installs
them, subfolders kept) and the pinned Claude Code runs once over them, offline, spawning every
agent it lists (`record.run_claude`, the fake Messages API), so the golden of a file says what
the binary did: loaded or not, its debug-log lines, its listing line, the model and tools a spawn
got, or the error it returned. Listing lines are matched to files by the `name:` line as written
(a regular expression, not agent-ls's reading); files that share a name are told apart by
Claude Code's own "Duplicate agent name … active: PATH" line.

`corpus.json` keeps, per file: the package, version, path, a hash of the bytes, and that record.
`test_corpus.py` scores agent-ls against it (`oracle.Score`), offline but for the tarballs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record  # noqa: E402

CACHE = HERE / ".corpus"
GOLDENS = HERE / "corpus.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    agents: str
    """Regular expression for the tarball paths (below `package/`) of its agent files."""


PACKAGES = [
    Package("claude-flow", "3.43.0", r"\.claude/agents/.+\.md"),
    Package("@claude-flow/cli", "3.42.5", r"\.claude/agents/.+\.md"),
    Package("@nextsparkjs/ai-workflow", "0.1.0-beta.127", r"claude/agents/.+\.md"),
    Package("claude-cli-advanced-starter-pack", "2.11.7", r"templates/agents/.+\.md"),
    Package("@torka/claude-workflows", "0.10.0", r"agents/[^/]+\.md"),
    Package("@daemux/store-automator", "0.10.98", r"plugins/[^/]+/agents/.+\.md"),
    Package("@apogeelabs/the-agency", "0.11.0", r"src/templates/\.claude/agents/.+\.md"),
    Package("miyabi", "0.22.0", r"templates/claude-code/agents/.+\.md"),
]

_NAME_LINE = re.compile(rb"^name:[ \t]*(.*?)[ \t]*\r?$", re.M)
_COLOR_LINE = re.compile(rb"^color:[ \t]*(.*?)[ \t]*\r?$", re.M)


def tarball(package: Package) -> Path:
    """Returns the package's tarball, downloaded by `npm pack` unless it is already there."""
    slug = package.name.lstrip("@").replace("/", "-")
    path = CACHE / f"{slug}-{package.version}.tgz"
    if path.exists():
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise record.RecordError("npm is not installed: cannot download the corpus")
    CACHE.mkdir(exist_ok=True)
    done = subprocess.run(
        [npm, "pack", f"{package.name}@{package.version}", "--pack-destination", str(CACHE)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not path.exists():
        raise record.RecordError(f"npm pack {package.name}@{package.version} failed: {done.stderr}")
    return path


def agent_files(package: Package) -> dict[str, bytes]:
    """Returns path in the package → bytes, for every agent file of the package."""
    pattern = re.compile(package.agents)
    files = {}
    with tarfile.open(tarball(package)) as archive:
        for member in archive.getmembers():
            path = member.name.removeprefix("package/")
            if member.isfile() and pattern.fullmatch(path):
                handle = archive.extractfile(member)
                if handle is not None:
                    files[path] = handle.read()
    return dict(sorted(files.items()))


def placement(path: str) -> str:
    """Where a package file lands below `.claude/agents/` (after its last `agents/` folder)."""
    return path.rsplit("agents/", 1)[1]


def written_name(data: bytes) -> str | None:
    """The `name:` value as written on its line (quotes stripped), for matching the listing."""
    match = _NAME_LINE.search(data.split(b"\n---", 1)[0])
    if match is None:
        return None
    return match.group(1).decode("utf-8", "replace").strip("'\"")


def invisible_changes(data: bytes, colors: set[str]) -> str | None:
    """What Claude Code changes that no request shows: a color outside its eight is dropped
    (measured on the crafted color cases, whose cases.json notes say so)."""
    match = _COLOR_LINE.search(data.split(b"\n---", 1)[0])
    if match is None:
        return None
    color = match.group(1).decode("utf-8", "replace").split(" #", 1)[0].strip().strip("'\"")
    return None if color in colors else f"color `{color}` dropped"


class Spawner(record.Conductor):
    """Spawns every listed agent whose name is one of the files'; keeps each spawn's request."""

    def __init__(self, names: set[str]) -> None:
        super().__init__({})
        self.names = names

    def _plan(self, body: dict[str, Any]) -> None:
        with self.lock:
            if self.listing:
                return
            self.listing = record.listed_agents(body, self.names.__contains__)
            for number, agent in enumerate(self.listing):
                self._queue_spawn(f"n{number:04d}", agent["name"], f"corpus n{number:04d}")


_REJECTED = ("failed to parse and was ignored", "[ERROR] Agent file", "Failed to parse agent")


def _owners(
    files: dict[str, bytes],
    placed: dict[str, Path],
    log: list[str],
    active: dict[str, str],
    listing: list[dict[str, str]],
) -> dict[int, str]:
    """Returns listing index → the file it comes from.

    By the name as written; among files of one name, the one Claude Code's duplicate line calls
    active, else the one whose log does not reject it, else the one holding the description.
    """
    owners = {}
    for number, agent in enumerate(listing):
        candidates = [p for p, data in files.items() if written_name(data) == agent["name"]]
        if agent["name"] in active:
            candidates = [p for p in candidates if str(placed[p]) == active[agent["name"]]]
        if len(candidates) > 1:
            kept = [
                p
                for p in candidates
                if not any(str(placed[p]) in ln and r in ln for ln in log for r in _REJECTED)
            ]
            candidates = kept or candidates
        if len(candidates) > 1:
            probe = agent["description"][:60].encode("utf-8")
            candidates = [p for p in candidates if probe in files[p]] or candidates
        if candidates:
            owners[number] = candidates[0]
    return owners


def record_package(binary: Path, files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """Runs Claude Code once over one package's agent files; returns path → its golden."""
    names = {n for data in files.values() if (n := written_name(data))}
    spawner = Spawner(names)
    with tempfile.TemporaryDirectory(prefix="agent-ls-corpus-") as tmp:
        root = Path(tmp).resolve()
        agents = root / "workspace" / ".claude" / "agents"
        (root / "home").mkdir()
        placed: dict[str, Path] = {}
        for path, data in files.items():
            target = agents / placement(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            placed[path] = target
        (root / "workspace" / ".git").mkdir()  # the project's root, as in a real checkout
        run, _, _ = record.run_claude(binary, root, spawner)
        log = (root / "debug.log").read_text(errors="replace").splitlines()
        if not spawner.listing and run.returncode != 0:
            raise record.RecordError(f"no agent listing seen (exit {run.returncode})")
        active = {}
        for line in log:
            if "Duplicate agent name" in line and " active: " in line:
                active[line.split("Duplicate agent name '", 1)[1].split("'", 1)[0]] = line.rsplit(
                    " active: ", 1
                )[1].strip()
        owner = _owners(files, placed, log, active, spawner.listing)
        goldens = {}
        for path, data in files.items():
            where = str(placed[path])
            listed = next(
                ((n, a) for n, a in enumerate(spawner.listing) if owner.get(n) == path), None
            )
            entry: dict[str, Any] = {
                "sha": hashlib.sha256(data).hexdigest()[:16],
                "loaded": listed is not None,
                "log": [record._normalise_log(ln, root) for ln in log if where in ln],
            }
            if listed is not None:
                number, agent = listed
                entry["listed"] = agent
                key = f"n{number:04d}"
                sub = spawner.sub_requests.get(key)
                result = spawner.results.get(key)
                spawn: dict[str, Any] = {"requested": sub is not None}
                if sub is not None:
                    spawn["model"] = sub.get("model")
                    spawn["tools"] = record.request_tools(sub)
                if result is not None and (result["is_error"] or sub is None):
                    spawn["error"] = record._result_text(result)
                elif result is None:
                    spawn["error"] = "no tool result"
                entry["spawn"] = spawn
            goldens[path] = entry
    return goldens


def record_corpus(binary: Path) -> dict[str, Any]:
    packages = {}
    for package in PACKAGES:
        files = agent_files(package)
        packages[f"{package.name}@{package.version}"] = record_package(binary, files)
    return {"claudeCode": record.installed_version(), "packages": packages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--score", action="store_true", help="score agent-ls against corpus.json")
    parser.add_argument("--measure", type=Path, help="record and score the .md files of a folder")
    args = parser.parse_args(argv)
    from oracle import Score  # noqa: PLC0415
    from test_corpus import score_package  # noqa: PLC0415 - the scorer imports this module

    try:
        if args.measure:  # every .md below DIR, subfolders kept below one .claude/agents/
            files = {
                "agents/" + str(p.relative_to(args.measure)).replace("agents/", "agents_/"): (
                    p.read_bytes()
                )
                for p in sorted(args.measure.rglob("*.md"))
            }
            goldens = record_package(record.install(), files)
            disagreements: list[str] = []
            result = score_package(files, goldens, disagreements)
            for line in disagreements:
                print(line)  # noqa: T201
            print(result.summary())  # noqa: T201
            return 0
        if args.score:
            stored = json.loads(GOLDENS.read_text("utf-8"))
            total = Score()
            for package in PACKAGES:
                key = f"{package.name}@{package.version}"
                result = score_package(agent_files(package), stored["packages"][key], None, key)
                print(f"{key}: {result.summary()}")  # noqa: T201
                for name in vars(total):
                    setattr(total, name, getattr(total, name) + getattr(result, name))
            print(f"all: {total.summary()}")  # noqa: T201
            return 0
        goldens = record_corpus(record.install())
    except record.RecordError as err:
        print(f"corpus.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    GOLDENS.write_text(json.dumps(goldens, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    count = sum(len(p) for p in goldens["packages"].values())
    loaded = sum(f["loaded"] for p in goldens["packages"].values() for f in p.values())
    print(f"{count} files in {len(PACKAGES)} packages, {loaded} loaded → {GOLDENS}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
