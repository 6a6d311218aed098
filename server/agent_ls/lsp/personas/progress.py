"""Work-done progress for a run, and the run's end: cancelled with the request or the progress,
every failure turned into an outcome the user is told about."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agent_ls.lsp.personas.editor import supports, tell
from agent_ls.lsp.personas.state import Outcome
from agent_ls.personas.failures import PersonaError

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer

log = logging.getLogger(__name__)


REPORT_INTERVAL = 0.1
"""Seconds between two progress reports while the answer streams."""
PROGRESS_CREATE_TIMEOUT = 5.0
"""Seconds to wait for the client to accept a progress token (window/workDoneProgress/create)."""


class Progress:
    """Work-done progress for one run (silent when the client has none); cancellable."""

    def __init__(self, server: AgentLanguageServer, token: types.ProgressToken | None) -> None:
        self.server = server
        self.token = token
        self.chars = 0
        self.title = ""
        self._last = 0.0
        self._ended = False

    async def begin(self, title: str, message: str, on_cancel: Callable[[], Any]) -> None:
        progress = self.server.work_done_progress
        if self.token is None and supports(self.server, "window.work_done_progress"):
            token = str(uuid.uuid4())
            try:
                # A client that never answers must not hold the run: go on without progress.
                await asyncio.wait_for(progress.create_async(token), PROGRESS_CREATE_TIMEOUT)
            except Exception as err:  # noqa: BLE001 - a client may refuse: run without progress
                log.info("no progress: window/workDoneProgress/create failed: %s", err)
                return
            self.token = token
        if self.token is None:
            return
        self.title = title
        progress.begin(
            self.token, types.WorkDoneProgressBegin(title=title, message=message, cancellable=True)
        )
        cancelled: Future[Any] = progress.tokens[self.token]
        loop = asyncio.get_running_loop()
        cancelled.add_done_callback(
            lambda f: f.cancelled() and loop.call_soon_threadsafe(on_cancel)
        )

    def report(self, message: str) -> None:
        if self.token is not None and not self._ended:
            self.server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message)
            )

    def on_text(self, piece: str) -> None:
        self.chars += len(piece)
        now = time.monotonic()
        if now - self._last >= REPORT_INTERVAL:
            self._last = now
            self.report(f"Streaming: {self.chars:,} characters")

    def end(self, message: str) -> None:
        """Ends the progress; a message that repeats the title loses it (editors show both:
        Neovim's `vim.lsp.status()` is "title: message")."""
        if self.title and message.startswith(self.title + ": "):
            message = message[len(self.title) + 2 :]
        if self.token is not None and not self._ended:
            self._ended = True
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=message)
            )
            self.server.work_done_progress.tokens.pop(self.token, None)


async def finished(
    server: AgentLanguageServer, progress: Progress, perform: Awaitable[Outcome]
) -> Outcome:
    """Returns the outcome of `perform`, cancelled with the request or the progress, every
    failure turned into an outcome the user is told about; ends the progress."""
    work = asyncio.ensure_future(perform)
    _cancel_with_request(server, work)
    try:
        outcome = await work
    except asyncio.CancelledError:
        progress.end("Cancelled: nothing was applied")
        task = asyncio.current_task()
        if task is not None and getattr(task, "cancelling", lambda: 0)():
            raise
        return Outcome("cancelled", "Cancelled: nothing was applied")
    except PersonaError as err:
        outcome = Outcome("failed", err.message)
    except Exception as err:  # noqa: BLE001 - a bug must still end the progress and be reported
        log.exception("persona action failed")
        outcome = Outcome("failed", f"Internal error: {type(err).__name__}. Nothing was applied.")
    progress.end(outcome.message or outcome.status)
    if outcome.status in ("failed", "stale"):
        tell(
            server,
            outcome.message,
            types.MessageType.Error if outcome.status == "failed" else types.MessageType.Warning,
        )
    return outcome


def _cancel_with_request(server: AgentLanguageServer, work: asyncio.Future[Any]) -> None:
    """Cancels `work` when the client cancels the request being handled ($/cancelRequest).

    pygls cancels the task of a plain request handler itself, but for workspace/executeCommand it
    only cancels the outer request's future, not the command's own task.
    """
    protocol = server.protocol
    request_future = getattr(protocol, "_request_futures", {}).get(protocol.msg_id)
    if request_future is None:
        return
    loop = asyncio.get_running_loop()
    request_future.add_done_callback(
        lambda f: f.cancelled() and loop.call_soon_threadsafe(work.cancel)
    )
