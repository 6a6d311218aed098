"""Records what the real Claude Code does with `.mcp.json`, plugin manifests and marketplaces.

    .venv/bin/python tests/conformance/mcp/record_mcp.py          # write goldens.json
    .venv/bin/python tests/conformance/mcp/record_mcp.py --check  # compare with goldens.json

Each case is a folder of `cases/` holding the files of one run: `workspace/` (the project,
`.mcp.json`, `.claude/settings*.json`), `home/` (the user's `~/.claude.json`, `~/.claude/`),
`plugin/` (passed with `--plugin-dir`) and `marketplace/`. `cases.json` adds, per case, the
environment (`env`) and the folder to run in (`cwd`). In every file `@STUB@` is the stub MCP
server (`stub_mcp.py`, which appends its arguments and `STUB_*` environment to a log, then
answers `initialize` and `tools/list` with one tool, `ping`) and `@WORKSPACE@` the workspace's
absolute path (a key of `projects` in `~/.claude.json`).

Per case, offline, with the pinned binary (`run_claude` of the agents' recorder):
- `claude -p` (with `--plugin-dir plugin` for a plugin): which stub servers started, with which
  arguments and environment, the MCP tools the model was offered (`mcp__SERVER__ping`, in the
  second request, once the servers have connected), the debug log's ERROR/WARN lines about MCP
  or plugins, and whether the plugin's agent was listed;
- for MCP cases, `claude doctor` (its "Invalid settings" lines: the only place `.mcp.json`
  problems show) and `claude mcp list` (each configured server's name and status);
- `claude plugin validate --json` for a plugin or marketplace: the manifest's errors and warnings;
- for a marketplace, `claude plugin marketplace add` and then `plugin list --available --json`:
  whether it is added, which of its plugins are offered, and whether each installs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for the agents' recorder
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for `fakeapi`

from record import (  # noqa: E402
    RecordError,
    _first_user_text,
    _has_tool_results,
    install,
    installed_version,
    request_tools,
    run_claude,
)

from fakeapi import Message, RecordedRequest, reply_text, tool_use  # noqa: E402

CASES = HERE / "cases"
CASES_META = HERE / "cases.json"
GOLDENS = HERE / "goldens.json"
STUB = HERE / "stub_mcp.py"
STUB_LOG = "started.log"
PARTS = ("workspace", "home", "plugin", "marketplace")


PROMPT = "MCP conformance run"
CONNECT_SECONDS = 2.0
"""How long the first answer waits, so that every MCP server has connected before the second
request lists the tools (the servers connect while the first request is under way)."""


def answer_ok(_request: object) -> Any:
    return reply_text("ok")


def conversation(request: RecordedRequest) -> Message:
    """Answers the run's first request, after `CONNECT_SECONDS`, with a Bash call, so that a second
    request offers the tools of every server that connected meanwhile."""
    body = request.body if isinstance(request.body, dict) else {}
    if PROMPT not in _first_user_text(body):
        return reply_text("ok")  # a side request (title, classifier…)
    if _has_tool_results(body):
        return reply_text("done")
    time.sleep(CONNECT_SECONDS)
    return Message(content=[tool_use("Bash", {"command": "true"})], stop_reason="tool_use")


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def case_meta() -> dict[str, dict[str, Any]]:
    return json.loads(CASES_META.read_text("utf-8")) if CASES_META.exists() else {}


def place(case: Path, root: Path) -> None:
    """Copies a case's files under `root`, filling in `@STUB@` and `@WORKSPACE@`."""
    for part in PARTS:
        (root / part).mkdir(parents=True, exist_ok=True)
    for source in sorted(case.rglob("*")):
        if not source.is_file():
            continue
        target = root / source.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text("utf-8")
        text = text.replace("@STUB@", str(STUB)).replace("@WORKSPACE@", str(root / "workspace"))
        target.write_text(text, "utf-8")


