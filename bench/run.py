"""agent-ls measured side by side with its peers, in one run: `python bench/run.py [--quick]`.

Sections (all by default; pick with --only):
  cli        `agent-ls check` vs agnix, cclint, claudelint and the read+compose floor, on 100 /
             1,000 / 10,000 files
  startup    spawn → initialize result: agent-ls, yaml-language-server, a minimal pygls server,
             and the pygls-import floor
  lsp        didOpen, keystroke, completion, hover through a real stdio client
  workspace  agent-ls on a 10,000-file workspace: time to index, memory, hover latency while it
             indexes, keystroke latency
  engine     agent-ls's server-side compute, in-process (bench/engine_bench.py)
  persona    bench/persona_bench.py, when it exists

Prints tables and writes every sample to bench/results/<date>T<time>[-quick].json.
Standard library only; peers come from bench/setup.sh (run automatically when missing).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import (  # noqa: E402
    AGENTS_DIR,
    frontmatter_of,
    generate,
    keystroke_file,
    keystrokes,
)
from bench.lsp_client import Diagnostics, LspClient, cpu_ms, rss_kb  # noqa: E402

TOOLS = BENCH / ".tools"
VENV_PY = ROOT / ".venv" / "bin" / "python"
AGENT_LS = ROOT / ".venv" / "bin" / "agent-ls"
AGNIX = TOOLS / "venv" / "bin" / "agnix"
CLAUDELINT = TOOLS / "venv" / "bin" / "claudelint"
CCLINT = TOOLS / "node" / "node_modules" / ".bin" / "cclint"
YAML_LS = TOOLS / "node" / "node_modules" / ".bin" / "yaml-language-server"
MINIMAL_PYGLS = BENCH / "minimal_pygls_server.py"
FLOOR = BENCH / "floor_read_compose.py"
CORPORA = BENCH / "corpus"
GNU_TIME = "/usr/bin/time"
RESULTS = BENCH / "results"
SECTIONS = ("cli", "startup", "lsp", "workspace", "engine", "persona")
MINIMAL_PYGLS_NAME = "minimal pygls server"
YAML_LS_DELAY_MS = 200.0
"""yaml-language-server validates a fixed 200 ms after the last change (not configurable)."""


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run and --quick differ only here."""

    sizes: tuple[int, ...]
    cli_repeats: dict[int, int]
    slow_run_s: float
    """A warm-up run slower than this counts as a sample (warming matters little at that size)."""
    cell_budget_s: float
    """A tool is not run again on a corpus once its runs there have taken this long in all,
    or would with one more run (agnix and agent-ls take minutes on 10,000 files)."""
    startup_repeats: int
    opens: int
    edits: dict[str, int]
    """Keystrokes per LSP configuration (each waits for its diagnostics)."""
    requests: int
    """Completion and hover requests per position."""
    workspace_size: int
    workspace_repeats: int
    """Sessions timing the index alone (time to AL208)."""
    hover_sessions: int
    """Sessions hovering back to back while the server indexes (the last one also types)."""


FULL = Plan(
    sizes=(100, 1_000, 10_000),
    cli_repeats={100: 10, 1_000: 5, 10_000: 3},
    slow_run_s=20.0,
    cell_budget_s=300.0,
    startup_repeats=15,
    opens=20,
    edits={
        "agent-ls (debounce 0)": 300,
        "agent-ls (default settings)": 200,
        "yaml-language-server": 200,
    },
    requests=200,
    workspace_size=10_000,
    workspace_repeats=3,
    hover_sessions=3,
)
QUICK = Plan(
    sizes=(100, 1_000),
    cli_repeats={100: 5, 1_000: 2},
    slow_run_s=3.0,
    cell_budget_s=20.0,
    startup_repeats=3,
    opens=5,
    edits={
        "agent-ls (debounce 0)": 100,
        "agent-ls (default settings)": 40,
        "yaml-language-server": 30,
    },
    requests=50,
    workspace_size=1_000,
    workspace_repeats=1,
    hover_sessions=1,
)


