"""The only code that talks to the Anthropic Messages API, through the official SDK.

The SDK takes over a second to import, so it is imported on first use (or in a worker thread by
`warm_up`), never when the server starts. Every SDK or transport failure comes out as a
`PersonaError` whose message holds no part of the key and no credentials of the base URL. One
deadline (`timeout`) covers the whole call, retries and keep-alive pings included.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import importlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent_ls.personas import failures
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import TOOLS, PromptRequest, with_moving_breakpoint
from agent_ls.personas.tools import ToolRefused
from agent_ls.settings import PersonaSettings

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.anthropic.com"


@dataclass(frozen=True)
class ApiSettings:
    """How to reach the API for one call. `repr` hides the key and the base URL (which may hold
    credentials)."""

    api_key: str = field(repr=False)
    key_env: str
    base_url: str | None = field(repr=False)
    """None: the SDK's default (or ANTHROPIC_BASE_URL)."""
    timeout: float
    max_retries: int

    @property
    def shown_url(self) -> str:
        """Returns the URL called, for messages (its credentials masked)."""
        url = self.base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL
        return failures.scrub(url, *self.secrets)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Returns what no message may show: the key, and the base URL's password if any."""
        password = failures.url_password(self.base_url or os.environ.get("ANTHROPIC_BASE_URL"))
        return (self.api_key, password) if password else (self.api_key,)

    def scrub(self, text: str) -> str:
        """Returns `text` with every part of these settings' secrets masked."""
        return failures.scrub(text, *self.secrets)


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
    """A complete answer; `stop_reason` is end_turn, max_tokens, tool_use… (never refusal, never
    None). A structured answer is the input of the tool the model called (`tool`)."""

    text: str
    stop_reason: str
    model: str
    usage: dict[str, int]
    tool: str | None = None
    tool_input: dict[str, Any] | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """What nothing shown to the user may echo (the key, the base URL's password)."""
    tool_calls: tuple[str, ...] = ()
    """The read-only tool calls made before the answer, as progress showed them."""
    messages: tuple[dict[str, Any], ...] = field(default=(), repr=False)
    """Every turn of the conversation, the answer's own last (a follow-up sends them again)."""

    def scrub(self, text: str) -> str:
        """Returns `text` without any part of the call's secrets or URL credentials."""
        return failures.scrub(text, *self.secrets)


