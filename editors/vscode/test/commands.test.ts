import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { ClientCommand, commandsToRegister, describeCheckResult } from '../src/commands';

describe('commands', () => {
  it('leaves server commands that the extension registers itself to the extension', () => {
    // agentLs.persona.run: the extension runs it with a progress notification that has Cancel.
    // agentLs.persona.choose: a QuickPick of the agent's actions; the palette's persona commands.
    const server = [
      'agentLs.checkWorkspace',
      'agentLs.persona.run',
      'agentLs.persona.list',
      'agentLs.persona.choose',
      'agentLs.persona.followUp',
      'agentLs.persona.reports',
      'agentLs.persona.clearFindings',
      'agentLs.persona.notOffered',
    ];
    assert.deepEqual(commandsToRegister(server), ['agentLs.persona.list']);
    assert.deepEqual(commandsToRegister(undefined), []);
  });

  it('are all contributed in package.json', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      Object.values(ClientCommand).sort(),
    );
  });
});

describe('describeCheckResult', () => {
  it("summarises the server's counts", () => {
    assert.equal(
      describeCheckResult({ files: 3, errors: 1, warnings: 0 }),
      'agent-ls: checked 3 agent files: 1 error, 0 warnings. See the Problems panel.',
    );
  });

  it('shows a string result as is and falls back for anything else', () => {
    assert.equal(describeCheckResult('done'), 'done');
    assert.equal(describeCheckResult(null), 'agent-ls: checked the workspace. See the Problems panel.');
    assert.equal(describeCheckResult({ files: '3' }), 'agent-ls: checked the workspace. See the Problems panel.');
  });
});