# --- statistics and tables -------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Returns the q-th percentile (0–100), linearly interpolated between order statistics."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Returns n, median, p95, p99, min and max of `samples`."""
    return {
        "n": len(samples),
        "median": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
        "min": min(samples) if samples else math.nan,
        "max": max(samples) if samples else math.nan,
    }


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def ratio(value: float, reference: float) -> str:
    """value / reference as `1.23×` (how many times agent-ls's figure the peer's is)."""
    if not reference or math.isnan(value) or math.isnan(reference):
        return "–"
    return f"{value / reference:.2f}×"


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    rows = [list(map(str, r)) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print(f"\n## {title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------------


@dataclass
class ProcessRun:
    """One finished process: wall and CPU time, memory, exit code."""

    wall_s: float
    cpu_s: float
    max_rss_mb: float
    """Peak RSS of the largest single process of the tree (GNU time's %M, from wait4)."""
    tree_rss_mb: float
    """Peak of the summed RSS of the whole process tree (sampled every 10 ms from /proc)."""
    returncode: int
    timed_out: bool = False


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += rss_kb(p)[0]
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_process(argv: Sequence[str], cwd: Path, stdout: Path, timeout_s: float = 900) -> ProcessRun:
    """Runs argv to completion with stdout to a file, under GNU time for its peak memory.

    (The rusage of a child forked from this Python process would count this process's own pages,
    copied before exec; GNU time's child is forked from a tiny process.)
    """
    stats = stdout.with_suffix(".time")
    with open(stdout, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [GNU_TIME, "-q", "-f", "%M %U %S %x", "-o", str(stats), *argv],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.01):
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            process.wait(timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            timed_out = True
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    fields = stats.read_text().split()[-4:] if not timed_out else ["0", "0", "0", "-9"]
    max_rss_kb, user, system, code = (
        int(fields[0]),
        float(fields[1]),
        float(fields[2]),
        int(fields[3]),
    )
    return ProcessRun(
        wall_s=wall,
        cpu_s=user + system,
        max_rss_mb=max_rss_kb / 1024,
        tree_rss_mb=max(peak[0], max_rss_kb) / 1024,
        returncode=code,
        timed_out=timed_out,
    )


# --- CLI -------------------------------------------------------------------------------------


Counts = tuple[int | None, int | None]
"""(files a linter reports on, findings it reports), None where its output does not say."""


@dataclass(frozen=True)
class CliTool:
    name: str
    argv: Callable[[Path, Path], list[str]]
    """(corpus root, report file) → command line; run in the corpus root."""
    counts: Callable[[Path, Path, Path], Counts]
    """(corpus root, stdout file, report file) → (files it reports on, findings it reports)."""


def _agent_ls_counts(root: Path, stdout: Path, report: Path) -> Counts:
    data = json.loads(stdout.read_text())
    return len(data["files"]), sum(len(f["diagnostics"]) for f in data["files"])


def _agnix_counts(root: Path, stdout: Path, report: Path) -> Counts:
    data = json.loads(stdout.read_text())
    return data["files_checked"], len(data["diagnostics"])


def _cclint_counts(root: Path, stdout: Path, report: Path) -> Counts:
    data = json.loads(report.read_text())
    return data["totalFiles"], data["totalErrors"] + data["totalWarnings"] + data[
        "totalSuggestions"
    ]


def _claudelint_counts(root: Path, stdout: Path, report: Path) -> Counts:
    text = stdout.read_text(errors="replace")
    findings = sum(1 for line in text.splitlines() if "ERROR [" in line or "WARNING [" in line)
    agents = claudelint_root(root) / "agents"
    return len(list(agents.glob("*.md"))), findings  # it globs agents/*.md only (not subfolders)


def _floor_counts(root: Path, stdout: Path, report: Path) -> Counts:
    data = json.loads(stdout.read_text())
    return data["files"], None


def claudelint_root(corpus: Path) -> Path:
    """claudelint lints plugins (`<root>/.claude-plugin/`, `<root>/agents/*.md`): returns a plugin
    folder beside the corpus whose `agents` links to the corpus's `.claude/agents`."""
    root = corpus.parent / f"claudelint-{corpus.name}"
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    manifest = {"name": "bench", "version": "0.0.0", "description": "agent-ls benchmark corpus"}
    (root / ".claude-plugin" / "plugin.json").write_text(json.dumps(manifest))
    link = root / "agents"
    if not link.is_symlink():
        link.symlink_to(Path("..") / corpus.name / AGENTS_DIR)
    return root


CLI_TOOLS = (
    CliTool(
        "agent-ls", lambda c, r: [str(AGENT_LS), "check", ".", "--format", "json"], _agent_ls_counts
    ),
    CliTool(
        "agnix",
        lambda c, r: [str(AGNIX), "--target", "claude-code", "--format", "json", "."],
        _agnix_counts,
    ),
    CliTool(
        "cclint",
        lambda c, r: [str(CCLINT), "--format", "json", "-o", str(r), "-r", "."],
        _cclint_counts,
    ),
    CliTool(
        "claudelint", lambda c, r: [str(CLAUDELINT), str(claudelint_root(c))], _claudelint_counts
    ),
    CliTool("floor: read+compose", lambda c, r: [str(VENV_PY), str(FLOOR), "."], _floor_counts),
)


def run_tool(tool: CliTool, corpus: Path, scratch: Path, label: str) -> tuple[ProcessRun, Counts]:
    """Runs one linter over one corpus; returns the measurement and what its output reports."""
    slug = tool.name.split(":")[0]
    stdout, report = scratch / f"{slug}.out", scratch / f"{slug}.report"
    report.unlink(missing_ok=True)
    run = run_process(tool.argv(corpus, report), corpus, stdout)
    log(f"cli {corpus.name:>6} {tool.name:<10} {label}: {run.wall_s:7.2f} s  rc={run.returncode}")
    try:
        counts = tool.counts(corpus, stdout, report)
    except (OSError, ValueError, KeyError) as err:
        log(f"  could not read {tool.name}'s report: {err}")
        counts = (None, None)
    return run, counts


def bench_cli(plan: Plan, scratch: Path, names: Sequence[str] = ()) -> dict[str, Any]:
    """Wall time, CPU time and peak memory of each linter on each corpus size, interleaved
    (only the tools `names`, when given: agent-ls is always one)."""
    results: dict[str, Any] = {}
    tools = tuple(t for t in CLI_TOOLS if not names or t.name in {"agent-ls", *names})
    for size in plan.sizes:
        corpus = CORPORA / str(size)
        generate(corpus, size)
        runs: dict[str, list[ProcessRun]] = {t.name: [] for t in tools}
        counts: dict[str, Counts] = {}
        spent: dict[str, float] = {}
        for tool in tools:  # warm-up: caches, .pyc files; slow runs count as a sample
            run, counts[tool.name] = run_tool(tool, corpus, scratch, "warm-up")
            spent[tool.name] = run.wall_s
            if run.wall_s > plan.slow_run_s:
                runs[tool.name].append(run)
        for i in range(plan.cli_repeats[size]):
            order = tools[i % len(tools) :] + tools[: i % len(tools)]
            for tool in order:
                done = runs[tool.name]
                last = done[-1].wall_s if done else spent[tool.name]
                if len(done) >= plan.cli_repeats[size] or (
                    done and spent[tool.name] + last > plan.cell_budget_s
                ):
                    continue
                run = run_tool(tool, corpus, scratch, f"run {len(done) + 1}")[0]
                spent[tool.name] += run.wall_s
                done.append(run)
        results[str(size)] = {
            name: {
                "files_reported": counts[name][0],
                "findings_reported": counts[name][1],
                "wall_s": summary([r.wall_s for r in rs]),
                "cpu_s": summary([r.cpu_s for r in rs]),
                "max_rss_mb": summary([r.max_rss_mb for r in rs]),
                "tree_rss_mb": summary([r.tree_rss_mb for r in rs]),
                "returncodes": sorted({r.returncode for r in rs}),
                "runs": [asdict(r) for r in rs],
            }
            for name, rs in runs.items()
        }
    return results


def report_cli(results: dict[str, Any]) -> None:
    rows = []
    for size, tools in results.items():
        ref = tools["agent-ls"]
        for name, r in tools.items():
            wall, cpu, mem = r["wall_s"], r["cpu_s"], r["tree_rss_mb"]
            rows.append(
                [
                    size,
                    name,
                    r["files_reported"],
                    r["findings_reported"],
                    wall["n"],
                    fmt(wall["median"]),
                    fmt(wall["p95"]),
                    fmt(wall["p99"]),
                    fmt(cpu["median"]),
                    fmt(mem["median"], 0),
                    ratio(wall["median"], ref["wall_s"]["median"]),
                    ratio(mem["median"], ref["tree_rss_mb"]["median"]),
                ]
            )
    print_table(
        "CLI: one run over the whole corpus "
        "(wall s; ratio = tool / agent-ls: > 1 means agent-ls is faster or smaller)",
        [
            "files",
            "tool",
            "reported files",
            "findings",
            "n",
            "median s",
            "p95 s",
            "p99 s",
            "cpu s",
            "peak MB",
            "time × agent-ls",
            "mem × agent-ls",
        ],
        rows,
    )
    sizes = sorted(results, key=int)
    if len(sizes) >= 2:
        growth = []
        for name in results[sizes[0]]:
            medians = [results[s][name]["wall_s"]["median"] for s in sizes]
            small, large = int(sizes[-2]), int(sizes[-1])
            exponent = math.log(medians[-1] / medians[-2]) / math.log(large / small)
            per_file_ms = (medians[-1] - medians[-2]) / (large - small) * 1000
            mems = [results[s][name]["tree_rss_mb"]["median"] for s in sizes]
            growth.append(
                [
                    name,
                    *(fmt(m) for m in medians),
                    fmt(per_file_ms, 3),
                    fmt(exponent),
                    *(fmt(m, 0) for m in mems),
                ]
            )
        print_table(
            f"CLI growth with file count (median wall s; exponent {sizes[-2]}→{sizes[-1]}: "
            "1 = linear, 2 = quadratic)",
            [
                "tool",
                *(f"{s} files s" for s in sizes),
                f"ms/file {sizes[-2]}→{sizes[-1]}",
                "exponent",
                *(f"{s} files MB" for s in sizes),
            ],
            growth,
        )


# --- language servers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """A language server configuration and the document it is driven with."""

    name: str
    argv: list[str]
    root: Path
    document: Path
    """The file typed into (its text is on disk, as an editor would have it)."""
    language_id: str
    init_options: Any = None
    settings: dict[str, Any] = field(default_factory=dict)
    line_offset: int = 0
    """Added to agent-file line numbers (-1 for the frontmatter as a .yaml file)."""
    delay_ms: float = 0.0
    """A fixed wait before diagnostics, reported separately from compute."""


def yaml_settings(schema: Path) -> dict[str, Any]:
    return {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemas": {schema.as_uri(): "*.yaml"},
            "schemaStore": {"enable": False},
            "kubernetesCRDStore": {"enable": False},
        }
    }


def make_workspaces(size: int) -> tuple[Path, Path, Path]:
    """Returns (small agent workspace, large agent workspace, yaml workspace).

    Both agent workspaces hold the keystroke file `code-reviewer.md` and another file declaring
    the same name, so the duplicate-name diagnostic (AL208) shows when the workspace is indexed.
    """
    text = keystroke_file()
    duplicate = text.replace("Expert code review specialist.", "Older copy of the reviewer.")

    def agent_workspace(folder: Path) -> Path:
        (folder / AGENTS_DIR / "zz-archive").mkdir(parents=True, exist_ok=True)
        (folder / AGENTS_DIR / "code-reviewer.md").write_text(text)
        (folder / AGENTS_DIR / "zz-archive" / "code-reviewer-old.md").write_text(duplicate)
        return folder

    small = agent_workspace(CORPORA / "workspace-small")
    large_folder = CORPORA / f"workspace-{size}"
    generate(large_folder, size)
    large = agent_workspace(large_folder)
    yaml_ws = CORPORA / "workspace-yaml"
    yaml_ws.mkdir(parents=True, exist_ok=True)
    (yaml_ws / "code-reviewer.yaml").write_text(frontmatter_of(text))
    schema = subprocess.run([str(AGENT_LS), "schema"], capture_output=True, text=True, check=True)
    (yaml_ws / "agent.schema.json").write_text(schema.stdout)
    return small, large, yaml_ws


def servers(small: Path, yaml_ws: Path) -> list[Server]:
    agent_doc = small / AGENTS_DIR / "code-reviewer.md"
    return [
        Server(
            "agent-ls (debounce 0)",
            [str(AGENT_LS), "serve"],
            small,
            agent_doc,
            "markdown",
            init_options={"debounceMs": 0},
        ),
        Server(
            "agent-ls (default settings)",
            [str(AGENT_LS), "serve"],
            small,
            agent_doc,
            "markdown",
        ),
        Server(
            "yaml-language-server",
            [str(YAML_LS), "--stdio"],
            yaml_ws,
            yaml_ws / "code-reviewer.yaml",
            "yaml",
            settings=yaml_settings(yaml_ws / "agent.schema.json"),
            line_offset=-1,
            delay_ms=YAML_LS_DELAY_MS,
        ),
    ]


async def start(server: Server) -> tuple[LspClient, float]:
    """Spawns and initializes `server`; returns the client and spawn → initialize result (ms)."""
    t0 = time.perf_counter()
    client = await LspClient.start(server.argv, server.root, server.settings)
    await client.initialize(server.root, server.init_options)
    elapsed = (time.perf_counter() - t0) * 1000
    if server.settings:
        client.notify("workspace/didChangeConfiguration", {"settings": server.settings})
    return client, elapsed


def published(uri: str, version: int | None) -> Callable[[Diagnostics], bool]:
    """Matches diagnostics for `uri` at `version` (any version when the server sends none)."""
    return lambda d: d.uri == uri and (d.version is None or version is None or d.version == version)


async def open_and_wait(
    client: LspClient, uri: str, language_id: str, text: str, timeout: float = 30
) -> Diagnostics:
    mark = len(client.diagnostics)
    client.open(uri, language_id, text)
    return await client.wait_for_diagnostics(published(uri, 1), mark, timeout)


async def type_keys(
    client: LspClient, uri: str, text: str, count: int, line_offset: int, version: int = 1
) -> tuple[list[float], int, int]:
    """Types `count` characters, waiting for fresh diagnostics after each one.

    Returns (latencies in ms, timeouts, final version).
    """
    latencies: list[float] = []
    timeouts = 0
    for line, character, char in keystrokes(text, count):
        version += 1
        mark = len(client.diagnostics)
        t0 = time.perf_counter()
        client.insert(uri, version, line + line_offset, character, char)
        try:
            d = await client.wait_for_diagnostics(published(uri, version), mark, timeout=5)
            latencies.append((d.at - t0) * 1000)
        except asyncio.TimeoutError:
            timeouts += 1
    return latencies, timeouts, version


async def timed_requests(
    client: LspClient, method: str, params: Any, count: int
) -> tuple[list[float], Any]:
    """Sends the same request `count` times in sequence; returns latencies (ms), last result."""
    latencies, result = [], None
    for _ in range(count):
        t0 = time.perf_counter()
        result = await client.request(method, params)
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies, result


def _line_of(text: str, prefix: str) -> int:
    return next(i for i, s in enumerate(text.splitlines()) if s.startswith(prefix))


async def drive(server: Server, plan: Plan) -> dict[str, Any]:
    """One session: didOpen ×N, keystrokes, completion and hover, all against `server`."""
    text = keystroke_file()
    doc_text = server.document.read_text()
    client, init_ms = await start(server)
    out: dict[str, Any] = {"initialize_ms": init_ms}
    try:
        opens = []
        for k in range(plan.opens):
            other = doc_text.replace("name: code-reviewer", f"name: opened-{k}")
            path = server.document.with_name(f"opened-{k}{server.document.suffix}")
            t0 = time.perf_counter()
            d = await open_and_wait(client, path.as_uri(), server.language_id, other)
            opens.append((d.at - t0) * 1000)
            client.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})
        out["open_ms"] = opens

        uri = server.document.as_uri()
        first = await open_and_wait(client, uri, server.language_id, doc_text)
        out["diagnostics_on_open"] = [
            d.get("code") or d.get("message", "")[:40] for d in first.items
        ]
        latencies, timeouts, version = await type_keys(
            client, uri, text, plan.edits[server.name], server.line_offset
        )
        out["keystroke_ms"], out["keystroke_timeouts"] = latencies, timeouts

        # A blank line in the frontmatter, for key completion.
        blank = _line_of(text, "maxTurns:") + 1 + server.line_offset
        mark = len(client.diagnostics)
        version += 1
        client.insert(uri, version, blank - 1, len("maxTurns: 20"), "\n")
        await client.wait_for_diagnostics(published(uri, version), mark, 10)
        tools_line, color_line, model_line = (
            _line_of(text, key) + server.line_offset for key in ("tools:", "color:", "model:")
        )
        positions = {
            "tools value": (tools_line, len(text.splitlines()[tools_line - server.line_offset])),
            "color value": (color_line, len("color: blue")),
            "new key": (blank, 0),
        }
        for label, (line, character) in positions.items():
            params = {
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
            }
            latencies, result = await timed_requests(
                client, "textDocument/completion", params, plan.requests
            )
            items = result.get("items", []) if isinstance(result, dict) else (result or [])
            out[f"completion {label}"] = {"ms": latencies, "items": len(items)}
        for label, (line, character) in {
            "model key": (model_line, 2),
            "tools value": (tools_line, len("tools: Read, Grep, Glob, Ba")),
        }.items():
            params = {
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
            }
            latencies, result = await timed_requests(
                client, "textDocument/hover", params, plan.requests
            )
            out[f"hover {label}"] = {"ms": latencies, "answered": bool(result)}
        out["rss_mb"], out["hwm_mb"] = (v / 1024 for v in rss_kb(client.pid))
    finally:
        await client.close()
    return out


