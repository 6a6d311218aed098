"""Seeded, reproducible corpus of realistic Claude Code sub-agent files, valid and with the
mistakes users really make (see shared/reference/claude-code-loader.md, "What users trip over").

File `i` depends only on `(seed, i)`, so the 100-file corpus is the first 100 files of the
1,000-file one and growth with file count compares like with like.

    python bench/corpus.py OUT --count 1000 [--seed 0]   # writes OUT/.claude/agents/**.md
    from bench.corpus import generate, keystroke_file
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SIZES = (100, 1_000, 10_000)
"""Corpus sizes the benchmark runs on."""
CORPUS_VERSION = 1
"""Bumped whenever the generator's output changes, so cached corpora are rebuilt."""
AGENTS_DIR = Path(".claude") / "agents"

DOMAINS = (
    "python",
    "typescript",
    "react",
    "rust",
    "go",
    "sql",
    "terraform",
    "kubernetes",
    "api",
    "security",
    "docs",
    "test",
    "perf",
    "data",
    "ml",
    "ios",
    "android",
    "graphql",
    "css",
    "accessibility",
    "release",
    "incident",
    "migration",
    "billing",
    "search",
    "frontend",
    "backend",
    "devops",
    "database",
    "payments",
)
ROLES = (
    "reviewer",
    "expert",
    "architect",
    "debugger",
    "writer",
    "auditor",
    "planner",
    "specialist",
    "engineer",
    "runner",
    "optimizer",
    "analyst",
    "triager",
    "mentor",
    "fixer",
)
TEAMS = ("platform", "web", "mobile", "infra", "quality")
TASKS = (
    "reviewing pull requests for {d} code",
    "debugging failing {d} tests",
    "designing a new {d} module",
    "planning a {d} migration with zero downtime",
    "auditing {d} changes for security issues",
    "writing documentation for the {d} layer",
    "profiling slow {d} code paths",
    "triaging incoming {d} bug reports",
    "refactoring legacy {d} code without changing behaviour",
    "checking {d} changes against the style guide",
)
TOOLS = ("Read", "Write", "Edit", "Bash", "Glob", "Grep", "WebFetch", "WebSearch", "NotebookEdit")
EXTRA_TOOLS = ("Agent", "Skill", "Bash(git diff:*)", "Bash(npm test:*)", "Agent(test-runner)")
LEGACY_OR_UNKNOWN_TOOLS = ("LS", "MultiEdit", "TodoWrite", "read", "NotebookRead", "WebBrowser")
MODELS = ("sonnet", "opus", "haiku", "inherit", "claude-sonnet-5-5", "claude-opus-5-5")
BAD_MODELS = ("gpt-4o", "claude-3-opus", "sonnet-4", "Opus 4", "claude-3-5-sonnet-latest")
COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
BAD_COLORS = ("#60a5fa", '"#22c55e"', "magenta", "Blue", "teal")
SENTENCES = (
    "Read the surrounding {d} code before proposing any change.",
    "Prefer small, reviewable diffs over sweeping rewrites.",
    "Explain the reasoning behind every recommendation in one or two sentences.",
    "When a test fails, reproduce it locally before changing the code under test.",
    "Never commit secrets, tokens or credentials; flag them if you find any.",
    "Keep the public {d} API stable unless the task explicitly asks for a breaking change.",
    "Run the linters and the relevant tests after each edit and report the results.",
    "If requirements are ambiguous, list your assumptions at the top of your answer.",
    "Name things for what they do; avoid abbreviations that a newcomer would not know.",
    "Check error paths as carefully as the happy path: timeouts, retries, partial failures.",
    "Measure before optimising, and include the numbers in your summary.",
    "Document every non-obvious decision where the next reader will look for it.",
    "Treat warnings from the {d} toolchain as errors unless there is a written reason.",
    "Look for duplicated logic and point at the one place it should live.",
    "Respect the existing project structure and conventions in {d} files.",
    "Summarise findings by severity: critical, warning, suggestion.",
    "Quote file paths and line numbers so the user can jump straight to each finding.",
    "Do not touch generated files; change their source and regenerate them instead.",
)
UNICODE_SENTENCES = (
    "Reply in the user's language — 日本語でも中文でも構いません.",
    "Mark finished items with ✅ and blocked ones with ⛔ in the checklist.",
    "Use “smart quotes” only in prose, never in code 🙂.",
)