class MessagesApi:
    """Streams answers; keeps one SDK client per configuration so connections are reused."""

    def __init__(self) -> None:
        self._clients: dict[ApiSettings, AsyncAnthropic] = {}
        self._sdk_ready = False

    def warm_up(self, settings: ApiSettings | None) -> None:
        """Does the SDK's one-time work: the import, the client (TLS setup) for `settings`, and
        the models of stream events (built on first use). Call it in a worker thread; best effort.
        """
        try:
            _load_sdk()
            if settings is not None:
                self._client(settings).messages  # noqa: B018 - imports the messages resource
            from anthropic.lib.streaming._messages import accumulate_event, build_events

            snapshot = None
            for event in _SAMPLE_EVENTS:
                snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs={})
                build_events(event=event, message_snapshot=snapshot)
            self._sdk_ready = True
        except Exception as err:  # noqa: BLE001 - the real call reports real problems
            shown = settings.scrub(str(err)) if settings else failures.scrub(str(err))
            log.info("SDK warm-up incomplete: %s", shown)

    def _client(self, settings: ApiSettings) -> AsyncAnthropic:
        client = self._clients.get(settings)
        if client is None:
            from anthropic import AsyncAnthropic

            client = AsyncAnthropic(
                api_key=settings.api_key,
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=settings.max_retries,
                middleware=[_retry_announcer(settings.max_retries)],
            )
            self._clients[settings] = client
        return client

    async def stream(
        self,
        settings: ApiSettings,
        request: PromptRequest,
        on_text: Callable[[str], None],
        on_status: Callable[[str], None] | None = None,
    ) -> Answer:
        """Returns the whole answer, calling `on_text` with each piece as it arrives (text, or
        the partial JSON of a tool call) and `on_status` with a sentence each time the SDK is
        about to retry and each time one of the agent's read-only tools runs.

        With `request.tools`, the model may call those tools for up to their `max_turns` turns
        and `budget_bytes` of results before the answer tool is forced; the answer's usage is
        the sum of all turns. Raises PersonaError for every failure (HTTP status, the overall
        deadline, connection, broken stream, error event, refusal, empty answer). Cancelling
        the calling task closes the stream and stops the loop.
        """
        try:
            return await asyncio.wait_for(
                self._loop(settings, request, on_text, on_status), settings.timeout
            )
        except asyncio.TimeoutError:
            raise failures.timeout(settings.timeout) from None
        except PersonaError as err:  # whatever the API or a gateway echoed: scrubbed here
            raise PersonaError(settings.scrub(err.message), err.kind) from None

    async def _loop(
        self,
        settings: ApiSettings,
        request: PromptRequest,
        on_text: Callable[[str], None],
        on_status: Callable[[str], None] | None,
    ) -> Answer:
        tools = request.tools
        messages = list(request.messages)
        usage: dict[str, int] = {}
        calls: list[str] = []
        budget = tools.budget_bytes if tools is not None else 0
        turns = tools.max_turns if tools is not None else 1
        for turn in range(1, turns + 1):
            final_turn = turn == turns or budget <= 0
            kwargs = request.as_kwargs(with_moving_breakpoint(messages), final=final_turn)
            final, received = await self._stream(settings, request, kwargs, on_text, on_status)
            for name, count in _usage(final.usage).items():
                usage[name] = usage.get(name, 0) + count
            uses = [b for b in final.content if b.type == "tool_use"]
            said = [b.model_dump(mode="json", exclude_none=True) for b in final.content]
            if tools is None or final_turn or any(b.name == request.tool for b in uses) or not uses:
                turns_so_far = (*messages, {"role": "assistant", "content": said})
                return _answer(
                    final, received, settings, usage, tuple(calls), request.tool, turns_so_far
                )
            results = []
            for block in uses:
                data = block.input if isinstance(block.input, dict) else {}
                if block.name in TOOLS:  # the other answer tool, offered for the cache's sake
                    content = (
                        f"Error: this action answers through {request.tool}, not {block.name}."
                    )
                    error = True
                else:
                    calls.append(tools.describe(block.name, data))
                    if on_status is not None:
                        on_status(calls[-1])
                    content, error = await _run_tool(tools, block.name, data)
                size = len(content.encode())
                if size > budget:
                    cut = content.encode()[: max(budget, 0)].decode("utf-8", "ignore")
                    content = f"{cut}\n(cut off: this call's budget of tool output is spent)"
                budget -= size
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": block.id,
                        "content": content,
                        "is_error": error,
                    }
                )
            messages += [
                {"role": "assistant", "content": said},
                {"role": "user", "content": results},
            ]
        raise AssertionError("unreachable: the last turn returns")  # pragma: no cover

    async def _stream(
        self,
        settings: ApiSettings,
        request: PromptRequest,
        kwargs: dict[str, Any],
        on_text: Callable[[str], None],
        on_retry: Callable[[str], None] | None,
    ) -> tuple[Any, int]:
        """Returns one turn's final message and how many characters streamed."""
        if not self._sdk_ready:  # the import takes a second: never on the event loop
            try:
                await asyncio.to_thread(_load_sdk)
            except ImportError as err:
                raise PersonaError(f"The anthropic package cannot be imported ({err}).") from None
            self._sdk_ready = True
        import anthropic

        transport = _http_library()
        received = 0
        listening = _ON_RETRY.set(on_retry)
        try:
            async with self._client(settings).messages.stream(**kwargs) as stream:
                async for event in stream:
                    if event.type == "text":
                        piece = event.text
                    elif event.type == "input_json":
                        piece = event.partial_json
                    else:
                        continue
                    received += len(piece)
                    on_text(piece)
                final = await stream.get_final_message()
        except anthropic.APIStatusError as err:
            raise self._status_error(err, settings, request, midway=bool(received)) from None
        except anthropic.APITimeoutError:
            raise failures.timeout(settings.timeout) from None
        except anthropic.APIConnectionError as err:
            reason = _reason(err.__cause__) or "connection failed"
            raise failures.unreachable(settings.shown_url, reason) from None
        except transport.TimeoutException:
            raise failures.timeout(settings.timeout) from None
        except transport.TransportError as err:
            reason = _reason(err) or type(err).__name__
            raise failures.broken_stream(received, reason) from None
        finally:
            _ON_RETRY.reset(listening)
        return final, received

    def _status_error(
        self, err: Any, settings: ApiSettings, request: PromptRequest, *, midway: bool
    ) -> PersonaError:
        status = int(getattr(err, "status_code", 0) or 0)
        body = getattr(err, "body", None)
        detail = body.get("error") if isinstance(body, dict) else None
        detail = detail if isinstance(detail, dict) else {}
        error_type = getattr(err, "type", None) or detail.get("type")
        api_message = getattr(err, "api_message", None) or detail.get("message")
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
        return error


