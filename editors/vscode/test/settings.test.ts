import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { PERSONA_KEYS, SERVER_KEYS, needsRestart, toLaunchSettings, toServerSettings } from '../src/settings';

describe('toServerSettings', () => {
  it("keeps the server's keys and drops the extension-only ones", () => {
    const section = {
      extraKeys: ['role'],
      extraTools: ['mcp__db__query'],
      agentGlobs: ['.claude/agents/**/*.md', 'agents/*.md'],
      debounceMs: 0,
      server: { command: ['/x/agent-ls'], pythonPath: '' },
      trace: { server: 'verbose' },
      personas: { defaultModel: 'claude-opus-4-5', secrets: 'refuse', maxTokens: 100, somethingElse: 1 },
    };
    assert.deepEqual(toServerSettings(section), {
      extraKeys: ['role'],
      extraTools: ['mcp__db__query'],
      agentGlobs: ['.claude/agents/**/*.md', 'agents/*.md'],
      debounceMs: 0,
      personas: { defaultModel: 'claude-opus-4-5', secrets: 'refuse', maxTokens: 100 },
    });
  });

  it('passes values through unvalidated (the server reports bad ones) but drops null and undefined', () => {
    assert.deepEqual(toServerSettings({ debounceMs: 'soon', extraKeys: null, personas: { baseUrl: undefined } }), {
      debounceMs: 'soon',
    });
  });

  it('returns an empty object for anything but an object', () => {
    for (const raw of [undefined, null, 3, 'x', ['a']]) {
      assert.deepEqual(toServerSettings(raw), {});
    }
  });
});

describe('toLaunchSettings', () => {
  it('reads the command and interpreter, ignoring values of the wrong type', () => {
    assert.deepEqual(toLaunchSettings({ command: ['/a/agent-ls', 3, 'serve'], pythonPath: '/py' }), {
      command: ['/a/agent-ls', 'serve'],
      pythonPath: '/py',
    });
    assert.deepEqual(toLaunchSettings({ command: 'agent-ls', pythonPath: 7 }), { command: [], pythonPath: '' });
    assert.deepEqual(toLaunchSettings(undefined), { command: [], pythonPath: '' });
  });
});

describe('needsRestart', () => {
  it('restarts for agentLs.server.* only', () => {
    assert.equal(needsRestart((s) => s === 'agentLs.server'), true);
    assert.equal(needsRestart((s) => s === 'agentLs' || s === 'agentLs.extraKeys'), false);
  });
});

describe('package.json declares every setting', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { description?: string; markdownDescription?: string; scope?: string }> } };
  };
  const properties = manifest.contributes.configuration.properties;

  it('for the server, the personas and the extension, each with a description and a scope', () => {
    const expected = [
      ...SERVER_KEYS.map((k) => `agentLs.${k}`),
      ...PERSONA_KEYS.map((k) => `agentLs.personas.${k}`),
      'agentLs.server.command',
      'agentLs.server.pythonPath',
      'agentLs.trace.server',
    ];
    assert.deepEqual(Object.keys(properties).sort(), expected.sort());
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(property.description ?? property.markdownDescription, `${key} has a description`);
      assert.ok(property.scope, `${key} has a scope`);
    }
  });

  it('lets only the user choose where code and credentials go (not a workspace)', () => {
    for (const key of ['agentLs.personas.baseUrl', 'agentLs.personas.apiKeyEnv']) {
      assert.ok(['application', 'machine'].includes(properties[key]?.scope ?? ''), `${key} has scope ${properties[key]?.scope}`);
    }
  });
});
