"""Persona faults under concurrency, end to end: the real server over stdio, the real anthropic SDK,
the fake Messages API on loopback (tests/fakeapi), an `Editor` that keeps text and versions.

Several persona actions run at once on one document while the user types, cancels, or the API
drops connections. What a user must see: an edit applied at most once and never onto text it was
not computed for, a message whenever nothing was applied, every progress ended, a server that
still answers, and the API key in no message, log or stderr line.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "personas"))
import persona_helpers  # noqa: E402
from persona_helpers import KEY, Editor, StartEditor, apply_text_edits, range_to_json  # noqa: E402

from fakeapi import Disconnect, FakeAnthropic, Message, reply_text, text  # noqa: E402

# The persona tests' fixtures (their conftest is not on this folder's path).
fake_api = persona_helpers.fake_api
persona_workspace = persona_helpers.persona_workspace
start_editor = persona_helpers.start_editor

WAIT = 20.0
"""Upper bound of every wait (seconds): a hang fails the test instead of stalling the run."""

ORDERS = "app/orders.py"
CREATE = """def create_order(db, payload):
    data = json.loads(payload)
    order_id = db.insert("orders", data)
    return {"id": order_id}
"""
CANCEL = """        order = self.db.get("orders", order_id)
        order["status"] = "cancelled"
"""
CREATE_HARDENED = """def create_order(db, payload):
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid order payload: {err}") from err
    order_id = db.insert("orders", data)
    return {"id": order_id}
"""
CANCEL_HARDENED = """        order = self.db.get("orders", order_id)
        if order is None:
            raise KeyError(order_id)
        order["status"] = "cancelled"
"""


VSCODE_EXTENSION = {"previewEdits": True, "workspaceTrusted": True}
"""What the agent-ls VS Code extension announces: it shows the diff and asks Apply/Discard itself."""


async def start_confirming(start: StartEditor, capabilities: str, **options: Any) -> Editor:
    """Starts an editor that confirms every rewrite (personas.confirm = always): VS Code through
    the extension's own preview, any other client by answering "Apply" to the server's question."""
    if capabilities == "visual-studio-code":
        return await start(capabilities, experimental=VSCODE_EXTENSION, **options)
    editor = await start(capabilities, **options)
    editor.answer_message_request = "Apply"
    return editor


def fenced(code: str) -> str:
    return f"```python\n{code}```"


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


async def requests_seen(api: FakeAnthropic, count: int) -> None:
    """Waits until the fake API has received `count` requests."""
    await asyncio.to_thread(api.wait_for_requests, count, WAIT)


async def eventually(check: Callable[[], object], timeout: float = WAIT) -> None:
    """Waits until `check()` is truthy (for states no single notification announces)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def run_request(
    editor: Editor, uri: str, where: types.Range, action: str, msg_id: str
) -> asyncio.Future[Any]:
    """Starts agentLs.persona.run as a request with a known id (to $/cancelRequest it)."""
    args = {"uri": uri, "range": range_to_json(where), "agent": "backend-engineer"}
    params = types.ExecuteCommandParams(
        command="agentLs.persona.run", arguments=[{**args, "action": action}]
    )
    return asyncio.ensure_future(
        editor.client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=msg_id
        )
    )


def begun(editor: Editor) -> list[str]:
    """Returns the progress tokens that have begun."""
    return [
        token
        for token, values in editor.client.progress_reports.items()
        if values and isinstance(values[0], types.WorkDoneProgressBegin)
    ]


def ended(editor: Editor) -> list[str]:
    return [
        token
        for token, values in editor.client.progress_reports.items()
        if values and isinstance(values[-1], types.WorkDoneProgressEnd)
    ]


def assert_every_progress_ended_once(editor: Editor, count: int) -> None:
    reports = editor.client.progress_reports
    assert len(reports) == count, reports
    for token, values in reports.items():
        assert isinstance(values[0], types.WorkDoneProgressBegin), (token, values)
        assert isinstance(values[-1], types.WorkDoneProgressEnd), (token, values)
        assert sum(isinstance(v, types.WorkDoneProgressEnd) for v in values) == 1, values


async def still_serves(editor: Editor, uri: str) -> None:
    """The server answers a hover and a codeAction request promptly."""
    await asyncio.wait_for(
        editor.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=0),
            )
        ),
        WAIT,
    )
    offered = await asyncio.wait_for(
        editor.persona_actions(uri, editor.range_of(uri, "create_order")), WAIT
    )
    assert "backend-engineer: harden error handling" in offered


