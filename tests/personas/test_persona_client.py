"""The API client wrapper: the real anthropic SDK against the fake API, in process."""

from __future__ import annotations

import json
import time

import pytest
from persona_helpers import KEY

from agent_ls.personas.client import ApiSettings, MessagesApi, api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import PromptRequest
from agent_ls.settings import PersonaSettings
from fakeapi import (
    FakeAnthropic,
    HttpError,
    Message,
    pings_forever,
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


async def test_a_tool_call_streams_its_json_and_returns_its_input(
    fake_api: FakeAnthropic,
) -> None:
    call = {"code": "x = 2\n", "imports": ["import os"], "summary": "x is 2"}
    fake_api.script(Message(content=[tool_use("replace_selection", call)], stop_reason="tool_use"))
    pieces: list[str] = []
    answer = await MessagesApi().stream(settings_for(fake_api), REQUEST, pieces.append)
    assert answer.tool == "replace_selection" and answer.tool_input == call
    assert answer.text == "" and answer.stop_reason == "tool_use"
    assert len(pieces) > 3 and json.loads("".join(pieces)) == call  # progress moves


async def test_an_answer_with_nothing_in_it_is_empty(fake_api: FakeAnthropic) -> None:
    fake_api.script(Message(content=[text("  ")]))
    with pytest.raises(PersonaError, match="empty answer"):
        await MessagesApi().stream(settings_for(fake_api), REQUEST, lambda _: None)


async def test_one_deadline_covers_a_stream_that_only_pings(fake_api: FakeAnthropic) -> None:
    fake_api.script(pings_forever(every=0.05))
    began = time.monotonic()
    with pytest.raises(PersonaError, match="No answer from the Anthropic API within 0.6 s"):
        await MessagesApi().stream(settings_for(fake_api, timeout=0.6), REQUEST, lambda _: None)
    assert time.monotonic() - began < 20  # not the fake's 30 s limit: our deadline ended it
    (request,) = fake_api.requests
    assert request.events_sent > 5  # the pings kept coming: the SDK's read timeout never fired


def fragments(secret: str, size: int = 8) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def leaks(text: str, secret: str) -> list[str]:
    """Returns the 8-character pieces of `secret` found in `text`."""
    return sorted(f for f in fragments(secret) if f in text)


async def test_an_error_echoing_part_of_the_key_shows_no_part_of_it(
    fake_api: FakeAnthropic, caplog: pytest.LogCaptureFixture
) -> None:
    middle = KEY[14:34]
    fake_api.script(HttpError(400, "invalid_request_error", f"bad x-api-key value ...{middle}..."))
    with caplog.at_level("DEBUG", logger="agent_ls"), pytest.raises(PersonaError) as caught:
        await MessagesApi().stream(settings_for(fake_api), REQUEST, lambda _: None)
    message = caught.value.message
    assert "400 invalid_request_error" in message and "[redacted]" in message
    assert leaks(message, KEY) == [] and leaks(str(caught.value), KEY) == []
    assert leaks(repr(caught.value), KEY) == [] and leaks(caplog.text, KEY) == []


async def test_a_report_never_shows_part_of_the_key(fake_api: FakeAnthropic) -> None:
    fake_api.script(reply_text(f"The key {KEY[3:30]} is hard-coded on line 7."))
    answer = await MessagesApi().stream(settings_for(fake_api), REQUEST, lambda _: None)
    assert answer.scrub(answer.text) == "The key [redacted] is hard-coded on line 7."
    assert KEY not in repr(answer)


async def test_base_url_credentials_never_appear(fake_api: FakeAnthropic) -> None:
    password = "s3cret-gateway-pass"
    url = fake_api.base_url.replace("http://", f"http://gateway-user:{password}@")
    fake_api.script(HttpError(400, "invalid_request_error", f"proxy auth {password} rejected"))
    with pytest.raises(PersonaError) as caught:
        await MessagesApi().stream(settings_for(fake_api, base_url=url), REQUEST, lambda _: None)
    assert password not in caught.value.message and "[redacted]" in caught.value.message
    refused = url.rsplit(":", 1)[0] + ":9"  # nothing listens on port 9: connection refused
    with pytest.raises(PersonaError) as caught:
        await MessagesApi().stream(
            settings_for(fake_api, base_url=refused), REQUEST, lambda _: None
        )
    assert "Cannot reach the Anthropic API at http://[credentials]@127.0.0.1:9" in (
        caught.value.message
    )
    assert password not in caught.value.message and "gateway-user" not in caught.value.message
    assert password not in repr(settings_for(fake_api, base_url=url))


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
