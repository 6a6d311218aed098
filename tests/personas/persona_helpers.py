"""Fixtures and helpers of the persona tests (a module tests can import; conftest is not): the fake Messages API, a copy of the sample workspace, and the real
server over stdio driven by an `Editor` (a pytest-lsp client that keeps document text and versions,
applies workspace/applyEdit like an editor, and answers showMessageRequest as scripted).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the fakeapi package
from fakeapi import FakeAnthropic  # noqa: E402

SAMPLE = Path(__file__).parent / "workspace"
KEY = "sk-ant-test-0123456789abcdefghijklmnopqrstuvwxyz"
KEY_ENV = "AGENT_LS_TEST_KEY"


@pytest.fixture
def fake_api() -> Iterator[FakeAnthropic]:
    """A fake Messages API on loopback, answering "OK" unless scripted."""
    with FakeAnthropic() as api:
        yield api


@pytest.fixture
def persona_workspace(tmp_path: Path) -> Path:
    """A fresh copy of tests/personas/workspace (tests edit it)."""
    assert SAMPLE.is_dir(), f"missing sample workspace {SAMPLE}"
    root = tmp_path / "workspace"
    shutil.copytree(SAMPLE, root)
    return root


NO_USER_CONFIG = Path(__file__).parent / "no-user-config"
"""A folder that does not exist: as XDG_CONFIG_HOME, no user config file of the developer's
reaches the server under test."""


def server_env(**extra: str) -> dict[str, str]:
    """Returns this process's environment without ANTHROPIC_* variables and without a user config
    file, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.pop(KEY_ENV, None)
    return {**env, "XDG_CONFIG_HOME": str(NO_USER_CONFIG), **extra}


