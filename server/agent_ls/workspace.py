"""The workspace: which files are whose, their names across files, and `.mcp.json`.

Shared by the CLI (a folder walk) and the language server (an index kept up to date as files
change). Files are read by the one bounded reader (`reading`), as Claude Code reads them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import MAX_FILE_BYTES, MarkdownSource
from agent_ls.core.names import DeclaredName, NamePolicy, NameTable
from agent_ls.dialects import agents, all_dialects, declared_name, dialect_for
from agent_ls.dialects.base import CheckContext, Dialect
from agent_ls.dialects.extensions import folder_may_hold_misnamed
from agent_ls.reading import (
    FileTooLarge,
    UnreadableFile,
    read_decoded,
)
from agent_ls.settings import Settings

__all__ = [
    "FileTooLarge",
    "UnreadableFile",
    "declared_name",
    "read_text",
]  # re-exported for the server, personas
_log = logging.getLogger(__name__)

SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
)


def read_text(path: Path) -> str:
    """Returns an agent file's text as Claude Code decodes it (invalid UTF-8 → U+FFFD).

    Raises UnreadableFile for what is not a regular file and FileTooLarge over 1 MiB (Claude
    Code skips those).
    """
    return read_decoded(path, MAX_FILE_BYTES).text


def load_mcp_servers(
    root: Path | None, home: Path | None = None, texts: Mapping[Path, str] | None = None
) -> frozenset[str] | None:
    """Returns the MCP server names Claude Code knows for the workspace at `root`, from every
    layer it reads (`.mcp.json`, `~/.claude.json`, enabled plugins: `dialects.mcp.servers`; the
    open documents' `texts` over their files), or None when there is no workspace or a layer
    cannot be read (MCP tool names are then not checked)."""
    from agent_ls.dialects.mcp.servers import known_servers

    return known_servers(root, home, texts)


def agent_globs(settings: Settings) -> tuple[str, ...]:
    """Where agent files are looked for: the catalogue's agent globs, then the settings'."""
    return agents.DIALECT.globs(settings)


def is_agent_path(path: Path, root: Path | None, settings: Settings) -> bool:
    """Whether `path` lies where agents are looked for (agent globs, relative to `root`)."""
    return agents.DIALECT.matches(path, root, settings)


def dialect_of(
    path: Path | None, root: Path | None, settings: Settings
) -> tuple[Dialect[Any], bool]:
    """Returns the dialect that checks `path` (with the settings applied), and whether its globs
    matched: the first dialect whose globs match, else the one that also checks look-alikes
    anywhere (agents: Markdown whose frontmatter is an agent's)."""
    found = None if path is None else dialect_for(path, root, settings)
    if found is not None:
        return found.with_settings(settings), True
    fallback = next(d for d in all_dialects() if d.claims_outside_globs)
    return fallback.with_settings(settings), False


def walk_markdown(folder: Path) -> Iterator[Path]:
    """Yields every `.md` file under `folder`, following symlinks once (no loops), sorted."""
    return walk_files(folder, (".md",))


def walk_dialect_files(folder: Path, settings: Settings) -> Iterator[Path]:
    """Yields the files under `folder` a dialect may check: Markdown, files with the extension
    of a dialect's glob (`.json`…), and every other file of a folder where a dialect reads `.md`
    files and reports the others (`dialects.extensions`: `notes.txt` in an output-styles
    folder), sorted, symlinks followed once."""
    suffixes = {".md"}
    dialects = all_dialects()
    for dialect in dialects:
        suffixes.update(os.path.splitext(g)[1] for g in dialect.globs(settings))

    def takes_all(here: Path) -> bool:
        return folder_may_hold_misnamed(here, None, settings, dialects)

    return walk_files(folder, tuple(sorted(s for s in suffixes if s)), takes_all)


def walk_files(
    folder: Path, suffixes: tuple[str, ...], takes_all: Callable[[Path], bool] | None = None
) -> Iterator[Path]:
    """Yields every file under `folder` whose name ends with one of `suffixes` (every file but
    hidden ones, in a folder for which `takes_all` is true), following symlinks once (no
    loops), sorted."""
    seen: set[tuple[int, int]] = set()
    for current, dirs, files in os.walk(folder, followlinks=True):
        try:
            stat = os.stat(current)
        except OSError:
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        here = Path(current)  # parsed once per folder, not once per file
        every = takes_all is not None and takes_all(here)
        child = _child_of(here)
        for name in sorted(files):
            if name.endswith(suffixes) or (every and not name.startswith(".")):
                yield child(name)


def _child_of(folder: Path) -> Callable[[str], Path]:
    """Returns what makes the path of a file named `name` in `folder`: `folder / name` without
    parsing `name` again where pathlib can (its `_make_child_relpath`, for a name known to hold
    no separator: a third of the time; 30 ms of a walk over 10,000 files)."""
    return getattr(folder, "_make_child_relpath", folder.joinpath)


def name_table(home: Path | None = None) -> NameTable:
    """An empty table of names across files, with every dialect's policy of who wins a name;
    files under `home` (default: this user's) are the user's."""
    return NameTable(_name_policies(), Path.home() if home is None else home)


@functools.cache
def _name_policies() -> dict[str, NamePolicy]:
    return {
        d.name_slot.namespace: d.name_policy
        for d in all_dialects()
        if d.name_slot is not None and d.name_policy is not None
    }


def too_large_finding(size: int) -> Finding:
    """AL901 for an agent file over Claude Code's 1 MiB limit."""
    return Finding(
        "AL901",
        f"This file is {size:,} bytes: Claude Code skips agent files over {MAX_FILE_BYTES:,} "
        "bytes (1 MiB), so this agent is not loaded.",
        0,
        0,
    )


@dataclass
class FileReport:
    """The findings for one file, with the text they point into."""

    path: Path
    text: str
    findings: list[Finding]
    rendered: Any = None
    """What the `render` given to `check_paths` made of this report (None without one)."""


Render = Callable[[FileReport], Any]
"""Turns a report into its output (e.g. a format's serialised text): run where the file is
checked, so the processes of a large check do it in parallel rather than one after the join."""

POOL_MIN_FILES = 400
"""From this many files on, `check_paths` spreads them over a process per core."""
_CHUNK_FILES = 100


@dataclass(frozen=True)
class _CheckJob:
    """What checking one file needs besides its path (the same for every file of a run)."""

    explicit: frozenset[Path]
    root: Path | None
    settings: Settings
    mcp: frozenset[str] | None
    render: Render | None
    fixes: bool


_Declared = tuple[str, int, int, str, str, str, bool]
"""A `DeclaredName` without its path: (name, start, end, namespace, kind, code, plugin)."""
_Checked = tuple[
    list[tuple[int, str, list[Finding], _Declared | None, Any]],
    list[tuple[int, str]],
]
"""Checked files by their place in the list of paths (a `Path` sent back by a fork would be
pickled as its parts and parsed again): for each agent file the text its findings point into, the
findings, the name it declares (`_Declared`) and what `render` made of it; for each
unreadable file the reason."""


def check_paths(
    paths: Iterable[Path],
    explicit: set[Path],
    root: Path | None,
    settings: Settings,
    home: Path | None = None,
    render: Render | None = None,
    fixes: bool = True,
) -> tuple[list[FileReport], list[tuple[Path, str]]]:
    """Checks files, each by its dialect (`dialect_of`); returns reports of the files a
    dialect checks and (path, reason) for unreadable ones.

    Files in `explicit` are always checked (by the dialect of their globs, else as agents);
    others only when they match a dialect's globs or carry agent frontmatter. Duplicate names
    are checked across all of them. MCP tool names are judged against the servers Claude Code
    knows for `root` with the user's home `home` (default: this user's; `load_mcp_servers`). From
    `POOL_MIN_FILES` files on, where the platform can fork, the files are checked by a process
    per core (this one and forks of it: call it from a process without threads, as the CLI is),
    in chunks whose results are joined in order: the reports are the same, in the same order,
    as from one process. Each report's `rendered` is `render(report)`, made by the process that
    checked it (made again for a report that gets a duplicate-name finding). Without `fixes`,
    findings may lack the fixes that cost a search (see `CheckContext.quote_fixes`).
    """
    job = _CheckJob(
        frozenset(explicit), root, settings, load_mcp_servers(root, home), render, fixes
    )
    files = list(paths)
    workers = _usable_cores()
    with no_collections():
        if len(files) < POOL_MIN_FILES or workers < 2 or not hasattr(os, "fork"):
            chunks = [files]
            parts = [_check_files(job, files)]
        else:
            size = max(_CHUNK_FILES, -(-len(files) // MAX_CHUNKS))
            chunks = [files[i : i + size] for i in range(0, len(files), size)]
            parts = _check_forked(job, chunks, workers)
        return _joined(chunks, parts, name_table(home), render)


def _joined(
    chunks: list[list[Path]], parts: list[_Checked], names: NameTable, render: Render | None
) -> tuple[list[FileReport], list[tuple[Path, str]]]:
    """The reports of checked `chunks` in order, with the duplicate names across all of them
    (only the files whose name another file declares too go into `names`: most names are one
    file's, and a file alone with its name gets no finding)."""
    counts = Counter(
        (declared[3], declared[0])  # (namespace, name)
        for checked, _ in parts
        for _, _, _, declared, _ in checked
        if declared is not None
    )
    reports: list[FileReport] = []
    shared: list[FileReport] = []
    errors: list[tuple[Path, str]] = []
    for chunk, (checked, unreadable) in zip(chunks, parts, strict=True):
        for place, text, findings, declared, rendered in checked:
            report = FileReport(chunk[place], text, findings, rendered)
            reports.append(report)
            if declared is not None and counts[declared[3], declared[0]] > 1:
                names.record(report.path, DeclaredName(report.path, *declared))
                shared.append(report)
        errors += [(chunk[place], reason) for place, reason in unreadable]
    for report in shared:
        duplicate = names.duplicates(report.path)
        if duplicate is not None:
            report.findings.append(duplicate)
            report.findings.sort(key=lambda f: (f.start, f.end, f.code))
            if render is not None:
                report.rendered = render(report)
    return reports, errors


def _check_forked(job: _CheckJob, chunks: list[list[Path]], workers: int) -> list[_Checked]:
    """Checks `chunks` with this process and `workers - 1` forked ones, and returns the parts in
    the order of `chunks`. Each process claims the next chunk from a pipe that holds every
    chunk's number (a read of a few bytes from a pipe is atomic), so a process that runs slower
    takes fewer chunks and all finish within one chunk of each other. A fork holds the chunks
    from its start, so only its results cross over, each chunk pickled as soon as it is checked
    and sent through a pipe of its own that is read once this process has no chunk left; nothing
    this process checks is pickled, and no pool, queue or thread is set up (a pool's feeding
    threads starved its workers while this process checked too)."""
    import pickle

    claims, unclaimed = os.pipe()
    os.write(unclaimed, b"".join(i.to_bytes(_CLAIM_BYTES, "little") for i in range(len(chunks))))
    forks: list[tuple[int, int]] = []
    done: dict[int, _Checked] = {}
    try:
        for _ in range(1, workers):
            readable, writable = os.pipe()
            pid = os.fork()
            if pid == 0:  # the fork: check what it claims, send it, exit without any cleanup
                os.close(readable)
                os.close(unclaimed)
                _send_claimed(job, chunks, claims, writable)
            os.close(writable)
            forks.append((pid, readable))
        os.close(unclaimed)  # no writer left: a claim finds the end once every chunk is taken
        unclaimed = -1
        done = dict(_check_claimed(job, chunks, claims))
        while forks:
            pid, readable = forks.pop(0)
            try:
                with os.fdopen(readable, "rb") as received:
                    data = received.read()
            finally:
                os.waitpid(pid, 0)
            message: tuple[str, Any] = pickle.loads(data) if data else ("failed", "it exited")
            outcome, theirs = message
            if outcome != "checked":
                raise RuntimeError(f"a forked check failed: {theirs}")
            done.update(pickle.loads(piece) for piece in theirs)
    finally:  # when this process failed, its forks find their pipes closed and exit
        for fd in (claims, unclaimed, *(readable for _, readable in forks)):
            if fd != -1:
                os.close(fd)
        for pid, _ in forks:
            os.waitpid(pid, 0)
    return [done[i] for i in range(len(chunks))]


_CLAIM_BYTES = 4
"""A chunk's number in the pipe of claims (`_check_forked`)."""
MAX_CHUNKS = 1024
"""So many chunks' numbers (4 KiB) fit in any pipe (64 KiB on Linux, 16 KiB on macOS), so
writing them waits for no reader: larger inputs get larger chunks."""


def _check_claimed(job: _CheckJob, chunks: list[list[Path]], claims: int) -> Iterator[_Claimed]:
    """Checks the chunks this process claims from `claims` until none is left."""
    while len(claim := os.read(claims, _CLAIM_BYTES)) == _CLAIM_BYTES:
        number = int.from_bytes(claim, "little")
        yield number, _check_files(job, chunks[number])


_Claimed = tuple[int, _Checked]
"""A checked chunk: its number, its part."""


def _send_claimed(job: _CheckJob, chunks: list[list[Path]], claims: int, writable: int) -> NoReturn:
    """In a fork: checks the chunks it claims, writes ("checked", each chunk pickled) or
    ("failed", why) to `writable` (pickled), and exits at once (no atexit handler, no flush of
    what the parent buffered). Each chunk is pickled as soon as it is checked, while the parent
    still checks too: only the writing is left when the last one is done."""
    import pickle

    try:
        try:
            pieces = [
                pickle.dumps(c, pickle.HIGHEST_PROTOCOL)
                for c in _check_claimed(job, chunks, claims)
            ]
            message: tuple[str, Any] = ("checked", pieces)
        except Exception as err:  # noqa: BLE001 - sent to the parent, which raises it
            message = ("failed", f"{type(err).__name__}: {err}")
        with os.fdopen(writable, "wb") as out:
            pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _check_files(job: _CheckJob, paths: list[Path]) -> _Checked:
    """Checks `paths` (without the duplicate-name rule, which needs every file's name)."""
    checked: _Checked = ([], [])
    for place, path in enumerate(paths):
        dialect, in_globs = dialect_of(path, job.root, job.settings)
        in_globs = in_globs or path in job.explicit
        try:
            decoded = read_decoded(path, MAX_FILE_BYTES)
        except FileTooLarge as err:
            if in_globs:  # Claude Code skips it: the agent is not loaded
                report = FileReport(path, "", [too_large_finding(err.size)])
                checked[0].append((place, "", report.findings, None, _rendered(job, report)))
            continue
        except UnreadableFile as err:
            checked[1].append((place, str(err)))
            continue
        text = decoded.text
        source = dialect.read(text)
        ctx = CheckContext(
            dialect.catalogue,
            in_globs,
            path.stem,
            job.mcp,
            decoded.invalid_at,
            quote_fixes=job.fixes,
            path=path,
        )
        findings = dialect.check(source, ctx)
        if not in_globs and not findings and not dialect.claims(source, in_globs):
            continue
        # Every finding (and the name compared across files) lies before the body or on the
        # first line: keep only that much text, so a walk over 10,000 files does not hold
        # 10,000 bodies until the output is written.
        name = None
        if isinstance(source, MarkdownSource):
            end = source.split.body_start if source.split.has_frontmatter else 0
            name = declared_name(dialect, path, source)
        else:  # a JSON file: its findings may point anywhere in it
            end = len(text)
        end = max([end, *(f.end for f in findings), name.end if name else 0])
        declared = None if name is None else _declared_fields(name)
        report = FileReport(path, text[:end], findings)
        checked[0].append((place, report.text, findings, declared, _rendered(job, report)))
    return checked


def _declared_fields(name: DeclaredName) -> _Declared:
    return (name.name, name.start, name.end, name.namespace, name.kind, name.code, name.plugin)


def _rendered(job: _CheckJob, report: FileReport) -> Any:
    return None if job.render is None else job.render(report)


@contextlib.contextmanager
def no_collections() -> Iterator[None]:
    """No collection runs while the block runs, and none walks what it made afterwards: it is
    frozen (`gc.freeze`) when the block ends, and the collector is left as it was found. For
    work that makes many objects that live on and none that form cycles (the few cycles that die
    meanwhile, if any, are frozen too: freed by no collection). A `check` over 10,000 files spent
    60-80 ms of collections during its join, and 50 ms for the first one after it; the server's
    index, built in a thread, made a collection walk it on the event loop's thread."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
