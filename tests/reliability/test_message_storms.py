"""Storms of messages, in process: what the server keeps and does per message must not grow with
their number (the figures over 100,000 edits come from `bench/soak.py`).

- pygls 2.1 filed the future of every notification it handled and never removed it, about 2 KB
  per keystroke for the life of the server.
- Every watched-file event started a full re-index of the workspace: a checkout's storm of events
  meant one index run per event, each slowing the reading of the next messages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_ls.lsp import workspace_index
from agent_ls.lsp.server import AgentLanguageServer, build_server


class Sink:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def started(root: Path | None) -> tuple[AgentLanguageServer, Callable[[dict[str, Any]], None]]:
    """Returns an initialized server and a function that hands it one message, as if read."""
    server = build_server()
    protocol = server.protocol
    protocol.set_writer(Sink())

    def receive(message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message})
        protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))

    receive(
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": root.as_uri() if root else None,
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0},
            },
        }
    )
    receive({"method": "initialized", "params": {}})
    return server, receive


async def settle(server: AgentLanguageServer, timeout: float = 30) -> None:
    async def idle() -> None:
        while server.tasks:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(idle(), timeout)


async def test_handled_notifications_leave_nothing_behind() -> None:
    server, receive = started(None)
    uri = "file:///nowhere/.claude/agents/memory.md"
    receive(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": uri,
                    "languageId": "markdown",
                    "version": 1,
                    "text": "---\nname: memory\n---\n",
                }
            },
        }
    )
    for version in range(2, 2002):
        at = {"line": 3, "character": 0}
        receive(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [
                        {"range": {"start": at, "end": at}, "text": "x\n"[version % 2]}
                    ],
                },
            }
        )
        if version % 100 == 0:
            await asyncio.sleep(0)
    await settle(server)
    assert len(server.protocol._request_futures) < 5, len(server.protocol._request_futures)


async def test_a_storm_of_watched_file_events_costs_one_or_two_index_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    for i in range(100):
        (agents / f"a{i}.md").write_text(f"---\nname: a{i}\ndescription: d\n---\nBody\n")
    server, receive = started(tmp_path)
    await settle(server)
    runs = 0
    index = workspace_index.reindex

    async def counted(ls: AgentLanguageServer) -> None:
        nonlocal runs
        runs += 1
        await index(ls)

    monkeypatch.setattr(workspace_index, "reindex", counted)
    for i in range(100):
        uri = (agents / f"a{i}.md").as_uri()
        receive(
            {
                "method": "workspace/didChangeWatchedFiles",
                "params": {"changes": [{"uri": uri, "type": 2}]},
            }
        )
        await asyncio.sleep(0.002)  # events trickling in, as from a checkout
    await settle(server)
    assert 1 <= runs <= 2, runs
