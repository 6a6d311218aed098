"""Everything that can stop a persona action, as one exception carrying a message for the user.

Messages say what happened and what to do; they never contain the API key or the base URL's
credentials: `scrub` is the one function every message, log line, report and error goes through.
"""

from __future__ import annotations

import re
from typing import Literal

FailureKind = Literal["usage", "api", "answer"]


class PersonaError(Exception):
    """A persona action that cannot go on; `kind`: usage (request), api (call), answer (reply)."""

    def __init__(self, message: str, kind: FailureKind = "api") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


KEY_FRAGMENT = 8
"""Any run of this many characters of a secret is masked wherever it appears."""
MASK = "[redacted]"
_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^\s/?#@]+)@", re.I)


def scrub(text: str, *secrets: str | None) -> str:
    """Returns `text` with URL credentials (`scheme://user:pw@`) and every fragment of 8 or more
    characters of each secret masked as `[redacted]` (a shorter secret of 4 or more characters is
    masked where it appears whole)."""
    if "://" in text and "@" in text:
        text = _USERINFO.sub(r"\g<scheme>[credentials]@", text)
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        if len(secret) <= KEY_FRAGMENT:
            text = text.replace(secret, MASK)
            continue
        pieces = {secret[i : i + KEY_FRAGMENT] for i in range(len(secret) - KEY_FRAGMENT + 1)}
        spans: list[tuple[int, int]] = []
        for piece in pieces:
            at = text.find(piece)
            while at >= 0:
                spans.append((at, at + KEY_FRAGMENT))
                at = text.find(piece, at + 1)
        if spans:
            out, last = [], 0
            for start, end in _merged(spans):
                out += [text[last:start], MASK]
                last = end
            text = "".join([*out, text[last:]])
    return text


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Returns the spans sorted, overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def url_password(url: str | None) -> str | None:
    """Returns the password (else the user name) in `url`'s userinfo, None when it has none."""
    match = _USERINFO.search(url or "")
    return match.group("userinfo").split(":", 1)[-1] if match else None


def no_key(env_name: str) -> PersonaError:
    return PersonaError(
        f"No Anthropic API key: set the environment variable {env_name} for the process that runs "
        "agent-ls (your editor, or the shell for `agent-ls ask`), or name another variable in the "
        "setting agentLs.personas.apiKeyEnv. Nothing was sent.",
        "usage",
    )


def http_status(
    status: int,
    error_type: str | None,
    api_message: str | None,
    *,
    model: str,
    env_name: str,
    retries: int,
    retry_after: str | None = None,
) -> PersonaError:
    """Returns the error for an HTTP error status the SDK gave up on (after its retries)."""
    detail = f" ({status} {error_type})" if error_type else f" ({status})"
    said = f": {api_message}" if api_message else ""
    tries = f" after {retries + 1} attempts" if retries else ""
    if status == 401:
        text = f"The Anthropic API rejected the API key in {env_name}{detail}. Check the key."
    elif status == 403:
        text = f"The API key in {env_name} is not allowed to do this{detail}{said}."
    elif status == 404:
        text = (
            f"Unknown model {model!r}{detail}. Set another model in the agent's `model` field, "
            "or in the settings agentLs.personas.defaultModel / modelOverride."
        )
    elif status == 429:
        wait = f" The API asks to wait {retry_after} s." if retry_after else ""
        text = f"Rate limited by the Anthropic API{detail}{tries}.{wait} Try again later."
    elif status == 529:
        text = f"The Anthropic API is overloaded{detail}{tries}. Try again in a moment."
    elif status >= 500:
        text = f"The Anthropic API failed{detail}{tries}{said}. Try again in a moment."
    elif status == 413:
        text = (
            f"The request is too large for the API{detail}. Select less code or lower "
            "agentLs.personas.contextLines."
        )
    else:
        text = f"The Anthropic API refused the request{detail}{said}."
    return PersonaError(text + " Nothing was applied.")


def timeout(seconds: float) -> PersonaError:
    return PersonaError(
        f"No answer from the Anthropic API within {seconds:g} s "
        "(setting agentLs.personas.timeoutSeconds). Nothing was applied."
    )


def unreachable(base_url: str, reason: str) -> PersonaError:
    return PersonaError(
        f"Cannot reach the Anthropic API at {base_url}: {reason}. Nothing was applied."
    )


def broken_stream(received: int, reason: str) -> PersonaError:
    return PersonaError(
        f"The answer broke off midway ({reason}; {received:,} characters received). "
        "Nothing was applied."
    )


def stream_error(error_type: str | None, message: str | None) -> PersonaError:
    what = ": ".join(p for p in (error_type, message) if p) or "an error event"
    return PersonaError(f"The API stopped the answer midway ({what}). Nothing was applied.")


def empty_answer() -> PersonaError:
    return PersonaError("The agent gave an empty answer. Nothing was applied.", "answer")


def refused(partial: str) -> PersonaError:
    said = f' It said: "{partial.strip()[:200]}"' if partial.strip() else ""
    return PersonaError(
        f"The model declined to answer (stop_reason: refusal).{said} Nothing was applied.", "answer"
    )


def cut_off(max_tokens: int) -> PersonaError:
    return PersonaError(
        f"The answer was cut off at {max_tokens:,} tokens (setting agentLs.personas.maxTokens), "
        "so it is incomplete. Nothing was applied; select less code or raise the limit.",
        "answer",
    )


def unusable(reason: str) -> PersonaError:
    """Returns the error for an answer that cannot be applied unambiguously; `reason` says why."""
    return PersonaError(
        f"The agent's answer cannot be applied: {reason}. Nothing was applied; run the action "
        "again.",
        "answer",
    )
