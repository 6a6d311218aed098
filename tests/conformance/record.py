"""Records what the real Claude Code does with every agent file in `cases/`: the goldens.

    .venv/bin/python tests/conformance/record.py          # install if needed, write goldens.json
    .venv/bin/python tests/conformance/record.py --check  # compare with goldens.json (exit 1)

Installs the pinned `@anthropic-ai/claude-code` (version in `PINNED`, the only place it is written)
from the npm registry into `tests/conformance/.claude-code/` (gitignored), then runs its native
binary once, offline, against the loopback fake Messages API (`tests/fakeapi`), with a throwaway
HOME and workspace whose `.claude/agents/` holds every case. The fake answers the main
conversation's first request with one `Agent` tool_use per listed case, so every loaded agent is
spawned; each spawned agent's own request shows the model and the tools it really gets.

For each case the golden says: whether Claude Code lists (loads) it, the debug-log lines naming
its file, the name/description/tools of its listing line, and for a spawn the model, the tools,
whether its body reached the system prompt, and the error Claude Code returned instead (e.g. it
refuses to spawn an agent with zero tools). Duplicate names show as one listed file and one not.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for `fakeapi`

from fakeapi import FakeAnthropic, Message, RecordedRequest, reply_text, tool_use  # noqa: E402

PINNED = HERE / "PINNED"
INSTALL_DIR = HERE / ".claude-code"
CASES = HERE / "cases"
CASES_META = HERE / "cases.json"
GOLDENS = HERE / "goldens.json"
PACKAGE = "@anthropic-ai/claude-code"

MAIN_PROMPT = "Conformance run: spawn every listed agent."
SPAWN_MARK = "conformance-spawn "
LISTING_HEADER = "Available agent types for the Agent tool:\n"
DEFERRED_HEADER = "before calling them:\n"
CASE_ID = re.compile(r"(?<![A-Za-z0-9])c(\d{3}[a-z]?)(?![A-Za-z0-9])")
TIMEOUT = 300
BATCH = 15  # Claude Code runs at most 20 sub-agents at once


class RecordError(RuntimeError):
    """Claude Code could not be installed or run."""


def pinned_version() -> str:
    return PINNED.read_text().strip()


# -- install --------------------------------------------------------------------------------------
def installed_version() -> str | None:
    package = INSTALL_DIR / "node_modules" / PACKAGE / "package.json"
    try:
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def find_binary() -> Path | None:
    """Returns the native binary (the platform package's, or the wrapper's after postinstall)."""
    scope = INSTALL_DIR / "node_modules" / "@anthropic-ai"
    for candidate in sorted(scope.glob("claude-code-*/claude")):
        if os.access(candidate, os.X_OK):
            return candidate
    wrapper = scope / "claude-code" / "bin" / "claude.exe"
    if wrapper.is_file() and os.access(wrapper, os.X_OK) and wrapper.stat().st_size > 1_000_000:
        return wrapper
    return None


def install(version: str | None = None) -> Path:
    """Installs the pinned Claude Code unless it is already there; returns its binary."""
    version = version or pinned_version()
    if installed_version() != version or find_binary() is None:
        npm = shutil.which("npm")
        if npm is None:
            raise RecordError("npm is not installed: cannot install Claude Code")
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        manifest = INSTALL_DIR / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "agent-ls-conformance", "private": true}\n')
        result = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefix",
                str(INSTALL_DIR),
                f"{PACKAGE}@{version}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            raise RecordError(f"npm install {PACKAGE}@{version} failed:\n{result.stderr[-2000:]}")
    binary = find_binary()
    if binary is None or installed_version() != version:
        raise RecordError(f"{PACKAGE}@{version} installed, but no native binary for this platform")
    return binary


# -- the fake API's answers -----------------------------------------------------------------------
def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _first_user_text(body: Any) -> str:
    messages = body.get("messages") if isinstance(body, dict) else None
    if not messages:
        return ""
    return "\n".join(_strings(messages[0].get("content")))


def _has_tool_results(body: dict[str, Any]) -> bool:
    return any(
        isinstance(block, dict) and block.get("type") == "tool_result"
        for message in body.get("messages", [])
        if isinstance(message.get("content"), list)
        for block in message["content"]
    )


def parse_listing(body: Any) -> list[dict[str, str]]:
    """Returns the agents of the listing `- NAME: DESCRIPTION (Tools: …)` in a request."""
    for text in _strings(body):
        at = text.find(LISTING_HEADER)
        if at == -1:
            continue
        block = text[at + len(LISTING_HEADER) :].split("\n\n", 1)[0]
        agents = []
        for item in re.split(r"\n(?=- )", block):
            item = item[2:] if item.startswith("- ") else item
            head, sep, tools = item.rpartition(" (Tools: ")
            if not sep:
                head, tools = item, ""
            name, _, description = head.partition(": ")
            tools = tools.removesuffix(")")
            agents.append({"name": name, "description": description, "tools": tools})
        return agents
    return []


# An item of the listing ends at the first `(Tools: …)` that the next item (or the end) follows.
_ITEM_END = re.compile(r" \(Tools: (.*?)\)(?=\n- [^\n]*?: |\n\n|\s*\Z)", re.S)


def listed_agents(body: Any, wanted: Callable[[str], bool]) -> list[dict[str, str]]:
    """Returns the listed agents whose name is `wanted`, each item read up to its `(Tools: …)`:
    unlike `parse_listing`, a description may hold blank lines and `- x: y` lines."""
    for text in _strings(body):
        at = text.find(LISTING_HEADER)
        if at == -1:
            continue
        block = text[at + len(LISTING_HEADER) - 1 :]
        agents = []
        for match in re.finditer(r"\n- ([^\n]*?): ", block):
            end = _ITEM_END.search(block, match.end())
            if wanted(match.group(1)) and end is not None:
                description = block[match.end() : end.start()]
                agents.append({"name": match.group(1), "description": description, "tools": end[1]})
        return agents
    return []


def case_of(agent: dict[str, str], ids: dict[str, str]) -> str | None:
    """Returns the case stem a listed agent comes from (by the id in its description or name)."""
    for field in ("description", "name"):
        for match in CASE_ID.finditer(agent[field]):
            stem = ids.get("c" + match.group(1))
            if stem is not None:
                return stem
    return None


def request_tools(body: dict[str, Any]) -> list[str]:
    """Returns every tool a request offers: its `tools`, and the deferred ones it names."""
    names = {t.get("name") for t in body.get("tools", []) if isinstance(t, dict)}
    names.discard("DeferredToolPlaceholder")
    for text in _strings(body.get("system")) + _strings(body.get("messages")):
        if "ToolSearch" in text and DEFERRED_HEADER in text:
            block = text.split(DEFERRED_HEADER, 1)[1].split("\n\n", 1)[0]
            names.update(
                line.strip() for line in block.splitlines() if re.fullmatch(r"\s*[\w-]+\s*", line)
            )
    return sorted(n for n in names if isinstance(n, str))


class Conductor:
    """Answers Claude Code's requests: spawn every listed case, then let each agent finish."""

    def __init__(self, ids: dict[str, str]) -> None:
        self.ids = ids
        self.lock = threading.Lock()
        self.listing: list[dict[str, str]] = []
        self.spawned: dict[str, str] = {}  # tool_use id → case stem
        self.sub_requests: dict[str, dict[str, Any]] = {}  # case stem → its first request body
        self.results: dict[str, dict[str, Any]] = {}  # case stem → tool_result
        self.pending: list[dict[str, Any]] = []  # Agent tool_use blocks not sent yet

    def __call__(self, request: RecordedRequest) -> Message:
        body = request.body if isinstance(request.body, dict) else {}
        first = _first_user_text(body)
        if SPAWN_MARK in first:
            stem = first.split(SPAWN_MARK, 1)[1].split()[0]
            with self.lock:
                self.sub_requests.setdefault(stem, body)
            return reply_text("done")
        if MAIN_PROMPT not in first:
            return reply_text("ok")  # a side request (title, classifier…)
        if _has_tool_results(body):
            self._collect_results(body)
        else:
            self._plan(body)
        with self.lock:
            batch, self.pending = self.pending[:BATCH], self.pending[BATCH:]
        if not batch:
            return reply_text("All spawned.")
        return Message(content=batch, stop_reason="tool_use")

    def _plan(self, body: dict[str, Any]) -> None:
        """Reads the listing of the main conversation's first request; queues one spawn per case."""
        with self.lock:
            if self.listing:
                return  # a retried first request: keep the plan
            self.listing = parse_listing(body)
            for agent in self.listing:
                stem = case_of(agent, self.ids)
                if stem is not None:
                    self._queue_spawn(stem, agent["name"], f"conformance {stem[:24]}")

    def _queue_spawn(self, key: str, name: str, description: str) -> None:
        """Queues one `Agent` tool_use spawning `name`; its request and result go under `key`."""
        block = tool_use(
            "Agent",
            {
                "description": description,
                "prompt": f"{SPAWN_MARK}{key} — reply with one word.",
                "subagent_type": name,
                "run_in_background": False,
            },
        )
        self.spawned[block["id"]] = key
        self.pending.append(block)

    def _collect_results(self, body: dict[str, Any]) -> None:
        with self.lock:
            for message in body.get("messages", []):
                content = message.get("content")
                if not isinstance(content, list):
                    continue
                for block in content:
                    if not isinstance(block, dict) or block.get("type") != "tool_result":
                        continue
                    stem = self.spawned.get(block.get("tool_use_id", ""))
                    if stem is not None:
                        self.results[stem] = {
                            "is_error": bool(block.get("is_error")),
                            "text": "\n".join(_strings(block.get("content"))),
                        }


