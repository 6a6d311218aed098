"""The real server over stdio, spoken to in raw JSON-RPC: any bytes, any shape, any order."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import sys
from pathlib import Path
from typing import Any

SERVER = [sys.executable, "-m", "agent_ls", "serve"]


class RawServer:
    """One server process; `send` writes a framed message, `response` reads until a reply.

    Over stdio by default; `start_tcp` talks to `agent-ls serve --tcp` over a socket instead.
    """

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None,
    ) -> None:
        self.process = process
        if streams is None:
            assert process.stdout is not None and process.stdin is not None
            streams = process.stdout, process.stdin
        self.reader, self.writer = streams
        self.ids = itertools.count(1)
        self.notifications: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # responses to other ids, and id-less errors
        self.server_requests: list[dict[str, Any]] = []

    @classmethod
    async def start(cls, env: dict[str, str] | None = None) -> RawServer:
        process = await asyncio.create_subprocess_exec(
            *SERVER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        return cls(process)

    @classmethod
    async def start_tcp(cls, env: dict[str, str] | None = None) -> RawServer:
        """Starts `serve --tcp` on a free loopback port and connects to it (within 10 s)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            *SERVER, "--tcp", f"127.0.0.1:{port}", stderr=asyncio.subprocess.DEVNULL, env=env
        )
        for _ in range(200):
            try:
                return cls(process, await asyncio.open_connection("127.0.0.1", port))
            except OSError:
                await asyncio.sleep(0.05)
        process.kill()
        raise TimeoutError(f"serve --tcp never listened on port {port}")

    def write_raw(self, data: bytes) -> None:
        """Writes `data` as it is: headers, bodies, or anything else."""
        self.writer.write(data)

    def write(self, body: bytes) -> None:
        self.write_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def close_input(self) -> None:
        """Ends the server's input (stdin, or the socket's sending side)."""
        if self.writer.can_write_eof():
            self.writer.write_eof()
        else:
            self.writer.close()

    def send(self, message: dict[str, Any]) -> None:
        self.write(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def request(self, method: str, params: Any = None) -> int:
        msg_id = next(self.ids)
        self.send({"id": msg_id, "method": method, "params": params})
        return msg_id

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    async def read(self) -> dict[str, Any]:
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if not length:
            raise EOFError("the server closed its output")
        message: dict[str, Any] = json.loads(await self.reader.readexactly(length))
        return message

    async def response(
        self, msg_id: int | None, timeout: float = 5, answer: bool = True
    ) -> dict[str, Any]:
        """Returns the response to `msg_id`, keeping notifications and answering server requests
        (unless not `answer`: then they are kept, unanswered)."""

        async def wait() -> dict[str, Any]:
            while True:
                message = await self.read()
                if "method" not in message:
                    if message.get("id") == msg_id and "id" in message:
                        return message
                    self.responses.append(message)
                    continue
                if "id" in message:  # a request from the server
                    self.server_requests.append(message)
                    if answer:
                        self.send({"id": message["id"], "result": None})
                else:
                    self.notifications.append(message)

        return await asyncio.wait_for(wait(), timeout)

    async def call(self, method: str, params: Any = None, timeout: float = 5) -> dict[str, Any]:
        return await self.response(self.request(method, params), timeout)

    async def initialize(
        self, root: Path, capabilities: Any = None, options: Any = None
    ) -> dict[str, Any]:
        reply = await self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": capabilities or {},
                "initializationOptions": {"debounceMs": 0, **(options or {})},
            },
        )
        self.notify("initialized", {})
        return reply

    async def exit_code(self, timeout: float = 5) -> int:
        """Returns the process's exit code once it exits (fails after `timeout`)."""
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
