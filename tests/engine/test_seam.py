"""The seam (dialects/base.py, the registry) and what it guarantees for the agents dialect: data
and code agree (every catalogue type has a value type, every rule's code a row), the schema
says what the rules accept, dialects are chosen by path, code texts are filled from the
catalogue."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from agent_ls.core.findings import CODES as ALL_CODES
from agent_ls.core.findings import Code, Finding, Severity, register_codes
from agent_ls.core.frontmatter import Entry
from agent_ls.dialects import all_dialects, dialect_for, dialect_named
from agent_ls.dialects.agents import CODES, DIALECT, AgentsDialect, CheckContext, check
from agent_ls.dialects.agents.catalogue import load_catalogue
from agent_ls.dialects.base import (
    Applies,
    CatalogueError,
    FileContext,
    KeySpec,
    Option,
    Rules,
    ValueSite,
    ValueType,
    ValueTypes,
    load_codes,
)
from agent_ls.dialects.frontmatter import FrontmatterDialect
from agent_ls.settings import Settings

CAT = load_catalogue()
ROOT = Path("/project")


def test_an_unknown_value_type_in_the_catalogue_fails_when_the_dialect_is_built() -> None:
    keys = dict(CAT.keys)
    keys["color"] = dataclasses.replace(keys["color"], type="colour")
    with pytest.raises(CatalogueError, match="`color` has the unknown type `colour`"):
        AgentsDialect(dataclasses.replace(CAT, keys=keys))


def test_every_catalogue_type_names_a_registered_value_type() -> None:
    for spec in CAT.keys.values():
        assert DIALECT.value_types.get(spec.type).name == spec.type


def test_a_value_type_registered_twice_is_an_error() -> None:
    types = ValueTypes()

    class One(ValueType[Any]):
        name = "one"

    types.register(One)
    with pytest.raises(CatalogueError, match="registered twice"):
        types.register(One)
    with pytest.raises(CatalogueError, match="no value type `two`"):
        types.get("two")


def test_a_rule_emitting_a_code_without_a_row_fails_validation() -> None:
    rules: Rules[Any] = Rules()

    @rules.rule("AL999", applies_to=Applies.FILE)
    def nothing(file: Any) -> Any:
        return iter(())

    dialect = AgentsDialect(CAT)
    dialect.rules = rules
    with pytest.raises(CatalogueError, match="AL999"):
        dialect.validate()


def test_every_code_has_a_rule_or_is_the_workspaces() -> None:
    # names across files; file size; an extension Claude Code skips (tests/engine/test_names.py)
    emitted = DIALECT.emitted_codes() | {"AL208", "AL901", "AL106"}
    assert emitted == set(CODES)
    assert all(code in ALL_CODES for code in CODES)


def test_a_code_registered_twice_differently_is_an_error() -> None:
    row = CODES["AL101"]
    assert register_codes([row]) == {"AL101": row}  # the same row again is fine
    with pytest.raises(ValueError, match="AL101 is registered twice"):
        register_codes([dataclasses.replace(row, severity=Severity.HINT)])


def test_drops_file_is_what_the_loader_goes_by() -> None:
    dropping = {c.code for c in CODES.values() if c.drops_file}
    assert dropping and all(CODES[c].severity == Severity.ERROR for c in dropping)
    assert {"AL101", "AL201", "AL211", "AL706"} <= dropping
    assert "AL501" not in dropping  # an unknown model loads; the agent cannot run


def test_code_texts_are_filled_from_the_catalogue() -> None:
    for code in CODES.values():
        assert "${" not in code.title + code.explanation + code.fix, code.code
    assert f"longer than {CAT.name_max_length} characters" in CODES["AL205"].explanation
    assert ", ".join(CAT.colors) in CODES["AL601"].explanation


# -- the schema says what the rules accept ----------------------------------------------------------
# (key, YAML value as written): the rules' verdict on the value and the schema's must agree.
VALUES = [
    ("effort", "high"),
    ("effort", "5000"),
    ("effort", "'5000'"),
    ("effort", "huge"),
    ("maxTurns", "3"),
    ("maxTurns", "0"),
    ("maxTurns", "'7'"),
    ("autoCompactWindow", "200000"),
    ("autoCompactWindow", "50000"),
    ("autoCompactWindow", "'200000'"),
    ("autoCompactWindow", "'50000'"),
    ("background", "true"),
    ("background", "'false'"),
    ("background", "yes"),
    ("color", "blue"),
    ("color", "Blue"),
    ("permissionMode", "plan"),
    ("permissionMode", "sometimes"),
    ("memory", "project"),
    ("skills", "[a, b]"),
    ("skills", "{a: 1}"),
    ("mcpServers", "[github]"),
    ("mcpServers", "{github: {}}"),
    ("initialPrompt", "hello"),
    ("initialPrompt", "[1, 2]"),
]


@pytest.mark.parametrize("key, written", VALUES, ids=[f"{k}={v}" for k, v in VALUES])
def test_the_schema_and_the_rules_agree_on_a_value(key: str, written: str) -> None:
    text = f"---\nname: a\ndescription: b\n{key}: {written}\n---\nBody\n"
    line_start = text.index(f"{key}:")
    findings = [f for f in check(text, CheckContext(CAT, True, "a")) if f.start >= line_start]
    value = DIALECT.read(text).data[key]
    schema = DIALECT.schema()["properties"][key]
    valid = jsonschema.Draft7Validator(schema).is_valid(value)
    assert valid == (not findings), (value, [f.code for f in findings])


def test_the_schema_has_every_key_with_its_doc() -> None:
    schema = dialect_named("agents").schema()  # type: ignore[union-attr]
    assert list(schema["properties"]) == [s.name for s in sorted(CAT.keys.values(), key=_order)]
    assert all(p["description"] == CAT.keys[k].doc for k, p in schema["properties"].items())


def _order(spec: KeySpec) -> int:
    return spec.order


# -- the registry ----------------------------------------------------------------------------------
def test_dialect_for_chooses_by_globs_and_settings() -> None:
    settings, _ = Settings().merged({"globs": {"agents": ["team/*.md"]}}, camel=False)
    assert dialect_for(ROOT / ".claude/agents/a.md", ROOT, Settings()) is DIALECT
    assert dialect_for(ROOT / "team/a.md", ROOT, Settings()) is None
    assert dialect_for(ROOT / "team/a.md", ROOT, settings) is DIALECT
    legacy, _ = Settings().merged({"agent-globs": ["team/*.md"]}, camel=False)
    assert dialect_for(ROOT / "team/a.md", ROOT, legacy) is DIALECT
    skipped = dialect_for(ROOT / ".claude/agents/a.txt", ROOT, Settings())  # skipped, said so
    assert skipped is not None and skipped.extension_code is None
    assert getattr(skipped, "inner", None) is DIALECT


def test_the_registry_lists_each_dialect_once_under_its_name() -> None:
    names = [d.name for d in all_dialects()]
    assert "agents" in names and len(names) == len(set(names))
    assert all(dialect_named(n) is not None for n in names)
    assert dialect_named("nope") is None


def test_a_dialect_with_settings_extends_its_catalogue_once() -> None:
    settings, _ = Settings().merged({"extra-tools": ["MyTool"]}, camel=False)
    configured = DIALECT.with_settings(settings)
    assert configured is DIALECT.with_settings(settings)  # kept for the same settings
    assert "MyTool" in configured.catalogue.tools and "MyTool" not in DIALECT.catalogue.tools
    assert DIALECT.with_settings(Settings()) is DIALECT  # nothing to extend


def test_codes_rows_are_typed() -> None:
    assert all(isinstance(c, Code) and c.code.startswith("AL") for c in CODES.values())


# -- a dialect built on the seam alone (as skills, commands and output styles are) -----------------
@dataclasses.dataclass(frozen=True)
class _ToyCatalogue:
    keys: dict[str, KeySpec]
    extra_keys: frozenset[str] = frozenset()
    version: str = "0.0.0"


_TOY_RULES: Rules[FileContext] = Rules()
_TOY_TYPES = ValueTypes()


@_TOY_TYPES.register
class _Flavour(ValueType[FileContext]):
    name = "flavour"
    codes = ("TY002",)

    def check(self, entry: Entry, file: FileContext) -> Iterator[Finding]:
        if entry.value not in ("sweet", "sour"):
            yield Finding("TY002", "not a flavour", *file.value_range(entry))

    def candidates(self, site: ValueSite) -> list[Option]:
        return [Option("sweet", "flavour", "Sugar."), Option("sour", "flavour", "Lemon.")]

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        return f"**{entry.value}**", entry.value_start, entry.value_end

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        return {"enum": ["sweet", "sour"]}


@_TOY_RULES.rule("TY001", applies_to=Applies.MAPPING)
def _needs_flavour(file: FileContext) -> Iterator[Finding]:
    if file.entry("flavour") is None:
        yield Finding("TY001", "no flavour", *file.opening())


class _ToyDialect(FrontmatterDialect):
    name = "toy"
    rules = _TOY_RULES
    value_types = _TOY_TYPES

    def __init__(self, tmp: Path) -> None:
        spec = KeySpec("flavour", "flavour", "How it tastes.", 1, required=True)
        self.catalogue = _ToyCatalogue({"flavour": spec})
        self.title = "Toy file"
        self.default_globs = ("**/toys/*.md",)
        rows = '{"codes": [{"code": "TY001", "severity": "error", "title": "No flavour", '
        rows += '"explanation": "A toy needs one.", "dropsFile": true}, {"code": "TY002", '
        rows += '"severity": "warning", "title": "Bad flavour", "explanation": "Not ${what}."}]}'
        (tmp / "codes.json").write_text(rows, "utf-8")
        self.codes = load_codes(tmp / "codes.json", {"what": "sweet or sour"})
        self.validate()


def test_a_dialect_needs_only_data_rules_and_value_types(tmp_path: Path) -> None:
    toy = _ToyDialect(tmp_path)
    ctx = toy.default_context()
    bad = toy.read("---\nflavour: salty\n---\nBody\n")
    assert [f.code for f in toy.check(bad, ctx)] == ["TY002"]
    assert [f.code for f in toy.check(toy.read("---\nother: 1\n---\n"), ctx)] == ["TY001"]
    assert toy.drops(toy.check(toy.read("---\nother: 1\n---\n"), ctx))
    assert ALL_CODES["TY002"].explanation == "Not sweet or sour."
    text = "---\nflavour: \n---\n"
    offset = text.index(": ") + 2
    assert [c.label for c in toy.complete(toy.read(text), offset, None)] == ["sweet", "sour"]
    keys = toy.complete(toy.read("---\nfl\nother: 1\n---\n"), 6, None)
    assert [(c.label, c.start, c.end) for c in keys] == [("flavour", 4, 6)]
    hovered = toy.hover(bad, bad.text.index("salty"), toy.check(bad, ctx))
    assert hovered is not None and hovered[0].startswith("**salty**")
    assert "TY002" in hovered[0]  # the finding's explanation from the code table
    schema = toy.schema()
    assert schema["properties"]["flavour"] == {
        "enum": ["sweet", "sour"],
        "description": "How it tastes.",
    }
    assert schema["required"] == ["flavour"] and schema["title"].startswith("Toy file frontmatter")
    assert [s.name for s in toy.symbols(bad)] == ["frontmatter"]
    assert toy.matches(tmp_path / "toys" / "a.md", tmp_path, Settings())
