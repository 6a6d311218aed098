"""`agent-ls ask`: a persona action from the terminal.

    agent-ls ask --agent backend-engineer --action review app/db.py:10-42
    agent-ls ask --action review app/db.py:17               # the function around line 17
    agent-ls ask --action harden app/db.py:10-42            # prints the rewrite as a diff
    agent-ls ask --action harden --apply app/db.py:10-42    # and applies it
    git show HEAD:app/db.py | agent-ls ask --language python -   # code from stdin
    agent-ls ask --follow-up REPORT.md "Why is the second finding high?"

A review or explanation prints its Markdown report to stdout and keeps it, with its
conversation, where the editor keeps reports (`.agent-ls/reports/` or the user cache; the path
is said on stderr); `--follow-up REPORT` continues that conversation with a question, prints the
answer and appends it to the report. A rewrite prints a unified diff
(and applies it with `--apply`, atomically, unless the file changed meanwhile). Retries, the
agent's tool calls and the tokens used are reported on stderr. Settings come from the
user's config file, then the repository's (local settings only: the endpoint, the key's variable
and the secrets policy are the user's), then the flags. Everything printed is scrubbed of the
key and of the base URL's credentials.

Exit codes: 0 answered, 1 the API call failed or the answer cannot be applied, 2 a usage problem
(file, range, agent, action, selection size, missing key, credentials in what would be sent).
Messages go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import difflib
import os
import re
import sys
import tempfile
from pathlib import Path

from agent_ls.core.textindex import LineIndex
from agent_ls.personas import conversations, reports
from agent_ls.personas.actions import actions_for
from agent_ls.personas.agents import PersonaDirectory
from agent_ls.personas.client import Answer, ApiSettings, MessagesApi, api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import PromptRequest, Selection, language_of
from agent_ls.personas.scope import enclosing_scope
from agent_ls.personas.session import (
    PreparedAction,
    prepare,
    report,
    rewrite_edits,
    usage_line,
)
from agent_ls.settings import (
    PersonaSettings,
    find_project_root,
    load_project_settings,
    load_user_settings,
)
from agent_ls.workspace import agent_globs

_RANGE = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def add_ask_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds the options of `agent-ls ask` to `parser`."""
    parser.add_argument(
        "target",
        nargs="?",
        metavar="FILE[:START-END]",
        help="the file, optionally with a 1-based line range (whole file by default) or one "
        "line (the function, method or class around it); - reads the code from stdin",
    )
    parser.add_argument(
        "--agent", default="backend-engineer", help="the agent to ask (default: %(default)s)"
    )
    parser.add_argument("--action", default="review", help="what to ask for (default: %(default)s)")
    parser.add_argument(
        "--list", action="store_true", help="list the agents and their actions, then exit"
    )
    parser.add_argument("--model", help="use this model (alias or ID) instead of the agent's")
    parser.add_argument("--base-url", help="Messages API base URL (proxies, gateways)")
    parser.add_argument("--api-key-env", help="environment variable holding the API key")
    parser.add_argument(
        "--allow-secrets",
        action="store_true",
        help="send the selection even if what would be sent looks like it holds credentials",
    )
    parser.add_argument(
        "--apply",
        "--write",
        dest="write",
        action="store_true",
        help="apply a rewrite to the file, atomically (default: print a diff)",
    )
    parser.add_argument(
        "--diff", action="store_true", help="print a rewrite as a unified diff (the default)"
    )
    parser.add_argument(
        "--language", help="the language of the code (default: from the file name; stdin: text)"
    )
    parser.add_argument(
        "--follow-up",
        metavar="REPORT",
        type=Path,
        help="continue the conversation of a kept report: the target is then the question",
    )


def parse_target(target: str) -> tuple[Path, int | None, int | None]:
    """Returns (path, first, last) of `FILE[:START[-END]]`: 1-based lines; no first: the whole
    file; no last: a cursor on line `first`."""
    match = _RANGE.match(target)
    if match is None or Path(target).exists():
        return Path(target), None, None
    end = match.group("end")
    return Path(match.group("path")), int(match.group("start")), int(end) if end else None


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"agent-ls ask: {message}\n")
    return code