def _normalise(line: str, root: Path) -> str:
    line = re.sub(r"^\S+Z \[", "[", line.rstrip())  # the debug log's timestamp
    line = line.replace(str(root), "$TMP").replace(str(STUB), "$STUB")
    line = re.sub(r"\b\d+(?:\.\d+)?ms\b", "Nms", line)
    # The length and first 100 characters of a file holding the stub's path depend on where the
    # checkout is.
    line = re.sub(r"length=\d+, first100=.*\)$", "length=N, first100=…)", line)
    return re.sub(r"\.tmp\.\d+\.[0-9a-f]+", ".tmp.N", line)


_LOG_TOPIC = re.compile(r"mcp|plugin|manifest|marketplace", re.I)
_LOG_NOISE = re.compile(
    r"cc-plugin-|@builtin|telemetry|autoupdate|Artifacts MCP|Failed to save config", re.I
)


def _log_lines(root: Path) -> list[str]:
    """The debug log's ERROR/WARN lines about MCP servers, plugins and manifests."""
    log = root / "debug.log"
    if not log.exists():
        return []
    lines = []
    for line in log.read_text("utf-8", errors="replace").splitlines():
        if ("[ERROR]" in line or "[WARN]" in line) and _LOG_TOPIC.search(line):
            if not _LOG_NOISE.search(line):
                lines.append(_normalise(line, root))
    return sorted(set(lines))


def _doctor_problems(stdout: str, root: Path) -> list[str]:
    """The lines of `claude doctor`'s "Invalid settings" section."""
    if "Invalid settings" not in stdout:
        return []
    block = stdout.split("Invalid settings", 1)[1].split("\n\n", 1)[0]
    return [_normalise(line, root) for line in block.splitlines() if line.strip()]


def _validate(binary: Path, root: Path, folder: str) -> dict[str, Any]:
    run, _, _ = run_claude(
        binary, root, answer_ok, args=["plugin", "validate", "--json", str(root / folder)]
    )
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return {"exit": run.returncode, "output": _normalise(run.stdout + run.stderr, root)[:600]}
    manifest = report.get("manifest") or {}

    def rows(kind: str) -> list[list[str]]:
        found = manifest.get(kind) or []
        return [[str(r.get("path")), _normalise(str(r.get("message")), root)] for r in found]

    return {"exit": run.returncode, "errors": rows("errors"), "warnings": rows("warnings")}


def _marketplace(binary: Path, root: Path) -> dict[str, Any]:
    added, _, _ = run_claude(
        binary, root, answer_ok, args=["plugin", "marketplace", "add", str(root / "marketplace")]
    )
    listed, _, _ = run_claude(
        binary, root, answer_ok, args=["plugin", "list", "--available", "--json"]
    )
    try:
        available = json.loads(listed.stdout).get("available") or []
    except ValueError:
        available = []
    offered = sorted(
        str(p.get("pluginId") or p.get("name")) for p in available if isinstance(p, dict)
    )
    message = _normalise((added.stdout + added.stderr).strip(), root)
    installed = {}
    for plugin in sorted(set(offered)):
        run, _, _ = run_claude(binary, root, answer_ok, args=["plugin", "install", plugin])
        installed[plugin] = run.returncode == 0
    return {
        "added": added.returncode == 0,
        "message": message[:600],
        "offered": offered,
        "installs": installed,
    }


def _listed(stdout: str) -> dict[str, str]:
    """`claude mcp list`: each server's name (as configured) and its status."""
    servers = {}
    for line in stdout.splitlines():
        head, sep, status = line.rpartition(" - ")
        name = head.split(": ", 1)[0]
        if sep and ": " in head and not line.startswith(" "):
            servers[name] = re.sub(r"\s*\(.*\)$", "", status).strip()
    return servers


