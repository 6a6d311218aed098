"""Persona actions, timed through the real server over stdio against the fake API on loopback.

    .venv/bin/python bench/persona_bench.py [--quick] [--runs N]

Measures, from the client's side of the pipe:
  listing      textDocument/codeAction round trip for a selection (persona actions + quick fixes)
  first report workspace/executeCommand → the first $/progress of the run (begin), and → the first
               progress report
  overhead     the command's round trip minus the API's own time (the fake's first byte of the
               request → last byte of the answer), for a rewrite (applyEdit round trip included)
               and a review (Markdown file + showDocument round trip included)
  tool calls   the agent's read-only tools as agent-ls runs them (in process, each call on a fresh
               WorkspaceTools, so .gitignore files are read again): Read of a 100 KB file, Grep
               (content mode) over a 1,000-file workspace; wall time, and the calling thread's
               CPU time (what the call costs, whatever else the machine runs)
  listing, 50  the server side of the listing with 50 agents in the workspace (in process)
The fake API answers with a known latency (200 ms to the first byte, then 40 events 5 ms apart).
The client acts as the VS Code extension does: it shows rewrites itself (experimental.agentLs.
previewEdits, so no question from the server), applies the edit and sends its didChange, then
undoes it (another didChange) so that every run starts from the same text.
Prints a table; writes every sample to bench/results/persona-<time>.json. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.lsp_client import CLIENT_CAPABILITIES, Json, LspClient  # noqa: E402
from fakeapi import FakeAnthropic, Message, text  # noqa: E402

SAMPLE = ROOT / "tests" / "personas" / "workspace"
KEY_ENV = "AGENT_LS_BENCH_KEY"
SELECTION = {"start": {"line": 5, "character": 0}, "end": {"line": 9, "character": 0}}
HARDENED = (
    "```python\ndef create_order(db, payload):\n"
    "    data = json.loads(payload)\n    return db.insert('orders', data)\n```"
)
CAPABILITIES: Json = {
    **CLIENT_CAPABILITIES,
    "workspace": {
        **CLIENT_CAPABILITIES["workspace"],
        "applyEdit": True,
        "workspaceEdit": {
            "documentChanges": True,
            "changeAnnotationSupport": {"groupsOnLabel": True},
        },
    },
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
    "experimental": {"agentLs": {"previewEdits": True, "workspaceTrusted": True}},
    "textDocument": {
        **CLIENT_CAPABILITIES["textDocument"],
        "codeAction": {
            "dataSupport": True,
            "resolveSupport": {"properties": ["edit"]},
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["", "quickfix", "refactor", "source"]}
            },
        },
    },
}


@dataclass
class BenchClient(LspClient):
    """Applies edits (and says so with didChange) and accepts shown documents, as an editor
    would."""

    texts: dict[str, tuple[int, str]] = field(default_factory=dict)
    """By URI: the document's version and text, as this editor has it."""

    def open(self, uri: str, language_id: str, text: str, version: int = 1) -> None:
        self.texts[uri] = (version, text)
        super().open(uri, language_id, text, version)

    def replace(self, uri: str, text: str) -> None:
        """Replaces the whole document (a didChange with the next version)."""
        version = self.texts[uri][0] + 1
        self.texts[uri] = (version, text)
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    def _answer(self, request: Json) -> Json:
        method = request["method"]
        if method == "workspace/applyEdit":
            for change in request["params"]["edit"]["documentChanges"]:
                uri = change["textDocument"]["uri"]
                self.replace(uri, applied(self.texts[uri][1], change["edits"]))
            return {"applied": True}
        if method == "window/showDocument":
            return {"success": True}
        return super()._answer(request)


def summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p99": p99,
        "max": ordered[-1],
        "samples": [round(x, 3) for x in samples],
    }