def run_ask(args: argparse.Namespace) -> int:
    """Runs `agent-ls ask`; returns the exit code."""
    named = args.target and args.target != "-" and args.follow_up is None
    anchor = Path(args.target.rsplit(":", 1)[0] if named else ".").resolve()
    root = find_project_root(anchor)
    user, problems = load_user_settings()
    settings, more = load_project_settings(root, user)
    for problem in problems + more:
        sys.stderr.write(f"agent-ls ask: {problem}\n")
    flags = {
        "model_override": args.model,
        "base_url": args.base_url,
        "api_key_env": args.api_key_env,
    }
    personas_settings = dataclasses.replace(
        settings.personas, **{name: value for name, value in flags.items() if value}
    )
    directory = PersonaDirectory()
    directory.scan(root, agent_globs(settings))
    personas = directory.personas()

    if args.list:
        for name, persona in sorted(personas.items()):
            where = "shipped" if persona.shipped else str(persona.path)
            ids = ", ".join(a.id for a in actions_for(name, personas_settings.actions))
            sys.stdout.write(f"{name} ({where})\n  actions: {ids}\n")
        return 0
    if args.follow_up is not None:
        return _follow_up(args.follow_up, args.target, root, personas_settings)
    if not args.target:
        return _fail("name a FILE (or FILE:START-END) to work on", 2)

    from_stdin = args.target == "-"
    path, first, last = (Path("<stdin>"), None, None) if from_stdin else parse_target(args.target)
    if from_stdin and args.write:
        return _fail("--apply needs a file: code from stdin can only be shown as a diff", 2)
    try:
        text = sys.stdin.read() if from_stdin else path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return _fail(f"cannot read {path}: {err}", 2)
    language = args.language or ("text" if from_stdin else language_of(path))
    index = LineIndex(text)
    line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    if first is None:
        start, end = 0, len(text)
    elif not 1 <= first <= (last or first) or first > line_count:
        shown = f"line {first} is" if last is None else f"lines {first}-{last} are"
        return _fail(f"{args.target}: {shown} not in the file ({line_count} lines)", 2)
    elif last is None:
        scope = enclosing_scope(text, index.line_start(first - 1), language)
        if scope is None:
            start, end = index.line_start(first - 1), index.line_start(min(first, line_count))
            sys.stderr.write(f"agent-ls ask: line {first} is in no function or class: taking it\n")
        else:
            start, end = scope.start, scope.end
            sys.stderr.write(f"agent-ls ask: taking {scope.describe()}\n")
    else:
        start, end = index.line_start(first - 1), index.line_start(min(last, line_count))
    try:
        prepared = prepare(
            personas,
            args.agent,
            args.action,
            Selection(text, start, end),
            file_name=str(path),
            language=language,
            settings=personas_settings,
            root=root,
        )
        if prepared.secrets and not args.allow_secrets and personas_settings.secrets != "allow":
            if personas_settings.secrets == "refuse" or not _confirm(prepared.secrets_warning()):
                return _fail(
                    f"{prepared.secrets_warning()} Nothing was sent (--allow-secrets sends it).",
                    2,
                )
        call = api_settings(personas_settings)
    except PersonaError as err:
        return _fail(err.message, 2)
    if prepared.redacted:
        sys.stderr.write(
            f"agent-ls ask: {prepared.redacted} secret(s) in the context replaced by placeholders "
            "(secrets = redact)\n"
        )
    sys.stderr.write(f"{prepared.title} · {path} · {prepared.prompt.model}\n")
    answer = _asked(call, prepared.prompt, "nothing was applied")
    if isinstance(answer, int):
        return answer
    try:
        output = _result(prepared, answer, path, call, write=args.write)
    except PersonaError as err:
        return _fail(call.scrub(err.message), 2 if err.kind == "usage" else 1)
    sys.stderr.write(f"agent-ls ask: {answer.model} · {usage_line(answer)}\n")
    sys.stdout.write(call.scrub(output))
    if answer.stop_reason == "max_tokens":
        sys.stderr.write(
            "agent-ls ask: the answer was cut off at max_tokens (setting personas max-tokens)\n"
        )
    if prepared.action.kind == "report":
        _keep(prepared, answer, call.scrub(output), root, "stdin" if from_stdin else path.stem)
    return 0


