"""The `agent-ls` command: serve, check, schema, explain, ask.

Imports stay inside the subcommands so `agent-ls check` never pays for pygls and `agent-ls serve`
never pays for the anthropic SDK.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from agent_ls import __version__

FAIL_ON = {"error": 1, "warning": 2, "information": 3}


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(with_ask=argv[:1] == ["ask"])
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.run(args)
    except BrokenPipeError:  # `agent-ls check . | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result


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
    check.set_defaults(run=_check)

    schema = sub.add_parser("schema", help="print a JSON Schema of the frontmatter")
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
    # loop then waits up to this long at each hand-over, several times per request (5 ms default).
    sys.setswitchinterval(0.0005)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            return _fail(f"--tcp wants HOST:PORT, got {args.tcp!r}")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return server.exit_code


def _schema(_: argparse.Namespace) -> int:
    from agent_ls.catalogue import load_catalogue
    from agent_ls.schema import frontmatter_schema

    json.dump(frontmatter_schema(load_catalogue()), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from agent_ls.diagnostics.codes import CODES, explain

    if not args.code:
        for code in CODES.values():
            sys.stdout.write(f"{code.code}  {code.severity.label:<11}  {code.title}\n")
        return 0
    text = explain(args.code)
    if text is None:
        return _fail(f"no such code: {args.code} (run `agent-ls explain` to list them)")
    sys.stdout.write(text.replace("**", "") + "\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    from agent_ls.catalogue import load_catalogue
    from agent_ls.settings import find_project_root, load_project_settings
    from agent_ls.workspace import check_paths, walk_markdown

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
    files: list[Path] = []
    explicit: set[Path] = set()
    for path in existing:
        if path.is_dir():
            files.extend(walk_markdown(path))
        else:
            files.append(path)
            explicit.add(path)
    reports, errors = check_paths(dict.fromkeys(files), explicit, root, settings, load_catalogue())
    for path, reason in errors:
        sys.stderr.write(f"agent-ls: {path}: {reason}\n")
    _WRITERS[args.format](reports, sys.stdout)
    if missing or errors:
        return 2
    threshold = FAIL_ON[args.fail_on]
    failing = any(f.severity <= threshold for r in reports for f in r.findings)
    return 1 if failing else 0


def _diagnostics(report: Any) -> list[dict[str, Any]]:
    from agent_ls.textindex import LineIndex

    index = LineIndex(report.text)
    out = []
    for finding in report.findings:
        (sl, sc), (el, ec) = index.position(finding.start), index.position(finding.end)
        out.append(
            {
                "code": finding.code,
                "severity": finding.severity.label,
                "message": finding.message,
                "range": {
                    "start": {"line": sl, "character": sc},
                    "end": {"line": el, "character": ec},
                },
            }
        )
    return out


def _write_json(reports: list[Any], out: TextIO) -> None:
    files = [{"path": str(r.path), "diagnostics": _diagnostics(r)} for r in reports]
    json.dump({"files": files}, out, ensure_ascii=False)  # no indent: keeps the C encoder
    out.write("\n")


def _write_text(reports: list[Any], out: TextIO) -> None:
    counts = {"error": 0, "warning": 0, "information": 0, "hint": 0}
    for report in reports:
        for d in _diagnostics(report):
            start = d["range"]["start"]
            counts[d["severity"]] += 1
            out.write(
                f"{report.path}:{start['line'] + 1}:{start['character'] + 1}: "
                f"{d['severity']} {d['code']} {d['message']}\n"
            )
    summary = ", ".join(
        f"{n} {k}{'s' if n != 1 and k != 'information' else ''}" for k, n in counts.items() if n
    )
    out.write(
        f"{len(reports)} agent file{'s' if len(reports) != 1 else ''} checked: {summary or 'no problems'}\n"
    )


def _write_github(reports: list[Any], out: TextIO) -> None:
    level = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}
    for report in reports:
        for d in _diagnostics(report):
            s, e = d["range"]["start"], d["range"]["end"]
            message = d["message"].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            out.write(
                f"::{level[d['severity']]} file={report.path},line={s['line'] + 1},"
                f"col={s['character'] + 1},endLine={e['line'] + 1},endColumn={e['character'] + 1},"
                f"title={d['code']}::{message}\n"
            )


def _write_sarif(reports: list[Any], out: TextIO) -> None:
    from agent_ls.diagnostics.codes import CODES

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
    results = []
    for report in reports:
        for d in _diagnostics(report):
            s, e = d["range"]["start"], d["range"]["end"]
            results.append(
                {
                    "ruleId": d["code"],
                    "level": level[d["severity"]],
                    "message": {"text": d["message"]},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": report.path.as_posix()},
                                "region": {
                                    "startLine": s["line"] + 1,
                                    "startColumn": s["character"] + 1,
                                    "endLine": e["line"] + 1,
                                    "endColumn": e["character"] + 1,
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
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    json.dump(sarif, out, ensure_ascii=False)
    out.write("\n")


_WRITERS = {
    "text": _write_text,
    "json": _write_json,
    "sarif": _write_sarif,
    "github": _write_github,
}
