"""What the fake Messages API answers: scripted replies, and their encoding on the wire.

A reply is one of:
- `Message`: a successful answer made of arbitrary content blocks (text, tool_use, thinking…),
  streamed as real SSE when the request asks for `stream: true`, else returned as JSON;
- `HttpError`: an error status with the API's JSON error body and optional headers;
- `Disconnect`: the connection is closed before any response is sent.
A `Message` can also misbehave midway: pause, break the stream, or send an SSE `error` event.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]


def text(value: str) -> Block:
    """Returns a text content block."""
    return {"type": "text", "text": value}


def tool_use(name: str, input: dict[str, Any], id: str | None = None) -> Block:  # noqa: A002
    """Returns a tool_use content block (an id is made up when not given)."""
    return {
        "type": "tool_use",
        "id": id or f"toolu_{uuid.uuid4().hex[:24]}",
        "name": name,
        "input": input,
    }


def thinking(value: str, signature: str = "sig") -> Block:
    """Returns a thinking content block."""
    return {"type": "thinking", "thinking": value, "signature": signature}


@dataclass
class Message:
    """A successful answer. Streamed: text is cut into `chunk_chars`-sized deltas."""

    content: list[Block] = field(default_factory=list)
    stop_reason: str | None = "end_turn"
    model: str | None = None
    """Model reported back; None echoes the request's model."""
    chunk_chars: int = 8
    first_byte_delay: float = 0.0
    """Seconds before the response headers are sent."""
    hold: threading.Event | None = None
    """When set, nothing is sent until the test sets this event (at most 60 s)."""
    event_delay: float = 0.0
    """Seconds between SSE events."""
    break_after_events: int | None = None
    """Close the connection after this many events, without finishing the chunked body."""
    error_after_events: int | None = None
    """Send an SSE `error` event (`stream_error`) after this many events, then stop."""
    stream_error: dict[str, Any] = field(
        default_factory=lambda: {"type": "overloaded_error", "message": "Overloaded"}
    )
    headers: dict[str, str] = field(default_factory=dict)
    ping_every: float | None = None
    """After `message_start`, send only SSE `ping` events this many seconds apart, never the
    content (a stalled stream that looks alive); bounded: the fake gives up after `PING_LIMIT`."""


PING_LIMIT = 30.0
"""Seconds after which a ping-only reply stops (the connection is closed)."""


def pings_forever(every: float = 0.1) -> Message:
    """Returns a streamed answer that never comes: message_start, then pings only."""
    return Message(content=[text("never sent")], ping_every=every)


@dataclass
class HttpError:
    """An error response in the API's format: `{"type":"error","error":{type, message}}`."""

    status: int
    error_type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    first_byte_delay: float = 0.0


@dataclass
class Disconnect:
    """Close the connection without answering (after an optional delay)."""

    delay: float = 0.0


Reply = Message | HttpError | Disconnect


def reply_text(value: str, **kwargs: Any) -> Message:
    """Returns a streamed text answer."""
    return Message(content=[text(value)], **kwargs)


def unauthorized() -> HttpError:
    return HttpError(401, "authentication_error", "invalid x-api-key")


def forbidden() -> HttpError:
    return HttpError(
        403,
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    )


def unknown_model(model: str) -> HttpError:
    return HttpError(404, "not_found_error", f"model: {model}")


def rate_limited(retry_after: float = 0.05) -> HttpError:
    return HttpError(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
        headers={"retry-after": str(retry_after)},
    )


def overloaded() -> HttpError:
    return HttpError(529, "overloaded_error", "Overloaded")


def internal_error() -> HttpError:
    return HttpError(500, "api_error", "Internal server error")


def refusal(partial: str = "") -> Message:
    """Returns an answer the model stopped with `stop_reason: refusal`."""
    return Message(content=[text(partial)] if partial else [], stop_reason="refusal")


def error_body(error_type: str, message: str, request_id: str) -> bytes:
    """Returns the JSON body of an API error."""
    body = {
        "type": "error",
        "error": {"type": error_type, "message": message},
        "request_id": request_id,
    }
    return json.dumps(body).encode()


def _usage(input_tokens: int, output_tokens: int, cache: tuple[int, int]) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": cache[0],
        "cache_read_input_tokens": cache[1],
    }


def message_json(
    reply: Message, model: str, input_tokens: int, cache: tuple[int, int]
) -> dict[str, Any]:
    """Returns the non-streamed JSON body of a message."""
    out = sum(len(json.dumps(b)) // 4 for b in reply.content)
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": reply.model or model,
        "content": reply.content,
        "stop_reason": reply.stop_reason,
        "stop_sequence": None,
        "usage": _usage(input_tokens, out, cache),
    }


def sse_events(
    reply: Message, model: str, input_tokens: int, cache: tuple[int, int]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields (event name, data) pairs of a streamed message, as the real API sends them."""
    start = message_json(reply, model, input_tokens, cache)
    start.update(content=[], stop_reason=None, usage=_usage(input_tokens, 1, cache))
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    output_tokens = 0
    for index, block in enumerate(reply.content):
        kind = block["type"]
        empty: Block
        if kind == "text":
            empty = {"type": "text", "text": ""}
            deltas = [
                {"type": "text_delta", "text": c} for c in _chunks(block["text"], reply.chunk_chars)
            ]
        elif kind == "tool_use":
            empty = {**block, "input": {}}
            payload = json.dumps(block["input"])
            deltas = [
                {"type": "input_json_delta", "partial_json": c}
                for c in _chunks(payload, reply.chunk_chars)
            ]
        elif kind == "thinking":
            empty = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [
                {"type": "thinking_delta", "thinking": c}
                for c in _chunks(block["thinking"], reply.chunk_chars)
            ]
            deltas.append({"type": "signature_delta", "signature": block.get("signature", "")})
        else:  # any other block is sent whole in its start event
            empty, deltas = block, []
        yield (
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": empty},
        )
        for delta in deltas:
            output_tokens += 1
            yield (
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": max(output_tokens, 1)},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def encode_event(name: str, data: dict[str, Any]) -> bytes:
    """Returns one SSE event on the wire."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _chunks(value: str, size: int) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), max(size, 1))] or []