def _keep(prepared: PreparedAction, answer: Answer, markdown: str, root: Path, stem: str) -> None:
    """Keeps the report and its conversation where the editor keeps reports, and says where."""
    try:
        folder = reports.report_folder(root)
        kept = reports.new_report(folder, f"{stem}.{prepared.persona.name}.{prepared.action.id}")
        kept.write_text(markdown, encoding="utf-8")
        conversations.save(kept, conversations.conversation_of(prepared, answer), answer)
    except OSError as err:
        sys.stderr.write(f"agent-ls ask: the report is not kept ({err})\n")
        return
    sys.stderr.write(
        f"agent-ls ask: report kept in {kept} (follow up: agent-ls ask --follow-up {kept} "
        '"QUESTION")\n'
    )


def _follow_up(report: Path, question: str | None, root: Path, settings: PersonaSettings) -> int:
    """Runs `agent-ls ask --follow-up REPORT QUESTION`; returns the exit code."""
    if not question or not question.strip() or question == "-":
        return _fail("--follow-up REPORT needs the question as its argument", 2)
    try:
        conversation = conversations.load(report)
        call = api_settings(settings)
    except PersonaError as err:
        return _fail(err.message, 2)
    prompt = conversations.follow_up_prompt(conversation, question, root, settings.max_turns)
    sys.stderr.write(f"{conversation.title} · follow-up · {prompt.model}\n")
    answer = _asked(call, prompt, "nothing was appended")
    if isinstance(answer, int):
        return answer
    section = conversations.follow_up_section(conversation, question, answer)
    sys.stderr.write(f"agent-ls ask: {answer.model} · {usage_line(answer)}\n")
    sys.stdout.write(section.lstrip("\n"))
    try:
        conversations.append(report, section)
        conversations.save(report, conversations.continued(conversation, answer), answer)
    except OSError as err:
        return _fail(f"the answer could not be appended to {report}: {err}", 1)
    return 0


def _asked(call: ApiSettings, prompt: PromptRequest, unchanged: str) -> Answer | int:
    """Returns the answer (the progress on stderr), or the exit code of a failed or cancelled
    call (`unchanged`: what a cancel leaves as it was)."""
    progress = _Progress()
    try:
        return asyncio.run(MessagesApi().stream(call, prompt, progress, progress.status))
    except PersonaError as err:
        return _fail(call.scrub(err.message), 2 if err.kind == "usage" else 1)
    except KeyboardInterrupt:
        return _fail(f"cancelled: {unchanged}", 130)
    finally:
        progress.end()


def _result(
    prepared: PreparedAction, answer: Answer, path: Path, call: ApiSettings, *, write: bool
) -> str:
    """Returns what to print: the report, or the rewrite as a diff (applied with `write`)."""
    if prepared.action.kind == "report":
        return report(prepared, answer)
    text = prepared.selection.text
    new = text
    for change in sorted(rewrite_edits(prepared, answer), key=lambda c: c.start, reverse=True):
        new = new[: change.start] + change.text + new[change.end :]
    summary = (answer.tool_input or {}).get("summary")
    if isinstance(summary, str) and summary.strip():
        sys.stderr.write(call.scrub(f"agent-ls ask: {' '.join(summary.split())}\n"))
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    )
    if not diff:
        sys.stderr.write("agent-ls ask: the agent changed nothing\n")
    elif write:
        try:
            if path.read_text("utf-8") != text:
                raise PersonaError(
                    f"{path} changed while the agent was working: nothing was written. "
                    "Run the action again.",
                    "answer",
                )
            _write_atomically(path, new)
        except (OSError, UnicodeDecodeError) as err:
            raise PersonaError(f"cannot write {path}: {err}", "answer") from None
        sys.stderr.write(f"agent-ls ask: {path} rewritten\n")
    return diff


def _write_atomically(path: Path, text: str) -> None:
    """Replaces the file's content in one step (a temporary file beside it, then a rename), so a
    reader never sees half of it; the file keeps its permissions."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Progress:
    """The `on_text` of a call: a running count of characters on stderr when it is a terminal."""

    def __init__(self) -> None:
        self.received = 0
        self.shown = False

    def __call__(self, piece: str) -> None:
        self.received += len(piece)
        if sys.stderr.isatty():
            self.shown = True
            sys.stderr.write(f"\r… {self.received:,} characters")
            sys.stderr.flush()

    def status(self, sentence: str) -> None:
        """Announces a retry or a tool call on its own line."""
        self.end()
        sys.stderr.write(f"agent-ls ask: {sentence}\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def _confirm(warning: str) -> bool:
    """Asks on the terminal; returns False when there is no terminal to ask on."""
    if not sys.stdin.isatty():
        return False
    sys.stderr.write(f"{warning} Send it to the API anyway? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
