"""The one bounded reader for every file agent-ls reads: agent files, `.mcp.json`, settings.

Only regular files are read (a FIFO named `*.md` would block a plain open forever), never more
than a limit: the buffer is sized from the file's own size, not from the limit. Decoding is
Claude Code's: UTF-8, each invalid byte read as U+FFFD, and the caller learns where the first
one was (a literal U+FFFD in valid UTF-8 is just a character).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

CONFIG_MAX_BYTES = 4 * 1024 * 1024  # .mcp.json, .agent-ls.toml, pyproject.toml


class UnreadableFile(Exception):
    """A file that cannot be read; the message says why."""


class FileTooLarge(UnreadableFile):
    """A regular file over the reader's limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size:,} bytes, over the limit of {limit:,}")
        self.size = size
        self.limit = limit


class Decoded(NamedTuple):
    """A file's text as Claude Code decodes it (a tuple: one is made for every file read)."""

    text: str
    invalid_at: int | None = None
    """Offset in `text` of the first U+FFFD that stands for bytes that are not UTF-8."""


def read_bytes(path: Path, limit: int) -> bytes:
    """Returns the bytes of a regular file of at most `limit` bytes; raises UnreadableFile."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:  # reads on the descriptor: no file object is built for 10,000 files
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, socket or device"
                raise UnreadableFile(f"not a regular file ({kind}): skipped")
            if info.st_size > limit:
                raise FileTooLarge(info.st_size, limit)
            # One read: a regular file gives all it has up to the size asked for, one more byte
            # than fstat said, to see a file that grew since.
            data = os.read(fd, info.st_size + 1)
        finally:
            os.close(fd)
    except OSError as err:
        raise UnreadableFile(f"cannot read: {err.strerror or err}") from err
    if len(data) > limit:
        raise FileTooLarge(len(data), limit)
    return data


def decode(data: bytes) -> Decoded:
    """Decodes UTF-8 as Claude Code does (invalid bytes → U+FFFD), noting the first bad byte."""
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        valid = len(data[: err.start].decode("utf-8"))
        return Decoded(data.decode("utf-8", errors="replace"), valid)


def read_decoded(path: Path, limit: int) -> Decoded:
    """Returns a file's decoded text (see `read_bytes` and `decode`)."""
    return decode(read_bytes(path, limit))
