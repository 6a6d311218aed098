"""Protocol faults against the real server: clear errors, no crash, no hang.

Every request must get a response (a result or a JSON-RPC error) within seconds, and the server
must still answer the next request. Shutdown and exit follow the specification's exit codes.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsp_helpers import open_document, pulls
from lsprotocol import types
from published import Publishes, diagnostics
from pytest_lsp import LanguageClient
from rawrpc import RawServer

ROOT = Path(__file__).parent.parent / "workspaces" / "basic"
NEVER_OPENED = (ROOT / ".claude/agents/never-opened.md").as_uri()
ORIGIN = {"line": 0, "character": 0}
APP = "def f(x):\n    return x\n"
DOC = {"textDocument": {"uri": NEVER_OPENED}}


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    """A server process spoken to in raw JSON-RPC; tests initialize it on the basic workspace."""
    assert ROOT.is_dir(), f"missing sample workspace {ROOT}"
    server = await RawServer.start()
    yield server
    await server.stop()


async def alive(server: RawServer) -> None:
    reply = await server.call("textDocument/hover", {**DOC, "position": ORIGIN})
    assert "result" in reply, reply


# -- documents never opened, positions outside the document (both client capability sets) --------


async def test_requests_for_a_document_never_opened_answer_empty(client: LanguageClient) -> None:
    doc = types.TextDocumentIdentifier(uri=NEVER_OPENED)
    origin = types.Position(line=0, character=0)
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=origin)
        )
        is None
    )
    assert (
        await client.text_document_completion_async(
            types.CompletionParams(text_document=doc, position=origin)
        )
        is None
    )
    assert (
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc,
                range=types.Range(start=origin, end=origin),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        is None
    )
    assert (
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc)
        )
        is None
    )
    assert (
        await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc))
        is None
    )
    assert not await client.text_document_document_color_async(
        types.DocumentColorParams(text_document=doc)
    )


async def test_positions_outside_the_document_are_clamped(client: LanguageClient) -> None:
    uri = open_document(client, client.root / ".claude/agents/broken.md")  # type: ignore[attr-defined]
    doc = types.TextDocumentIdentifier(uri=uri)
    for line, character in [(0, 10_000), (10_000, 0), (10_000, 10_000), (4, 7)]:
        at = types.Position(line=line, character=character)
        far = types.Range(start=at, end=types.Position(line=line + 5, character=character + 5))
        await client.text_document_hover_async(types.HoverParams(text_document=doc, position=at))
        completions = await client.text_document_completion_async(
            types.CompletionParams(text_document=doc, position=at)
        )
        assert completions is None or isinstance(completions, types.CompletionList)
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc, range=far, context=types.CodeActionContext(diagnostics=[])
            )
        )
        await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc))
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc)
    )
    assert symbols  # the document is still there, and still understood


async def test_paths_that_need_percent_encoding_work_like_any_other(
    client: LanguageClient, publishes: Publishes
) -> None:
    """VS Code sends `my%20agent.md`; pygls filed it as `my agent.md`, so every lookup missed."""
    text = "---\nname: spaced\ndescription: Use it\ntools: Reed\n---\n\nBody.\n"
    for name in ["my agent.md", "agent#1.md", "été 😀.md", "100%.md"]:
        path = client.root / ".claude/agents" / name  # type: ignore[attr-defined]
        uri = open_document(client, path, text)
        assert "%" in uri
        try:
            found = await diagnostics(client, publishes, uri, 1)
        except TimeoutError:
            pytest.fail(
                f"no diagnostics for {uri}; "
                f"published: {[(p.uri, p.version) for p in publishes.log]}"
            )
        assert "AL401" in [d.code for d in found], (name, found)
        doc = types.TextDocumentIdentifier(uri=uri)
        assert await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc)
        )
        hover = await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=types.Position(line=3, character=8))
        )
        assert hover is not None
    if not pulls(client):
        assert all(
            "%" in p.uri for p in publishes.log if "agents/" in p.uri and "never" not in p.uri
        ), [p.uri for p in publishes.log]


async def test_closing_an_unsaved_document_forgets_its_name(
    client: LanguageClient, publishes: Publishes
) -> None:
    """A document never saved is gone once closed: no other file may be told it duplicates it."""
    text = "---\nname: twin\ndescription: Use it\ntools: Read\n---\n\nBody.\n"
    agents = client.root / ".claude/agents"  # type: ignore[attr-defined]
    # Let the start-up index of the workspace finish first: a later re-index would hide the bug.
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.checkWorkspace")
    )
    first = open_document(client, agents / "unsaved-first.md", text)
    await diagnostics(client, publishes, first, 1)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=first))
    )
    second = open_document(client, agents / "unsaved-second.md", text)
    found = await diagnostics(client, publishes, second, 1)
    assert "AL208" not in [d.code for d in found], found


# -- malformed messages (raw JSON-RPC) -----------------------------------------------------------

MALFORMED: list[tuple[str, Any]] = [
    ("textDocument/hover", {"textDocument": 42, "position": ORIGIN}),
    ("textDocument/hover", DOC),  # no position
    ("textDocument/hover", None),
    ("textDocument/hover", [1, 2]),
    ("textDocument/hover", {**DOC, "position": {"line": -1, "character": -5}}),
    ("textDocument/completion", {**DOC, "position": {"line": "x", "character": 0}}),
    ("textDocument/codeAction", {**DOC, "range": "everything"}),
    ("textDocument/documentSymbol", {"textDocument": {}}),
    ("textDocument/diagnostic", {"textDocument": None}),
    ("codeAction/resolve", "not an action"),
]


async def test_malformed_params_get_an_invalid_params_error(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    for method, params in MALFORMED:
        reply = await raw.call(method, params)
        assert reply["error"]["code"] == -32602, (method, params, reply)
        assert method in reply["error"]["message"]
    await alive(raw)


async def test_unknown_method_and_command_get_clear_errors(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    reply = await raw.call("no/such/method", {})
    assert reply["error"]["code"] == -32601 and "no/such/method" in reply["error"]["message"]
    reply = await raw.call("workspace/executeCommand", {"command": "agentLs.nope", "arguments": []})
    assert "agentLs.nope" in reply["error"]["message"]
    await alive(raw)


async def test_garbage_and_notifications_for_unknown_documents_do_not_stop_the_server(
    raw: RawServer,
) -> None:
    await raw.initialize(ROOT)
    raw.write(b"{not json")
    raw.write(b"[]")
    raw.write(b'{"jsonrpc": "2.0", "id": 99}')
    raw.write(b'{"jsonrpc": "1.0", "id": 100, "method": "textDocument/hover"}')
    raw.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": NEVER_OPENED, "version": 3}, "contentChanges": [{"text": "x"}]},
    )
    raw.notify("textDocument/didClose", DOC)
    raw.notify("textDocument/didSave", DOC)
    raw.notify(
        "textDocument/didOpen", {"textDocument": {"uri": NEVER_OPENED}}
    )  # no text, no version
    raw.notify("$/cancelRequest", {"id": 12345})
    raw.notify("$/setTrace", {"value": "verbose"})
    await alive(raw)
    assert raw.process.returncode is None


async def test_edits_with_out_of_range_positions_keep_the_document_usable(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    uri = (ROOT / ".claude/agents/ranges.md").as_uri()
    raw.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": uri,
                "languageId": "markdown",
                "version": 1,
                "text": "---\nname: ranges\n---\n",
            }
        },
    )
    far = {"line": 500, "character": 500}
    for version, change in enumerate(
        [
            {"range": {"start": far, "end": far}, "text": "tail\n"},
            {
                "range": {
                    "start": {"line": 1, "character": 900},
                    "end": {"line": 0, "character": 0},
                },
                "text": "x",
            },
            {
                "range": {"start": ORIGIN, "end": far},
                "text": "---\nname: ranges\ntools: Reed\n---\n",
            },
        ],
        start=2,
    ):
        raw.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
    reply = await raw.call("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    frontmatter = reply["result"][0]
    assert [c["name"] for c in frontmatter["children"]] == ["name", "tools"], reply
    assert frontmatter["range"]["end"] == {"line": 3, "character": 3}
    await alive(raw)


# -- lifecycle: shutdown and exit in odd orders ---------------------------------------------------


async def test_shutdown_then_exit_exits_zero(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    assert (await raw.call("shutdown"))["result"] is None
    raw.notify("exit")
    assert await raw.exit_code() == 0


async def test_exit_without_shutdown_exits_one(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    raw.notify("exit")
    assert await raw.exit_code() == 1


async def test_exit_before_initialize_exits_one(raw: RawServer) -> None:
    raw.notify("exit")
    assert await raw.exit_code() == 1


async def test_requests_after_shutdown_get_invalid_request(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    await raw.call("shutdown")
    for method, params in [("textDocument/hover", {**DOC, "position": ORIGIN}), ("shutdown", None)]:
        reply = await raw.call(method, params)
        assert reply["error"]["code"] == -32600 and method in reply["error"]["message"], reply
    raw.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": NEVER_OPENED, "languageId": "markdown", "version": 1, "text": ""}},
    )
    raw.notify("exit")
    assert await raw.exit_code() == 0


async def test_requests_before_initialize_get_an_error(raw: RawServer) -> None:
    reply = await raw.call("textDocument/hover", {**DOC, "position": ORIGIN})
    assert "error" in reply, reply
    await raw.initialize(ROOT)
    await alive(raw)


CONFIGURATION = {"workspace": {"configuration": True}}


async def configuration_request(raw: RawServer) -> dict[str, Any]:
    """Initializes as a client with `workspace/configuration`; returns the server's request for
    it, left unanswered: the `initialized` handler is still awaiting the client."""
    await raw.initialize(ROOT, capabilities=CONFIGURATION)
    message = await asyncio.wait_for(raw.read(), 5)
    assert message.get("method") == "workspace/configuration", message
    return message


@pytest.mark.parametrize("late_answer", [False, True])
async def test_shutdown_while_a_notification_handler_awaits_the_client(
    raw: RawServer, late_answer: bool
) -> None:
    """Was: -32603 "dictionary changed size during iteration", the server kept serving, exit 1."""
    pending = await configuration_request(raw)
    reply = await raw.call("shutdown")
    assert reply.get("result", "missing") is None and "error" not in reply, reply
    if late_answer:  # the client answers the cancelled request after all
        raw.send({"id": pending["id"], "result": [{}]})
    reply = await raw.call("textDocument/hover", {**DOC, "position": ORIGIN})
    assert reply["error"]["code"] == -32600, reply  # shut down: no more serving
    raw.notify("exit")
    assert await raw.exit_code() == 0


async def test_exit_while_a_notification_handler_awaits_the_client(raw: RawServer) -> None:
    await configuration_request(raw)
    raw.notify("exit")
    assert await raw.exit_code() == 1  # no shutdown first


async def test_shutdown_while_a_request_awaits_the_client_answers_both(tmp_path: Path) -> None:
    """A persona run waiting on `window/workDoneProgress/create` when `shutdown` arrives: the run
    gets its response (cancelled), `shutdown` its result, and `exit` exits 0."""
    server = await persona_server(tmp_path)
    try:
        run = server.request("workspace/executeCommand", persona_run(tmp_path))
        await asyncio.wait_for(server.read(), 5)  # the progress request, never answered
        shutdown = server.request("shutdown")
        answers: dict[int, dict[str, Any]] = {}
        while len(answers) < 2:
            message = await asyncio.wait_for(server.read(), 10)
            if message.get("id") in (run, shutdown) and "method" not in message:
                answers[message["id"]] = message
        assert answers[shutdown].get("result", "missing") is None, answers[shutdown]
        assert "error" in answers[run] or "result" in answers[run], answers[run]
        server.notify("exit")
        assert await server.exit_code() == 0
    finally:
        await server.stop()


async def test_client_closing_its_pipe_ends_the_server(raw: RawServer) -> None:
    await raw.initialize(ROOT)
    assert raw.process.stdin is not None
    raw.process.stdin.close()
    assert await raw.exit_code() in (0, 1)


# -- a client that never answers the server's requests --------------------------------------------


async def persona_server(root: Path) -> RawServer:
    """A server on `root` holding `app.py` open, whose persona API address refuses connections."""
    (root / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["AGENT_LS_RELIABILITY_KEY"] = "sk-ant-test-0123456789abcdefghijklmnopqrstuvwxyz"
    server = await RawServer.start(env)
    await server.initialize(
        root,
        capabilities={"window": {"workDoneProgress": True}, "workspace": {"applyEdit": True}},
        options={
            "personas": {"apiKeyEnv": "AGENT_LS_RELIABILITY_KEY", "baseUrl": "http://127.0.0.1:9"}
        },
    )
    server.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": (root / "app.py").as_uri(),
                "languageId": "python",
                "version": 1,
                "text": APP,
            }
        },
    )
    return server


def persona_run(root: Path) -> dict[str, Any]:
    """The params of a `review` run of the whole of `app.py`."""
    return {
        "command": "agentLs.persona.run",
        "arguments": [
            {
                "uri": (root / "app.py").as_uri(),
                "agent": "backend-engineer",
                "action": "review",
                "range": {"start": ORIGIN, "end": {"line": 2, "character": 0}},
            }
        ],
    }


async def test_persona_run_goes_on_when_progress_create_is_never_answered(tmp_path: Path) -> None:
    """The run must not wait forever for window/workDoneProgress/create: it goes on without
    progress (here to an API that refuses connections, so it ends quickly as `failed`)."""
    server = await persona_server(tmp_path)
    try:
        run = server.request("workspace/executeCommand", persona_run(tmp_path))
        reply = await server.response(run, timeout=30, answer=False)
        assert [r["method"] for r in server.server_requests] == ["window/workDoneProgress/create"]
        assert reply["result"]["status"] == "failed", reply
        assert "Cannot reach" in reply["result"]["message"]
    finally:
        await server.stop()


# -- hostile workspace files ----------------------------------------------------------------------


async def test_a_mcp_json_nested_100000_deep_does_not_stop_initialize(tmp_path: Path) -> None:
    """Was: initialize failed with RecursionError (the editor drops the server). The reader of
    workspace files is bounded; the server must initialize and serve."""
    (tmp_path / ".mcp.json").write_text('{"mcpServers": ' + "[" * 100_000 + "]" * 100_000 + "}")
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    text = "---\nname: deep\ndescription: Use it\ntools: Read, Reed\n---\n\nBody.\n"
    (agents / "deep.md").write_text(text)
    server = await RawServer.start()
    try:
        reply = await server.initialize(tmp_path)
        assert "capabilities" in reply.get("result", {}), reply
        uri = (agents / "deep.md").as_uri()
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
        )
        hover = await server.call(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 8}},
        )
        assert "**Read** (tool)" in hover["result"]["contents"]["value"], hover
        assert (await server.call("shutdown"))["result"] is None
        server.notify("exit")
        assert await server.exit_code() == 0
    finally:
        await server.stop()


def test_a_cancel_for_an_answered_request_is_not_logged_as_a_problem() -> None:
    """Editors cancel requests whose answers crossed in flight; VS Code shows every stderr line of
    the server as an error. Before any persona action ran, pygls's warning still went out."""

    def frame(message: dict[str, object]) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 99}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    done = subprocess.run(
        [sys.executable, "-m", "agent_ls", "serve"],
        input=b"".join(frame(m) for m in messages),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Cancel notification for unknown message id" not in done.stderr
