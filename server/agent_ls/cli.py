"""The `agent-ls` command: serve, check, schema, explain, ask.

Imports stay inside the subcommands so `agent-ls check` never pays for pygls and `agent-ls serve`
never pays for the anthropic SDK.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TextIO
from urllib.parse import quote

from agent_ls import __version__

if TYPE_CHECKING:
    from agent_ls.settings import Settings
    from agent_ls.workspace import FileReport

FAIL_ON = {"error": 1, "warning": 2, "information": 3}


def main(argv: Sequence[str] | None = None, exit_when_checked: bool = False) -> int:
    """Runs the command line; returns the exit code. With `exit_when_checked`, `check` ends the
    process itself once its output is flushed (`_exit_now`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(with_ask=argv[:1] == ["ask"])
    args = parser.parse_args(argv)
    args.exit_when_checked = exit_when_checked
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.run(args)
    except BrokenPipeError:  # `agent-ls check . | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # noqa: BLE001 - a bug: one line and exit 3, never a traceback
        if args.command != "check":
            raise
        if args.debug:
            import traceback

            traceback.print_exc(file=sys.stderr)
        first = str(err).splitlines()[0] if str(err) else ""
        sys.stderr.write(
            f"agent-ls: internal error: {type(err).__name__}: {first}"
            + ("\n" if args.debug else " (run with --debug for the traceback)\n")
        )
        return 3
    return result


def run() -> NoReturn:
    """The program (`agent-ls`, `python -m agent_ls`): `main`, then exit with its code."""
    sys.exit(main(exit_when_checked=True))


def _parser(with_ask: bool) -> argparse.ArgumentParser:
    """Builds the parser; the options of `ask` (and their imports) only when `ask` runs."""
    parser = argparse.ArgumentParser(
        prog="agent-ls",
        description="Language server, linter and personas for AI agent definition files.",
    )
    parser.add_argument("--version", action="version", version=f"agent-ls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    serve.set_defaults(run=_serve)

    check = sub.add_parser("check", help="check agent files or folders (for CI)")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=["text", "json", "sarif", "github"], default="text")
    check.add_argument(
        "--fail-on",
        choices=list(FAIL_ON),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes in place, then report the rest"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text output (default: auto, on a terminal unless NO_COLOR is set)",
    )
    check.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error (exit 3)"
    )
    check.set_defaults(run=_check)

    schema = sub.add_parser("schema", help="print a JSON Schema of a dialect's files")
    schema.add_argument(
        "--dialect", default="agents", help="agents (default), or another dialect's name"
    )
    schema.set_defaults(run=_schema)

    explain = sub.add_parser("explain", help="explain a diagnostic code, e.g. AL401")
    explain.add_argument("code", nargs="?", help="a code; without one, list every code")
    explain.set_defaults(run=_explain)

    ask = sub.add_parser("ask", help="run a persona action on a file from the terminal")
    if with_ask:
        from agent_ls.personas.cli import add_ask_arguments, run_ask

        add_ask_arguments(ask)
        ask.set_defaults(run=run_ask)
    return parser


def _fail(message: str) -> int:
    sys.stderr.write(f"agent-ls: {message}\n")
    return 2


def _serve(args: argparse.Namespace) -> int:
    import gc
    import logging

    # Startup allocates what lives as long as the server (modules, lsprotocol's classes, the
    # catalogue): collecting it is wasted work (~20 ms on the way to the initialize result). After
    # the build it is frozen, so no later collection walks it either.
    gc.disable()
    from agent_ls.lsp.framing import serve_stdio, serve_tcp
    from agent_ls.lsp.server import build_server

    # stdout carries the protocol: logs go to stderr (and window/logMessage from the server).
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="agent-ls %(levelname)s %(name)s: %(message)s",
    )

    server = build_server()
    gc.freeze()
    gc.enable()
    # A worker thread (indexing 10,000 files, a check) holds the GIL until asked for it: the event
    # loop then waits up to this long at each hand-over, several times per request (5 ms default;
    # 0.1 ms against 0.5 ms: worst hover while indexing 10,000 files 12-18 ms against 19-35 ms).
    sys.setswitchinterval(0.0001)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            return _fail(f"--tcp wants HOST:PORT, got {args.tcp!r}")
        serve_tcp(server, host or "127.0.0.1", int(port))
    else:
        serve_stdio(server)
    return server.exit_code


