"""The seam: what a dialect (one kind of Claude Code file) brings, and what the core and the
features ask of it.

A dialect is one folder under `dialects/` holding:

- **data**: its catalogue (JSON: keys with their value types, and whatever the format knows) and
  its table of codes (`codes.json`: severity, title, explanation, example, fix, `dropsFile`;
  `${name}` in a text is filled from the catalogue, `load_codes`);
- **a `Dialect` object**: `name` (the `--dialect` name and the settings table), `title`, its
  default globs, `load` (what Claude Code does with a file: loads it or not, under which name,
  which values it reads), `check` (runs its registered rules), and the feature hooks
  (`complete`, `hover`, `symbols`, `schema`). A Markdown + YAML frontmatter dialect subclasses
  `FrontmatterDialect` (`dialects/frontmatter.py`), which implements all of them from its keys,
  value types and rules;
- **rules**: plain functions registered on the dialect's `Rules` with the codes they emit and
  what they apply to (`Applies`). A rule takes the per-file context (`FileContext`, or the
  dialect's subclass of it) and yields `Finding`s (or returns a tuple of them: a rule run for
  every key need not be a generator). A rule that depends on another's outcome reads it from
  the context (data the earlier phase filled, e.g. `FileContext.judged`), never from code
  strings. Quick fixes travel with the findings (`Finding.fixes`; the preferred ones are what
  `check --fix` applies, `features.fixes`);
- **value types**: one `ValueType` subclass per catalogue `type`, registered on the dialect's
  `ValueTypes`; it owns the check, the completion candidates, the hover and the JSON schema of
  a value, so the four cannot disagree. A catalogue key whose `type` names no registered class
  is an error when the dialect is built (`CatalogueError`), never a silent miss.

The registry of every dialect, and the choice of a dialect by path, is `dialects/__init__.py`.
"""

from __future__ import annotations

import copy
import enum
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar

import yaml

from agent_ls.core.findings import Code, Edit, Finding, Fix, Severity, register_codes
from agent_ls.core.frontmatter import Entry, Frontmatter, MarkdownSource, Split
from agent_ls.core.globs import matches_globs
from agent_ls.core.names import DeclaredName, NamePolicy, NameSlot
from agent_ls.features.results import Candidate, Swatch, Symbol

if TYPE_CHECKING:
    from agent_ls.settings import Settings


class CatalogueError(ValueError):
    """A dialect's data does not fit its code: an unknown value type, code or template name."""


# -- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeySpec:
    """One recognised frontmatter key, as the catalogue declares it."""

    name: str
    type: str
    """The registered `ValueType` that checks, completes, hovers and describes its value."""
    doc: str
    order: int
    required: bool = False
    values: str | None = None
    """For enumerated types: the catalogue table of allowed values."""
    snippet: str | None = None
    minimum: int | None = None
    """For numbers: the smallest value Claude Code keeps."""


def key_specs(raw_keys: Mapping[str, Mapping[str, Any]]) -> dict[str, KeySpec]:
    """Returns the catalogue's `keys` table as `KeySpec`s."""
    return {
        name: KeySpec(
            name=name,
            type=spec["type"],
            doc=spec["doc"],
            order=spec["order"],
            required=spec.get("required", False),
            values=spec.get("values"),
            snippet=spec.get("snippet"),
            minimum=spec.get("minimum"),
        )
        for name, spec in raw_keys.items()
    }


def read_boolean(
    value: object, raw: Mapping[str, Any], as_text: Callable[[object], str | None]
) -> bool | None:
    """How Claude Code reads a boolean key: a boolean as it is, else the value's text (`as_text`,
    the dialect's way of turning a value into text; None: it does not) trimmed and lower-cased,
    True in the catalogue's `trueStrings`, False in its `falseStrings`; else None (ignored)."""
    if isinstance(value, bool):
        return value
    text = as_text(value)
    if text is None:
        return None
    text = text.strip().lower()
    if text in raw["trueStrings"]:
        return True
    if text in raw["falseStrings"]:
        return False
    return None


_TEMPLATE = re.compile(r"\$\{(\w+)\}")