async def assert_key_never_leaked(editor: Editor, capfd: pytest.CaptureFixture[str]) -> None:
    """The key went out with the requests, and never came back in a message, log or stderr."""
    shown = [m.message for m in editor.client.messages]
    shown += [m.message for m in editor.client.log_messages]
    shown += [r.message for r in editor.message_requests]
    assert not any(KEY in m or KEY[:12] in m for m in shown)
    await asyncio.wait_for(editor.client.shutdown_session(), 5)
    captured = capfd.readouterr()
    assert KEY not in captured.err and KEY not in captured.out
    assert KEY[:12] not in captured.err


def warnings_of(editor: Editor) -> list[str]:
    return editor.messages_of(types.MessageType.Warning)


# -- 1. two rewrites at once ------------------------------------------------------------------


@pytest.mark.parametrize("capabilities", ["visual-studio-code", "neovim"])
async def test_two_rewrites_at_once_apply_the_first_and_refuse_the_stale_second(
    start_editor: StartEditor,
    fake_api: FakeAnthropic,
    capfd: pytest.CaptureFixture[str],
    capabilities: str,
) -> None:
    editor = await start_confirming(start_editor, capabilities)
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    first, second = threading.Event(), threading.Event()
    fake_api.script(
        reply_text(fenced(CREATE_HARDENED), hold=first),
        reply_text(fenced(CANCEL_HARDENED), hold=second),
    )
    # Both offered for version 1 (as an editor lists them), both in flight together.
    running_first = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden", version=1)
    )
    await requests_seen(fake_api, 1)
    running_second = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CANCEL), "backend-engineer", "harden", version=1)
    )
    await requests_seen(fake_api, 2)
    first.set()
    assert (await asyncio.wait_for(running_first, WAIT))["status"] == "applied"
    second.set()
    result = await asyncio.wait_for(running_second, WAIT)
    assert result["status"] == "stale", result
    assert "Nothing was applied" in result["message"] or "nothing was applied" in result["message"]
    assert len(editor.applied) == 1  # the second edit never reached the text
    assert editor.texts[uri] == replaced(original, CREATE, CREATE_HARDENED)
    assert editor.versions[uri] == 2
    assert len([m for m in warnings_of(editor) if "changed" in m]) == 1  # the user is told
    assert_every_progress_ended_once(editor, 2)
    await assert_key_never_leaked(editor, capfd)


@pytest.mark.parametrize("capabilities", ["visual-studio-code", "neovim"])
async def test_two_rewrites_of_one_selection_released_together_apply_once(
    start_editor: StartEditor,
    fake_api: FakeAnthropic,
    capfd: pytest.CaptureFixture[str],
    capabilities: str,
) -> None:
    # Neovim: edits carry no version (no documentChanges)
    editor = await start_confirming(start_editor, capabilities)
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    selection = editor.range_of(uri, CREATE)
    release = threading.Event()  # one event: both answers stream at the same moment
    variant = CREATE_HARDENED.replace("invalid order payload", "bad order payload")
    fake_api.script(
        reply_text(fenced(CREATE_HARDENED), hold=release),
        reply_text(fenced(variant), hold=release),
    )
    runs = [
        asyncio.ensure_future(editor.run(uri, selection, "backend-engineer", action))
        for action in ("harden", "validate")
    ]
    await requests_seen(fake_api, 2)
    release.set()
    results = await asyncio.wait_for(asyncio.gather(*runs), WAIT)
    assert sorted(r["status"] for r in results) == ["applied", "stale"], results
    (applied,) = editor.applied
    if applied.document_changes:
        (change,) = applied.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
        edits = list(change.edits)
    else:
        ((_, edits),) = (applied.changes or {}).items()
    assert editor.texts[uri] == apply_text_edits(original, list(edits))
    assert editor.texts[uri] in (
        replaced(original, CREATE, CREATE_HARDENED),
        replaced(original, CREATE, variant),
    )
    stale = next(r for r in results if r["status"] == "stale")
    assert any(stale["message"].split(":")[0] in m for m in warnings_of(editor))
    assert_every_progress_ended_once(editor, 2)
    await assert_key_never_leaked(editor, capfd)


# -- 2. typing during a stream ----------------------------------------------------------------


