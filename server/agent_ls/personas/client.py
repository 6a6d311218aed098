"""The only code that talks to the Anthropic Messages API, through the official SDK.

The SDK takes over a second to import, so it is imported on first use (or in a worker thread by
`warm_up`), never when the server starts. Every SDK or transport failure comes out as a
`PersonaError` whose message names no key.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent_ls.personas import failures
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import PromptRequest
from agent_ls.settings import PersonaSettings

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.anthropic.com"


@dataclass(frozen=True)
class ApiSettings:
    """How to reach the API for one call. `repr` hides the key."""

    api_key: str = field(repr=False)
    key_env: str
    base_url: str | None
    """None: the SDK's default (or ANTHROPIC_BASE_URL)."""
    timeout: float
    max_retries: int

    @property
    def shown_url(self) -> str:
        return self.base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL


def api_settings(
    settings: PersonaSettings, environ: Mapping[str, str] | None = None
) -> ApiSettings:
    """Returns the call settings; raises PersonaError (saying how to set a key) without a key."""
    env = os.environ if environ is None else environ
    key = env.get(settings.api_key_env, "").strip()
    if not key:
        raise failures.no_key(settings.api_key_env)
    return ApiSettings(
        api_key=key,
        key_env=settings.api_key_env,
        base_url=settings.base_url.strip() or None,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
    )


@dataclass(frozen=True)
class Answer:
    """A complete answer; `stop_reason` is end_turn, max_tokens… (never refusal, never None)."""

    text: str
    stop_reason: str
    model: str
    usage: dict[str, int]


def warm_up() -> None:
    """Imports the SDK (call it in a worker thread so the first action does not pay for it)."""
    try:
        import anthropic  # noqa: F401
    except ImportError as err:  # reported when an action runs
        log.warning("the anthropic SDK cannot be imported: %s", err)


class MessagesApi:
    """Streams answers; keeps one SDK client per configuration so connections are reused."""

    def __init__(self) -> None:
        self._clients: dict[ApiSettings, AsyncAnthropic] = {}
        self._sdk_ready = False

    def _client(self, settings: ApiSettings) -> AsyncAnthropic:
        client = self._clients.get(settings)
        if client is None:
            from anthropic import AsyncAnthropic

            client = AsyncAnthropic(
                api_key=settings.api_key,
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=settings.max_retries,
            )
            self._clients[settings] = client
        return client

    async def stream(
        self, settings: ApiSettings, request: PromptRequest, on_text: Callable[[str], None]
    ) -> Answer:
        """Returns the whole answer, calling `on_text` with each piece as it arrives.

        Raises PersonaError for every failure (HTTP status, timeout, connection, broken stream,
        error event, refusal, empty answer). Cancelling the calling task closes the stream.
        """
        if not self._sdk_ready:  # the import takes a second: never on the event loop
            try:
                await asyncio.to_thread(importlib.import_module, "anthropic")
            except ImportError as err:
                raise PersonaError(f"The anthropic package cannot be imported ({err}).") from None
            self._sdk_ready = True
        import anthropic
        import httpx2

        received: list[str] = []
        try:
            async with self._client(settings).messages.stream(**request.as_kwargs()) as stream:
                async for piece in stream.text_stream:
                    received.append(piece)
                    on_text(piece)
                final = await stream.get_final_message()
        except anthropic.APIStatusError as err:
            raise self._status_error(err, settings, request, midway=bool(received)) from None
        except anthropic.APITimeoutError:
            raise failures.timeout(settings.timeout) from None
        except anthropic.APIConnectionError as err:
            reason = _reason(err.__cause__) or "connection failed"
            raise _scrubbed(failures.unreachable(settings.shown_url, reason), settings) from None
        except httpx2.TimeoutException:
            raise failures.timeout(settings.timeout) from None
        except httpx2.TransportError as err:
            reason = _reason(err) or type(err).__name__
            raise _scrubbed(
                failures.broken_stream(len("".join(received)), reason), settings
            ) from None
        text = "".join(received)
        log.info(
            "persona answer: model=%s stop=%s chars=%d usage=%s",
            final.model,
            final.stop_reason,
            len(text),
            _usage(final.usage),
        )
        if final.stop_reason is None:
            raise failures.broken_stream(
                len(text), "the stream ended before the message was complete"
            )
        if final.stop_reason == "refusal":
            raise _scrubbed(failures.refused(text), settings)
        if not text.strip():
            raise failures.empty_answer()
        return Answer(text, final.stop_reason, final.model, _usage(final.usage))

    def _status_error(
        self, err: Any, settings: ApiSettings, request: PromptRequest, *, midway: bool
    ) -> PersonaError:
        status = int(getattr(err, "status_code", 0) or 0)
        error_type = getattr(err, "type", None)
        api_message = getattr(err, "api_message", None)
        if midway or status == 200:  # an SSE `error` event inside a 200 response
            error = failures.stream_error(error_type, api_message)
        else:
            response = getattr(err, "response", None)
            error = failures.http_status(
                status,
                error_type,
                api_message,
                model=request.model,
                env_name=settings.key_env,
                retries=settings.max_retries if status in (408, 409, 429) or status >= 500 else 0,
                retry_after=response.headers.get("retry-after") if response is not None else None,
            )
        return _scrubbed(error, settings)


def _reason(err: BaseException | None) -> str:
    text = str(err or "").strip()
    return text.splitlines()[0] if text else ""


def _scrubbed(error: PersonaError, settings: ApiSettings) -> PersonaError:
    return PersonaError(failures.scrub(error.message, settings.api_key), error.kind)


def _usage(usage: Any) -> dict[str, int]:
    names = (
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    )
    return {name: int(getattr(usage, name, 0) or 0) for name in names}