# -- one run --------------------------------------------------------------------------------------
def case_files() -> list[Path]:
    return sorted(CASES.glob("*.md"))


def case_meta() -> dict[str, dict[str, Any]]:
    return json.loads(CASES_META.read_text()) if CASES_META.exists() else {}


def _place(root: Path, home: Path, workspace: Path) -> dict[str, Path]:
    """Copies each case where its `location` says; returns stem → its path in the run."""
    meta = case_meta()
    placed = {}
    for path in case_files():
        location = meta.get(path.stem, {}).get("location", "project")
        folder = {
            "project": workspace / ".claude" / "agents",
            "user": home / ".claude" / "agents",
            "sub": workspace / ".claude" / "agents" / "sub",
        }[location]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        shutil.copyfile(path, target)
        placed[path.stem] = target
    return placed


def _normalise_log(line: str, root: Path) -> str:
    line = re.sub(r"^\S+Z \[", "[", line.rstrip())  # timestamp
    line = line.replace(str(root), "$TMP")
    return re.sub(r"\b\d+(?:\.\d+)?ms\b", "Nms", line)


def _result_text(result: dict[str, Any]) -> str:
    text = re.sub(r"agentId: \S+", "agentId: ID", result["text"])
    return re.sub(r"\b[0-9a-f]{8,}\b", "ID", text)[:600]


