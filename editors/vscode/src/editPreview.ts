/**
 * Persona rewrites are shown before they are applied: the server sends them with
 * workspace/applyEdit (and knows from the client capability `experimental.agentLs.previewEdits`
 * that this extension shows them), the extension opens a diff of the current text against the
 * proposed text (a virtual document) and asks Apply / Discard. Apply applies the edit at once, if
 * the document has not changed meanwhile; Discard (or closing the question) applies nothing and
 * tells the server so. One click, and the user has seen exactly what changes. With
 * `agentLs.personas.confirm` = `never` the edit is applied at once, as the server intends.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type ApplyWorkspaceEditParams,
  type ApplyWorkspaceEditRequest,
  type ApplyWorkspaceEditResult,
  CancellationToken,
  type ResponseError,
} from 'vscode-languageclient/node';

import { APPLY, DISCARD, DISCARDED, type LspTextEdit, previewTitle, proposedText, singleDocumentEdit } from './preview';

export const PROPOSED_SCHEME = 'agent-ls-proposed';

type Result = ApplyWorkspaceEditResult | ResponseError<void>;

export class EditPreview implements vscode.Disposable {
  private readonly proposed = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private count = 0;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.proposed.get(uri.toString()) ?? '',
    });
  }

  /** Whether rewrites are confirmed (agentLs.personas.confirm, the setting the server reads too). */
  private confirms(): boolean {
    return vscode.workspace.getConfiguration('agentLs.personas').get<string>('confirm', 'always') !== 'never';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }

  /** The middleware of workspace/applyEdit: shows the diff, then applies (`next`) or discards. */
  async handle(params: ApplyWorkspaceEditParams, next: ApplyWorkspaceEditRequest.HandlerSignature): Promise<Result> {
    const target = singleDocumentEdit(params.edit);
    if (target === undefined || !this.confirms()) {
      // Not a rewrite of one document, or the user chose agentLs.personas.confirm = never.
      return next(params, CancellationToken.None);
    }
    const uri = vscode.Uri.parse(target.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (target.version !== null && document.version !== target.version) {
      return { applied: false, failureReason: 'the document changed' };
    }
    const version = document.version;
    const proposedUri = uri.with({ scheme: PROPOSED_SCHEME, query: String(++this.count) });
    this.proposed.set(proposedUri.toString(), proposedText(document.getText(), offsets(document, target.edits)));
    try {
      const title = previewTitle(params.label, path.basename(uri.path));
      await vscode.commands.executeCommand('vscode.diff', uri, proposedUri, title, { preview: true });
      const picked = await vscode.window.showInformationMessage(
        `${params.label ?? 'agent-ls'}: apply the change shown in the diff?`,
        APPLY,
        DISCARD,
      );
      if (picked !== APPLY) {
        return { applied: false, failureReason: DISCARDED };
      }
      if (document.isClosed || document.version !== version) {
        return { applied: false, failureReason: 'the document changed while its diff was shown' };
      }
      return await next(params, CancellationToken.None);
    } finally {
      await closeTabsShowing(proposedUri);
      this.proposed.delete(proposedUri.toString());
    }
  }
}

function offsets(document: vscode.TextDocument, edits: readonly LspTextEdit[]) {
  const at = (p: { line: number; character: number }) => document.offsetAt(new vscode.Position(p.line, p.character));
  return edits.map((edit) => ({ start: at(edit.range.start), end: at(edit.range.end), newText: edit.newText }));
}

async function closeTabsShowing(proposed: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString());
  if (tabs.length > 0) {
    await vscode.window.tabGroups.close(tabs);
  }
}