@dataclass(frozen=True)
class AgentFile:
    """One generated agent file: where it goes under the corpus root, and its text."""

    relpath: Path
    text: str
    mistakes: tuple[str, ...]
    """Names of the deliberate mistakes in it (empty for a valid file)."""


def agent_file(index: int, seed: int = 0) -> AgentFile:
    """Returns file number `index` of the corpus `seed`; the same arguments give the same file."""
    rng = random.Random(f"agent-ls-bench/{CORPUS_VERSION}/{seed}/{index}")
    domain, role = rng.choice(DOMAINS), rng.choice(ROLES)
    name = f"{domain}-{role}-{index}"
    fields: dict[str, str] = {
        "name": name,
        "description": _description(rng, domain, role),
    }
    if rng.random() < 0.8:
        fields["tools"] = _tools(rng)
    if rng.random() < 0.7:
        fields["model"] = rng.choice(MODELS)
    if rng.random() < 0.6:
        fields["color"] = rng.choice(COLORS)
    if rng.random() < 0.15:
        fields["permissionMode"] = rng.choice(("acceptEdits", "plan", "default"))
    if rng.random() < 0.1:
        fields["maxTurns"] = str(rng.randint(5, 40))
    if rng.random() < 0.1:
        fields["effort"] = rng.choice(("low", "medium", "high"))
    body = _body(rng, domain, role, size=int(2_000 * 10 ** rng.uniform(0, 1)))  # 2–20 KB

    mistakes: list[str] = []
    if rng.random() < 0.45:
        for mistake in rng.sample(MISTAKES, k=rng.choice((1, 1, 1, 2))):
            fields, body = mistake(rng, fields, body)
            mistakes.append(mistake.__name__.removeprefix("_mistake_"))

    text = "---\n" + "".join(_yaml_line(k, v) for k, v in fields.items()) + "---\n\n"
    text += body
    if "leading_blank_line" in mistakes:
        text = "\n" + text
    folder = AGENTS_DIR / rng.choice(TEAMS) if rng.random() < 0.1 else AGENTS_DIR
    return AgentFile(folder / f"{name}.md", text, tuple(mistakes))


def agent_files(count: int, seed: int = 0) -> Iterator[AgentFile]:
    """Yields the first `count` files of the corpus `seed`."""
    for index in range(count):
        yield agent_file(index, seed)


def generate(out: Path | str, count: int, seed: int = 0) -> list[Path]:
    """Writes `count` agent files under `out/.claude/agents/` and returns their paths.

    A manifest `out/corpus.json` records what is there; a matching corpus is not rewritten.
    """
    out = Path(out)
    manifest_path = out / "corpus.json"
    manifest = {"version": CORPUS_VERSION, "count": count, "seed": seed}
    files = list(agent_files(count, seed))
    paths = [out / f.relpath for f in files]
    if manifest_path.is_file() and json.loads(manifest_path.read_text()) == manifest:
        if all(p.is_file() for p in paths):
            return paths
    shutil.rmtree(out / AGENTS_DIR, ignore_errors=True)
    for f, path in zip(files, paths, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f.text, encoding="utf-8")
    manifest_path.write_text(json.dumps(manifest) + "\n")
    return paths