def tool_calls(runs: int) -> dict[str, Any]:
    """Returns the times (ms) of a Read of a 100 KB file and of a Grep over 1,000 files."""
    from agent_ls.personas.tools import workspace_tools

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        line = "    total = sum(item.price * item.quantity for item in order.items)  # line\n"
        big = "".join(f"{line[:-1]} {n}\n" for n in range(100_000 // len(line)))
        (root / "app").mkdir()
        (root / "app" / "big.py").write_text(big)
        for n in range(1_000):
            folder = root / "pkg" / f"m{n // 50}"
            folder.mkdir(parents=True, exist_ok=True)
            calls = "gateway.charge(order)\n" if n % 10 == 0 else "pass\n"
            (folder / f"mod{n}.py").write_text(f"def f{n}(order):\n    {calls}" * 20)
        (root / ".gitignore").write_text("build/\n*.log\n")
        calls_of = {
            "tool call: Read of a 100 KB file (ms)": ("Read", {"file_path": "app/big.py"}),
            "tool call: Grep over 1,000 files (ms)": (
                "Grep",
                {"pattern": r"charge\(", "output_mode": "content"},
            ),
        }
        for name, (tool, data) in calls_of.items():
            samples, cpu = [], []
            for _ in range(runs):
                tools = workspace_tools(root, "Read, Grep, Glob", None, None, 8)
                assert tools is not None
                started, started_cpu = time.perf_counter(), time.thread_time()
                out = tools.run(tool, data)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
            assert out and "Error" not in out[:10], out[:200]
            results[name] = summary(samples)
            results[name.replace(" (ms)", ", CPU time (ms)")] = summary(cpu)
    return results


def with_agents(workspace: Path, count: int) -> None:
    """Adds `count` agent files to the workspace (one Claude Code would load each)."""
    agents = workspace / ".claude" / "agents"
    agents.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (agents / f"bench-{n:02}.md").write_text(
            f"---\nname: bench-{n:02}\ndescription: Reviews python order handling, part {n}.\n"
            f"model: sonnet\ntools: Read, Grep\n---\n\nYou are reviewer {n}.\n"
        )


def listing_in_process(workspace: Path, runs: int) -> tuple[list[float], list[float]]:
    """Returns the server-side time (ms) of `persona_code_actions` alone, without the pipe, and
    the event loop thread's CPU time of each."""
    from lsprotocol import types
    from pygls.workspace import Workspace

    from agent_ls.lsp.capabilities import resolve
    from agent_ls.lsp.personas.menu import persona_code_actions
    from agent_ls.lsp.server import build_server

    async def measure() -> tuple[list[float], list[float]]:
        server = build_server()
        protocol: Any = server.protocol
        protocol._workspace = Workspace(workspace.as_uri())
        protocol.client_capabilities = protocol._converter.structure(
            CAPABILITIES, types.ClientCapabilities
        )
        server.workspace_root = workspace
        server.client = resolve(protocol.client_capabilities)
        path = workspace / "app" / "orders.py"
        server.workspace.put_text_document(
            types.TextDocumentItem(
                uri=path.as_uri(), language_id="python", version=1, text=path.read_text()
            )
        )
        params = protocol._converter.structure(
            {
                "textDocument": {"uri": path.as_uri()},
                "range": SELECTION,
                "context": {"diagnostics": []},
            },
            types.CodeActionParams,
        )
        samples, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.thread_time()
            persona_code_actions(server, params)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            await asyncio.sleep(0)
        return samples, cpu

    return asyncio.run(measure())


def answer(chars: int = 400) -> Message:
    body = (HARDENED + "\n" + "# " + "x" * chars)[: max(chars, len(HARDENED))]
    return Message(
        content=[text(body)],
        chunk_chars=max(1, len(body) // 40),
        first_byte_delay=0.2,
        event_delay=0.005,
    )


def applied(text: str, edits: list[Json]) -> str:
    """Returns `text` with LSP text edits applied (ASCII text: characters are UTF-16 units)."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: Json) -> int:
        return min(
            starts[min(position["line"], len(starts) - 1)] + position["character"], len(text)
        )

    spans = [(offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def start(workspace: Path, api: FakeAnthropic) -> BenchClient:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env[KEY_ENV] = "sk-ant-bench-key"
    process = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "python"), "-m", "agent_ls", "serve",
        cwd=workspace, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        limit=64 * 1024 * 1024,
    )  # fmt: skip
    client = BenchClient(process)
    client._reader = asyncio.create_task(client._read_loop())
    options = {
        "agentLs": {
            "debounceMs": 0,
            "personas": {"baseUrl": api.base_url, "apiKeyEnv": KEY_ENV, "maxRetries": 0},
        }
    }
    await client.initialize(workspace, options, CAPABILITIES)
    return client


async def run_command(
    client: BenchClient, uri: str, action: str
) -> tuple[float, float | None, float | None]:
    """Returns (round trip, → first $/progress, → first progress report) in seconds."""
    original = client.texts[uri][1]
    seen = len(client.progress)
    sent = time.perf_counter()
    result = await client.request(
        "workspace/executeCommand",
        {"command": "agentLs.persona.run",
         "arguments": [{"uri": uri, "range": SELECTION, "agent": "backend-engineer",
                        "action": action}]},
        timeout=60,
    )  # fmt: skip
    done = time.perf_counter()
    assert result and result["status"] in ("applied", "shown"), result
    if result["status"] == "applied":
        client.replace(uri, original)  # the user undoes it: the next run sees the same text
    fresh = client.progress[seen:]
    begin = next((at for at, p in fresh if p["value"].get("kind") == "begin"), None)
    report = next((at for at, p in fresh if p["value"].get("kind") == "report"), None)
    return done - sent, (begin - sent) if begin else None, (report - sent) if report else None


async def main(runs: int, listings: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropic(default=answer()) as api:
        workspace = Path(tmp) / "workspace"
        shutil.copytree(SAMPLE, workspace)
        uri = (workspace / "app" / "orders.py").as_uri()
        text = (workspace / "app" / "orders.py").read_text()
        params = {"textDocument": {"uri": uri}, "range": SELECTION, "context": {"diagnostics": []}}

        # First command of a fresh server, with no listing before it: it pays for the SDK.
        client = await start(workspace, api)
        try:
            client.open(uri, "python", text)
            api.reset()
            total, _, _ = await run_command(client, uri, "harden")
            results["first command, no listing before (ms)"] = (total - api_time(api)) * 1000
        finally:
            await client.close()

        client = await start(workspace, api)
        try:
            client.open(uri, "python", text)
            # As a user does: the menu is listed, an action picked a second later.
            await client.request("textDocument/codeAction", params)
            await asyncio.sleep(1.0)
            api.reset()
            total, _, _ = await run_command(client, uri, "harden")
            results["first command, 1 s after the first listing (ms)"] = (
                total - api_time(api)
            ) * 1000

            listing: list[float] = []
            for _ in range(listings):
                sent = time.perf_counter()
                actions = await client.request("textDocument/codeAction", params)
                listing.append((time.perf_counter() - sent) * 1000)
            assert any(a["title"] == "backend-engineer: review" for a in actions)
            results["listing actions, stdio round trip (ms)"] = summary(listing)

            begins, reports = [], []
            for action in ("harden", "review"):
                overheads = []
                for _ in range(runs):
                    api.reset()
                    total, begin, report = await run_command(client, uri, action)
                    overheads.append((total - api_time(api)) * 1000)
                    if begin is not None:
                        begins.append(begin * 1000)
                    if report is not None:
                        reports.append(report * 1000)
                results[f"overhead beyond the API, {action} (ms)"] = summary(overheads)
            results["command → first progress (begin) (ms)"] = summary(begins)
            results["command → first progress report (ms)"] = summary(reports)
            results["api time per call (ms)"] = round(api_time(api) * 1000, 1)
        finally:
            await client.close()
    return results


def api_time(api: FakeAnthropic) -> float:
    """Returns the fake's own time for the last call: request received → answer's last byte."""
    (request,) = api.requests
    assert request.finished_at is not None
    return request.finished_at - request.received_at


def table(results: dict[str, Any]) -> str:
    rows = ["| measure | n | median | p99 | max |", "|---|---:|---:|---:|---:|"]
    notes = []
    for name, value in results.items():
        if isinstance(value, dict):
            rows.append(
                f"| {name} | {value['n']} | {value['median']:.2f} | {value['p99']:.2f} "
                f"| {value['max']:.2f} |"
            )
        else:
            notes.append(f"{name}: {value:.1f}")
    return "\n".join(rows + [""] + notes)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 commands, 200 listings")
    parser.add_argument("--runs", type=int, help="commands per action (default 30)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    args = parser.parse_args()
    runs = args.runs or (10 if args.quick else 30)
    measured = asyncio.run(main(runs, 200 if args.quick else 1000))
    listings = 200 if args.quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SAMPLE, Path(tmp) / "workspace")
        in_process, cpu = listing_in_process(Path(tmp) / "workspace", listings)
    measured["listing actions, server side in process (ms)"] = summary(in_process)
    measured["listing actions, server side, CPU time (ms)"] = summary(cpu)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SAMPLE, Path(tmp) / "workspace")
        with_agents(Path(tmp) / "workspace", 50)
        in_process, cpu = listing_in_process(Path(tmp) / "workspace", listings)
    measured["listing actions, 50 agents, server side in process (ms)"] = summary(in_process)
    measured["listing actions, 50 agents, server side, CPU time (ms)"] = summary(cpu)
    measured.update(tool_calls(runs))
    measured["load average (1 min) at the end"] = os.getloadavg()[0]
    if args.json:
        sys.stdout.write(json.dumps(measured, indent=2) + "\n")
        sys.exit(0)
    sys.stdout.write(table(measured) + "\n")
    out = BENCH / "results" / f"persona-{datetime.datetime.now():%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(measured, indent=2))
    sys.stdout.write(f"\nsamples: {out.relative_to(ROOT)}\n")
