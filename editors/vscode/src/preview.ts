/**
 * The pure half of the persona edit preview: which document a server's workspace/applyEdit
 * changes, the text it would have afterwards (shown in a diff next to the current text), and the
 * answer the server reads as "the user discarded it". The VS Code half is editPreview.ts.
 */

/** The failureReason of an applyEdit the user discarded; the server reads this exact text. */
export const DISCARDED = 'discarded by the user';
export const APPLY = 'Apply';
export const DISCARD = 'Discard';

interface LspPosition {
  line: number;
  character: number;
}

export interface LspTextEdit {
  range: { start: LspPosition; end: LspPosition };
  newText: string;
}

/** The parts of an LSP WorkspaceEdit the preview reads. */
export interface LspWorkspaceEdit {
  changes?: Record<string, LspTextEdit[]>;
  documentChanges?: unknown[];
}

/** The edits of one document, and the version they were computed on (null: any). */
export interface DocumentEdits {
  uri: string;
  version: number | null;
  edits: LspTextEdit[];
}

/** An edit as offsets into the document's text. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

function isTextEdit(value: unknown): value is LspTextEdit {
  const edit = value as Partial<LspTextEdit> | null;
  return typeof edit?.newText === 'string' && typeof edit.range === 'object' && edit.range !== null;
}

/**
 * Returns the edits when `edit` changes the text of exactly one document and does nothing else
 * (what the agent-ls server sends for a persona rewrite); undefined otherwise.
 */
export function singleDocumentEdit(edit: LspWorkspaceEdit): DocumentEdits | undefined {
  const found: DocumentEdits[] = [];
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    found.push({ uri, version: null, edits });
  }
  for (const change of edit.documentChanges ?? []) {
    const textDocument = (change as { textDocument?: { uri?: unknown; version?: unknown } }).textDocument;
    const edits = (change as { edits?: unknown }).edits;
    if (typeof textDocument?.uri !== 'string' || !Array.isArray(edits) || !edits.every(isTextEdit)) {
      return undefined; // a file operation, or a shape the preview does not know
    }
    const version = typeof textDocument.version === 'number' ? textDocument.version : null;
    found.push({ uri: textDocument.uri, version, edits });
  }
  return found.length === 1 ? found[0] : undefined;
}

/** Returns `text` with every edit applied; the edits' offsets are into `text` and do not overlap. */
export function proposedText(text: string, edits: readonly OffsetEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const edit of ordered) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}

/** The title of the diff editor: "backend-engineer: harden error handling — orders.py ↔ proposed". */
export function previewTitle(label: string | undefined, fileName: string): string {
  return `${label ?? 'agent-ls'} — ${fileName} ↔ proposed`;
}
