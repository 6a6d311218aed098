"""End to end: the real server over stdio, the real anthropic SDK, the fake API on loopback."""

from __future__ import annotations

import asyncio
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