def bench_lsp(plan: Plan, small: Path, yaml_ws: Path) -> dict[str, Any]:
    results = {}
    for server in servers(small, yaml_ws):
        log(f"lsp {server.name}")
        raw = asyncio.run(drive(server, plan))
        stats: dict[str, Any] = {
            "delay_ms": server.delay_ms,
            "diagnostics_on_open": raw["diagnostics_on_open"],
            "keystroke_timeouts": raw["keystroke_timeouts"],
            "rss_mb": raw["rss_mb"],
            "hwm_mb": raw["hwm_mb"],
            "didOpen → diagnostics": summary(raw["open_ms"]),
            "keystroke → diagnostics": summary(raw["keystroke_ms"]),
            "keystroke compute (minus fixed delay)": summary(
                [x - server.delay_ms for x in raw["keystroke_ms"]]
            ),
        }
        for key, value in raw.items():
            if key.startswith(("completion", "hover")):
                stats[key] = {
                    **summary(value["ms"]),
                    **{k: v for k, v in value.items() if k != "ms"},
                }
        stats["raw"] = {k: v for k, v in raw.items() if k in ("open_ms", "keystroke_ms")}
        results[server.name] = stats
    return results


def report_lsp(results: dict[str, Any]) -> None:
    ref = results["agent-ls (debounce 0)"]
    metrics = [k for k in ref if isinstance(ref[k], dict) and "median" in ref[k]]
    rows = []
    for metric in metrics:
        for name, r in results.items():
            s = r.get(metric)
            if not s:
                continue
            extra = (
                f"{s['items']} items"
                if "items" in s
                else ("" if s.get("answered", True) else "no answer")
            )
            rows.append(
                [
                    metric,
                    name,
                    s["n"],
                    fmt(s["median"]),
                    fmt(s["p95"]),
                    fmt(s["p99"]),
                    ratio(s["median"], ref[metric]["median"]),
                    ratio(s["p99"], ref[metric]["p99"]),
                    extra,
                ]
            )
    print_table(
        "Language servers through a stdio client "
        "(ms, client round trip; ratio = server / agent-ls debounce 0)",
        ["measure", "server", "n", "median", "p95", "p99", "median ×", "p99 ×", "note"],
        rows,
    )
    print(
        "\nFixed delays are included in 'keystroke → diagnostics' and subtracted in "
        "'keystroke compute':"
        f" agent-ls default settings {results['agent-ls (default settings)']['delay_ms']:.0f} ms,"
        f" yaml-language-server {YAML_LS_DELAY_MS:.0f} ms."
        " Timeouts (no fresh diagnostics within 5 s): "
        + ", ".join(f"{n}: {r['keystroke_timeouts']}" for n, r in results.items())
        + ". Server RSS after the session (MB): "
        + ", ".join(f"{n}: {r['rss_mb']:.0f}" for n, r in results.items())
    )


