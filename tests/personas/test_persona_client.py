"""The API client wrapper: the real anthropic SDK against the fake API, in process."""

from __future__ import annotations

import pytest
from persona_helpers import KEY

from agent_ls.personas.client import ApiSettings, MessagesApi, api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import PromptRequest
from agent_ls.settings import PersonaSettings
from fakeapi import (
    FakeAnthropic,
    Message,
    rate_limited,
    reply_text,
    text,
    thinking,
    tool_use,
    unauthorized,
)

REQUEST = PromptRequest(
    model="claude-sonnet-5-5",
    max_tokens=100,
    system=[{"type": "text", "text": "You review.", "cache_control": {"type": "ephemeral"}}],
    messages=[{"role": "user", "content": "hi"}],
)


def settings_for(api: FakeAnthropic, **changes: object) -> ApiSettings:
    base = {
        "api_key": KEY,
        "key_env": "K",
        "base_url": api.base_url,
        "timeout": 5.0,
        "max_retries": 0,
    }
    return ApiSettings(**{**base, **changes})  # type: ignore[arg-type]


async def test_streams_pieces_and_returns_the_whole_answer(fake_api: FakeAnthropic) -> None:
    fake_api.script(
        Message(content=[thinking("hmm"), text("Hello, streaming world")], chunk_chars=5)
    )
    pieces: list[str] = []
    answer = await MessagesApi().stream(settings_for(fake_api), REQUEST, pieces.append)
    assert answer.text == "Hello, streaming world" and len(pieces) == 5
    assert answer.stop_reason == "end_turn" and answer.model == "claude-sonnet-5-5"
    assert answer.usage["cache_creation_input_tokens"] > 0
    answer = await MessagesApi().stream(settings_for(fake_api), REQUEST, pieces.append)
    assert answer.usage["cache_read_input_tokens"] > 0  # the fake caches the marked prefix
    (first, _) = fake_api.requests
    assert first.headers["authorization"] == f"Bearer {KEY}" and first.body["stream"] is True


async def test_one_sdk_client_per_configuration(fake_api: FakeAnthropic) -> None:
    api = MessagesApi()
    settings = settings_for(fake_api)
    await api.stream(settings, REQUEST, lambda _: None)
    await api.stream(settings, REQUEST, lambda _: None)
    assert len(api._clients) == 1


async def test_a_tool_use_answer_has_no_text(fake_api: FakeAnthropic) -> None:
    fake_api.script(
        Message(content=[tool_use("Read", {"file_path": "/x"})], stop_reason="tool_use")
    )
    with pytest.raises(PersonaError, match="empty answer"):
        await MessagesApi().stream(settings_for(fake_api), REQUEST, lambda _: None)


async def test_errors_hide_the_key(fake_api: FakeAnthropic) -> None:
    fake_api.script(unauthorized())
    with pytest.raises(PersonaError) as caught:
        await MessagesApi().stream(settings_for(fake_api), REQUEST, lambda _: None)
    assert "401 authentication_error" in caught.value.message and KEY not in caught.value.message
    assert KEY not in repr(settings_for(fake_api))


async def test_retries_follow_the_setting(fake_api: FakeAnthropic) -> None:
    fake_api.script(rate_limited(0.01), rate_limited(0.01), reply_text("finally"))
    answer = await MessagesApi().stream(
        settings_for(fake_api, max_retries=2), REQUEST, lambda _: None
    )
    assert answer.text == "finally" and [r.retry_count for r in fake_api.requests] == [0, 1, 2]


def test_api_settings_need_a_key() -> None:
    with pytest.raises(PersonaError, match="set the environment variable MY_KEY") as caught:
        api_settings(PersonaSettings(api_key_env="MY_KEY"), {})
    assert caught.value.kind == "usage"
    settings = api_settings(PersonaSettings(api_key_env="MY_KEY", base_url=" "), {"MY_KEY": " k "})
    assert settings.api_key == "k" and settings.base_url is None