def run_claude(
    binary: Path,
    root: Path,
    responder: Any,
    prompt: str = MAIN_PROMPT,
    extra_args: Sequence[str] = (),
    *,
    args: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[subprocess.CompletedProcess[str], list[RecordedRequest], float]:
    """Runs Claude Code once, offline, in `root/workspace` (or `cwd`) with HOME `root/home`.

    By default `-p prompt` (then `extra_args`) with its debug log in `root/debug.log`; `args` replaces those
    arguments (`["doctor"]`), `extra_env` adds variables. Returns the run, every request the
    fake API got, and the seconds it took.
    """
    with FakeAnthropic(responder=responder) as api:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root / "home"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "ANTHROPIC_BASE_URL": api.base_url,
            "ANTHROPIC_API_KEY": "sk-test",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            **(extra_env or {}),
        }
        started = time.monotonic()
        try:
            run = subprocess.run(
                [
                    str(binary),
                    *(args or ["-p", prompt, *extra_args, "--debug-file", str(root / "debug.log")]),
                ],
                cwd=cwd or root / "workspace",
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as err:
            raise RecordError(f"Claude Code did not finish within {TIMEOUT} s") from err
        return run, list(api.requests), time.monotonic() - started


def record(binary: Path) -> dict[str, Any]:
    """Runs Claude Code once over every case; returns the goldens."""
    files = case_files()
    ids = {p.stem.split("-", 1)[0]: p.stem for p in files}
    conductor = Conductor(ids)
    with tempfile.TemporaryDirectory(prefix="agent-ls-conformance-") as tmp:
        root = Path(tmp).resolve()
        home, workspace = root / "home", root / "workspace"
        home.mkdir()
        workspace.mkdir()
        placed = _place(root, home, workspace)
        debug = root / "debug.log"
        run, requests, elapsed = run_claude(binary, root, conductor)
        if not conductor.listing:
            raise RecordError(
                f"no agent listing seen (exit {run.returncode}); stderr:\n{run.stderr[-2000:]}"
            )
        log = debug.read_text(errors="replace").splitlines() if debug.exists() else []
        listed = {}
        for agent in conductor.listing:
            stem = case_of(agent, ids)
            if stem is not None:
                listed[stem] = agent
        goldens: dict[str, Any] = {}
        for path in files:
            stem = path.stem
            where = str(placed[stem])
            lines = [_normalise_log(line, root) for line in log if where in line]
            entry: dict[str, Any] = {"loaded": stem in listed, "log": lines}
            if stem in listed:
                entry["listed"] = listed[stem]
                sub = conductor.sub_requests.get(stem)
                result = conductor.results.get(stem)
                spawn: dict[str, Any] = {"requested": sub is not None}
                if sub is not None:
                    system = "\n".join(_strings(sub.get("system")))
                    spawn["model"] = sub.get("model")
                    spawn["tools"] = request_tools(sub)
                    spawn["body_in_system_prompt"] = f"conformance case {stem[:4]}" in system
                if result is not None and (result["is_error"] or sub is None):
                    spawn["error"] = _result_text(result)
                elif result is None:
                    spawn["error"] = "no tool result"
                entry["spawn"] = spawn
            goldens[stem] = entry
        duplicates = [_normalise_log(line, root) for line in log if "Duplicate agent name" in line]
        main_tools = request_tools(
            next(
                r.body
                for r in requests
                if isinstance(r.body, dict) and MAIN_PROMPT in _first_user_text(r.body)
            )
        )
    return {
        "claudeCode": installed_version(),
        "exitCode": run.returncode,
        "seconds": round(elapsed, 1),
        "mainTools": main_tools,
        "duplicateLog": duplicates,
        "cases": goldens,
    }


def comparable(goldens: dict[str, Any]) -> dict[str, Any]:
    """Returns the goldens without what varies between runs."""
    return {k: v for k, v in goldens.items() if k not in ("seconds",)}


def diff(
    old: dict[str, Any], new: dict[str, Any], sections: tuple[str, ...] = ("cases",)
) -> list[str]:
    """Returns human-readable differences between two recordings (the items of `sections`
    one by one)."""
    out = []
    a, b = comparable(old), comparable(new)
    for key in sorted(set(a) | set(b)):
        if key in sections:
            continue
        if a.get(key) != b.get(key):
            out.append(f"{key}: {a.get(key)!r} → {b.get(key)!r}")
    for section in sections:
        items_a, items_b = a.get(section, {}), b.get(section, {})
        for item in sorted(set(items_a) | set(items_b)):
            if items_a.get(item) != items_b.get(item):
                out.append(
                    f"{item}:\n  golden:   {json.dumps(items_a.get(item), ensure_ascii=False)}"
                    f"\n  recorded: {json.dumps(items_b.get(item), ensure_ascii=False)}"
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with goldens.json instead of writing it"
    )
    parser.add_argument("--output", type=Path, default=GOLDENS)
    args = parser.parse_args(argv)
    try:
        binary = install()
        goldens = record(binary)
    except RecordError as err:
        print(f"record.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    if args.check:
        changes = diff(json.loads(GOLDENS.read_text()), goldens)
        for change in changes:
            print(change)  # noqa: T201
        return 1 if changes else 0
    stored = comparable(goldens)  # without the timing, so a re-record only shows real changes
    args.output.write_text(json.dumps(stored, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    loaded = sum(c["loaded"] for c in goldens["cases"].values())
    print(f"{len(goldens['cases'])} cases, {loaded} loaded, {goldens['seconds']} s → {args.output}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