# --- startup ---------------------------------------------------------------------------------


def bench_startup(plan: Plan, small: Path, yaml_ws: Path) -> dict[str, Any]:
    """spawn → initialize result for each server, and spawn → exit of the import floors."""
    floors = {
        "floor: python -c 'import pygls.lsp.server'": [
            str(VENV_PY),
            "-c",
            "import pygls.lsp.server",
        ],
        "floor: python -c pass": [str(VENV_PY), "-c", "pass"],
    }
    agent_ls, _, yaml_ls = servers(small, yaml_ws)
    minimal = Server(MINIMAL_PYGLS_NAME, [str(VENV_PY), str(MINIMAL_PYGLS)], small, small, "")
    started = {"agent-ls": agent_ls, "yaml-language-server": yaml_ls, MINIMAL_PYGLS_NAME: minimal}
    samples: dict[str, list[float]] = {name: [] for name in [*floors, *started]}
    cpu: dict[str, list[float]] = {name: [] for name in started}
    first: dict[str, list[float]] = {name: [] for name in started if name != MINIMAL_PYGLS_NAME}
    for i in range(plan.startup_repeats + 1):  # the first round warms caches and is dropped
        for name, argv in floors.items():
            t0 = time.perf_counter()
            subprocess.run(argv, check=True)
            if i:
                samples[name].append((time.perf_counter() - t0) * 1000)
        for name, server in started.items():

            async def once(server: Server = server) -> tuple[float, float, float | None]:
                t0 = time.perf_counter()
                client, elapsed = await start(server)
                used = cpu_ms(client.pid)
                diagnosed = None
                if server.name != MINIMAL_PYGLS_NAME:  # what loads after the result shows here
                    text = server.document.read_text()
                    await open_and_wait(client, server.document.as_uri(), server.language_id, text)
                    diagnosed = (time.perf_counter() - t0) * 1000
                await client.close()
                return elapsed, used, diagnosed

            elapsed, used, diagnosed = asyncio.run(once())
            if i:
                samples[name].append(elapsed)
                cpu[name].append(used)
                if diagnosed is not None:
                    first[name].append(diagnosed)
    log("startup done")
    return {
        name: {
            **summary(s),
            "raw": s,
            **({"cpu_ms_mean": sum(cpu[name]) / len(cpu[name])} if cpu.get(name) else {}),
            **({"first_diagnostics": summary(first[name])} if first.get(name) else {}),
        }
        for name, s in samples.items()
    }


