"""What the server keeps per message must not grow with the number of messages.

In process (the figures over 100,000 edits come from `bench/soak.py`): pygls 2.1 filed the future
of every notification it handled and never removed it, about 2 KB per keystroke.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agent_ls.lsp.server import build_server

URI = "file:///nowhere/.claude/agents/memory.md"


class Sink:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


async def test_handled_notifications_leave_nothing_behind() -> None:
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
                "rootUri": None,
                "capabilities": {},
                "initializationOptions": {"debounceMs": 0},
            },
        }
    )
    receive({"method": "initialized", "params": {}})
    receive(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": URI,
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
                    "textDocument": {"uri": URI, "version": version},
                    "contentChanges": [
                        {"range": {"start": at, "end": at}, "text": "x" if version % 2 else "\n"}
                    ],
                },
            }
        )
        if version % 100 == 0:
            await asyncio.sleep(0)
    await asyncio.sleep(0.1)
    for task in list(server.tasks):
        task.cancel()
    assert len(protocol._request_futures) < 5, len(protocol._request_futures)
