"""Domain values → LSP types (and back, for fixes carried in diagnostic data)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from agent_ls.core.textindex import LineIndex

if TYPE_CHECKING:
    from agent_ls.core.findings import Finding, Fix
    from agent_ls.dialects.agents.catalogue import Catalogue
    from agent_ls.features.results import Candidate, Swatch, Symbol

SOURCE = "agent-ls"


def range_of(index: LineIndex, start: int, end: int) -> types.Range:
    (sl, sc), (el, ec) = index.position(start), index.position(end)
    return types.Range(
        start=types.Position(line=sl, character=sc), end=types.Position(line=el, character=ec)
    )


def diagnostic(
    finding: Finding, index: LineIndex, uri: str, version: int | None
) -> types.Diagnostic:
    """Returns the LSP diagnostic; its `data` carries the fixes, already in LSP coordinates."""
    data: dict[str, Any] = {"uri": uri, "version": version}
    if finding.fixes:
        data["fixes"] = [fix_json(fix, index, uri) for fix in finding.fixes]
    tags = [types.DiagnosticTag.Unnecessary] if finding.code in ("AL301", "AL411") else None
    return types.Diagnostic(
        range=range_of(index, finding.start, finding.end),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        code_description=None,
        source=SOURCE,
        tags=tags,
        data=data,
    )


def fix_json(fix: Fix, index: LineIndex, uri: str) -> dict[str, Any]:
    """A fix as a diagnostic's `data` carries it: edits in LSP coordinates, and the URI a fix
    that renames the file moves it to (`rename`)."""
    out: dict[str, Any] = {
        "title": fix.title,
        "preferred": fix.preferred,
        "edits": [
            {"range": range_to_json(range_of(index, e.start, e.end)), "newText": e.text}
            for e in fix.edits
        ],
    }
    path = to_fs_path(uri) if fix.rename is not None and uri.startswith("file:") else None
    if fix.rename is not None and path:
        from agent_ls.core.renames import target_of

        out["rename"] = from_fs_path(str(target_of(Path(path), fix.rename)))
    return out


def range_to_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def range_from_json(raw: Any) -> types.Range:
    return types.Range(
        start=types.Position(line=raw["start"]["line"], character=raw["start"]["character"]),
        end=types.Position(line=raw["end"]["line"], character=raw["end"]["character"]),
    )


DocumentChange = types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
"""One entry of a workspace edit's `documentChanges`."""


def quick_fixes(
    params: types.CodeActionParams, version: int | None, renames_files: bool
) -> list[types.CodeAction]:
    """Returns quick fixes for the diagnostics in the request, read from their `data`.

    A fix is offered only for a diagnostic computed on the document's current `version` (its
    `data` says which): the fix's ranges belong to that text, so a fix from an older diagnostic
    would land in the wrong place. The client re-requests code actions with the new diagnostics.
    Each edit carries that version, so a client applying it to newer text refuses. A fix that
    renames the file is offered only to a client that `renames_files`; its text edits come
    first, then the `RenameFile` (never over an existing file).
    """
    only = params.context.only
    if only and not any(k.startswith(types.CodeActionKind.QuickFix) for k in only):
        return []
    actions: list[types.CodeAction] = []
    uri = params.text_document.uri
    for diag in params.context.diagnostics:
        data = diag.data if isinstance(diag.data, dict) else None
        if diag.source != SOURCE or not data or data.get("version") != version:
            continue
        for fix in data.get("fixes", []):
            rename = fix.get("rename")
            if rename is not None and not renames_files:
                continue
            edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
                types.TextEdit(range=range_from_json(e["range"]), new_text=e["newText"])
                for e in fix["edits"]
            ]
            if not edits and rename is None:
                continue  # nothing to do (a rename of a document that is no file)
            changes: list[DocumentChange] = []
            if edits:
                document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
                changes.append(types.TextDocumentEdit(text_document=document, edits=edits))
            if rename is not None:
                keep = types.RenameFileOptions(overwrite=False, ignore_if_exists=False)
                changes.append(types.RenameFile(old_uri=uri, new_uri=rename, options=keep))
            actions.append(
                types.CodeAction(
                    title=fix["title"],
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=bool(fix.get("preferred")),
                    edit=types.WorkspaceEdit(document_changes=changes),
                )
            )
    return actions


