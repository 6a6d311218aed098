"""Random editor edits, applied the way an LSP client applies them (the test's own model).

Positions follow the specification, independently of the server's code: lines end at \\n, \\r\\n
or \\r only; characters count in the negotiated encoding's code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st
from lsprotocol import types

BREAK = re.compile(r"\r\n|\r|\n")

# Agent-file fragments, plus every character `str.splitlines` treats as a line break but LSP does
# not, plus LSP's three line breaks, plus characters of 2, 3 and 4 UTF-8 bytes (one a surrogate
# pair in UTF-16).
TOKENS = [
    "---",
    "\n",
    "\r\n",
    "\r",
    " ",
    ":",
    ",",
    "-",
    "[",
    "]",
    '"',
    "#",
    "\t",
    "name",
    "fuzz",
    "description",
    "tools",
    "model",
    "color",
    "Read",
    "Reed",
    "Grep",
    "sonnet",
    "gpt-4",
    "red",
    "magenta",
    "allowedTools",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
    "é",
    "見",
    "😀",
]

SEEDS = [
    "---\nname: fuzz\ndescription: Reviews code\ntools: Read, Reed\nmodel: sonnet\n---\n\nBody.\n",
    "---\r\nname: fuzz\r\ndescription: a\x0cb\u2028c 😀\r\ntools: [Reed, Grep]\r\n"
    "color: red\r\n---\r\nBody\x85x\n",
    "---\rname: fuzz\rdescription: d\x0b\rtools: Reed\rmodel: gpt-4\r---\r",
    "---\nname: fuzz\ndescription: x\x1cy\x1dz\x1e\ntools: Reed\n---\n見る\u2029Reed\n",
    "",
]

fragment = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)


def units(text: str, encoding: str) -> int:
    """Returns the length of `text` in the code units of `encoding`."""
    if encoding == "utf-8":
        return len(text.encode("utf-8", errors="surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def snap(text: str, offset: int) -> int:
    """Moves an offset that falls inside a \\r\\n to its start (LSP cannot address it)."""
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        return offset - 1
    return offset


def position(text: str, offset: int, encoding: str, overshoot: int = 0) -> types.Position:
    """Returns the LSP position of a string offset; at a line's end, `overshoot` characters past
    it (the specification: a character beyond the line's length means the line's end)."""
    line, start = 0, 0
    for match in BREAK.finditer(text, 0, offset):
        if match.end() > offset:
            break
        line, start = line + 1, match.end()
    at_line_end = text[offset : offset + 1] in ("", "\r", "\n")
    return types.Position(
        line=line, character=units(text[start:offset], encoding) + (overshoot if at_line_end else 0)
    )


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text` (string offsets into the text before the edit)."""

    start: int
    end: int
    text: str
    overshoot: int = 0
    """Characters past the line's end that a position at a line's end claims (clients may)."""

    def apply(self, text: str) -> str:
        return text[: self.start] + self.text + text[self.end :]

    def change(self, text: str, encoding: str) -> types.TextDocumentContentChangePartial:
        return types.TextDocumentContentChangePartial(
            range=types.Range(
                start=position(text, self.start, encoding, self.overshoot),
                end=position(text, self.end, encoding, self.overshoot),
            ),
            text=self.text,
        )


@st.composite
def edit_for(draw: st.DrawFn, text: str) -> Edit:
    """An edit of `text`: an insertion, deletion or replacement anywhere, at LSP-valid offsets."""
    start = snap(text, draw(st.integers(0, len(text))))
    end = snap(text, draw(st.integers(start, min(len(text), start + 20))))
    end = max(end, start)
    return Edit(start, end, draw(fragment), draw(st.sampled_from([0, 0, 0, 1, 7])))


@st.composite
def edit_session(draw: st.DrawFn, max_notifications: int = 6) -> tuple[str, list[list[Edit]], str]:
    """A seed text, notifications of 1-3 edits each (each applies to the text before it), and
    the final text."""
    seed = text = draw(st.sampled_from(SEEDS) | fragment)
    notifications: list[list[Edit]] = []
    for _ in range(draw(st.integers(1, max_notifications))):
        batch = []
        for _ in range(draw(st.integers(1, 3))):
            edit = draw(edit_for(text))
            text = edit.apply(text)
            batch.append(edit)
        notifications.append(batch)
    return seed, notifications, text


def replay(
    seed: str, notifications: list[list[Edit]], encoding: str
) -> list[list[types.TextDocumentContentChangePartial]]:
    """Returns the didChange content changes of a session, positions in `encoding` units."""
    text, out = seed, []
    for batch in notifications:
        changes = []
        for edit in batch:
            changes.append(edit.change(text, encoding))
            text = edit.apply(text)
        out.append(changes)
    return out


def type_char(
    uri: str, version: int, line: int, character: int, text: str
) -> types.DidChangeTextDocumentParams:
    """A didChange inserting `text` at (`line`, `character`)."""
    at = types.Position(line=line, character=character)
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)
        ],
    )