def position_offset(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    line = min(position.line, len(lines) - 1)
    return sum(len(x) + 1 for x in lines[:line]) + min(position.character, len(lines[line]))


def apply_text_edits(text: str, edits: list[Any]) -> str:
    """Returns `text` with LSP text edits applied (ASCII positions, as in these tests)."""
    spans = sorted(
        (
            (position_offset(text, e.range.start), position_offset(text, e.range.end), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


@dataclass
class Editor:
    """A test client acting like an editor: it owns document text and versions."""

    client: LanguageClient
    root: Path
    texts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    applied: list[types.WorkspaceEdit] = field(default_factory=list)
    refused: list[types.WorkspaceEdit] = field(default_factory=list)
    message_requests: list[types.ShowMessageRequestParams] = field(default_factory=list)
    answer_message_request: str | None = None
    """Title of the action to pick in window/showMessageRequest (None: dismiss)."""
    answers: list[str] = field(default_factory=list)
    """Titles to pick in the next showMessageRequests, in order (then answer_message_request)."""
    edit_reply: types.ApplyWorkspaceEditResult | None = None
    """When set, workspace/applyEdit gets this reply and the edit is not applied."""

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def open(self, relative: str, text: str | None = None, language: str = "python") -> str:
        uri = self.uri(relative)
        text = (self.root / relative).read_text() if text is None else text
        self.texts[uri], self.versions[uri] = text, 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )
        return uri

    def change(self, uri: str, text: str) -> None:
        """Replaces the whole text (a user edit)."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def range_of(self, uri: str, needle: str) -> types.Range:
        """Returns the range of the first occurrence of `needle` in the document."""
        text = self.texts[uri]
        start = text.index(needle)
        return types.Range(
            start=self._position(text, start), end=self._position(text, start + len(needle))
        )

    @staticmethod
    def _position(text: str, offset: int) -> types.Position:
        line = text.count("\n", 0, offset)
        return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))

    async def code_actions(
        self, uri: str, where: types.Range, only: list[str] | None = None
    ) -> list[types.CodeAction]:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=where,
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    async def persona_actions(self, uri: str, where: types.Range) -> dict[str, types.CodeAction]:
        """Returns the persona actions offered for `where`, by title."""
        actions = await self.code_actions(uri, where)
        return {
            a.title: a
            for a in actions
            if isinstance(a.data, dict) and a.data.get("kind") == "persona"
        }

    async def run(
        self, uri: str, where: types.Range, agent: str, action: str, **extra: Any
    ) -> dict[str, Any]:
        """Runs agentLs.persona.run and returns its result."""
        args = {
            "uri": uri,
            "range": range_to_json(where),
            "agent": agent,
            "action": action,
            **extra,
        }
        result = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="agentLs.persona.run", arguments=[args])
        )
        assert isinstance(result, dict), result
        return result

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edit = params.edit
        if self.edit_reply is not None:
            self.refused.append(edit)
            return self.edit_reply
        changes: list[tuple[str, int | None, list[Any]]] = []
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit), change
            changes.append(
                (change.text_document.uri, change.text_document.version, list(change.edits))
            )
        for uri, edits in (edit.changes or {}).items():
            changes.append((uri, None, list(edits)))
        for uri, version, _ in changes:
            if version is not None and version != self.versions.get(uri):
                self.refused.append(edit)
                return types.ApplyWorkspaceEditResult(
                    applied=False, failure_reason="document version changed"
                )
        for uri, _, edits in changes:
            self.change(uri, apply_text_edits(self.texts[uri], edits))
        self.applied.append(edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    def messages_of(self, kind: types.MessageType) -> list[str]:
        return [m.message for m in self.client.messages if m.type == kind]

    def progress(self) -> list[list[Any]]:
        """Returns each progress token's values (begin, reports, end), in creation order."""
        return [list(values) for values in self.client.progress_reports.values()]


def _fix_code_action_parsing(client: LanguageClient) -> None:
    """lsprotocol 2025.0.0 reads any code action that has a `command` as a Command (and
    stringifies the nested command); a Command is one whose `command` is a string."""
    converter = client.protocol._converter

    def command_or_action(raw: Any, _: type) -> types.Command | types.CodeAction:
        kind = types.Command if isinstance(raw.get("command"), str) else types.CodeAction
        result: types.Command | types.CodeAction = converter.structure(raw, kind)
        return result

    union = Union[types.Command, types.CodeAction]  # noqa: UP007 - the key lsprotocol registers
    converter.register_structure_hook(union, command_or_action)


def range_to_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


StartEditor = Callable[..., Awaitable[Editor]]


@pytest.fixture
async def start_editor(
    persona_workspace: Path, fake_api: FakeAnthropic
) -> AsyncIterator[StartEditor]:
    """Returns `start(capabilities=..., key=..., personas=..., env=..., experimental=...)` → an
    initialized Editor (`experimental`: the client's `experimental.agentLs` capabilities).

    The server is `python -m agent_ls serve`, with no ANTHROPIC_* variables; the fake API's URL and
    the key variable's name reach it through initializationOptions (section agentLs).
    """
    editors: list[Editor] = []

    async def start(
        capabilities: str = "visual-studio-code",
        key: str | None = KEY,
        personas: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        raw_capabilities: types.ClientCapabilities | None = None,
        experimental: dict[str, Any] | None = None,
    ) -> Editor:
        extra = {KEY_ENV: key} if key else {}
        config = ClientServerConfig(
            server_command=[sys.executable, "-m", "agent_ls", "serve"],
            server_env=server_env(
                **extra,
                **{"XDG_CACHE_HOME": str(persona_workspace.parent / "cache"), **(env or {})},
            ),
        )
        client = await config.start()
        assert isinstance(client, LanguageClient)
        _fix_code_action_parsing(client)
        editor = Editor(client, persona_workspace)
        editors.append(editor)

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return editor.apply(params)

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            """Accepted, as an editor does (the server registers its file watchers)."""

        @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def show_message_request(
            params: types.ShowMessageRequestParams,
        ) -> types.MessageActionItem | None:
            editor.message_requests.append(params)
            answer = editor.answers.pop(0) if editor.answers else editor.answer_message_request
            return types.MessageActionItem(title=answer) if answer else None

        settings = {
            "debounceMs": 0,
            "personas": {
                "baseUrl": fake_api.base_url,
                "apiKeyEnv": KEY_ENV,
                "maxRetries": 0,
                "timeoutSeconds": 30,
                **(personas or {}),
            },
        }
        root = persona_workspace.as_uri()
        chosen = raw_capabilities or client_capabilities(capabilities)
        if experimental is not None:  # agent-ls's own client capabilities (experimental.agentLs)
            chosen.experimental = {"agentLs": experimental}
        await client.initialize_session(
            types.InitializeParams(
                capabilities=chosen,
                root_uri=root,
                workspace_folders=[types.WorkspaceFolder(uri=root, name="workspace")],
                initialization_options={"agentLs": settings},
            )
        )
        return editor

    yield start
    for editor in editors:
        try:
            await asyncio.wait_for(editor.client.shutdown_session(), 2)
        except (asyncio.TimeoutError, RuntimeError):
            pass