async def test_typing_while_two_answers_stream_applies_nothing(
    start_editor: StartEditor, fake_api: FakeAnthropic, capfd: pytest.CaptureFixture[str]
) -> None:
    editor = await start_confirming(start_editor, "visual-studio-code")
    uri = editor.open(ORDERS)
    held = threading.Event()
    slow = Message(content=[text(fenced(CANCEL_HARDENED))], chunk_chars=4, event_delay=0.03)
    fake_api.script(reply_text(fenced(CREATE_HARDENED), hold=held), slow)
    held_run = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden")
    )
    await requests_seen(fake_api, 1)
    streaming_run = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CANCEL), "backend-engineer", "harden")
    )
    await requests_seen(fake_api, 2)
    await eventually(lambda: fake_api.requests[1].events_sent > 3)  # midway through its answer
    typed = editor.texts[uri].replace("import json", "import json\nimport logging  # typed")
    editor.change(uri, typed)
    await editor.code_actions(uri, editor.range_of(uri, "create_order"))  # the change is seen
    held.set()
    results = await asyncio.wait_for(asyncio.gather(held_run, streaming_run), WAIT)
    assert [r["status"] for r in results] == ["stale", "stale"], results
    assert editor.applied == [] and editor.refused == []  # refused by the server, not the editor
    assert editor.texts[uri] == typed and editor.versions[uri] == 2
    told = [m for m in warnings_of(editor) if "changed while the agent was working" in m]
    assert len(told) == 2 and all("nothing was applied" in m for m in told)
    assert_every_progress_ended_once(editor, 2)
    await assert_key_never_leaked(editor, capfd)


async def test_typing_while_a_resolve_streams_gives_no_edit(
    start_editor: StartEditor, fake_api: FakeAnthropic, capfd: pytest.CaptureFixture[str]
) -> None:
    # Edits are resolved lazily when nothing needs confirming.
    editor = await start_editor("visual-studio-code", personas={"confirm": "never"})
    uri = editor.open(ORDERS)
    offered = await editor.persona_actions(uri, editor.range_of(uri, CREATE))
    action = offered["backend-engineer: harden error handling"]
    release = threading.Event()
    fake_api.script(
        reply_text(fenced(CREATE_HARDENED), hold=release),
        reply_text(fenced(CANCEL_HARDENED), hold=release),
    )
    resolving = asyncio.ensure_future(editor.client.code_action_resolve_async(action))
    running = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CANCEL), "backend-engineer", "harden")
    )
    await requests_seen(fake_api, 2)
    typed = editor.texts[uri] + "\n# typed meanwhile\n"
    editor.change(uri, typed)
    await editor.code_actions(uri, editor.range_of(uri, "create_order"))
    release.set()
    resolved, result = await asyncio.wait_for(asyncio.gather(resolving, running), WAIT)
    assert resolved.edit is None
    assert result["status"] == "stale"
    assert editor.applied == [] and editor.texts[uri] == typed
    assert len([m for m in warnings_of(editor) if "changed" in m]) == 2
    assert_every_progress_ended_once(editor, 2)
    await assert_key_never_leaked(editor, capfd)


# -- 3. cancel storm --------------------------------------------------------------------------


