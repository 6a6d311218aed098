"""Offsets in a Python string ↔ LSP positions (line, character in the negotiated encoding).

Lines end at \\n, \\r\\n or \\r, as the LSP specification says. Line starts are found only as far
as they are asked for, so a 1 MB body costs nothing when every finding lies in the frontmatter.
"""

from __future__ import annotations

import bisect
import re

_BREAK = re.compile(r"\r\n|\r|\n")


def utf16_len(text: str) -> int:
    """Returns the length of `text` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


_UNITS = {"utf-16": utf16_len, "utf-8": _utf8_len, "utf-32": len}


class LineIndex:
    """Converts between string offsets and (line, UTF-16 character) positions of one text."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding if encoding in _UNITS else "utf-16"
        self._units = _UNITS[self.encoding]
        self._starts = [0]
        self._scanned = 0  # every line start at or before this offset is known
        self._done = False

    def _scan_to(self, offset: int) -> None:
        while not self._done and self._scanned <= offset:
            match = _BREAK.search(self.text, self._scanned)
            if match is None:
                self._done = True
                self._scanned = len(self.text) + 1
                return
            self._starts.append(match.end())
            self._scanned = match.end()

    def _scan_lines(self, line: int) -> None:
        while not self._done and len(self._starts) <= line:
            self._scan_to(self._scanned)

    def line_start(self, line: int) -> int:
        """Returns the offset where `line` starts (the text's end past the last line)."""
        self._scan_lines(line)
        return self._starts[line] if line < len(self._starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """Returns the offset of the end of `line`'s content (before its line break)."""
        start = self.line_start(line)
        match = _BREAK.search(self.text, start)
        return match.start() if match else len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """Returns (line, character) of a string offset, characters counted in `encoding` units."""
        offset = max(0, min(offset, len(self.text)))
        self._scan_to(offset)
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return line, self._units(self.text[start:offset])

    def offset(self, line: int, character: int) -> int:
        """Returns the string offset of an LSP position, clamped to its line."""
        if line < 0:
            return 0
        start = self.line_start(line)
        end = self.line_end(line) if line < len(self._starts) else len(self.text)
        segment = self.text[start:end]
        if segment.isascii():
            return start + min(max(character, 0), len(segment))
        units = 0
        for i, ch in enumerate(segment):
            if units >= character:
                return start + i
            units += self._units(ch)
        return end