def report_startup(results: dict[str, Any]) -> None:
    floor = results["floor: python -c 'import pygls.lsp.server'"]["median"]
    minimal = results[MINIMAL_PYGLS_NAME]["median"]
    ref = results["agent-ls"]
    rows = [
        [
            name,
            r["n"],
            fmt(r["median"], 0),
            fmt(r["p95"], 0),
            fmt(r["p99"], 0),
            fmt(r["median"] - floor, 0),
            fmt(r["median"] - minimal, 0),
            fmt(r.get("cpu_ms_mean"), 0),
            ratio(r["median"], ref["median"]),
        ]
        for name, r in results.items()
    ]
    print_table(
        "Startup: spawn → initialize result (servers) or spawn → exit (floors), ms; server CPU "
        "= its user + system time at the initialize result (not inflated by other processes)",
        [
            "process",
            "n",
            "median",
            "p95",
            "p99",
            "− pygls import",
            "− minimal server",
            "server CPU ms (mean)",
            "× agent-ls",
        ],
        rows,
    )
    print_table(
        "Startup: spawn → the first diagnostics of the file opened right after initialized, ms "
        "(agent-ls loads its engine after the initialize result: this is where it shows; "
        f"yaml-language-server's includes its fixed {YAML_LS_DELAY_MS:.0f} ms wait)",
        ["server", "n", "median", "p95", "p99", "× agent-ls"],
        [
            [
                name,
                r["first_diagnostics"]["n"],
                fmt(r["first_diagnostics"]["median"], 0),
                fmt(r["first_diagnostics"]["p95"], 0),
                fmt(r["first_diagnostics"]["p99"], 0),
                ratio(r["first_diagnostics"]["median"], ref["first_diagnostics"]["median"]),
            ]
            for name, r in results.items()
            if "first_diagnostics" in r
        ],
    )


# --- workspace scale -------------------------------------------------------------------------


