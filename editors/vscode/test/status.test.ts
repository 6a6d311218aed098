import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServerStatus } from '../src/status';

describe('ServerStatus', () => {
  it('starts stopped and follows starting → ready → error', () => {
    const status = new ServerStatus();
    assert.equal(status.phase, 'stopped');
    status.starting('/venv/bin/agent-ls serve');
    assert.equal(status.view().text, '$(sync~spin) agent-ls');
    assert.match(status.view().tooltip, /starting[\s\S]*\/venv\/bin\/agent-ls serve/);
    status.ready();
    assert.deepEqual(status.view(), {
      text: '$(check) agent-ls',
      tooltip: 'agent-ls: ready',
      isError: false,
      command: 'agentLs.showOutput',
    });
    status.failed('agent-ls was not found');
    const view = status.view();
    assert.equal(view.isError, true);
    assert.equal(view.command, 'agentLs.showOutput');
    assert.match(view.tooltip, /agent-ls was not found[\s\S]*Click to show the output/);
  });

  it('notifies listeners on every change until unsubscribed', () => {
    const status = new ServerStatus();
    let calls = 0;
    const unsubscribe = status.onDidChange(() => calls++);
    status.starting();
    status.ready();
    unsubscribe();
    status.stopped();
    assert.equal(calls, 2);
  });

  it('shows stopped', () => {
    const status = new ServerStatus();
    status.stopped();
    assert.equal(status.view().text, '$(circle-slash) agent-ls');
  });
});