def load_codes(path: Path, values: Mapping[str, str]) -> dict[str, Code]:
    """Reads a dialect's `codes.json`, fills each `${name}` from `values`, registers the rows
    (so findings know their severity) and returns them by code."""
    raw = json.loads(path.read_text("utf-8"))

    def fill(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise CatalogueError(f"{path.name}: no catalogue value `{match.group(1)}`")
            return values[match.group(1)]

        return _TEMPLATE.sub(one, text)

    rows = [
        Code(
            code=row["code"],
            severity=Severity[row["severity"].upper()],
            title=fill(row["title"]),
            explanation=fill(row["explanation"]),
            example=row.get("example", ""),
            fix=fill(row.get("fix", "")),
            drops_file=row.get("dropsFile", False),
            example_language=row.get("exampleLanguage", "yaml"),
        )
        for row in raw["codes"]
    ]
    return register_codes(rows)


# -- the per-run and per-file contexts -------------------------------------------------------------


class CheckContext(NamedTuple):
    """What a check knows beyond the text (the same for every file of a run but the stem; a
    tuple: one is made for every file checked, in a third of a frozen dataclass's time)."""

    catalogue: Any
    """The dialect's catalogue, extended by the user's settings."""
    in_globs: bool = True
    """The file matches the dialect's globs (else a dialect may check only files that look like
    its own, `Dialect.claims`)."""
    file_stem: str | None = None
    mcp_servers: frozenset[str] | None = None
    """The MCP server names Claude Code knows for the workspace (`workspace.load_mcp_servers`:
    `.mcp.json`, `~/.claude.json`, enabled plugins); None when unknown (not checked)."""
    invalid_utf8_at: int | None = None
    """Where the first byte that is not UTF-8 was read as U+FFFD (known only from the bytes)."""
    quote_fixes: bool = True
    """Whether a YAML error gets its quoting fix, found by parsing candidate quotings again
    (`check` without `--fix` shows no fixes and skips that work)."""
    path: Path | None = None
    """The file's path, when known: skills and commands are named by their place, a manifest's
    rules look at the files it declares."""


def line_bounds(text: str, offset: int) -> tuple[int, int]:
    """Returns the start and end (before `\\r\\n` or `\\n`) of the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


def change_to(start: int, end: int, text: str | None, preferred: bool = True) -> tuple[Fix, ...]:
    """Returns the one-edit fix replacing text[start:end] with `text`, or none when `text` is
    empty or None."""
    if not text:
        return ()
    return (Fix(f"Change to `{text}`", (Edit(start, end, text),), preferred),)


class FileContext:
    """One file being checked: its text, split and frontmatter, the run's context, and what the
    rules of earlier phases found out for the later ones. A dialect subclasses it for its own
    per-file facts (the agents dialect: the tools of `tools`)."""

    def __init__(self, source: MarkdownSource, ctx: CheckContext) -> None:
        self.source = source
        self.text = source.text
        self.split: Split = source.split
        self.ctx = ctx
        self.cat: Any = ctx.catalogue
        fm = source.frontmatter
        self.fm: Frontmatter = fm if fm is not None else Frontmatter()
        self.by_key: dict[str, Entry] = {e.key: e for e in self.fm.entries}
        """The entry Claude Code reads for each key (the last of duplicates)."""
        self.judged: set[str] = set()
        """Keys whose value an entry rule has already judged: their value type's check is
        skipped (e.g. a value a comment emptied)."""

    def entry(self, key: str) -> Entry | None:
        """Returns the entry Claude Code reads for `key` (the last one), or None."""
        return self.by_key.get(key)

    def value_range(self, entry: Entry) -> tuple[int, int]:
        """The value's offsets, or the key's when the value is empty."""
        if entry.value_end > entry.value_start:
            return entry.value_start, entry.value_end
        return entry.key_start, entry.key_end

    def node_range(self, node: yaml.Node) -> tuple[int, int]:
        """Offsets of a nested node."""
        return self.fm.span(node)

    def opening(self) -> tuple[int, int]:
        """Offsets of the opening `---`."""
        start = 1 if self.text.startswith("\ufeff") else 0
        return start, start + 3

    def delete_entry(self, entry: Entry) -> Edit:
        """The edit that removes `entry`'s lines, its continuation lines included."""
        start = line_bounds(self.text, entry.key_start)[0]
        end = self.text.find("\n", max(entry.value_end - 1, entry.key_end))
        end = self.split.yaml_end if end == -1 else end + 1
        while end < self.split.yaml_end and self.text[end : end + 1] in (" ", "\t", "-"):
            nxt = self.text.find("\n", end)
            end = self.split.yaml_end if nxt == -1 else nxt + 1
        return Edit(start, min(end, self.split.yaml_end), "")


# -- value types -----------------------------------------------------------------------------------


class Option(NamedTuple):
    """A completion candidate of a value: label, detail, documentation. Any
    `(label, detail, doc)` tuple serves (`Choice`): a hot path may build plain tuples."""

    label: str
    detail: str
    doc: str


Choice = tuple[str, str, str]
"""(label, detail, documentation) of a completion candidate; an `Option` is one."""


class ValueSite(NamedTuple):
    """Where a value is being completed: its key, what is typed before the cursor on the line,
    what follows it, and whether the cursor is in a block list item."""

    spec: KeySpec
    typed: str
    after: str
    in_list: bool
    catalogue: Any
    mcp_servers: frozenset[str] | None


_Ctx = TypeVar("_Ctx", bound=FileContext)


class ValueType(Generic[_Ctx]):
    """One type of value: its check, completion candidates, hover and JSON schema.

    Subclasses set `name` (the catalogue's `type`) and override what applies; the defaults
    check nothing, offer nothing, hover nothing and describe any value.
    """

    name: ClassVar[str]
    codes: ClassVar[tuple[str, ...]] = ()
    """The codes its check emits."""
    completion_kind: ClassVar[str] = "value"
    """What completion calls its candidates ("value", "tool")."""

    def check(self, entry: Entry, file: _Ctx) -> Iterator[Finding]:
        """Yields the findings of the value of `entry` (the one Claude Code reads)."""
        return iter(())

    def candidates(self, site: ValueSite) -> Sequence[Choice]:
        """Returns the completion candidates at `site`, in order."""
        return []

    def hover(
        self, entry: Entry, offset: int, text: str, spec: KeySpec, catalogue: Any
    ) -> tuple[str, int, int] | None:
        """Returns (Markdown, start, end) for what lies at `offset` in `entry`'s value."""
        return None

    def schema(self, spec: KeySpec, catalogue: Any) -> dict[str, Any]:
        """Returns the JSON Schema of the value (without its description)."""
        return {}

    def swatch(self, value: Any, catalogue: Any) -> str | None:
        """Returns the `#rrggbb` colour a value shows as in the editor, or None."""
        return None


class ValueTypes:
    """A dialect's value types by name; `register` is the class decorator."""

    def __init__(self) -> None:
        self._types: dict[str, ValueType[Any]] = {}
        self.by_name: Mapping[str, ValueType[Any]] = self._types
        """The registered types by name (read-only; `get` says which name is missing)."""

    def register(self, cls: type[ValueType[Any]]) -> type[ValueType[Any]]:
        """Registers one instance of `cls` under `cls.name` (a class decorator)."""
        if cls.name in self._types:
            raise CatalogueError(f"the value type `{cls.name}` is registered twice")
        self._types[cls.name] = cls()
        return cls

    def get(self, name: str) -> ValueType[Any]:
        """Returns the value type `name`; an unknown name raises `CatalogueError`."""
        try:
            return self._types[name]
        except KeyError:
            raise CatalogueError(f"no value type `{name}` is registered") from None

    def codes(self) -> frozenset[str]:
        """Every code a registered value type declares."""
        return frozenset(code for t in self._types.values() for code in t.codes)

    def require(self, keys: Mapping[str, KeySpec]) -> None:
        """Raises `CatalogueError` unless every key's type is registered."""
        for spec in keys.values():
            if spec.type not in self._types:
                raise CatalogueError(f"the key `{spec.name}` has the unknown type `{spec.type}`")


# -- rules -----------------------------------------------------------------------------------------


class Applies(enum.Enum):
    """What a rule applies to; the phases run in this order."""

    NO_FRONTMATTER = "no-frontmatter"
    """A file without frontmatter (as Claude Code splits it)."""
    FRONTMATTER = "frontmatter"
    """A file with frontmatter, whatever its YAML holds (fences, YAML errors, bytes)."""
    MAPPING = "mapping"
    """A frontmatter Claude Code reads as `key: value` pairs (its lenient retry included)."""
    ENTRY = "entry"
    """Each key Claude Code reads (the last of duplicates), before its value type's check;
    the rule is called with (file, entry)."""
    FILE = "file"
    """A frontmatter read as `key: value` pairs, after every key and value: rules that look at
    several keys together, or at the body."""


@dataclass(frozen=True)
class Rule:
    """One registered rule: its function and its metadata."""

    name: str
    codes: tuple[str, ...]
    applies_to: Applies
    check: Callable[..., Iterable[Finding]]
    doc: str


class Rules(Generic[_Ctx]):
    """A dialect's rules, in registration order within each phase (`Applies`)."""

    def __init__(self) -> None:
        self._by_phase: dict[Applies, list[Rule]] = {phase: [] for phase in Applies}
        self._checks: tuple[list[Callable[..., Iterable[Finding]]], ...] = tuple(
            [] for _ in Applies
        )
        """Each phase's functions, in `Applies` order (what `run` reads: no enum hashing)."""

    def rule(
        self, *codes: str, applies_to: Applies = Applies.MAPPING
    ) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
        """Registers the decorated function as a rule emitting `codes`."""

        def register(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
            doc = (func.__doc__ or "").strip()
            self._by_phase[applies_to].append(Rule(func.__name__, codes, applies_to, func, doc))
            self._checks[list(Applies).index(applies_to)].append(func)
            return func

        return register

    def all(self) -> list[Rule]:
        return [rule for phase in Applies for rule in self._by_phase[phase]]

    def codes(self) -> frozenset[str]:
        """Every code a registered rule declares."""
        return frozenset(code for rule in self.all() for code in rule.codes)

    def run(self, file: _Ctx, value_types: ValueTypes) -> list[Finding]:
        """Returns the findings of every rule that applies to `file`, phase by phase; each key's
        value type checks its value after the key's entry rules (unless one judged it)."""
        no_frontmatter, frontmatter, mapping, entry_rules, file_rules = self._checks
        found: list[Finding] = []
        if not file.split.has_frontmatter:
            for check in no_frontmatter:
                found += check(file)
            return found
        for check in frontmatter:
            found += check(file)
        fm = file.fm
        if not fm.loaded or fm.empty or fm.not_mapping:
            return found
        for check in mapping:
            found += check(file)
        keys, by_key, judged = file.cat.keys, file.by_key, file.judged
        types = value_types.by_name
        for entry in fm.entries:
            if by_key.get(entry.key) is not entry:
                continue  # an earlier duplicate: Claude Code ignores it
            for check in entry_rules:
                found += check(file, entry)
            spec = keys.get(entry.key)
            if spec is not None and entry.key not in judged:
                found += types[spec.type].check(entry, file)
        for check in file_rules:
            found += check(file)
        return found


# -- dialects --------------------------------------------------------------------------------------


class Loaded(Protocol):
    """What Claude Code loads from a file: the name it goes by and the values it reads (a
    dialect's own dataclass adds what else it takes, e.g. an agent's body)."""

    @property
    def name(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...


SourceT = TypeVar("SourceT")
"""What a dialect reads a file's text into (`Dialect.read`), and what its rules and features
take: a `MarkdownSource` for the frontmatter dialects, a `JsonDocument` for the JSON ones."""


class Dialect(Generic[SourceT]):
    """One kind of Claude Code file, read into a `SourceT`. Subclasses set the class attributes
    and implement `read`, `load` and `check`; the feature hooks default to offering nothing."""

    name: ClassVar[str]
    """`agents`, `skills`, …: the `--dialect` name, the settings `globs` table's key."""
    title: str
    """What its files are, for people (`Claude Code sub-agent`)."""
    default_globs: tuple[str, ...]
    """Workspace-relative globs of its files (`**` spans folders), from its catalogue."""
    codes: dict[str, Code]
    catalogue: Any

    claims_outside_globs: ClassVar[bool] = False
    """Whether it also checks files outside its globs that look like its own (`claims`): the
    dialect a folder walk and the server fall back on for other Markdown."""
    globs_reach_plugins: ClassVar[bool] = False
    """Whether its default globs also match files inside plugins (whose names the plugin
    prefixes: `agent_ls.dialects.declared_name`)."""
    name_slot: ClassVar[NameSlot | None] = None
    """Where its files' names live (`declared_name`); None: its names are not compared."""
    name_policy: NamePolicy | None = None
    """Who wins a name in its namespace (from its catalogue)."""
    extension_code: ClassVar[str | None] = None
    """The code (an Error) of a file in its folders that Claude Code skips for its extension
    (`.MD`, `.txt`); None: its own rules say why (or it has no such rule)."""

    def with_settings(self, settings: Settings) -> Dialect[SourceT]:
        """This dialect with its catalogue extended by `settings` (the same object when they
        extend nothing; the last result is kept, so a keystroke costs no copy)."""
        cached = self.__dict__.get("_configured")
        if cached is not None and cached[0] is settings:
            return cached[1]  # type: ignore[no-any-return]
        extended = self.extend_catalogue(settings)
        configured = self
        if extended is not self.catalogue:
            configured = copy.copy(self)
            configured.__dict__.pop("_configured", None)
            configured.catalogue = extended
        self.__dict__["_configured"] = (settings, configured)
        return configured

    def extend_catalogue(self, settings: Settings) -> Any:
        """Its catalogue extended by the user's settings (by default: unchanged)."""
        return self.catalogue

    def globs(self, settings: Settings) -> tuple[str, ...]:
        """Its globs: the defaults, then the user's (`[globs] <name> = [...]`)."""
        return tuple(dict.fromkeys((*self.default_globs, *settings.globs.get(self.name, ()))))

    def matches(self, path: Path, root: Path | None, settings: Settings) -> bool:
        """Whether `path` matches its globs (relative to `root`); the globs of the last settings
        are kept, so a walk over 10,000 files builds them once."""
        cached = self.__dict__.get("_globs")
        if cached is None or cached[0] is not settings:
            cached = self.__dict__["_globs"] = (settings, self.globs(settings))
        return matches_globs(path, root, cached[1])

    def read(self, text: str) -> SourceT:
        """Reads a file's text into the source its rules and features work on."""
        raise NotImplementedError

    def claims(self, source: SourceT, in_globs: bool) -> bool:
        """Whether this dialect checks `source`: by default, a file matching its globs."""
        return in_globs

    def load(self, source: SourceT) -> Loaded | None:
        """What Claude Code loads from `source`; None when it does not load the file."""
        raise NotImplementedError

    def declared_name(self, path: Path, source: SourceT) -> DeclaredName | None:
        """The name Claude Code loads the file at `path` under, compared across files (None:
        it loads none, or this dialect's names are not compared)."""
        return None

    def drops(self, findings: Iterable[Finding]) -> bool:
        """Whether these findings mean Claude Code does not load the file (`dropsFile`)."""
        return any(self.codes[f.code].drops_file for f in findings if f.code in self.codes)

    def default_context(self) -> CheckContext:
        """The context of a file matching its globs, without workspace facts."""
        return CheckContext(self.catalogue)

    def check(self, source: SourceT, ctx: CheckContext) -> list[Finding]:
        """Every finding for one file, in document order."""
        raise NotImplementedError

    def complete(
        self, source: SourceT, offset: int, mcp_servers: frozenset[str] | None
    ) -> list[Candidate]:
        return []

    def hover(
        self, source: SourceT, offset: int, findings: list[Finding]
    ) -> tuple[str, int, int] | None:
        return None

    def symbols(self, source: SourceT) -> list[Symbol]:
        return []

    def swatches(self, source: SourceT) -> list[Swatch]:
        return []

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of its files (`agent-ls schema --dialect NAME`)."""
        return {}


class FrontmatterFeatures(Protocol):
    """What the generic features (`features/`: completion, hover, swatches, schema) read of a
    frontmatter dialect; `dialects.frontmatter.FrontmatterDialect` is one."""

    catalogue: Any
    value_types: ValueTypes
    schema_id: str

    @property
    def title(self) -> str: ...

    def key_schema(self, spec: KeySpec) -> dict[str, Any]:
        """What the schema says of one key beyond its value type (a key's own limits)."""
        ...