def _schema(args: argparse.Namespace) -> int:
    from agent_ls.dialects import all_dialects, dialect_named

    dialect = dialect_named(args.dialect)
    if dialect is None:
        names = ", ".join(d.name for d in all_dialects())
        return _fail(f"no such dialect: {args.dialect} (dialects: {names})")
    json.dump(dialect.schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from agent_ls.core.findings import SEVERITY_RULE, explain
    from agent_ls.dialects import all_codes

    codes = all_codes()  # registers every dialect's codes
    if not args.code:
        sys.stdout.write(SEVERITY_RULE + "\n\n")
        for code in codes.values():
            sys.stdout.write(f"{code.code}  {code.severity.label:<11}  {code.title}\n")
        return 0
    text = explain(args.code)
    if text is None:
        return _fail(f"no such code: {args.code} (run `agent-ls explain` to list them)")
    sys.stdout.write(text.replace("**", "") + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    from agent_ls.settings import find_project_root, load_project_settings
    from agent_ls.workspace import check_paths, walk_dialect_files

    missing = [p for p in args.paths if not p.exists()]
    for path in missing:
        why = (
            "broken symbolic link (missing target, or a loop)"
            if path.is_symlink()
            else "no such file or folder"
        )
        sys.stderr.write(f"agent-ls: {path}: {why}\n")
    existing = [p for p in args.paths if p.exists()]
    root = find_project_root(existing[0].resolve()) if existing else Path.cwd()
    settings, problems = load_project_settings(root)
    for problem in problems:
        sys.stderr.write(f"agent-ls: {problem}\n")
    explicit = {path for path in existing if not path.is_dir()}
    files: list[Path] = []  # every path once, in the order found

    def walk() -> Iterator[Path]:
        seen: set[Path] = set()
        for path in existing:
            for found in walk_dialect_files(path, settings) if path not in explicit else (path,):
                # One walk yields each file once: only paths from several are compared (hashing
                # a path costs 3 µs, 30 ms of a walk over 10,000 files).
                if len(existing) > 1:
                    if found in seen:
                        continue
                    seen.add(found)
                files.append(found)
                yield found

    fixes = args.fix or args.diff  # the report itself shows no fixes
    # The output of each file is made where it is checked (in parallel, for many files).
    render = None if args.diff else _RENDERERS.get(args.format)
    reports, errors = check_paths(walk(), explicit, root, settings, render=render, fixes=fixes)
    renamed: dict[Path, Path] = {}
    changed = _apply_fixes(reports, root, settings, args.diff, renamed) if fixes else 0
    if changed and args.fix:
        again = list(dict.fromkeys(renamed.get(path, path) for path in files))
        explicit = {renamed.get(path, path) for path in explicit}
        reports, errors = check_paths(again, explicit, root, settings, render=render, fixes=False)
    for path, reason in errors:
        sys.stderr.write(f"agent-ls: {path}: {reason}\n")
    if args.diff:  # the diff is the output
        return 2 if missing or errors else 1 if changed else 0
    if reports or not (missing or errors):  # nothing checked: the errors say it all
        from agent_ls.dialects import all_codes

        all_codes()  # findings made in forks name codes this process may not know yet
        if args.format == "text":
            _write_text(reports, sys.stdout, use_color(args.color, sys.stdout, os.environ))
        else:
            _WRITERS[args.format](reports, sys.stdout)
    threshold = FAIL_ON[args.fail_on]
    failing = any(f.severity <= threshold for r in reports for f in r.findings)
    code = 2 if missing or errors else 1 if failing else 0
    if args.exit_when_checked:
        _exit_now(code)
    return code


def _exit_now(code: int) -> NoReturn:
    """Flushes the output and ends the process with `code` at once: freeing every report, then
    every module, one object at a time costs more than the system reclaiming the process
    (40-50 ms after 10,000 files)."""
    with contextlib.suppress(OSError, ValueError):  # a reader that left: nothing more to say
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _apply_fixes(
    reports: Sequence[FileReport],
    root: Path,
    settings: Settings,
    diff: bool,
    renamed: dict[Path, Path],
) -> int:
    """Fixes each reported file with a preferred fix (or prints the diff); returns how many files
    change, and adds each file it renames to `renamed` (old path → new). A file that is not
    valid UTF-8, or changed since it was read, is left alone; a rename onto a path that is
    taken is refused."""
    from agent_ls.core.renames import target_of
    from agent_ls.dialects.base import CheckContext
    from agent_ls.features.fixes import (
        apply_edits,
        fix_text,
        move_file,
        rename_of,
        unified_diff,
        write_fixed,
    )
    from agent_ls.workspace import dialect_of, load_mcp_servers

    mcp = load_mcp_servers(root)
    changed = fixes = 0
    for report in reports:
        if not any(fix.preferred for f in report.findings for fix in f.fixes):
            continue
        name = _printable(_path_text(report.path))
        try:
            raw = report.path.read_bytes()
            before = raw.decode("utf-8")
        except OSError as err:
            sys.stderr.write(f"agent-ls: {name}: not fixed ({err.strerror})\n")
            continue
        except UnicodeDecodeError:  # writing it back would lose the bytes Claude Code reads
            sys.stderr.write(f"agent-ls: {name}: not fixed (not valid UTF-8)\n")
            continue
        dialect = dialect_of(report.path, root, settings)[0]
        ctx = CheckContext(dialect.catalogue, True, report.path.stem, mcp, path=report.path)
        after, applied = fix_text(before, lambda text: dialect.check(dialect.read(text), ctx))  # noqa: B023
        rename = rename_of(dialect.check(dialect.read(after), ctx))
        target = target_of(report.path, rename.rename) if rename and rename.rename else None
        if rename is not None:
            after, applied = apply_edits(after, rename.edits), applied + 1
        if after == before and target is None:
            continue
        new_name = _printable(_path_text(target)) if target is not None else None
        if diff:
            _emit(sys.stdout, _valid_text(unified_diff(name, before, after, new_name)))
        else:
            if after != before and not write_fixed(report.path, raw, after):
                sys.stderr.write(f"agent-ls: {name}: changed while being fixed; left alone\n")
                continue
            if target is not None:
                if not move_file(report.path, target):
                    sys.stderr.write(f"agent-ls: {name}: not renamed ({new_name} exists)\n")
                    if after == before:
                        continue
                    applied -= 1
                else:
                    renamed[report.path] = target
                    sys.stderr.write(f"agent-ls: renamed {name} to {new_name}\n")
        changed += 1
        fixes += applied
    verb = "would apply" if diff else "applied"
    plural = ("es" if fixes != 1 else "", "s" if changed != 1 else "")
    sys.stderr.write(f"agent-ls: {verb} {fixes} fix{plural[0]} to {changed} file{plural[1]}\n")
    return changed


class Row(NamedTuple):
    """One finding as every output format shows it: lines 0-based, characters in UTF-16 units
    (a tuple: one is made for every finding of a walk)."""

    path: Path
    code: str
    severity: str
    message: str
    start: tuple[int, int]
    end: tuple[int, int]
    source_line: str = ""  # the text of the start line, as written
    columns: tuple[int, int] = (0, 0)  # the range on `source_line`, in code points


def _rows(report: FileReport) -> list[Row]:
    """Returns the file's findings as rows, in order."""
    if not report.findings:  # most files of a large folder: no line index to build
        return []
    from agent_ls.core.textindex import LineIndex

    text = report.text
    # ASCII lines broken only by \n (most files): a position is a count of \n and a column.
    index = None if text.isascii() and "\r" not in text else LineIndex(text)
    rows = []
    for f in report.findings:
        line_start = text.rfind("\n", 0, f.start) + 1
        line_end = text.find("\n", f.start)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        line = line.rstrip("\r")
        first = min(f.start - line_start, len(line))
        if index is None:
            number = text.count("\n", 0, line_start)
            end_start = text.rfind("\n", 0, f.end) + 1
            start = (number, f.start - line_start)
            end = (number + text.count("\n", line_start, end_start), f.end - end_start)
        else:
            start, end = index.position(f.start), index.position(f.end)
        rows.append(
            Row(
                report.path,
                f.code,
                f.severity.label,
                _valid_text(f.message),
                start,
                end,
                _valid_text(line),
                (first, max(first + 1, min(f.end - line_start, len(line)))),
            )
        )
    return rows


def _valid_text(text: str) -> str:
    """`text` with any lone surrogate replaced by U+FFFD, so it encodes as UTF-8."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _path_text(path: Path) -> str:
    """The path as text: bytes of the file name that are not UTF-8 become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _path_bytes(path: Path) -> str | None:
    """The file name's raw bytes, base64, when they are not UTF-8 (else None)."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii")
    return None


def _emit(out: TextIO, text: str | bytes) -> None:
    """Writes `text` (or UTF-8 bytes) as UTF-8 whatever the locale says (the text is valid
    Unicode)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    out.flush()
    buffer.write(text.encode("utf-8") if isinstance(text, str) else text)
    buffer.flush()


def _range_json(row: Row) -> dict[str, Any]:
    (sl, sc), (el, ec) = row.start, row.end
    return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}


_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)
"""`json.dumps(..., ensure_ascii=False)` without building an encoder for each file (and without
its check for cycles: an entry is plain dicts and lists built here)."""


