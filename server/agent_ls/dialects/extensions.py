"""Files in a dialect's folders that Claude Code skips for their extension (`x.MD`, `notes.txt`
where only `.md` is read): outside the dialect's globs, found by the `.md` name they would need.

`misnamed_dialect(path, …)` gives such a file a dialect that reports one Error (the dialect's
`extension_code`), so a file Claude Code never reads is never silently passed over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.dialects.base import CheckContext, Dialect, line_bounds
from agent_ls.settings import Settings

READ_SUFFIX = ".md"
"""The one extension Claude Code reads agents, commands and output styles from (lower case)."""


def misnamed_dialect(
    path: Path, root: Path | None, settings: Settings, dialects: tuple[Dialect[Any], ...]
) -> Dialect[Any] | None:
    """The dialect of `path` when it lies where one of `dialects` (with an `extension_code`)
    reads `.md` files but ends otherwise; None for any other file (and for hidden files)."""
    if path.suffix == READ_SUFFIX or path.name.startswith("."):
        return None
    wanted = path.with_name((path.stem if path.suffix else path.name) + READ_SUFFIX)
    for dialect in dialects:
        if dialect.extension_code is not None and dialect.matches(wanted, root, settings):
            return SkippedExtension(dialect, path)
    return None


def folder_may_hold_misnamed(
    folder: Path, root: Path | None, settings: Settings, dialects: tuple[Dialect[Any], ...]
) -> bool:
    """Whether a `.md` file in `folder` would be one of `dialects`' with an `extension_code` (a
    folder walk then yields its other files too)."""
    probe = folder / f"probe{READ_SUFFIX}"
    return any(d.extension_code is not None and d.matches(probe, root, settings) for d in dialects)


class SkippedExtension(Dialect[MarkdownSource]):
    """A file Claude Code skips for its extension: the Error saying so, and nothing else (its
    frontmatter is never read). Features are its folder's dialect's."""

    name = "skipped"
    default_globs = ()

    def __init__(self, inner: Dialect[MarkdownSource], path: Path) -> None:
        self.inner, self.path = inner, path
        self.title = inner.title
        self.codes = inner.codes
        self.catalogue = inner.catalogue

    def extend_catalogue(self, settings: Any) -> Any:
        return self.inner.with_settings(settings).catalogue

    def read(self, text: str) -> MarkdownSource:
        return self.inner.read(text)

    def claims(self, source: MarkdownSource, in_globs: bool) -> bool:
        return True

    def load(self, source: MarkdownSource) -> Any:
        return None

    def check(self, source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
        code = self.inner.extension_code
        assert code is not None, "misnamed_dialect wraps only dialects with an extension_code"
        message = (
            f"Claude Code reads only `{READ_SUFFIX}` files here: `{self.path.name}` is skipped "
            f"without a word, so this {self.inner.title.removeprefix('Claude Code ')} is not "
            f"loaded. Rename it to end in `{READ_SUFFIX}`."
        )
        return [Finding(code, message, *line_bounds(source.text, 0))]

    def schema(self) -> dict[str, Any]:
        return self.inner.schema()
