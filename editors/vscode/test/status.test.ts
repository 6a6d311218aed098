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

  it('shows a persona action while an agent-ls progress is active', () => {
    const status = new ServerStatus();
    status.ready();
    status.progress('t1', { kind: 'begin', title: 'agent-ls: backend-engineer: review' });
    assert.equal(status.runningCount, 1);
    assert.equal(status.view().text, '$(loading~spin) agent-ls: backend-engineer: review');
    status.progress('t1', { kind: 'report', message: 'streaming: 120 characters' });
    assert.equal(status.view().text, '$(loading~spin) agent-ls: streaming: 120 characters');
    assert.match(status.view().tooltip, /backend-engineer: review — streaming: 120 characters/);
    status.progress('t1', { kind: 'report' });
    assert.match(status.view().text, /streaming: 120 characters/, 'a report without a message keeps the last one');
    status.progress('t1', { kind: 'end' });
    assert.equal(status.runningCount, 0);
    assert.equal(status.view().text, '$(check) agent-ls');
  });

  it('ignores reports and ends of tokens it never saw begin', () => {
    const status = new ServerStatus();
    status.ready();
    let calls = 0;
    status.onDidChange(() => calls++);
    status.progress('y', { kind: 'report', message: 'hi' });
    status.progress('z', { kind: 'end' });
    assert.equal(status.runningCount, 0);
    assert.equal(calls, 0);
    assert.equal(status.view().text, '$(check) agent-ls');
  });

  it("tracks the server's persona progress whatever its title", () => {
    const status = new ServerStatus();
    status.ready();
    status.progress('p', { kind: 'begin', title: 'backend-engineer: review', message: 'Sending 3 lines to claude-sonnet-5-5…' });
    assert.equal(status.view().text, '$(loading~spin) agent-ls: Sending 3 lines to claude-sonnet-5-5…');
    assert.match(status.view().tooltip, /persona action running: backend-engineer: review/);
    status.progress('p', { kind: 'end' });
    status.progress('q', { kind: 'begin', title: '' });
    assert.equal(status.view().text, '$(loading~spin) agent-ls: persona action');
  });

  it('counts concurrent actions and shows the latest', () => {
    const status = new ServerStatus();
    status.ready();
    status.progress(1, { kind: 'begin', title: 'agent-ls: a' });
    status.progress(2, { kind: 'begin', title: 'agent-ls: b', message: 'sending' });
    assert.equal(status.view().text, '$(loading~spin) agent-ls: sending (+1)');
    status.progress(2, { kind: 'end' });
    assert.equal(status.view().text, '$(loading~spin) agent-ls: a');
  });

  it('truncates long progress messages in the text but not the tooltip', () => {
    const status = new ServerStatus();
    status.ready();
    const long = 'x'.repeat(100);
    status.progress('t', { kind: 'begin', title: 'agent-ls: run', message: long });
    assert.ok(status.view().text.length < 80);
    assert.ok(status.view().tooltip.includes(long));
  });

  it('forgets running actions when the server fails or restarts', () => {
    const status = new ServerStatus();
    status.ready();
    status.progress('t', { kind: 'begin', title: 'agent-ls: run' });
    status.failed('crashed');
    assert.equal(status.runningCount, 0);
    assert.equal(status.view().isError, true);
    status.ready();
    status.progress('t', { kind: 'begin', title: 'agent-ls: run' });
    status.starting();
    assert.equal(status.runningCount, 0);
  });

  it('shows stopped', () => {
    const status = new ServerStatus();
    status.stopped();
    assert.equal(status.view().text, '$(circle-slash) agent-ls');
  });
});