async def test_cancel_storm_applies_nothing_ends_every_progress_and_the_server_goes_on(
    start_editor: StartEditor, fake_api: FakeAnthropic, capfd: pytest.CaptureFixture[str]
) -> None:
    editor = await start_editor("visual-studio-code", personas={"confirm": "never"})  # resolves
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    release = threading.Event()
    runs = 6
    fake_api.script(*[reply_text(fenced(CREATE_HARDENED), hold=release) for _ in range(runs)])
    create, cancel = editor.range_of(uri, CREATE), editor.range_of(uri, CANCEL)
    # Three runs cancelled with $/cancelRequest (two commands, one codeAction/resolve) ...
    by_request = [
        run_request(editor, uri, create, "harden", "storm-cmd-1"),
        run_request(editor, uri, cancel, "review", "storm-cmd-2"),
    ]
    action = (await editor.persona_actions(uri, create))["backend-engineer: harden error handling"]
    by_request.append(
        asyncio.ensure_future(
            editor.client.protocol.send_request_async(
                types.CODE_ACTION_RESOLVE, action, msg_id="storm-resolve"
            )
        )
    )
    # ... and three by cancelling their progress.
    by_progress = [
        asyncio.ensure_future(editor.run(uri, create, "backend-engineer", "harden")),
        asyncio.ensure_future(editor.run(uri, cancel, "backend-engineer", "validate")),
        asyncio.ensure_future(editor.run(uri, create, "backend-engineer", "explain")),
    ]
    await requests_seen(fake_api, runs)
    await eventually(lambda: len(begun(editor)) == runs)
    for msg_id in ("storm-cmd-1", "storm-cmd-2", "storm-resolve"):
        editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    for request in by_request:
        with pytest.raises(Exception, match="cancel"):
            await asyncio.wait_for(request, WAIT)
    await eventually(lambda: len(ended(editor)) == 3)
    for token in set(begun(editor)) - set(ended(editor)):
        editor.client.protocol.notify(
            types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token)
        )
    results = await asyncio.wait_for(asyncio.gather(*by_progress), WAIT)
    assert [r["status"] for r in results] == ["cancelled"] * 3, results
    await eventually(lambda: len(ended(editor)) == runs)
    for values in editor.client.progress_reports.values():
        assert (values[-1].message or "").startswith("Cancelled"), values

    release.set()  # the held answers now arrive to closed connections: still nothing is applied
    await eventually(lambda: all(r.finished_at is not None for r in fake_api.requests))
    await still_serves(editor, uri)
    assert editor.applied == [] and editor.client.shown_documents == []
    assert editor.texts[uri] == original
    assert not editor.messages_of(types.MessageType.Error)
    assert_every_progress_ended_once(editor, runs)

    fake_api.script(reply_text(fenced(CREATE_HARDENED)))  # a later action works
    result = await asyncio.wait_for(
        editor.run(uri, create, "backend-engineer", "harden", version=1), WAIT
    )
    assert result["status"] == "applied", result
    assert editor.texts[uri] == replaced(original, CREATE, CREATE_HARDENED)
    assert len(fake_api.requests) == runs + 1
    await assert_key_never_leaked(editor, capfd)


async def test_a_cancel_that_comes_while_the_editor_applies_does_not_claim_nothing_was_applied(
    start_editor: StartEditor, fake_api: FakeAnthropic, capfd: pytest.CaptureFixture[str]
) -> None:
    """The VS Code extension shows a persona edit's diff while the progress, with its Cancel
    button, is still up: a cancel at that point cannot take the edit back."""
    editor = await start_confirming(start_editor, "visual-studio-code")
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    apply = editor.apply

    def cancel_then_apply(params: types.ApplyWorkspaceEditParams) -> Any:
        for token in begun(editor):  # the user presses Cancel, then accepts the edit
            editor.client.protocol.notify(
                types.WINDOW_WORK_DONE_PROGRESS_CANCEL,
                types.WorkDoneProgressCancelParams(token=token),
            )
        return apply(params)

    editor.apply = cancel_then_apply  # type: ignore[method-assign]
    fake_api.script(reply_text(fenced(CREATE_HARDENED)))
    result = await asyncio.wait_for(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden"), WAIT
    )
    assert editor.texts[uri] == replaced(original, CREATE, CREATE_HARDENED)  # it was applied
    assert result["status"] == "applied", result  # and the server says so
    ((*_, end),) = editor.progress()
    assert isinstance(end, types.WorkDoneProgressEnd)
    assert "nothing was applied" not in (end.message or "")
    assert_every_progress_ended_once(editor, 1)
    await assert_key_never_leaked(editor, capfd)


# -- 4. connections dropped midway ------------------------------------------------------------


async def test_connections_dropped_during_concurrent_actions_each_fail_clearly(
    start_editor: StartEditor, fake_api: FakeAnthropic, capfd: pytest.CaptureFixture[str]
) -> None:
    editor = await start_editor("visual-studio-code")  # maxRetries 0
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    release = threading.Event()
    body = [text(fenced(CREATE_HARDENED) * 4)]
    fake_api.script(
        Message(content=body, hold=release, break_after_events=6),
        Message(content=body, hold=release, break_after_events=9),
        Message(content=body, hold=release, break_after_events=3),
        Disconnect(),  # while the others are in flight: closed before any answer
    )
    create, cancel = editor.range_of(uri, CREATE), editor.range_of(uri, CANCEL)
    held = []
    for where, action in ((create, "harden"), (cancel, "validate"), (create, "review")):
        held.append(asyncio.ensure_future(editor.run(uri, where, "backend-engineer", action)))
        await requests_seen(fake_api, len(held))
    dropped = await asyncio.wait_for(editor.run(uri, cancel, "backend-engineer", "harden"), WAIT)
    assert dropped["status"] == "failed", dropped
    assert "Cannot reach the Anthropic API at http://127.0.0.1:" in dropped["message"]
    release.set()
    results = await asyncio.wait_for(asyncio.gather(*held), WAIT)
    for result in results:
        assert result["status"] == "failed", result
        assert "The answer broke off midway" in result["message"], result
    for result in [*results, dropped]:
        assert "Nothing was applied" in result["message"], result
    errors = editor.messages_of(types.MessageType.Error)
    assert len(errors) == 4
    assert sum("broke off midway" in m for m in errors) == 3
    assert editor.applied == [] and editor.client.shown_documents == []
    assert editor.texts[uri] == original
    assert_every_progress_ended_once(editor, 4)
    await still_serves(editor, uri)
    await assert_key_never_leaked(editor, capfd)


