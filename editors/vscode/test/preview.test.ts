import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { previewTitle, proposedText, singleDocumentEdit } from '../src/preview';

const range = (sl: number, sc: number, el: number, ec: number) => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

describe('singleDocumentEdit', () => {
  it('reads a versioned document change', () => {
    const edits = [{ range: range(1, 0, 2, 0), newText: 'x\n' }];
    const edit = { documentChanges: [{ textDocument: { uri: 'file:///a.py', version: 3 }, edits }] };
    assert.deepEqual(singleDocumentEdit(edit), { uri: 'file:///a.py', version: 3, edits });
  });

  it('reads plain changes (no version)', () => {
    const edits = [{ range: range(0, 0, 0, 0), newText: 'import os\n' }];
    assert.deepEqual(singleDocumentEdit({ changes: { 'file:///a.py': edits } }), { uri: 'file:///a.py', version: null, edits });
  });

  it('refuses several documents, file operations and empty edits', () => {
    const one = { textDocument: { uri: 'file:///a.py', version: 1 }, edits: [] };
    const two = { textDocument: { uri: 'file:///b.py', version: 1 }, edits: [] };
    assert.equal(singleDocumentEdit({ documentChanges: [one, two] }), undefined);
    assert.equal(singleDocumentEdit({ documentChanges: [{ kind: 'create', uri: 'file:///c.py' }] }), undefined);
    assert.equal(singleDocumentEdit({}), undefined);
  });
});

describe('proposedText', () => {
  it('applies every edit against the original offsets, whatever their order', () => {
    const text = 'import json\n\ndef f():\n    return 1\n';
    const body = text.indexOf('    return 1');
    const edits = [
      { start: body, end: body + '    return 1'.length, newText: '    return os.getpid()' },
      { start: 0, end: 0, newText: 'import os\n' },
    ];
    assert.equal(proposedText(text, edits), 'import os\nimport json\n\ndef f():\n    return os.getpid()\n');
    assert.equal(proposedText(text, [...edits].reverse()), proposedText(text, edits));
  });

  it('keeps the text when there is nothing to change', () => {
    assert.equal(proposedText('abc', []), 'abc');
  });
});

describe('previewTitle', () => {
  it('names the action and the file', () => {
    assert.equal(previewTitle('backend-engineer: harden error handling', 'orders.py'), 'backend-engineer: harden error handling — orders.py ↔ proposed');
    assert.equal(previewTitle(undefined, 'a.py'), 'agent-ls — a.py ↔ proposed');
  });
});
