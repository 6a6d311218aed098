"""A fake Anthropic Messages API for tests: see `server.FakeAnthropic` and `replies`."""

from .replies import (
    Block,
    Disconnect,
    HttpError,
    Message,
    Reply,
    forbidden,
    internal_error,
    overloaded,
    pings_forever,
    rate_limited,
    refusal,
    reply_text,
    text,
    thinking,
    tool_use,
    unauthorized,
    unknown_model,
)
from .server import FakeAnthropic, RecordedRequest

__all__ = [
    "Block",
    "Disconnect",
    "FakeAnthropic",
    "HttpError",
    "Message",
    "RecordedRequest",
    "Reply",
    "forbidden",
    "internal_error",
    "overloaded",
    "pings_forever",
    "rate_limited",
    "refusal",
    "reply_text",
    "text",
    "thinking",
    "tool_use",
    "unauthorized",
    "unknown_model",
]
