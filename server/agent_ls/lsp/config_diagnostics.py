"""The repository's settings files as the editor shows them: each problem that the settings
layer finds in `.agent-ls.toml` or `[tool.agent-ls]` of `pyproject.toml` (a setting a repository
may not set, such as the endpoint or the key's variable; an invalid value) becomes a warning on
its line, while that file is open."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import SOURCE, range_of

SETTINGS_FILES = (".agent-ls.toml", "pyproject.toml")


def config_diagnostics(
    root: Path | None, path: Path | None, text: str, encoding: str
) -> list[types.Diagnostic]:
    """Returns a warning per problem of the settings file `path` at the workspace `root` (its
    lines and columns are those of the saved file), none for any other file."""
    if root is None or path is None or path.name not in SETTINGS_FILES or path.parent != root:
        return []
    from agent_ls.settings import project_config_problems  # TOML: on first use

    index = LineIndex(text, encoding)
    diagnostics = []
    for problem in project_config_problems(root):
        if problem.path != path:
            continue
        line_start = index.line_start(problem.line)
        line_end = index.line_end(problem.line)
        start = min(line_start + problem.start, line_end)
        end = min(max(line_start + problem.end, start), line_end)
        diagnostics.append(
            types.Diagnostic(
                range=range_of(index, start, end),
                message=problem.message,
                severity=types.DiagnosticSeverity.Warning,
                source=SOURCE,
            )
        )
    return diagnostics
