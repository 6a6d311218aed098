"""Server-side compute of agent-ls, timed in-process (no protocol, no pipes, no event loop).

Run by bench/run.py with the project's interpreter (`.venv/bin/python bench/engine_bench.py`);
prints one JSON object of raw samples in milliseconds (wall and thread CPU time per call).
What is timed mirrors what the server does between a request arriving and its answer being
serialised (agent_ls/lsp/server.py):

- `check`: the pure engine, `diagnostics.rules.check(text)` (read + split + YAML + rules).
- `keystroke`: everything a didChange costs on the server: `analyze` (read_source, check_source,
  LineIndex), the workspace duplicate-name lookup against N other agents, and conversion of each
  finding to an LSP Diagnostic. N = 1 and N = 10,000 show whether workspace size leaks in.
- `completion` / `hover`: the candidates/hover text and their LSP conversion on a current analysis
  (completion as for VS Code: items built once, one default edit range, documentation on resolve).
- `check_1mb_body`: the pure engine on the same frontmatter with a 1 MB body.

Each keystroke sample checks a new text (one more character typed), as in an editor.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_ls.core.frontmatter import read_source  # noqa: E402
from agent_ls.core.names import NameTable  # noqa: E402
from agent_ls.core.textindex import LineIndex  # noqa: E402
from agent_ls.dialects.agents import DIALECT, CheckContext, check, check_source  # noqa: E402
from agent_ls.dialects.agents.catalogue import load_catalogue  # noqa: E402
from agent_ls.lsp import convert  # noqa: E402
from agent_ls.lsp.capabilities import ClientFeatures  # noqa: E402
from agent_ls.lsp.completion import item_json  # noqa: E402
from agent_ls.lsp.server import AgentLanguageServer  # noqa: E402
from agent_ls.workspace import name_table  # noqa: E402
from bench.corpus import agent_files, keystroke_file, keystrokes  # noqa: E402

URI = "file:///bench/.claude/agents/code-reviewer.md"
PATH = Path("/bench/.claude/agents/code-reviewer.md")


def typed_texts(text: str, count: int) -> list[str]:
    """Returns the document after each of `count` keystrokes."""
    lines = text.splitlines(keepends=True)
    texts = []
    for line, character, char in keystrokes(text, count):
        lines[line] = lines[line][:character] + char + lines[line][character:]
        texts.append("".join(lines))
    return texts


def timed(
    fn: Callable[[Any], object], inputs: list[Any], warmup: int = 20
) -> dict[str, list[float]]:
    """Times fn(x) for each input after `warmup` untimed calls; returns ms per call as
    {"wall": ..., "cpu": ...}. CPU is this thread's CPU time: what the call computed, without the
    time other processes on a shared machine held the core."""
    for x in inputs[:warmup]:
        fn(x)
    wall, cpu = [], []
    for x in inputs:
        c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
        fn(x)
        t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        wall.append((t1 - t0) / 1e6)
        cpu.append((c1 - c0) / 1e6)
    return {"wall": wall, "cpu": cpu}


def workspace_names(count: int) -> NameTable:
    """Returns the name table of a workspace holding the keystroke file and `count` others."""
    names = name_table()
    for f in agent_files(count):
        path = Path("/bench") / f.relpath
        source = read_source(f"---\nname: {f.relpath.stem}\ndescription: x\n---\n")
        names.record(path, DIALECT.declared_name(path, source))
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 300 if args.quick else 2_000
    catalogue = load_catalogue()
    ctx = CheckContext(catalogue, True, PATH.stem, None)
    base = keystroke_file()
    texts = typed_texts(base, count)

    def keystroke(text: str, names: NameTable) -> None:
        source = read_source(text)
        findings = check_source(source, ctx)
        index = LineIndex(text, "utf-16")
        names.record(PATH, DIALECT.declared_name(PATH, source))
        duplicate = names.duplicates(PATH)
        findings = [*findings, duplicate] if duplicate else findings
        [convert.diagnostic(f, index, URI, 1) for f in findings]

    results: dict[str, Any] = {"iterations": count, "file_bytes": len(base.encode())}
    gc.collect()
    results["check"] = timed(lambda t: check(t, ctx), texts)
    for n in (1, 1_000 if args.quick else 10_000):
        names = workspace_names(n)
        results[f"keystroke_workspace_{n}"] = timed(
            functools.partial(keystroke, names=names), texts
        )

    source = read_source(base)
    index = LineIndex(base, "utf-16")
    lines = base.splitlines()
    positions = {
        "tools": index.offset(3, len(lines[3])),
        "color": index.offset(5, len(lines[5])),
        "key": index.offset(1, 0),
    }
    server = AgentLanguageServer()  # its cache of completion items, as a client with
    server.client = ClientFeatures(completion_resolves_documentation=True)  # resolve gets them

    def completion(offset: int) -> None:
        candidates = DIALECT.complete(source, offset, None)
        [item_json(server, c, None, True) for c in candidates]
        if candidates:
            convert.range_of(index, candidates[0].start, candidates[0].end)

    for label, offset in positions.items():
        items = DIALECT.complete(source, offset, None)
        results[f"completion_{label}_items"] = len(items)
        results[f"completion_{label}"] = timed(completion, [offset] * count)
    findings = check_source(source, ctx)
    results["hover_model"] = timed(
        lambda o: DIALECT.hover(source, o, findings), [index.offset(4, 2)] * count
    )

    big = base + ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 18_000)
    results["big_file_bytes"] = len(big.encode())
    results["check_1mb_body"] = timed(lambda t: check(t, ctx), [big] * max(50, count // 20), 3)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
