"""Shutdown and exit under random interleavings of client requests, notifications and server
requests left pending (seeded: the same sequences every run).

Whatever the order: every request gets exactly one response, `shutdown` answers `null`, every
request after it −32600, a late answer to a server request changes nothing, and `exit` exits 0
when `shutdown` came first, else 1.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest
from rawrpc import RawServer

ROOT = Path(__file__).parent.parent / "workspaces" / "basic"
URI = (ROOT / ".claude" / "agents" / "lifecycle.md").as_uri()
TEXT = "---\nname: lifecycle\ndescription: Use it\ntools: Read, Reed\n---\n\nBody.\n"
HOVER = {"textDocument": {"uri": URI}, "position": {"line": 3, "character": 8}}
STEPS = ["hover", "check", "change", "pull", "answer", "answer"]
SEEDS = range(8)


class Session:
    """A raw client that holds `workspace/configuration` requests until told to answer."""

    def __init__(self, server: RawServer) -> None:
        self.server = server
        self.held: list[Any] = []  # ids of configuration requests not answered yet
        self.replies: dict[Any, list[dict[str, Any]]] = {}
        self.version = 1

    def request(self, method: str, params: Any = None) -> int:
        msg_id = self.server.request(method, params)
        self.replies[msg_id] = []
        return msg_id

    async def settle(self, timeout: float = 10) -> None:
        """Reads until every request sent has its response (server requests held or answered)."""

        async def wait() -> None:
            while any(not r for r in self.replies.values()):
                message = await self.server.read()
                if "method" in message and "id" in message:
                    if message["method"] == "workspace/configuration":
                        self.held.append(message["id"])
                    else:
                        self.server.send({"id": message["id"], "result": None})
                elif "method" not in message:
                    self.replies.setdefault(message.get("id"), []).append(message)

        await asyncio.wait_for(wait(), timeout)

    def step(self, name: str) -> None:
        if name == "hover":
            self.request("textDocument/hover", HOVER)
        elif name == "check":
            self.request("workspace/executeCommand", {"command": "agentLs.checkWorkspace"})
        elif name == "change":
            self.version += 1
            self.server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": URI, "version": self.version},
                    "contentChanges": [{"text": TEXT.replace("Body", f"Body {self.version}")}],
                },
            )
        elif name == "pull":  # settings changed: the server asks the client for them
            self.server.notify("workspace/didChangeConfiguration", {"settings": None})
        elif name == "answer" and self.held:
            self.server.send({"id": self.held.pop(0), "result": [{}]})


@pytest.mark.parametrize("seed", SEEDS)
async def test_shutdown_and_exit_under_random_interleavings(seed: int) -> None:
    assert ROOT.is_dir(), f"missing sample workspace {ROOT}"
    rng = random.Random(seed)
    server = await RawServer.start()
    session = Session(server)
    try:
        await server.initialize(ROOT, capabilities={"workspace": {"configuration": True}})
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "markdown", "version": 1, "text": TEXT}},
        )
        before = [rng.choice(STEPS) for _ in range(rng.randint(0, 8))]
        for name in before:
            session.step(name)
        served = list(session.replies)
        shut_down = rng.random() < 0.75
        after = [rng.choice([*STEPS, "shutdown"]) for _ in range(rng.randint(0, 4))]
        refused = []
        if shut_down:
            shutdown = session.request("shutdown")
            for name in after:
                if name in ("hover", "check", "shutdown"):  # requests: all refused now
                    refused.append(session.request("shutdown" if name == "shutdown" else "x"))
                else:
                    session.step(name)
        await session.settle()
        for msg_id, replies in session.replies.items():
            assert len(replies) == 1, (seed, msg_id, replies)  # exactly one response each
        for msg_id in served:  # answered, or cancelled by the shutdown
            [reply] = session.replies[msg_id]
            assert "result" in reply or reply["error"]["code"] == -32800, (seed, reply)
        if shut_down:
            [reply] = session.replies[shutdown]
            assert "error" not in reply and reply["result"] is None, (seed, before, reply)
            for msg_id in refused:
                [reply] = session.replies[msg_id]
                assert reply["error"]["code"] == -32600, (seed, after, reply)
        while session.held:  # late answers to requests the shutdown cancelled
            session.step("answer")
        server.notify("exit")
        assert await server.exit_code() == (0 if shut_down else 1), (seed, before, after)
    finally:
        await server.stop()