# -- 5. the document is not the one the answer was computed on --------------------------------


@pytest.mark.parametrize("reopened_text", ["same", "different"])
async def test_a_close_and_reopen_at_the_same_version_during_the_stream_applies_nothing(
    start_editor: StartEditor,
    fake_api: FakeAnthropic,
    capfd: pytest.CaptureFixture[str],
    reopened_text: str,
) -> None:
    """Helix and Emacs start versions again at each open: version 1 before the close and version 1
    after the reopen are different documents, even when the text is the same."""
    editor = await start_confirming(start_editor, "neovim")
    uri = editor.open(ORDERS)
    original = editor.texts[uri]
    release = threading.Event()
    fake_api.script(reply_text(fenced(CREATE_HARDENED), hold=release))
    running = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden", version=1)
    )
    await requests_seen(fake_api, 1)
    editor.close(uri)
    reopened = original if reopened_text == "same" else "# reopened\n" + original
    assert editor.open(ORDERS, reopened) == uri and editor.versions[uri] == 1
    await editor.code_actions(uri, editor.range_of(uri, "create_order"))  # both are seen
    release.set()
    result = await asyncio.wait_for(running, WAIT)
    assert result["status"] == "stale", result
    assert editor.applied == [] and editor.message_requests == []  # not even asked
    assert editor.texts[uri] == reopened
    assert any("closed and reopened" in m for m in warnings_of(editor))
    assert_every_progress_ended_once(editor, 1)
    await assert_key_never_leaked(editor, capfd)


async def test_a_close_during_the_stream_applies_nothing(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_confirming(start_editor, "visual-studio-code")
    uri = editor.open(ORDERS)
    release = threading.Event()
    fake_api.script(reply_text(fenced(CREATE_HARDENED), hold=release))
    running = asyncio.ensure_future(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden")
    )
    await requests_seen(fake_api, 1)
    editor.close(uri)
    await still_serves(editor, editor.open("app/other.py", CREATE))
    release.set()
    result = await asyncio.wait_for(running, WAIT)
    assert result["status"] == "stale", result
    assert editor.applied == [] and editor.refused == []


async def test_typing_while_the_user_decides_applies_nothing(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    """The Apply question is up (a client without its own preview); the user types, then
    answers Apply: the edit was computed on the text before the typing, so it is refused."""
    editor = await start_editor("neovim")
    uri = editor.open(ORDERS)
    typed = editor.texts[uri] + "\n# typed while the question was up\n"
    answered = asyncio.Event()
    show_message_request = editor.client.protocol.fm.features[types.WINDOW_SHOW_MESSAGE_REQUEST]

    async def type_then_apply(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
        editor.message_requests.append(params)
        editor.change(uri, typed)
        await editor.code_actions(uri, editor.range_of(uri, "create_order"))  # seen by the server
        answered.set()
        return types.MessageActionItem(title="Apply")

    editor.client.protocol.fm.features[types.WINDOW_SHOW_MESSAGE_REQUEST] = type_then_apply
    fake_api.script(reply_text(fenced(CREATE_HARDENED)))
    result = await asyncio.wait_for(
        editor.run(uri, editor.range_of(uri, CREATE), "backend-engineer", "harden"), WAIT
    )
    editor.client.protocol.fm.features[types.WINDOW_SHOW_MESSAGE_REQUEST] = show_message_request
    assert answered.is_set() and len(editor.message_requests) == 1
    assert result["status"] == "stale", result
    assert editor.applied == [] and editor.texts[uri] == typed
