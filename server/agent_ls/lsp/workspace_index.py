"""The workspace index: per dialect file on disk (agents, skills, commands, output styles, a
plugin's), only the name it declares (for names across files: AL208, OS204, SK114, CM114) and
the file's identity (to skip unchanged files on a re-index); built in a worker thread, re-built
when asked (requests coalesce into one pending run). The engine is imported on first use (after
the initialize result: `languageserver`)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from agent_ls.lsp.diagnostics import refresh_all
from agent_ls.lsp.languageserver import AgentLanguageServer, Analysis, FileIdentity, uri_of

if TYPE_CHECKING:
    from agent_ls.core.names import DeclaredName, NameTable

    Index = dict[Path, tuple[FileIdentity, DeclaredName | None]]
    """Dialect files on disk: each one's identity and the name it declares."""


def request_reindex(ls: AgentLanguageServer, quiet_s: float = 0.0) -> None:
    """Re-indexes the workspace once no request came for `quiet_s`; requests made meanwhile
    or during a run fold into one more run (a checkout's storm of watched-file events costs
    one or two runs, not one per event, and messages are not read behind a busy index)."""
    ls.reindex_quiet_s = max(ls.reindex_quiet_s, quiet_s)
    ls.reindex_wanted = True
    if ls.reindexing is None or ls.reindexing.done():
        ls.reindexing = ls.run_task(_reindex_until_settled(ls))


async def _reindex_until_settled(ls: AgentLanguageServer) -> None:
    while ls.reindex_wanted:
        ls.reindex_wanted = False
        if ls.reindex_quiet_s:
            await asyncio.sleep(ls.reindex_quiet_s)
            if ls.reindex_wanted:
                continue  # still storming
        ls.reindex_quiet_s = 0.0
        await reindex(ls)


async def reindex(ls: AgentLanguageServer) -> None:
    """Re-reads the changed agent files on disk (and the personas, when stale), then has the open
    documents checked again."""
    from agent_ls.core.frontmatter import MarkdownSource
    from agent_ls.dialects import declared_name
    from agent_ls.dialects.plugins import forget_plugin_roots
    from agent_ls.workspace import no_collections

    forget_plugin_roots()  # a plugin.json may have come or gone
    if ls.personas_stale:
        ls.personas_stale = False
        await asyncio.to_thread(ls.rescan_personas)
    open_paths = frozenset(ls.path_of(uri) for uri in ls.workspace.text_documents)
    # The index lives until the next one: a collection while it grows would walk all of it so
    # far, holding the interpreter for tens of milliseconds at 10,000 files (requests answered
    # meanwhile wait). None runs while it is built, and it is frozen once built (the few reference
    # cycles that die meanwhile, if any, are frozen with it: freed by no collection).
    with no_collections():
        ls.index, names = await asyncio.to_thread(build_index, ls, ls.index, open_paths)
        for uri, analysis in ls.analyses.items():  # open documents count as the editor has them
            open_path = ls.path_of(uri)
            if open_path is not None and analysis.is_agent:
                if isinstance(analysis.source, MarkdownSource):
                    name = declared_name(analysis.dialect, open_path, analysis.source)
                    names.record(open_path, name)
        ls.names = names
    refresh_all(ls)


def build_index(
    ls: AgentLanguageServer, known: Index, open_paths: frozenset[Path | None]
) -> tuple[Index, NameTable]:
    """Returns the index of the files on disk and their name table, without the names of
    `open_paths` (worker thread: 10,000 files must not stall the event loop)."""
    from agent_ls.workspace import name_table

    index = index_workspace(ls, known)
    names = name_table()
    for path, (_, name) in index.items():
        if path not in open_paths:
            names.record(path, name)
    return index, names


def index_workspace(ls: AgentLanguageServer, known: Index) -> Index:
    """Returns the name each dialect file on disk declares, with its identity (worker thread);
    files whose identity is as in `known` are not read again."""
    index: Index = {}
    for path in named_files(ls):
        try:
            info = os.stat(path)
        except OSError:
            continue
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        previous = known.get(path)
        if previous is not None and previous[0] == identity:
            index[path] = previous
            continue
        index[path] = (identity, ls.declared_on_disk(path))
    return index


def named_files(ls: AgentLanguageServer) -> list[Path]:
    """Returns the workspace's Markdown files that a dialect's globs (or a plugin's layout)
    claim: those that may declare a name (walks the folders: worker thread)."""
    from agent_ls.workspace import dialect_of, walk_markdown

    root = ls.workspace_root
    if root is None:
        return []
    return [p for p in walk_markdown(root) if dialect_of(p, root, ls.settings)[1]]


def analyze_files(ls: AgentLanguageServer, paths: list[Path]) -> list[tuple[str, Analysis]]:
    """Returns the analyses of saved files by URI, leaving out unreadable ones (worker thread)."""
    out = []
    for path in paths:
        source = ls.source_on_disk(path)
        if source is not None:
            uri = uri_of(path)
            out.append((uri, ls.analysis_of(uri, source, None)))
    return out