def _json_file(report: FileReport) -> bytes:
    """One file's entry of the JSON output, serialised and encoded (UTF-8: made where the file
    is checked, so a fork sends bytes and this process joins them): `{"path", ["path_bytes",]
    "diagnostics"}`."""
    path = str(report.path)
    if not report.findings and path.isascii():  # most files of a large folder: nothing to say
        return f'{{"path": {_JSON.encode(path)}, "diagnostics": []}}'.encode()
    entry: dict[str, Any] = {"path": _path_text(report.path)}
    if (raw := _path_bytes(report.path)) is not None:
        entry["path_bytes"] = raw
    entry["diagnostics"] = [
        {"code": r.code, "severity": r.severity, "message": r.message, "range": _range_json(r)}
        for r in _rows(report)
    ]
    return _JSON.encode(entry).encode()


def _write_json(reports: Sequence[FileReport], out: TextIO) -> None:
    """One object, `{"files": [...]}` (what `json.dumps` writes for it); valid UTF-8 always."""
    files = b", ".join(_json_file(r) if r.rendered is None else r.rendered for r in reports)
    _emit(out, b'{"files": [' + files + b"]}\n")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_STYLE = {"error": "1;31", "warning": "1;33", "information": "1;34", "hint": "1;36"}


def _printable(text: str, keep_tabs: bool = False) -> str:
    """`text` with control characters escaped (`\\n`, `\\x1b`), so it stays on one line and
    cannot drive the terminal."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if keep_tabs and char == "\t":
            return char
        return char.encode("unicode_escape").decode("ascii")

    return _CONTROL.sub(escape, text)


SNIPPET_WIDTH = 160
"""The longest source line shown whole under a finding; a longer one (minified JSON) is shown
as a window around the finding, `…` marking what is cut."""
SNIPPET_CONTEXT = 40
"""Characters shown on each side of the finding in such a window."""


def _window(line: str, first: int, last: int) -> tuple[str, int, int]:
    """The part of `line` shown, and the finding's columns in it (`…` at a cut end)."""
    if len(line) <= SNIPPET_WIDTH:
        return line, first, last
    start = max(0, first - SNIPPET_CONTEXT)
    end = min(len(line), max(last, first + 1) + SNIPPET_CONTEXT, start + SNIPPET_WIDTH)
    head = "…" if start > 0 else ""
    shown = head + line[start:end] + ("…" if end < len(line) else "")
    offset = len(head) - start
    return shown, first + offset, max(first, min(last, end)) + offset