async def index_session(root: Path, doc: Path, hover: bool, edits: int) -> dict[str, Any]:
    """Opens `doc` in the workspace `root`; times indexing by the AL208 it can only get then.

    With `hover`, it also sends hover requests back to back from the first diagnostics until the
    AL208 arrives: their latency is what a user sees while the server indexes (a stalled event
    loop shows there). Then it types `edits` keystrokes.
    """
    server = Server(
        "agent-ls (debounce 0)",
        [str(AGENT_LS), "serve"],
        root,
        doc,
        "markdown",
        init_options={"debounceMs": 0},
    )
    t0 = time.perf_counter()
    client, init_ms = await start(server)
    out: dict[str, Any] = {"initialize_ms": init_ms}
    try:
        uri, text = doc.as_uri(), doc.read_text()
        first = await open_and_wait(client, uri, "markdown", text)
        out["first_diagnostics_ms"] = (first.at - t0) * 1000

        def is_indexed(d: Diagnostics) -> bool:
            return d.uri == uri and any(x.get("code") == "AL208" for x in d.items)

        hover_ms: list[float] = []
        if hover:
            params = {
                "textDocument": {"uri": uri},
                "position": {"line": _line_of(text, "model:"), "character": 2},
            }
            deadline = time.perf_counter() + 300
            while not any(map(is_indexed, client.diagnostics)) and time.perf_counter() < deadline:
                t1 = time.perf_counter()
                await client.request("textDocument/hover", params)
                hover_ms.append((time.perf_counter() - t1) * 1000)
        out["hover_while_indexing_ms"] = hover_ms
        try:
            indexed = await client.wait_for_diagnostics(is_indexed, 0, 300)
            out["indexed_ms"] = (indexed.at - t0) * 1000
        except asyncio.TimeoutError:
            out["indexed_ms"] = None
        out["progress_end_ms"] = None
        if client.progress:
            try:
                out["progress_end_ms"] = (await client.wait_for_progress_end(1) - t0) * 1000
            except asyncio.TimeoutError:
                pass
        await asyncio.sleep(0.5)  # let anything started by the index settle before measuring memory
        out["rss_mb"], out["hwm_mb"] = (v / 1024 for v in rss_kb(client.pid))
        if edits:
            latencies, timeouts, _ = await type_keys(client, uri, text, edits, 0)
            out["keystroke_ms"], out["keystroke_timeouts"] = latencies, timeouts
            out["rss_after_typing_mb"] = rss_kb(client.pid)[0] / 1024
    finally:
        await client.close()
    return out