def keystroke_file(size: int = 5_000, seed: int = 0) -> str:
    """Returns a realistic agent file of about `size` bytes for keystroke tests.

    Its frontmatter has every common key and one legacy tool (`LS`), so a keystroke yields a
    non-empty diagnostics list, as in a file being written.
    """
    rng = random.Random(f"agent-ls-bench/keystroke/{CORPUS_VERSION}/{seed}")
    head = (
        "---\n"
        "name: code-reviewer\n"
        "description: Expert code review specialist. Use proactively right after writing or"
        " modifying code, to check quality, security and maintainability.\n"
        "tools: Read, Grep, Glob, Bash, LS\n"
        "model: sonnet\n"
        "color: blue\n"
        "permissionMode: acceptEdits\n"
        "maxTurns: 20\n"
        "---\n\n"
    )
    body = _body(rng, "python", "reviewer", size=size - len(head.encode()))
    text = head + body
    while len(text.encode()) > size:
        text = text[:-1]
    return text.rstrip() + "\n"


TYPED = "and reports findings by severity "
"""What the keystroke tests type, one character per edit, cycling."""


def keystrokes(text: str, count: int, key: str = "description") -> list[tuple[int, int, str]]:
    """Returns `count` single-character inserts as (line, character, char), 0-based, typing at the
    end of the `key:` line, as someone extending that value. Apply them in order."""
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines) if s.startswith(f"{key}:"))
    start = len(lines[line])  # ASCII line: characters == UTF-16 units
    return [(line, start + i, TYPED[i % len(TYPED)]) for i in range(count)]


def frontmatter_of(text: str) -> str:
    """Returns the YAML between the opening and closing `---` of an agent file."""
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    return "".join(lines[1:end])


# --- pieces ------------------------------------------------------------------------------------


def _yaml_line(key: str, value: str) -> str:
    """Returns `key: value` as a frontmatter line (no space before a block list)."""
    return f"{key}:{value}\n" if value.startswith("\n") else f"{key}: {value}\n"


def _description(rng: random.Random, domain: str, role: str) -> str:
    task = rng.choice(TASKS).format(d=domain)
    forms = (
        f"Use this agent when {task}.",
        f"Expert {domain} {role}. Use PROACTIVELY after {task}.",
        f"{domain.title()} {role} for {task}; returns a prioritised list of findings.",
        f'"Use for {task}: reads the code, runs checks, reports."',
    )
    return rng.choice(forms)


def _tools(rng: random.Random) -> str:
    names = rng.sample(TOOLS, k=rng.randint(1, 6))
    if rng.random() < 0.2:
        names.append(rng.choice(EXTRA_TOOLS))
    if rng.random() < 0.05:
        names.append("mcp__github__create_issue")
    if rng.random() < 0.25:  # list form
        return "\n" + "".join(f"  - {n}\n" for n in names).rstrip("\n")
    return ", ".join(names)


def _body(rng: random.Random, domain: str, role: str, size: int) -> str:
    """Returns a Markdown system prompt of about `size` bytes (at least one paragraph)."""
    parts = [
        f"You are a senior {domain} {role}. Your job is to help the user with {domain} work "
        f"and to leave the code better than you found it.\n"
    ]
    sections = ("Responsibilities", "Workflow", "Checklist", "What to avoid", "Output format")
    count = 0
    while sum(len(p.encode()) for p in parts) < size:
        title = sections[count % len(sections)]
        count += 1
        parts.append(f"\n## {title}{'' if count <= len(sections) else f' ({count})'}\n\n")
        if title == "Workflow":
            steps = rng.sample(SENTENCES, k=rng.randint(3, 6))
            parts += [f"{n}. {s.format(d=domain)}\n" for n, s in enumerate(steps, 1)]
        elif title == "Output format":
            parts.append(
                "```markdown\n## Summary\n<one paragraph>\n\n## Findings\n"
                "- [severity] path:line — finding\n```\n"
            )
        else:
            for s in rng.sample(SENTENCES, k=rng.randint(3, 7)):
                parts.append(f"- {s.format(d=domain)}\n")
            if rng.random() < 0.1:
                parts.append(f"- {rng.choice(UNICODE_SENTENCES)}\n")
    return "".join(parts)


# --- mistakes: each takes and returns (fields, body) ----------------------------------------------

Fields = dict[str, str]


