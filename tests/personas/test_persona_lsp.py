"""End to end: the real server over stdio, the real anthropic SDK, the fake API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import KEY, Editor, StartEditor
from fakeapi import FakeAnthropic, Message, reply_text, text
from lsprotocol import types



HARDENED = '''```python
def create_order(db, payload):
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid order payload: {err}") from err
    order_id = db.insert("orders", data)
    return {"id": order_id}
```'''

SELECTED_FUNCTION = '''def create_order(db, payload):
    data = json.loads(payload)
    order_id = db.insert("orders", data)
    return {"id": order_id}
'''


async def open_orders(editor: Editor) -> tuple[str, types.Range]:
    uri = editor.open("app/orders.py")
    return uri, editor.range_of(uri, SELECTED_FUNCTION)


async def test_actions_are_offered_for_a_selection_only(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor()
    uri, selection = await open_orders(editor)
    offered = await editor.persona_actions(uri, selection)
    assert "backend-engineer: review" in offered
    assert "backend-engineer: harden error handling" in offered
    assert "reviewer: review" in offered  # a workspace agent
    assert not any(title.startswith("no-description") for title in offered)  # Claude Code drops it
    empty = types.Range(start=selection.start, end=selection.start)
    assert await editor.persona_actions(uri, empty) == {}
    assert fake_api.requests == []  # listing never calls the API


async def test_resolve_returns_a_versioned_edit_of_exactly_the_selection(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    fake_api.script(reply_text("Here is the hardened code:\n\n" + HARDENED + "\n\nThis handles bad JSON."))
    action = (await editor.persona_actions(uri, selection))["backend-engineer: harden error handling"]
    assert action.command is None and action.edit is None  # computed on resolve
    resolved = await editor.client.code_action_resolve_async(action)
    assert resolved.edit is not None and resolved.edit.document_changes
    change = resolved.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == editor.versions[uri]
    (edit,) = change.edits
    assert edit.range == selection
    assert edit.new_text.startswith("def create_order(db, payload):\n    try:\n")
    assert edit.new_text.endswith('    return {"id": order_id}\n')
    assert "```" not in edit.new_text and "Here is" not in edit.new_text
    (begin, *reports, end) = editor.progress()[-1]
    assert isinstance(begin, types.WorkDoneProgressBegin) and begin.cancellable
    assert isinstance(end, types.WorkDoneProgressEnd)


async def eventually(check: Callable[[], object], timeout: float = 10.0) -> None:
    """Waits until `check()` is truthy (for events with no notification to wait for)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_command_applies_a_versioned_annotated_edit(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    before = editor.texts[uri]
    fake_api.script(reply_text(HARDENED))
    result = await editor.run(uri, selection, "backend-engineer", "harden")
    assert result["status"] == "applied", result
    (edit,) = editor.applied
    (change,) = edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
    (text_edit,) = change.edits
    assert isinstance(text_edit, types.AnnotatedTextEdit)  # VS Code supports change annotations
    annotation = (edit.change_annotations or {})[text_edit.annotation_id]
    assert annotation.needs_confirmation and annotation.label == "backend-engineer: harden error handling"
    start = before.index(SELECTED_FUNCTION)
    expected = HARDENED.split("\n", 1)[1].rsplit("```", 1)[0]
    assert editor.texts[uri] == before[:start] + expected + before[start + len(SELECTED_FUNCTION) :]
    (begin, *reports, end) = editor.progress()[-1]
    assert begin.title == "backend-engineer: harden error handling" and begin.cancellable
    assert "Sending 4 lines to" in (begin.message or "")
    assert any("Streaming" in (r.message or "") for r in reports)
    assert isinstance(end, types.WorkDoneProgressEnd)


async def test_clients_without_resolve_get_the_command(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("emacs")  # no codeAction/resolve: the Neovim/Helix path
    uri, selection = await open_orders(editor)
    offered = await editor.persona_actions(uri, selection)
    action = offered["backend-engineer: harden error handling"]
    assert action.command is not None and action.command.command == "agentLs.persona.run"
    fake_api.script(reply_text(HARDENED))
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    assert result["status"] == "applied"
    (edit,) = editor.applied
    (change,) = edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
    assert not isinstance(change.edits[0], types.AnnotatedTextEdit)  # no annotation support
    assert "except json.JSONDecodeError" in editor.texts[uri]


async def test_review_opens_a_markdown_document(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    fake_api.script(reply_text("**L7**: `json.loads` raises on bad input; validate the payload first."))
    action = (await editor.persona_actions(uri, selection))["backend-engineer: review"]
    assert action.command is not None  # reports always run as a command
    result = await editor.run(uri, selection, "backend-engineer", "review")
    assert result["status"] == "shown"
    (shown,) = editor.client.shown_documents
    assert shown.uri == result["document"] and shown.uri.endswith(".md")
    report = Path(shown.uri.removeprefix("file://")).read_text()
    assert report.startswith("# backend-engineer: review\n")
    assert "`app/orders.py`, lines 6-9" in report
    assert "validate the payload first" in report
    assert editor.applied == []
    assert editor.texts[uri] == (editor.root / "app/orders.py").read_text()


async def test_review_without_show_document_is_a_message(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("emacs")  # no window/showDocument
    uri, selection = await open_orders(editor)
    fake_api.script(reply_text("The function trusts its payload."))
    result = await editor.run(uri, selection, "backend-engineer", "explain")
    assert result["status"] == "shown"
    assert editor.client.shown_documents == []
    assert any("The function trusts its payload." in m for m in editor.messages_of(types.MessageType.Info))
    assert any("The function trusts its payload." in m.message for m in editor.client.log_messages)


async def test_an_edit_during_the_call_is_never_clobbered(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    fake_api.script(reply_text(HARDENED, first_byte_delay=0.5))
    running = asyncio.ensure_future(editor.run(uri, selection, "backend-engineer", "harden"))
    await asyncio.to_thread(fake_api.wait_for_requests, 1)
    typed = editor.texts[uri].replace("import json", "import json  # typed meanwhile")
    editor.change(uri, typed)
    result = await running
    assert result["status"] == "stale"
    assert editor.applied == [] and editor.texts[uri] == typed
    assert any("changed" in m for m in editor.messages_of(types.MessageType.Warning))


async def test_resolve_of_a_stale_document_gives_no_edit(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    action = (await editor.persona_actions(uri, selection))["backend-engineer: validate input at boundaries"]
    fake_api.script(reply_text(HARDENED, first_byte_delay=0.5))
    resolving = asyncio.ensure_future(editor.client.code_action_resolve_async(action))
    await asyncio.to_thread(fake_api.wait_for_requests, 1)
    editor.change(uri, editor.texts[uri] + "\n# typed meanwhile\n")
    resolved = await resolving
    assert resolved.edit is None
    assert any("changed" in m for m in editor.messages_of(types.MessageType.Warning))


async def test_an_action_offered_for_an_older_version_is_refused(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor()
    uri, selection = await open_orders(editor)
    action = (await editor.persona_actions(uri, selection))["backend-engineer: review"]
    editor.change(uri, "# rewritten\n" + editor.texts[uri])
    assert action.command is not None
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
    )
    assert result["status"] == "stale"
    assert fake_api.requests == []


SLOW = Message(content=[text("x = 1\n" * 100)], chunk_chars=6, event_delay=0.03)


async def test_cancelling_the_progress_stops_the_stream(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    before = editor.texts[uri]
    fake_api.script(SLOW)
    running = asyncio.ensure_future(editor.run(uri, selection, "backend-engineer", "harden"))
    await eventually(lambda: fake_api.requests and fake_api.requests[0].events_sent > 5)
    (token,) = list(editor.client.progress_reports)
    editor.client.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token))
    result = await running
    assert result["status"] == "cancelled"
    assert editor.applied == [] and editor.texts[uri] == before
    end = editor.client.progress_reports[token][-1]
    assert isinstance(end, types.WorkDoneProgressEnd) and (end.message or "").startswith("Cancelled")
    await eventually(lambda: fake_api.requests[0].finished_at is not None)
    assert fake_api.requests[0].events_sent < 100  # the stream was closed early


async def test_cancel_request_stops_the_stream(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor("visual-studio-code")
    uri, selection = await open_orders(editor)
    before = editor.texts[uri]
    fake_api.script(SLOW)
    args = {"uri": uri, "range": editor.range_of(uri, SELECTED_FUNCTION), "agent": "backend-engineer", "action": "harden"}
    params = editor.client.protocol._converter.unstructure(
        types.ExecuteCommandParams(command="agentLs.persona.run", arguments=[args])
    )
    request = editor.client.protocol.send_request_async(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id="persona-1")
    await eventually(lambda: fake_api.requests and fake_api.requests[0].events_sent > 5)
    editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="persona-1"))
    with pytest.raises(Exception, match="cancel"):
        await request
    await eventually(lambda: fake_api.requests[0].finished_at is not None)
    assert fake_api.requests[0].events_sent < 100
    (token,) = list(editor.client.progress_reports)
    await eventually(lambda: isinstance(editor.client.progress_reports[token][-1], types.WorkDoneProgressEnd))
    assert editor.applied == [] and editor.texts[uri] == before


async def test_the_request_carries_persona_cache_marker_and_delimited_selection(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor()
    uri, selection = await open_orders(editor)
    await editor.run(uri, selection, "backend-engineer", "review")
    (request,) = fake_api.requests
    assert request.api_key == KEY
    body = request.body
    assert body["model"] == "claude-sonnet-5-5"  # `model: inherit` → the default model
    assert body["stream"] is True
    persona, rules = body["system"]
    assert persona["text"].startswith("You are the backend-engineer agent. Backend/API Engineer")
    assert "## System Instructions" in persona["text"]
    assert rules["cache_control"] == {"type": "ephemeral"}
    (message,) = body["messages"]
    assert f"<selection>\n{SELECTED_FUNCTION}</selection>" in message["content"]
    assert "Language: python" in message["content"] and "File: app/orders.py" in message["content"]


async def test_workspace_agents_follow_edits(start_editor: StartEditor, fake_api: FakeAnthropic) -> None:
    editor = await start_editor()
    uri, selection = await open_orders(editor)
    assert "reviewer: review" in await editor.persona_actions(uri, selection)
    agent_uri = editor.open(".claude/agents/reviewer.md", language="markdown")
    renamed = editor.texts[agent_uri].replace("name: reviewer", "name: auditor")
    editor.change(agent_uri, renamed)
    offered = await editor.persona_actions(uri, selection)
    assert "auditor: review" in offered and "reviewer: review" not in offered
    # A new agent overriding the shipped backend-engineer: its own body becomes the system prompt.
    override = "---\nname: backend-engineer\ndescription: Our house backend rules.\nmodel: opus\n---\n\nHouse rules.\n"
    editor.open(".claude/agents/backend.md", override, language="markdown")
    await editor.run(uri, selection, "backend-engineer", "review")
    body = fake_api.requests[-1].body
    assert body["system"][0]["text"] == "You are the backend-engineer agent. Our house backend rules.\n\nHouse rules."
    assert body["model"] == "claude-opus-5-5"
    listed = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.persona.list", arguments=[])
    )
    names = {a["name"]: a for a in listed["agents"]}
    assert set(names) == {"auditor", "backend-engineer"}
    assert names["backend-engineer"]["source"].endswith("/.claude/agents/backend.md")
    assert [a["id"] for a in names["auditor"]["actions"]] == ["review", "explain", "improve"]
