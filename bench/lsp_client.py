"""A small asyncio JSON-RPC client for language servers over stdio, built for timing.

Plain dicts on the wire and nothing else in the process, so the client adds as little as it can
to each measured round trip. Every message from the server is stamped with `time.perf_counter()`
the moment it has been read.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = Any

CLIENT_CAPABILITIES: Json = {
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
    "window": {"workDoneProgress": True},
    "textDocument": {
        "synchronization": {"didSave": True, "dynamicRegistration": False},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
        "completion": {
            # As VS Code sends them: documentation may come with completionItem/resolve, and a
            # list may give one edit range for all its items (Neovim 0.11 takes that too).
            "completionItem": {
                "snippetSupport": True,
                "documentationFormat": ["markdown"],
                "resolveSupport": {"properties": ["documentation", "detail"]},
            },
            "completionList": {"itemDefaults": ["editRange", "insertTextFormat", "data"]},
            "contextSupport": True,
        },
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    },
}


@dataclass
class Diagnostics:
    """One textDocument/publishDiagnostics notification, with its arrival time."""

    at: float
    uri: str
    version: int | None
    items: list[Json]


@dataclass
class LspClient:
    """A running language server and the client end of its stdio pipes."""

    process: asyncio.subprocess.Process
    settings: Mapping[str, Json] = field(default_factory=dict)
    """Answers to workspace/configuration, by section ("" for the whole mapping)."""
    diagnostics: list[Diagnostics] = field(default_factory=list)
    progress: list[tuple[float, Json]] = field(default_factory=list)
    """($/progress arrival time, params) in order."""
    _next_id: int = 0
    _pending: dict[int, asyncio.Future[Json]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, argv: Sequence[str], cwd: Path, settings: Mapping[str, Json] | None = None
    ) -> LspClient:
        """Spawns the server; its stderr is discarded (logs are not part of the measurement)."""
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            limit=64 * 1024 * 1024,
        )
        client = cls(process, settings or {})
        client._reader = asyncio.create_task(client._read_loop())
        return client

    @property
    def pid(self) -> int:
        return self.process.pid

    # --- sending -----------------------------------------------------------------------------

    def _send(self, message: Json) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def notify(self, method: str, params: Json) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Json, timeout: float = 30.0) -> Json:
        """Sends a request and returns its result (raises on an error response or timeout)."""
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    async def initialize(
        self, root: Path, options: Json = None, capabilities: Json = CLIENT_CAPABILITIES
    ) -> Json:
        """Runs initialize + initialized; returns the initialize result."""
        result = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.resolve().as_uri(),
                "workspaceFolders": [{"uri": root.resolve().as_uri(), "name": root.name}],
                "capabilities": capabilities,
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, language_id: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language_id,
                    "version": version,
                    "text": text,
                }
            },
        )

    def insert(self, uri: str, version: int, line: int, character: int, text: str) -> None:
        """Sends an incremental didChange inserting `text` at (line, character)."""
        position = {"line": line, "character": character}
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": text}],
            },
        )

    async def close(self, timeout: float = 5.0) -> None:
        """shutdown + exit, then kills the process if it lingers."""
        try:
            await self.request("shutdown", None, timeout=timeout)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), timeout)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            pass
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._reader is not None:
            self._reader.cancel()

    # --- waiting -----------------------------------------------------------------------------

    async def wait_for_diagnostics(
        self,
        predicate: Callable[[Diagnostics], bool],
        start: int = 0,
        timeout: float = 10.0,
    ) -> Diagnostics:
        """Returns the first publishDiagnostics from index `start` on that satisfies `predicate`."""
        deadline = time.perf_counter() + timeout
        index = start
        while True:
            while index < len(self.diagnostics):
                if predicate(self.diagnostics[index]):
                    return self.diagnostics[index]
                index += 1
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise asyncio.TimeoutError
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_progress_end(self, timeout: float) -> float:
        """Returns the arrival time of the first `$/progress` whose kind is `end`."""
        deadline = time.perf_counter() + timeout
        while True:
            for at, params in self.progress:
                if isinstance(params.get("value"), dict) and params["value"].get("kind") == "end":
                    return at
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise asyncio.TimeoutError
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), remaining)

    # --- receiving ---------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                header = await stdout.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in header.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                message = json.loads(await stdout.readexactly(length))
                self._dispatch(message, time.perf_counter())
        except (asyncio.IncompleteReadError, ConnectionError):
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("server closed its output"))

    def _dispatch(self, message: Json, at: float) -> None:
        method = message.get("method")
        if method is None:  # a response
            future = self._pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(RuntimeError(str(message["error"])))
                else:
                    future.set_result(message.get("result"))
            return
        if "id" in message:  # a request from the server
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(message)})
        elif method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.diagnostics.append(
                Diagnostics(at, params["uri"], params.get("version"), params["diagnostics"])
            )
        elif method == "$/progress":
            self.progress.append((at, message["params"]))
        self._changed.set()

    def _answer(self, request: Json) -> Json:
        if request["method"] == "workspace/configuration":
            items = request["params"]["items"]
            return [self._section(item.get("section") or "") for item in items]
        return None  # workDoneProgress/create, registerCapability, ...: accept

    def _section(self, section: str) -> Json:
        value: Json = dict(self.settings)
        for part in filter(None, section.split(".")):
            value = value.get(part) if isinstance(value, dict) else None
        return value


def rss_kb(pid: int) -> tuple[int, int]:
    """Returns (VmRSS, VmHWM) of a process in KiB, from /proc."""
    values = {"VmRSS": 0, "VmHWM": 0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in values:
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def cpu_ms(pid: int) -> float:
    """Returns the user + system CPU time a process has used so far, in ms (10 ms ticks), from
    /proc: unlike wall time, other processes on a loaded machine do not inflate it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
