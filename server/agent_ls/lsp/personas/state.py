"""What persona actions keep on a server (`PersonaState`), the command names, and the diagnostics
of the review findings kept on a document's lines (this module never needs the server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lsprotocol import types

from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import range_of
from agent_ls.personas.agents import PersonaDirectory
from agent_ls.personas.client import MessagesApi
from agent_ls.personas.session import LineFinding

RUN_COMMAND = "agentLs.persona.run"
LIST_COMMAND = "agentLs.persona.list"
FOLLOW_UP_COMMAND = "agentLs.persona.followUp"
CHOOSE_COMMAND = "agentLs.persona.choose"
REPORTS_COMMAND = "agentLs.persona.reports"
CLEAR_FINDINGS_COMMAND = "agentLs.persona.clearFindings"
NOT_OFFERED_COMMAND = "agentLs.persona.notOffered"
FIX_ACTION = "fix-finding"
"""The id of the rewrite a finding's quick fix runs ("Ask <agent> to fix this")."""
FINDING_DATA = "persona-finding"
"""`data.kind` of a finding's diagnostic (its quick fix is found by it)."""
SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Hint,
}
Status = Literal["applied", "edit", "shown", "failed", "cancelled", "stale", "declined"]


@dataclass
class Outcome:
    """How a run ended; the command returns it to the client as JSON."""

    status: Status
    message: str = ""
    edit: types.WorkspaceEdit | None = None
    document: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.document:
            out["document"] = self.document
        return out


@dataclass(frozen=True)
class KeptFinding:
    """A review's finding shown on the reviewed document, while the text of its lines (0-based
    `first`..`last`) is still `lines`."""

    agent: str
    finding: LineFinding
    first: int
    last: int
    lines: str
    report: str | None
    """The report's URI (the diagnostic's related information points at it)."""


@dataclass
class PersonaState:
    """What persona actions keep on a server."""

    directory: PersonaDirectory = field(default_factory=PersonaDirectory)
    api: MessagesApi = field(default_factory=MessagesApi)
    scanned_for: tuple[Path | None, tuple[str, ...]] | None = None
    rescanning: bool = False
    warming: bool = False
    report_dir: Path | None = None
    """The server's temporary folder of diffs."""
    reports: int = 0
    kept_reports: tuple[Path | None, Path] | None = None
    """The workspace root and the folder its reports are kept in (`reports.report_folder`)."""
    workspace_trusted: bool | None = None
    """The trust the client last notified (agentLs/workspaceTrust); None: as at initialize."""
    findings: dict[str, list[KeptFinding]] = field(default_factory=dict)
    """By URI: the findings of reviews shown on the document's lines."""
    cache_noted: set[tuple[str, str]] = field(default_factory=set)
    """(agent, model) pairs already logged as too short for the prompt cache."""
    hinted: set[tuple[str, str]] = field(default_factory=set)
    """(agent, model) pairs already logged as not offered (the API refuses the model)."""
    edits_sent: dict[str, tuple[Any, int | None]] = field(default_factory=dict)
    """By URI: the open document and version the last workspace/applyEdit was computed on. Until
    the editor's didChange arrives, another run on that same version must not apply (an edit
    without a version, as sent to clients without documentChanges, would land on shifted text)."""

    def scan(self, root: Path | None, globs: tuple[str, ...]) -> None:
        """Re-reads the workspace's agent files now (blocking: call it when agent files change on
        disk, in a worker thread where it can be)."""
        self.directory.scan(root, globs)
        self.scanned_for = (root, globs)

    def finding_diagnostics(self, uri: str, text: str, encoding: str) -> list[types.Diagnostic]:
        """Returns the diagnostics of the review findings kept on `uri` whose lines still hold the
        text they were reviewed with (the others are dropped for good: an edit touched them)."""
        kept = self.findings.get(uri)
        if not kept:
            return []
        index = LineIndex(text, encoding)
        line_count = text.count("\n") + 1
        still = [
            k
            for k in kept
            if k.last < line_count
            and text[index.line_start(k.first) : index.line_end(k.last)] == k.lines
        ]
        if len(still) != len(kept):
            self.findings[uri] = still
        return [finding_diagnostic(k, index) for k in still]


def finding_diagnostic(kept: KeptFinding, index: LineIndex) -> types.Diagnostic:
    finding = kept.finding
    start = index.line_start(kept.first)
    start += len(kept.lines) - len(kept.lines.lstrip())  # from the first non-blank character
    related = None
    if kept.report:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=kept.report, range=types.Range(types.Position(0, 0), types.Position(0, 0))
                ),
                message=f"{kept.agent}'s report",
            )
        ]
    task = f"Fix this problem a review found: {finding.title}"
    if finding.detail:
        task += f"\n\n{finding.detail}"
    return types.Diagnostic(
        range=range_of(index, min(start, index.line_end(kept.last)), index.line_end(kept.last)),
        message=f"{finding.title}\n{finding.detail}".strip(),
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Hint),
        source=kept.agent,
        code=finding.severity,
        related_information=related,
        data={"kind": FINDING_DATA, "agent": kept.agent, "task": task},
    )