def _snippet(row: Row, paint: Callable[[str, str], str]) -> list[str]:
    """The source line of `row` (a window of it when long) with a caret underline below its
    range (tabs kept aligned)."""
    number = str(row.start[0] + 1)
    gutter = " " * len(number)
    line, first, last = _window(row.source_line, *row.columns)
    pad = "".join("\t" if c == "\t" else " " for c in _printable(line[:first], keep_tabs=True))
    width = max(1, len(_printable(line[first:last], keep_tabs=True)))
    return [
        f" {paint('1;34', number)} {paint('1;34', '|')} {_printable(line, keep_tabs=True)}\n",
        f" {gutter} {paint('1;34', '|')} {pad}{paint(_STYLE[row.severity], '^' * width)}\n",
    ]


def _write_text(reports: Sequence[FileReport], out: TextIO, color: bool = False) -> None:
    """Each finding with its source line and a caret under its range, then one line per code
    with the command that explains it, then the summary."""
    from agent_ls.dialects import all_codes

    CODES = all_codes()

    def paint(style: str, text: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if color else text

    counts = {"error": 0, "warning": 0, "information": 0, "hint": 0}
    per_code: dict[str, int] = {}
    lines = []
    for report in reports:
        for row in _rows(report):
            counts[row.severity] += 1
            per_code[row.code] = per_code.get(row.code, 0) + 1
            line, character = row.start
            lines.append(
                f"{paint('1', f'{_printable(_path_text(row.path))}:{line + 1}:{character + 1}:')} "
                f"{paint(_STYLE[row.severity], row.severity)} {paint('1', row.code)} "
                f"{_printable(row.message)}\n"
            )
            lines += [*_snippet(row, paint), "\n"]
    for code, n in sorted(per_code.items()):
        lines.append(
            f"{paint('1', code)} ×{n} {CODES[code].title}: run "
            f"{paint('1', f'agent-ls explain {code}')}\n"
        )
    summary = ", ".join(
        paint(_STYLE[k], f"{n} {k}{'s' if n != 1 and k != 'information' else ''}")
        for k, n in counts.items()
        if n
    )
    files = f"{len(reports)} agent file{'s' if len(reports) != 1 else ''}"
    _emit(out, "".join(lines) + f"{files} checked: {summary or 'no problems'}\n")


def use_color(choice: str, out: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether to colour: `always`/`never` as asked; `auto` on a terminal unless NO_COLOR is set
    (to anything but the empty string, https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return not environ.get("NO_COLOR") and out.isatty()


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as the runner reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value: `:` and `,` would end it, so they are escaped too."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _write_github(reports: Sequence[FileReport], out: TextIO) -> None:
    """GitHub Actions workflow commands, one per finding; nothing in a file name or message can
    end the command or start another."""
    level = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}
    lines = []
    for report in reports:
        for row in _rows(report):
            (sl, sc), (el, ec) = row.start, row.end
            properties = {
                "file": _path_text(row.path),
                "line": sl + 1,
                "col": sc + 1,
                "endLine": el + 1,
                "endColumn": ec + 1,
                "title": row.code,
            }
            joined = ",".join(f"{k}={_github_property(str(v))}" for k, v in properties.items())
            lines.append(f"::{level[row.severity]} {joined}::{_github_data(row.message)}\n")
    _emit(out, "".join(lines))


SRCROOT = "%SRCROOT%"


def _artifact_location(path: Path, root: str) -> dict[str, str]:
    """The SARIF location of `path`: a percent-encoded (RFC 3986) URI relative to `%SRCROOT%`
    (the current folder) when the file is under it, else an absolute `file:` URI."""
    absolute = os.path.abspath(os.fsencode(path))
    relative = os.path.relpath(absolute, os.fsencode(root))
    if relative != b".." and not relative.startswith(b".." + os.sep.encode()):
        return {"uri": quote(relative.replace(os.sep.encode(), b"/")), "uriBaseId": SRCROOT}
    return {"uri": "file://" + quote(absolute.replace(os.sep.encode(), b"/"))}


def _write_sarif(reports: Sequence[FileReport], out: TextIO) -> None:
    from agent_ls.dialects import all_codes

    CODES = all_codes()

    level = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
    rules = [
        {
            "id": c.code,
            "shortDescription": {"text": c.title},
            "fullDescription": {"text": c.explanation},
            "defaultConfiguration": {"level": level[c.severity.label]},
        }
        for c in CODES.values()
    ]
    root = os.getcwd()
    results = []
    for report in reports:
        location = _artifact_location(report.path, root)
        for row in _rows(report):
            (sl, sc), (el, ec) = row.start, row.end
            results.append(
                {
                    "ruleId": row.code,
                    "level": level[row.severity],
                    "message": {"text": row.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": location,
                                "region": {
                                    "startLine": sl + 1,
                                    "startColumn": sc + 1,
                                    "endLine": el + 1,
                                    "endColumn": ec + 1,
                                },
                            }
                        }
                    ],
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "agent-ls",
                        "version": __version__,
                        "informationUri": "https://github.com/agent-ls/agent-ls",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    _emit(out, json.dumps(sarif, ensure_ascii=False) + "\n")


_RENDERERS: dict[str, Callable[[FileReport], bytes]] = {"json": _json_file}
"""Per format, what of a file's output can be made apart from the others (see `check_paths`)."""

_WRITERS: dict[str, Callable[[Sequence[FileReport], TextIO], None]] = {
    "text": _write_text,
    "json": _write_json,
    "sarif": _write_sarif,
    "github": _write_github,
}
