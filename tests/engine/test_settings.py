"""The settings dialect's engine: text → findings at exact ranges, fixes, completion, hover,
schema (the conformance goldens prove the verdicts against the binary; these pin the ranges)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_ls.core.findings import Severity
from agent_ls.dialects.settings import DIALECT
from agent_ls.dialects.settings.grammar import matcher_problem, rule_problem
from agent_ls.dialects.settings.rules import blank

CAT = DIALECT.catalogue
CASES = Path(__file__).parents[1] / "conformance" / "settings" / "cases"


def check(text: str) -> list[tuple[str, str]]:
    """(code, the text the finding marks) of every finding."""
    return [
        (f.code, text[f.start : f.end])
        for f in DIALECT.check(DIALECT.read(text), DIALECT.default_context())
    ]


def hook(
    event: str, matcher: str = "Bash", entry: str = '{"type": "command", "command": "x"}'
) -> str:
    return f'{{"hooks": {{"{event}": [{{"matcher": "{matcher}", "hooks": [{entry}]}}]}}}}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  \n", []),
        ("\ufeff{}", []),
        ('{"a": 1,}', [("ST001", ",")]),
        ('{\n  // x\n  "model": "opus"\n}', [("ST001", "// x")]),
        ("[]", [("ST002", "[]")]),
        ('"x"', [("ST002", '"x"')]),
        ('{"model": 5}', [("ST101", "5")]),
        ('{"cleanupPeriodDays": "30"}', [("ST101", '"30"')]),
        ('{"cleanupPeriodDays": 0}', [("ST101", "0")]),
        ('{"env": ["A=1"]}', [("ST101", '["A=1"]')]),
        ('{"permissions": ["Bash"]}', [("ST101", '["Bash"]')]),
        ('{"effortLevel": "extreme"}', [("ST102", '"extreme"')]),
        ('{"promptCacheTtl": 5}', [("ST102", "5")]),
        ('{"enabledPlugins": ["x@y"]}', [("ST101", '["x@y"]')]),
        ('{"enabledPlugins": {"x@y": true}}', []),
        ('{"skillOverrides": {"x": "maybe"}}', [("ST101", '{"x": "maybe"}')]),
        ('{"skillOverrides": {"x": "off"}}', []),
        ('{"hookz": {}}', [("ST103", '"hookz"')]),
        ('{"Stop": []}', [("ST103", '"Stop"')]),
        ('{"PreToolUse": []}', [("ST103", '"PreToolUse"')]),  # empty: nothing to guard
        ('{"PreToolUse": [{"hooks": [1]}]}', [("ST206", '"PreToolUse"')]),
        ('{"hookz": {"PermissionRequest": [{}]}}', [("ST206", '"hookz"')]),
        ('{"hookz": {"Stop": [{"hooks": [1]}]}}', [("ST103", '"hookz"')]),
        ('{"mine": [{"matcher": "Bash", "hooks": [1]}]}', [("ST206", '"mine"')]),
        ('{"env": {"PreToolUse": "x"}}', []),  # env is not scanned
        (hook("PreToolUSe"), [("ST201", '"PreToolUSe"')]),
        ('{"hooks": []}', [("ST202", "[]")]),
        ('{"hooks": "x"}', [("ST102", '"x"')]),
        ('{"hooks": {"Stop": {}}}', [("ST203", "{}")]),
        ('{"hooks": {"PreToolUse": {}}}', [("ST211", "{}")]),
        ('{"hooks": {"Stop": null}}', [("ST203", "null")]),
        ('{"hooks": {"PreToolUse": null}}', [("ST203", "null")]),  # null: not fatal
        ('{"hooks": {"Stop": ["x"]}}', [("ST204", '"x"')]),
        ('{"hooks": {"Stop": [{"hooks": {}}]}}', [("ST204", "{}")]),
        ('{"hooks": {"PostToolUse": [{"matcher": 5, "hooks": []}]}}', [("ST204", "5")]),
        (hook("PostToolUse", entry='{"type": "command"}'), [("ST205", '{"type": "command"}')]),
        (hook("PreToolUse", entry='{"type": "command"}'), [("ST211", '{"type": "command"}')]),
        (hook("PermissionRequest", entry='{"type": "shell"}'), [("ST211", '"shell"')]),
        (hook("Stop", entry='{"type": "prompt"}'), [("ST205", '{"type": "prompt"}')]),
        (hook("Stop", entry='{"type": "http"}'), [("ST205", '{"type": "http"}')]),
        (hook("Stop", entry='{"type": "mcp_tool", "server": "s", "tool": "t"}'), []),
        (
            hook("Stop", entry='{"type": "command", "command": "x", "timeout": "30"}'),
            [("ST205", '"30"')],
        ),
        (
            hook("Stop", entry='{"type": "command", "command": "x", "timeout": -5}'),
            [("ST205", "-5")],
        ),
        (hook("Stop", entry='{"type": "command", "command": "x", "timeout": 30, "when": 1}'), []),
        (
            hook("Stop", entry='{"type": "command", "command": "x", "timout": 5}'),
            [("ST209", '"timout"')],
        ),
        ('{"hooks": {"Stop": [{"matchers": "x", "hooks": []}]}}', [("ST209", '"matchers"')]),
        (
            hook("Stop", entry='{"type": "command", "comand": "x"}'),
            [("ST205", '{"type": "command", "comand": "x"}'), ("ST209", '"comand"')],
        ),
        (hook("PreToolUse", "bash"), [("ST207", '"bash"')]),
        (hook("PreToolUse", "Bsh"), [("ST207", '"Bsh"')]),
        (hook("PreToolUse", "Bash(echo *)"), [("ST207", '"Bash(echo *)"')]),
        (hook("PreToolUse", "Bash("), [("ST207", '"Bash("')]),
        (hook("PreToolUse", "Bash|Read"), []),
        (hook("PreToolUse", "^Ba.*$"), []),
        (hook("PreToolUse", "*"), []),
        (hook("PreToolUse", ""), []),
        (hook("PreToolUse", "mcp__github__.*"), []),
        (hook("Stop", "bash"), []),  # not a tool event: the matcher is not about tools
        ('{"disableAllHooks": true}', [("ST208", '"disableAllHooks"')]),
        ('{"permissions": {"allow": "Bash"}}', [("ST303", '"Bash"')]),
        ('{"permissions": {"defaultMode": "yolo"}}', [("ST304", '"yolo"')]),
        ('{"permissions": {"defaultMode": "acceptEdits"}}', []),
        ('{"permissions": {"disableBypassPermissionsMode": true}}', [("ST101", "true")]),
        ('{"permissions": {"additionalDirectories": "../x"}}', [("ST101", '"../x"')]),
        ('{"permissions": {"additionalDirectory": []}}', [("ST103", '"additionalDirectory"')]),
        ('{"permissions": {"allow": ["bash(ls)"]}}', [("ST301", '"bash(ls)"')]),
        ('{"permissions": {"allow": ["Bash(ls"]}}', [("ST301", '"Bash(ls"')]),
        ('{"permissions": {"allow": ["Bash()"]}}', [("ST301", '"Bash()"')]),
        ('{"permissions": {"allow": [42]}}', [("ST301", "42")]),
        ('{"permissions": {"allow": ["mcp__gh__x(y)"]}}', [("ST301", '"mcp__gh__x(y)"')]),
        ('{"permissions": {"allow": ["mcp__*"]}}', [("ST301", '"mcp__*"')]),
        ('{"permissions": {"deny": ["mcp__*"]}}', []),
        ('{"permissions": {"deny": ["Read(src:*)"]}}', [("ST301", '"Read(src:*)"')]),
        ('{"permissions": {"deny": ["Raed(./.env)"]}}', [("ST302", '"Raed(./.env)"')]),
        (
            '{"permissions": {"allow": ["Bash(npm run *)", "Read(./secrets/**)", "mcp__gh__*"]}}',
            [],
        ),
        (
            '{"permissions": {"allow": ["WebFetch(example.com)"]}}',
            [("ST301", '"WebFetch(example.com)"')],
        ),
        ('{"permissions": {"allow": ["Bash(git * status)"]}}', [("ST306", '"Bash(git * status)"')]),
        ('{"permissions": {"deny": ["Bash(git * status)"]}}', []),  # broad is fine in a deny
        ('{"permissions": {"deny": ["Bash(rm *:*)"]}}', [("ST305", '"Bash(rm *:*)"')]),
        ('{"permissions": {"ask": ["Bash(npm:* x)"]}}', [("ST305", '"Bash(npm:* x)"')]),
        ('{"permissions": {"allow": ["Bash(npm run test:*)", "Bash(npm run *)"]}}', []),
        ('{"env": {"A": 1}}', [("ST401", "1")]),
        ('{"env": {"A": "1"}}', []),
    ],
)
def test_findings_and_their_ranges(text: str, expected: list[tuple[str, str]]) -> None:
    assert check(text) == expected


@pytest.mark.parametrize(
    ("code", "severity", "drops"),
    [
        ("ST001", Severity.ERROR, True),
        ("ST101", Severity.ERROR, True),
        ("ST201", Severity.WARNING, False),
        ("ST207", Severity.WARNING, False),
        ("ST211", Severity.ERROR, True),
        ("ST302", Severity.WARNING, False),
        ("ST208", Severity.INFORMATION, False),
    ],
)
def test_severity_follows_the_consequence(code: str, severity: Severity, drops: bool) -> None:
    assert (DIALECT.codes[code].severity, DIALECT.codes[code].drops_file) == (severity, drops)


def test_every_code_is_emitted_by_a_rule_and_every_rule_code_has_a_row() -> None:
    from agent_ls.dialects.settings.rules import RULES

    assert RULES.codes() == set(DIALECT.codes)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (hook("postToolUse"), hook("PostToolUse")),
        (hook("PreToolUse", "bash"), hook("PreToolUse", "Bash")),
        ('{"hook": {}}', '{"hooks": {}}'),
        ('{"cleanupPeriodDays": "30"}', '{"cleanupPeriodDays": 30}'),
        ('{"model": 5}', '{"model": "5"}'),
        (
            '{"permissions": {"defaultMode": "acceptedits"}}',
            '{"permissions": {"defaultMode": "acceptEdits"}}',
        ),
        (
            '{"permissions": {"deny": ["Raed(./.env)"]}}',
            '{"permissions": {"deny": ["Read(./.env)"]}}',
        ),
        ('{"permissions": {"allow": ["bash(ls)"]}}', '{"permissions": {"allow": ["Bash(ls)"]}}'),
        ('{"env": {"A": 1}}', '{"env": {"A": "1"}}'),
        (
            '{"permissions": {"allow": ["WebFetch(example.com)"]}}',
            '{"permissions": {"allow": ["WebFetch(domain:example.com)"]}}',
        ),
        (
            hook("Stop", entry='{"type": "command", "command": "x", "timout": 5}'),
            hook("Stop", entry='{"type": "command", "command": "x", "timeout": 5}'),
        ),
    ],
)
def test_the_preferred_fix(text: str, fixed: str) -> None:
    finding = DIALECT.check(DIALECT.read(text), DIALECT.default_context())[0]
    fix = next(f for f in finding.fixes if f.preferred)
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    assert text == fixed
    assert DIALECT.check(DIALECT.read(text), DIALECT.default_context()) == []


def complete(text: str) -> list[str]:
    offset = text.index("|")
    text = text.replace("|", "")
    return [c.label for c in DIALECT.complete(DIALECT.read(text), offset, None)]


def test_completion_of_keys_events_matchers_rules_and_modes() -> None:
    keys = complete('{"mo|"}')
    assert "model" in keys and "hooks" in keys and "awaySummaryEnabled" not in keys  # internal
    assert complete('{"hooks": {"Pre|"}}')[:2] == ["PreToolUse", "PostToolUse"]
    matchers = complete('{"hooks": {"PreToolUse": [{"matcher": "B|"}]}}')
    assert "Bash" in matchers and "Read" in matchers
    assert complete('{"hooks": {"Stop": [{"matcher": "|"}]}}') == []
    assert "command" in complete('{"hooks": {"Stop": [{"hooks": [{"type": "|"}]}]}}')
    rules = complete('{"permissions": {"allow": ["|"]}}')
    assert "Bash(npm run *)" in rules and "Read(./secrets/**)" in rules and "Bash" in rules
    assert "acceptEdits" in complete('{"permissions": {"defaultMode": "|"}}')
    assert "defaultMode" in complete('{"permissions": {"|"}}')
    assert complete('{"permissions": {"allow": ["Bash(npm run |')  # unclosed: still a tree


def test_completion_replaces_the_string_content() -> None:
    text = '{"hooks": {"PreTo": []}}'
    offset = text.index("PreTo") + 3
    candidate = DIALECT.complete(DIALECT.read(text), offset, None)[0]
    assert text[candidate.start : candidate.end] == "PreTo"


def test_hover_documents_keys_events_and_values() -> None:
    text = '{"cleanupPeriodDays": 30, "hooks": {"Stop": [{"hooks": [{"type": "http"}]}]}}'
    source = DIALECT.read(text)
    found = DIALECT.hover(source, text.index("cleanup") + 2, [])
    assert found is not None and "transcripts" in found[0]
    found = DIALECT.hover(source, text.index("Stop") + 1, [])
    assert found is not None and "finishes" in found[0]
    found = DIALECT.hover(source, text.index("http") + 1, [])
    assert found is not None and "POST" in found[0]


def test_the_schema_is_valid_and_accepts_what_claude_code_reads_as_written() -> None:
    schema = DIALECT.schema()
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    goldens = json.loads((CASES.parent / "goldens.json").read_text("utf-8"))["cases"]
    for case, golden in goldens.items():
        for name, loaded in golden["loaded"].items():
            text = (CASES / case / name).read_text("utf-8-sig")
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if not loaded:
                continue
            if golden["entries"] or DIALECT.check(DIALECT.read(text), DIALECT.default_context()):
                continue  # something skipped or dropped (silently): the schema may flag it
            errors = [e.message for e in validator.iter_errors(value)]
            assert errors == [], (case, errors)


def test_matcher_and_rule_grammar() -> None:
    tools = CAT.tools
    assert matcher_problem("Bash", tools, CAT.matcher_everything) is None
    problem = matcher_problem("bash", tools, CAT.matcher_everything)
    assert problem is not None and problem[1] == "Bash"
    assert rule_problem("Bash(npm run test:*)", "allow", tools, CAT.file_tools)[0] == ""
    assert rule_problem("Bash(:*)", "allow", tools, CAT.file_tools)[1] is True


@pytest.mark.parametrize(
    ("text", "servers", "expected"),
    [
        (hook("PreToolUse", "mcp__gh__get_issue"), None, []),  # servers unknown: not judged
        (hook("PreToolUse", "mcp__gh__get_issue"), {"github"}, [("ST207", '"mcp__gh__get_issue"')]),
        (hook("PreToolUse", "mcp__github__get_issue"), {"github"}, []),
        (hook("PreToolUse", "mcp__gh__x|Read"), {"github"}, []),  # Read still fires
        (hook("PreToolUse", "mcp__gh__.*"), {"github"}, []),  # a regex: not judged
        ('{"permissions": {"deny": ["mcp__gh__x"]}}', {"github"}, [("ST302", '"mcp__gh__x"')]),
        ('{"permissions": {"deny": ["mcp__github__*"]}}', {"github"}, []),
    ],
)
def test_mcp_tools_are_checked_against_the_configured_servers(
    text: str, servers: set[str] | None, expected: list[tuple[str, str]]
) -> None:
    from agent_ls.dialects.base import CheckContext

    ctx = CheckContext(CAT, mcp_servers=None if servers is None else frozenset(servers))
    found = DIALECT.check(DIALECT.read(text), ctx)
    assert [(f.code, text[f.start : f.end]) for f in found] == expected


def test_matcher_completion_offers_the_configured_servers() -> None:
    text = '{"hooks": {"PreToolUse": [{"matcher": ""}]}}'
    offset = text.index('""') + 1
    labels = [c.label for c in DIALECT.complete(DIALECT.read(text), offset, frozenset({"github"}))]
    assert "mcp__github__*" in labels and "Bash" in labels


_SAMPLES = sorted(CASES.glob("*/*/.claude/*.json"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SAMPLES), st.data())
def test_any_edit_of_a_settings_file_is_checked_without_a_crash(
    path: Path, data: st.DataObject
) -> None:
    text = path.read_text("utf-8")
    pieces = list(text)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(pieces)))
        pieces.insert(at, data.draw(st.sampled_from(list('{}[]:,"\\ 0tn-x') + ["\n"])))
    text = "".join(pieces)
    source = DIALECT.read(text)
    findings = DIALECT.check(source, DIALECT.default_context())
    assert all(0 <= f.start <= f.end <= len(text) for f in findings)
    assert any(f.code == "ST001" for f in findings) == (not source.valid and not blank(text))
    for offset in range(0, len(text) + 1, max(1, len(text) // 7)):
        DIALECT.complete(source, offset, None)
        DIALECT.hover(source, offset, findings)