_ITEM_KIND = {
    "key": types.CompletionItemKind.Property,
    "tool": types.CompletionItemKind.Function,
    "value": types.CompletionItemKind.EnumMember,
    "color": types.CompletionItemKind.Color,
}


def completion_item(
    c: Candidate, index: LineIndex | None, snippets: bool, resolve_documentation: bool = False
) -> types.CompletionItem:
    """Returns the LSP item: with `index`, carrying its own text edit; without, replacing the
    list's default range (`itemDefaults.editRange`) by `textEditText` (when not the label), so one
    item serves every request (the server builds it once per catalogue). The filter text is the
    label, as clients take it by default, and plain text names no `insertTextFormat` (its default).
    With `resolve_documentation`, the documentation is left for completionItem/resolve; `data`
    carries `completion_key(c)` to find it."""
    use_snippet = snippets and c.snippet is not None
    new_text = c.snippet if use_snippet and c.snippet else c.insert_text
    return types.CompletionItem(
        label=c.label,
        kind=_ITEM_KIND[c.kind],
        detail=c.detail,
        documentation=markdown(c.documentation)
        if c.documentation and not resolve_documentation
        else None,
        data=list(completion_key(c)) if c.documentation and resolve_documentation else None,
        sort_text=c.sort or None,
        insert_text_format=types.InsertTextFormat.Snippet if use_snippet else None,  # else plain
        text_edit=types.TextEdit(range=range_of(index, c.start, c.end), new_text=new_text)
        if index is not None
        else None,
        text_edit_text=None if index is not None or new_text == c.label else new_text,
    )


def completion_key(c: Candidate) -> tuple[str, str, str]:
    """What tells a candidate's documentation apart: (kind, label, detail)."""
    return c.kind, c.label, c.detail


def markdown(text: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)


_SYMBOL_KIND = {
    "frontmatter": types.SymbolKind.Namespace,
    "key": types.SymbolKind.Property,
    "heading": types.SymbolKind.String,
    "object": types.SymbolKind.Object,
    "array": types.SymbolKind.Array,
    "string": types.SymbolKind.String,
    "number": types.SymbolKind.Number,
    "boolean": types.SymbolKind.Boolean,
    "null": types.SymbolKind.Null,
    "undefined": types.SymbolKind.Null,  # a key without a value (while it is being typed)
}


def symbol(s: Symbol, index: LineIndex) -> types.DocumentSymbol:
    r = range_of(index, s.start, s.end)
    line_end = index.text.find("\n", s.start)
    selection = range_of(
        index, s.start, min(s.end, len(index.text) if line_end == -1 else line_end)
    )
    return types.DocumentSymbol(
        name=s.name or "(empty)",
        kind=_SYMBOL_KIND[s.kind],
        range=r,
        selection_range=selection if _contains(r, selection) else r,
        detail=s.detail or None,
        children=[symbol(c, index) for c in s.children],
    )


def _contains(outer: types.Range, inner: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


def folding_ranges(symbols: list[Symbol], index: LineIndex) -> list[types.FoldingRange]:
    out: list[types.FoldingRange] = []

    def visit(items: list[Symbol]) -> None:
        for s in items:
            if s.kind == "key":
                continue
            start, end = index.position(s.start)[0], index.position(s.end)[0]
            if end > start:
                kind = types.FoldingRangeKind.Region if s.kind == "frontmatter" else None
                out.append(types.FoldingRange(start_line=start, end_line=end, kind=kind))
            visit(s.children)

    visit(symbols)
    return out


def color_information(s: Swatch, index: LineIndex) -> types.ColorInformation:
    red, green, blue = (int(s.hex[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return types.ColorInformation(
        range=range_of(index, s.start, s.end),
        color=types.Color(red=red, green=green, blue=blue, alpha=1.0),
    )


def color_presentations(
    params: types.ColorPresentationParams, cat: Catalogue
) -> list[types.ColorPresentation]:
    """Claude Code takes only the 8 names: offer the nearest name for the picked color."""
    c = params.color
    picked = "#" + "".join(f"{round(v * 255):02x}" for v in (c.red, c.green, c.blue))
    nearest = cat.nearest_color(picked)
    names = [nearest] if nearest else []
    names += [n for n in cat.colors if n not in names]
    return [
        types.ColorPresentation(label=n, text_edit=types.TextEdit(range=params.range, new_text=n))
        for n in names[:1]
    ]