def _mistake_legacy_tool(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    tools = rng.sample(TOOLS, k=rng.randint(1, 4)) + [rng.choice(LEGACY_OR_UNKNOWN_TOOLS)]
    rng.shuffle(tools)
    return {**fields, "tools": ", ".join(tools)}, body


def _mistake_hex_color(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    return {**fields, "color": rng.choice(BAD_COLORS)}, body


def _mistake_colon_in_description(
    rng: random.Random, fields: Fields, body: str
) -> tuple[Fields, str]:
    task = rng.choice(TASKS).format(d=rng.choice(DOMAINS))
    return {**fields, "description": f"Use this agent when: {task}. Note: it is read-only."}, body


def _mistake_example_blocks(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    task = rng.choice(TASKS).format(d=rng.choice(DOMAINS))
    example = (
        "<example>\\nContext: The user just finished a feature.\\n"
        f'user: "Can you help with {task}?"\\n'
        'assistant: "I\'ll use the Agent tool to launch the agent."\\n'
        "<commentary>Proactive use after a change.</commentary>\\n</example>"
    )
    if rng.random() < 0.5:  # one line with literal \n, as `/agents` writes them
        description = f"Use this agent when {task}. Examples:\\n\\n{example}\\n\\n{example}"
    else:  # pasted over several lines: a YAML error Claude Code's retry cannot fix
        description = f"Use this agent when {task}.\n" + example.replace("\\n", "\n")
    return {**fields, "description": description}, body


def _mistake_wrong_case_key(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    key = rng.choice([k for k in ("name", "description", "tools", "model") if k in fields])
    return {(k.title() if k == key else k): v for k, v in fields.items()}, body


def _mistake_bad_model(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    return {**fields, "model": rng.choice(BAD_MODELS)}, body


def _mistake_unknown_key(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    key, value = rng.choice(
        (("allowedTools", "Read, Grep"), ("role", "reviewer"), ("whenToUse", "after edits"))
    )
    return {**fields, key: value}, body


def _mistake_empty_tools(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    return {**fields, "tools": rng.choice(("", "[]", '""'))}, body


def _mistake_missing_description(
    rng: random.Random, fields: Fields, body: str
) -> tuple[Fields, str]:
    return {k: v for k, v in fields.items() if k != "description"}, body


def _mistake_dashes_in_value(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    return {**fields, "description": fields.get("description", "x") + " See a---b."}, body


def _mistake_bad_enum(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    key, value = rng.choice(
        (("permissionMode", "ask"), ("effort", "extreme"), ("maxTurns", "many"), ("memory", "yes"))
    )
    return {**fields, key: value}, body


def _mistake_leading_blank_line(
    rng: random.Random, fields: Fields, body: str
) -> tuple[Fields, str]:
    return fields, body  # applied to the whole text by agent_file


def _mistake_duplicate_name(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    """Drops the index from the name, so it often collides with another file's."""
    if "name" not in fields:
        return fields, body
    return {**fields, "name": fields["name"].rsplit("-", 1)[0]}, body


def _mistake_empty_body(rng: random.Random, fields: Fields, body: str) -> tuple[Fields, str]:
    return fields, ""


MISTAKES = (
    _mistake_legacy_tool,
    _mistake_legacy_tool,
    _mistake_hex_color,
    _mistake_hex_color,
    _mistake_colon_in_description,
    _mistake_colon_in_description,
    _mistake_example_blocks,
    _mistake_wrong_case_key,
    _mistake_bad_model,
    _mistake_unknown_key,
    _mistake_empty_tools,
    _mistake_missing_description,
    _mistake_dashes_in_value,
    _mistake_bad_enum,
    _mistake_leading_blank_line,
    _mistake_empty_body,
    _mistake_duplicate_name,
)
"""Weighted by how often users report them (duplicates make a mistake more likely)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.count, args.seed)
    print(f"{len(paths)} agent files under {args.out / AGENTS_DIR}")  # noqa: T201


if __name__ == "__main__":
    main()