def bench_workspace(plan: Plan, small: Path, large: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    edits = plan.edits["agent-ls (debounce 0)"]
    plain, hovering = plan.workspace_repeats, plan.hover_sessions
    for label, root in (("2 files", small), (f"{plan.workspace_size + 2} files", large)):
        sessions, hovered = [], []
        doc = root / AGENTS_DIR / "code-reviewer.md"
        for i in range(plain + hovering):
            log(f"workspace {label} session {i + 1}")
            last_one = i == plain + hovering - 1
            session = asyncio.run(index_session(root, doc, i >= plain, edits if last_one else 0))
            (sessions if i < plain else hovered).append(session)
        last = hovered[-1]
        indexed = [s["indexed_ms"] for s in sessions if s["indexed_ms"] is not None]
        hover_ms = [ms for s in hovered for ms in s["hover_while_indexing_ms"]]
        results[label] = {
            "initialize_ms": summary([s["initialize_ms"] for s in sessions]),
            "first_diagnostics_ms": summary([s["first_diagnostics_ms"] for s in sessions]),
            "indexed_ms": summary(indexed) if indexed else None,
            "progress_end_ms": last["progress_end_ms"],
            "rss_mb": last["rss_mb"],
            "hwm_mb": last["hwm_mb"],
            "rss_after_typing_mb": last.get("rss_after_typing_mb"),
            "keystroke_ms": summary(last.get("keystroke_ms", [])),
            "hover_while_indexing_ms": summary(hover_ms),
            "hover_worst_per_session_ms": [
                max(s["hover_while_indexing_ms"], default=None) for s in hovered
            ],
            "keystroke_timeouts": last.get("keystroke_timeouts"),
            "raw_keystroke_ms": last.get("keystroke_ms", []),
        }
    return results


def report_workspace(results: dict[str, Any]) -> None:
    labels = list(results)
    ref = results[labels[0]]
    rows = []
    for label, r in results.items():
        k, h = r["keystroke_ms"], r["hover_while_indexing_ms"]
        idx = r["indexed_ms"]
        rows.append(
            [
                label,
                fmt(r["initialize_ms"]["median"], 0),
                fmt(r["first_diagnostics_ms"]["median"], 0),
                fmt(idx["median"], 0) if idx else "not seen",
                fmt(r["rss_mb"], 0),
                fmt(r["hwm_mb"], 0),
                k["n"],
                fmt(k["median"]),
                fmt(k["p95"]),
                fmt(k["p99"]),
                ratio(k["median"], ref["keystroke_ms"]["median"]),
                r["keystroke_timeouts"],
                h["n"],
                fmt(h["median"]),
                fmt(h["p99"]),
                fmt(h["max"]),
            ]
        )
    print_table(
        "Workspace scale: agent-ls (debounce 0); ms from spawn; keystroke = stdio round trip",
        [
            "workspace",
            "init",
            "1st diags",
            "indexed (AL208)",
            "RSS MB",
            "peak MB",
            "n keys",
            "key median",
            "key p95",
            "key p99",
            "median × small",
            "timeouts",
            "n hovers while indexing",
            "hover median",
            "hover p99",
            "hover max",
        ],
        rows,
    )


# --- engine ----------------------------------------------------------------------------------


def bench_engine(plan: Plan) -> dict[str, Any]:
    argv = [str(VENV_PY), str(BENCH / "engine_bench.py"), *(["--quick"] if plan is QUICK else [])]
    raw = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
    log("engine done")
    return {
        k: (
            {clock: {**summary(samples), "raw": samples} for clock, samples in v.items()}
            if isinstance(v, dict)
            else v
        )
        for k, v in raw.items()
    }


def report_engine(results: dict[str, Any]) -> None:
    rows = [
        [
            k,
            v["wall"]["n"],
            *(fmt(v["wall"][q], 3) for q in ("median", "p95", "p99", "max")),
            *(fmt(v["cpu"][q], 3) for q in ("median", "p95", "p99")),
        ]
        for k, v in results.items()
        if isinstance(v, dict)
    ]
    print_table(
        "agent-ls server-side compute, in-process "
        "(ms per call; wall, and CPU = thread CPU time; see bench/engine_bench.py)",
        [
            "what",
            "n",
            "wall median",
            "wall p95",
            "wall p99",
            "wall max",
            "cpu median",
            "cpu p95",
            "cpu p99",
        ],
        rows,
    )
    notes = {k: v for k, v in results.items() if not isinstance(v, dict)}
    print("\n" + ", ".join(f"{k} = {v}" for k, v in notes.items()))


# --- persona ---------------------------------------------------------------------------------


def bench_persona(plan: Plan) -> dict[str, Any] | None:
    script = BENCH / "persona_bench.py"
    if not script.is_file():
        log("persona: bench/persona_bench.py does not exist yet; skipped")
        return None
    argv = [str(VENV_PY), str(script), *(["--quick"] if plan is QUICK else [])]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    log("persona done")
    return {"returncode": done.returncode, "output": done.stdout.rstrip() or done.stderr.rstrip()}


def report_persona(results: dict[str, Any]) -> None:
    print("\n## Persona overhead (output of bench/persona_bench.py, which writes its own JSON)\n")
    print(results["output"])


# --- targets ---------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The core issue's speed targets, each with the measured figure and a verdict."""
    checks: list[dict[str, Any]] = []

    def add(
        target: str, measured: float, limit: float, unit: str, how: str, reference: bool = False
    ) -> None:
        """`reference`: shown beside a target for context, not the target's own measure."""
        checks.append(
            {
                "target": target,
                "measured": measured,
                "limit": limit,
                "unit": unit,
                "met": None if reference else bool(measured <= limit),
                "how": how,
            }
        )

    engine = results.get("engine")
    if engine:
        big = next(
            k
            for k in engine
            if k.startswith("keystroke_workspace_") and k != "keystroke_workspace_1"
        )
        for clock in ("wall", "cpu"):
            key = engine["keystroke_workspace_1"][clock]
            add(
                f"keystroke → diagnostics, server side, median ({clock})",
                key["median"],
                1,
                "ms",
                "in-process, 2-file workspace",
            )
            add(
                f"keystroke → diagnostics, server side, p99 ({clock})",
                key["p99"],
                5,
                "ms",
                "in-process, 2-file workspace",
            )
            key = engine[big][clock]
            n = big.rsplit("_", 1)[1]
            add(
                f"same, {n}-agent workspace, median ({clock})", key["median"], 1, "ms", "in-process"
            )
            add(f"same, {n}-agent workspace, p99 ({clock})", key["p99"], 5, "ms", "in-process")
            worst = max(
                (v[clock]["p99"], k)
                for k, v in engine.items()
                if k.startswith("completion_") and isinstance(v, dict)
            )
            add(
                f"completion p99, server side ({clock})",
                worst[0],
                5,
                "ms",
                f"in-process, worst position ({worst[1]})",
            )
    lsp = results.get("lsp")
    if lsp:
        ref = lsp["agent-ls (debounce 0)"]
        add(
            "keystroke → diagnostics, stdio round trip, median",
            ref["keystroke → diagnostics"]["median"],
            1,
            "ms",
            "debounce 0; adds pygls JSON-RPC, a thread hop, pipes and the client",
            reference=True,
        )
        add(
            "keystroke → diagnostics, stdio round trip, p99",
            ref["keystroke → diagnostics"]["p99"],
            5,
            "ms",
            "debounce 0; adds pygls JSON-RPC, a thread hop, pipes and the client",
            reference=True,
        )
        worst_rt = max(
            (v["p99"], k)
            for k, v in ref.items()
            if k.startswith("completion") and isinstance(v, dict)
        )
        add(
            "completion p99, stdio round trip",
            worst_rt[0],
            5,
            "ms",
            f"worst position ({worst_rt[1]})",
            reference=True,
        )
    startup = results.get("startup")
    if startup:
        floor = startup["floor: python -c 'import pygls.lsp.server'"]["median"]
        agent = startup["agent-ls"]["median"]
        add(
            "startup − pygls-import floor (medians)",
            agent - floor,
            100,
            "ms",
            "spawn → initialize result",
        )
        add(
            "startup below yaml-language-server (medians)",
            agent,
            startup["yaml-language-server"]["median"],
            "ms",
            "limit = yaml-language-server's median",
        )
    cli = results.get("cli")
    if cli and "agnix" in cli[max(cli, key=int)]:
        size = max(cli, key=int)
        add(
            f"check on {size} files ≤ agnix (medians)",
            cli[size]["agent-ls"]["wall_s"]["median"],
            cli[size]["agnix"]["wall_s"]["median"],
            "s",
            "limit = agnix's median wall time",
        )
    checks.extend(speed_targets(results))
    return checks


def speed_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The goals of the speed issue (12), each with the measured figure and a verdict."""
    checks: list[dict[str, Any]] = []

    def add(target: str, measured: float, limit: float, unit: str, how: str) -> None:
        met = None if math.isnan(measured) or math.isnan(limit) else bool(measured <= limit)
        checks.append(
            {
                "target": f"speed: {target}",
                "measured": measured,
                "limit": limit,
                "unit": unit,
                "met": met,
                "how": how,
            }
        )

    lsp = results.get("lsp")
    if lsp:
        key = lsp["agent-ls (default settings)"]["keystroke → diagnostics"]
        how = "default settings, stdio round trip"
        add("keystroke → diagnostics, median", key["median"], 5, "ms", how)
        add("keystroke → diagnostics, p99", key["p99"], 10, "ms", how)
        yaml_ls = lsp["yaml-language-server"]
        for metric, stats in lsp["agent-ls (default settings)"].items():
            if metric.startswith("completion") and metric in yaml_ls:
                add(
                    f"{metric} median ≤ yaml-language-server's",
                    stats["median"],
                    yaml_ls[metric]["median"],
                    "ms",
                    f"limit = yaml-language-server's median ({yaml_ls[metric]['items']} items "
                    f"vs {stats['items']})",
                )
    cli = results.get("cli")
    if cli:
        size = max(cli, key=int)
        floor = cli[size]["floor: read+compose"]["wall_s"]["median"]
        add(
            f"check on {size} files ≤ 2 × read+compose floor",
            cli[size]["agent-ls"]["wall_s"]["median"],
            2 * floor,
            "s",
            f"floor {fmt(floor, 3)} s in the same run (medians)",
        )
    workspace = results.get("workspace")
    if workspace:
        label = list(workspace)[-1]
        large = workspace[label]
        add(f"server RSS, {label}", large["rss_mb"], 100, "MB", "VmRSS after indexing")
        add(f"server peak RSS, {label}", large["hwm_mb"], 100, "MB", "VmHWM after indexing")
        hovers = large["hover_while_indexing_ms"]
        add(
            f"hover while indexing, worst, {label}",
            hovers["max"],
            20,
            "ms",
            f"{hovers['n']} hovers back to back until AL208 arrived, "
            f"{len(large['hover_worst_per_session_ms'])} sessions (worst of each: "
            + ", ".join(fmt(ms, 1) for ms in large["hover_worst_per_session_ms"])
            + ")",
        )
    startup = results.get("startup")
    if startup:
        for clock, key, note in (
            ("", "median", "medians"),
            (", server CPU time", "cpu_ms_mean", "means of 10 ms ticks; load-proof"),
        ):
            minimal = startup[MINIMAL_PYGLS_NAME][key]
            add(
                f"spawn → initialize ≤ minimal pygls server + 30 ms{clock}",
                startup["agent-ls"][key],
                minimal + 30,
                "ms",
                f"minimal pygls server {fmt(minimal, 0)} ms ({note})",
            )
    return checks


def report_targets(checks: list[dict[str, Any]]) -> None:
    rows = [
        [
            c["target"],
            f"{fmt(c['measured'], 3)} {c['unit']}",
            f"{fmt(c['limit'], 3)} {c['unit']}",
            {True: "met", False: "MISSED", None: "(reference)"}[c["met"]],
            c["how"],
        ]
        for c in checks
    ]
    print_table(
        "Targets (core issue, section Speed; speed issue 12, prefixed `speed:`)",
        ["target", "measured", "limit", "verdict", "how"],
        rows,
    )


# --- main ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )

    def version(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    status = ["git", "-C", str(ROOT), "status", "--porcelain", "--", "server"]
    dirty = bool(subprocess.run(status, capture_output=True, text=True).stdout.strip())
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "commit": (commit.stdout.strip() or "none") + (" + uncommitted server/" if dirty else ""),
        "loadavg_start": os.getloadavg(),
        "versions": {
            "agent-ls": version([str(AGENT_LS), "--version"]),
            "agnix": version([str(AGNIX), "--version"]),
            "cclint": version([str(CCLINT), "--version"]),
            "claudelint": version([str(CLAUDELINT), "--version"]),
            "yaml-language-server": json.loads(
                (TOOLS / "node/node_modules/yaml-language-server/package.json").read_text()
            )["version"],
            "node": version(["node", "--version"]),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="100 and 1,000 files, fewer repeats (< 2 min)"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}"
    )
    parser.add_argument(
        "--cli-tools",
        default="",
        help="cli: only these tools beside agent-ls, e.g. 'floor: read+compose' (default: all)",
    )
    parser.add_argument(
        "--out", type=Path, help="JSON file (default bench/results/<date>T<time>.json)"
    )
    args = parser.parse_args()
    sections = [s for s in args.only.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if not AGENT_LS.exists():
        parser.error(f"{AGENT_LS} is missing: run `make setup` first")
    if not all(p.exists() for p in (AGNIX, CLAUDELINT, CCLINT, YAML_LS)):
        log("installing peers: bench/setup.sh")
        subprocess.run(["bash", str(BENCH / "setup.sh")], check=True)

    # An installed package has its bytecode compiled (pip does it); with PYTHONDONTWRITEBYTECODE
    # (some shells set it) every server start would compile agent-ls's sources afresh instead.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {"meta": machine()}
    results["meta"].update(
        {
            "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "plan": asdict(plan),
        }
    )
    small, large, yaml_ws = make_workspaces(plan.workspace_size)
    scratch = CORPORA / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    runners: dict[str, Callable[[], Any]] = {
        "cli": lambda: bench_cli(plan, scratch, [t for t in args.cli_tools.split(",") if t]),
        "startup": lambda: bench_startup(plan, small, yaml_ws),
        "lsp": lambda: bench_lsp(plan, small, yaml_ws),
        "workspace": lambda: bench_workspace(plan, small, large),
        "engine": lambda: bench_engine(plan),
        "persona": lambda: bench_persona(plan),
    }
    for section in sections:
        results[section] = runners[section]()
    results["meta"]["loadavg_end"] = os.getloadavg()
    results["meta"]["duration_s"] = time.perf_counter() - started
    results["targets"] = targets(results)

    meta = results["meta"]
    print(
        f"# agent-ls benchmark, {meta['date']}, {meta['cores']} cores, {meta['memory_gb']} GB, "
        f"load {meta['loadavg_start'][0]:.1f} → {meta['loadavg_end'][0]:.1f}, "
        f"{meta['duration_s']:.0f} s"
    )
    print(
        f"`{meta['command']}` at commit {meta['commit']}; "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    )
    reports: dict[str, Callable[[Any], None]] = {
        "cli": report_cli,
        "startup": report_startup,
        "lsp": report_lsp,
        "workspace": report_workspace,
        "engine": report_engine,
        "persona": report_persona,
    }
    for section in sections:
        if section in reports and results.get(section):
            reports[section](results[section])
    if results["targets"]:
        report_targets(results["targets"])

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out = args.out or RESULTS / f"{stamp}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"\nJSON: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