def record_case(binary: Path, case: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Runs Claude Code on one case; returns its golden. Case names start with `m` (MCP servers:
    `.mcp.json` and the other layers), `p` (plugin manifests) or `k` (marketplaces)."""
    kind = case.name[0]
    with tempfile.TemporaryDirectory(prefix="agent-ls-mcp-") as tmp:
        root = Path(tmp).resolve()
        place(case, root)
        env = {"MCP_STUB_LOG": str(root / STUB_LOG), **meta.get("env", {})}
        cwd = root / meta.get("cwd", "workspace")
        golden: dict[str, Any] = {}
        if kind in "mp":
            args = ["-p", PROMPT, "--debug-file", str(root / "debug.log")]
            if (case / "plugin").is_dir():
                args += ["--plugin-dir", str(root / "plugin")]
            run, requests, _ = run_claude(
                binary, root, conversation, args=args, extra_env=env, cwd=cwd
            )
            log = root / STUB_LOG
            lines = log.read_text("utf-8").splitlines() if log.exists() else []
            bodies = [r.body for r in requests if isinstance(r.body, dict)]
            golden["exit"] = run.returncode
            golden["started"] = sorted((json.loads(x) for x in lines if x.strip()), key=json.dumps)
            golden["mcpTools"] = sorted(
                {t for b in bodies for t in request_tools(b) if t.startswith("mcp__")}
            )
            golden["log"] = _log_lines(root)
            if kind == "p":
                mark = f"agent of plugin case {case.name[:4]}"
                golden["pluginAgentListed"] = any(mark in json.dumps(b) for b in bodies)
        if kind == "m":
            doctor, _, _ = run_claude(
                binary, root, answer_ok, args=["doctor"], extra_env=env, cwd=cwd
            )
            golden["doctor"] = _doctor_problems(doctor.stdout, root)
            env["MCP_STUB_LOG"] = str(root / "health-check.log")  # `mcp list` starts them again
            listed, _, _ = run_claude(
                binary, root, answer_ok, args=["mcp", "list"], extra_env=env, cwd=cwd
            )
            golden["mcpList"] = _listed(listed.stdout)
        for part in ("plugin", "marketplace"):
            if kind != "m" and (case / part).is_dir():
                golden["validate"] = _validate(binary, root, part)
        if kind == "k":
            golden["marketplace"] = _marketplace(binary, root)
        return golden


def record(binary: Path, only: list[str] | None = None) -> dict[str, Any]:
    meta = case_meta()
    cases = {}
    for case in case_dirs():
        if only and not any(case.name.startswith(o) for o in only):
            continue
        cases[case.name] = record_case(binary, case, meta.get(case.name, {}))
    return {"claudeCode": installed_version(), "cases": cases}


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Returns human-readable differences between two recordings."""
    out = []
    if old.get("claudeCode") != new.get("claudeCode"):
        out.append(f"claudeCode: {old.get('claudeCode')!r} → {new.get('claudeCode')!r}")
    a, b = old.get("cases", {}), new.get("cases", {})
    for stem in sorted(set(a) | set(b)):
        if a.get(stem) != b.get(stem):
            out.append(
                f"{stem}:\n  golden:   {json.dumps(a.get(stem), ensure_ascii=False)}"
                f"\n  recorded: {json.dumps(b.get(stem), ensure_ascii=False)}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with goldens.json")
    parser.add_argument("--only", nargs="*", help="record only cases starting with these")
    args = parser.parse_args(argv)
    try:
        goldens = record(install(), args.only)
    except RecordError as err:
        print(f"record.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    if args.check:
        changes = diff(json.loads(GOLDENS.read_text("utf-8")), goldens)
        for change in changes:
            print(change)  # noqa: T201
        return 1 if changes else 0
    if args.only and GOLDENS.exists():
        stored = json.loads(GOLDENS.read_text("utf-8"))
        stored["cases"].update(goldens["cases"])
        goldens = stored
    GOLDENS.write_text(json.dumps(goldens, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(goldens['cases'])} cases → {GOLDENS}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
