"""Storms of messages, in process: what the server keeps and does per message must not grow with
their number (the figures over 100,000 edits come from `bench/soak.py`).

- pygls 2.1 filed the future of every notification it handled and never removed it, about 2 KB
  per keystroke for the life of the server.
- A full collection while the index of a large workspace grew walked all of it so far on the event
  loop's thread (15-27 ms at 10,000 files, measured with `gc.callbacks`): requests waited.
- cattrs writes the converter's code for a message type on its first use: the first hover spent
  5 ms on it (20-30 ms while a workspace was indexed); it is now written once the workspace is indexed.
- Every watched-file event started a full re-index of the workspace: a checkout's storm of events
  meant one index run per event, each slowing the reading of the next messages.
"""

from __future__ import annotations

import asyncio
import gc
import json
import linecache
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from lsprotocol import types

from agent_ls.lsp import lifecycle, workspace_index
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


async def test_no_collection_runs_while_the_workspace_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    for i in range(400):  # objects enough for several collections at the default thresholds
        (agents / f"a{i}.md").write_text(f"---\nname: a{i}\ndescription: d\n---\nBody\n")
    collections: list[int] = []
    built: list[int] = []
    build = workspace_index.build_index

    def watched(*args: Any) -> Any:
        def seen(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                collections.append(info["generation"])

        gc.callbacks.append(seen)
        try:
            result = build(*args)
        finally:
            gc.callbacks.remove(seen)
        built.append(len(result[0]))
        return result

    monkeypatch.setattr(workspace_index, "build_index", watched)
    frozen = gc.get_freeze_count()
    server, _ = started(tmp_path)
    await settle(server)
    assert built == [400] and collections == []
    assert gc.get_freeze_count() > frozen + 400  # what the index holds is walked by none later
    assert gc.isenabled()


@pytest.mark.parametrize("index", ["built", "failed"])
async def test_the_first_request_of_each_kind_finds_its_converter_code_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index: str
) -> None:
    """Also when the workspace index failed (injected: `build_index` raises): the warm-up after
    it is still made."""

    def written() -> int:  # cattrs files each function it generates, under a name of its own
        return sum(name.startswith("<cattrs generated") for name in linecache.cache)

    if index == "failed":

        def broken(*args: object) -> NoReturn:
            raise OSError("injected")

        monkeypatch.setattr(workspace_index, "build_index", broken)
    warmed: list[object] = []  # (cattrs keeps code it wrote for another server of this process)
    warm = lifecycle.warm_converters
    monkeypatch.setattr(lifecycle, "warm_converters", lambda p: warmed.append(p) or warm(p))
    server, _ = started(tmp_path)
    await settle(server)
    before = written()
    uri = (tmp_path / "a.md").as_uri()
    at = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 2}}
    span = {"start": at["position"], "end": at["position"]}
    for i, (method, params) in enumerate(
        [
            ("textDocument/hover", at),
            ("textDocument/completion", at),
            ("textDocument/codeAction", {**at, "range": span, "context": {"diagnostics": []}}),
            ("textDocument/documentSymbol", {"textDocument": at["textDocument"]}),
        ]
    ):
        message = {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
        server.protocol.structure_message(message)
    hover = types.Hover(
        types.MarkupContent(types.MarkupKind.Markdown, "x"),
        types.Range(types.Position(1, 2), types.Position(1, 3)),
    )
    json.dumps(types.HoverResponse(0, hover), default=server.protocol._serialize_message)
    assert written() == before
    assert warmed == [server.protocol]