async def _run_tool(tools: Any, name: str, data: dict[str, Any]) -> tuple[str, bool]:
    """Returns the result of one read-only tool call (in a worker thread) and whether it is an
    error."""
    try:
        return await asyncio.to_thread(tools.run, name, data), False
    except ToolRefused as err:
        return f"Error: {err}", True
    except OSError as err:
        return f"Error: {err.strerror or err}", True


def _answer(
    final: Any,
    received: int,
    settings: ApiSettings,
    usage: dict[str, int],
    calls: tuple[str, ...],
    answer_tool: str | None,
    messages: tuple[dict[str, Any], ...] = (),
) -> Answer:
    """Returns the Answer of a final message (its call of `answer_tool`, else its first tool
    call); raises PersonaError for an incomplete stream, a refusal or an empty answer."""
    text = "".join(b.text for b in final.content if b.type == "text")
    uses = [b for b in final.content if b.type == "tool_use"]
    call = next((b for b in uses if b.name == answer_tool), uses[0] if uses else None)
    log.info(
        "persona answer: model=%s stop=%s chars=%d tool=%s usage=%s tool calls=%d",
        final.model,
        final.stop_reason,
        received,
        call.name if call is not None else None,
        usage,
        len(calls),
    )
    if final.stop_reason is None:
        raise failures.broken_stream(received, "the stream ended before the message was complete")
    if final.stop_reason == "refusal":
        raise failures.refused(text)
    tool_input = call.input if call is not None and isinstance(call.input, dict) else None
    if not text.strip() and tool_input is None:
        raise failures.empty_answer()
    return Answer(
        text,
        final.stop_reason,
        final.model,
        usage,
        call.name if call is not None else None,
        tool_input,
        settings.secrets,
        calls,
        messages,
    )


_ON_RETRY: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "agent_ls_on_retry", default=None
)


def _retry_announcer(max_retries: int) -> Callable[[Any, Any], Awaitable[Any]]:
    """Returns SDK middleware that tells the current call's `on_retry` about each coming retry."""

    async def announce(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        status = response.status_code
        listener = _ON_RETRY.get()
        retryable = status in (408, 409, 429) or status >= 500
        if listener is not None and retryable and request.retries_taken < max_retries:
            wait = response.headers.get("retry-after")
            what = "Rate limited" if status == 429 else "The API answered"
            listener(f"{what} ({status}): retrying" + (f" in {wait} s" if wait else ""))
        return response

    return announce


def _load_sdk() -> None:
    """Imports the SDK, then hides its long-lived objects from the garbage collector.

    `gc.freeze` keeps collections short (the SDK and pydantic leave ~10^5 tracked objects) and
    makes the server exit in ~0.1 s instead of ~1.3 s spent collecting them at shutdown.
    """
    importlib.import_module("anthropic")
    importlib.import_module("anthropic.lib.streaming")
    gc.freeze()


_SAMPLE_EVENTS: list[Any] = [
    {"type": "message_start", "message": {
        "id": "msg_0", "type": "message", "role": "assistant", "model": "m", "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1}}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "ok"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
     "usage": {"output_tokens": 1}},
    {"type": "message_stop"},
]  # fmt: skip
"""A streamed answer as the API sends it, fed through the SDK's accumulator by `warm_up`."""


def _http_library() -> Any:
    """Returns the HTTP library under the SDK: httpx2 (anthropic 2.x) or httpx (before)."""
    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return importlib.import_module("httpx")


def _reason(err: BaseException | None) -> str:
    text = str(err or "").strip()
    return text.splitlines()[0] if text else ""


def _usage(usage: Any) -> dict[str, int]:
    names = (
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    )
    return {name: int(getattr(usage, name, 0) or 0) for name in names}
