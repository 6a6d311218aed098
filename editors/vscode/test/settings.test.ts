import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
  PERSONA_KEYS,
  SERVER_KEYS,
  needsRestart,
  settingOrigin,
  settingScopes,
  toLaunchSettings,
  toServerSettings,
} from '../src/settings';

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

  it('names the scope each set value was read from', () => {
    const inspections = {
      command: { globalLocalValue: ['/local/agent-ls'], globalRemoteValue: ['/remote/agent-ls'], globalValue: ['/remote/agent-ls'] },
      pythonPath: {},
    };
    assert.deepEqual(
      toLaunchSettings({ command: ['/remote/agent-ls'], pythonPath: '' }, (setting) => inspections[setting]),
      { command: ['/remote/agent-ls'], pythonPath: '', origins: { command: 'Remote settings' } },
    );
  });
});

describe('settingOrigin', () => {
  it('names the most specific scope that sets the value', () => {
    assert.equal(settingOrigin({ globalValue: 1 }), 'User settings');
    assert.equal(settingOrigin({ globalLocalValue: 1, globalValue: 1 }), 'User settings');
    assert.equal(settingOrigin({ globalLocalValue: 1, globalRemoteValue: 2, globalValue: 2 }), 'Remote settings');
    assert.equal(settingOrigin({ globalValue: 1, workspaceValue: 2 }), 'Workspace settings');
    assert.equal(settingOrigin({ workspaceValue: 2, workspaceFolderValue: 3 }), 'Workspace Folder settings');
    assert.equal(settingOrigin({}), undefined);
    assert.equal(settingOrigin(undefined), undefined);
  });

  it('says which scopes a window reads', () => {
    assert.equal(settingScopes(true), 'User, Remote or Workspace settings');
    assert.equal(settingScopes(false), 'User or Workspace settings');
  });
});

describe('needsRestart', () => {
  it('restarts for agentLs.server.* and the API key variable only', () => {
    assert.equal(needsRestart((s) => s === 'agentLs.server'), true);
    assert.equal(needsRestart((s) => s === 'agentLs.personas.apiKeyEnv'), true);
    assert.equal(needsRestart((s) => s === 'agentLs' || s === 'agentLs.extraKeys' || s === 'agentLs.personas'), false);
  });
});

describe('package.json declares every setting', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, { description?: string; markdownDescription?: string; scope?: string }> };
      configurationDefaults: Record<string, unknown>;
    };
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

  it('declares the server settings window-scoped, so User settings also count in remote windows', () => {
    // In a remote window (measured in code-server 4.139) the Settings UI lists machine and
    // machine-overridable settings on the Remote tab only, not on the User tab.
    assert.equal(properties['agentLs.server.command']?.scope, 'window');
    assert.equal(properties['agentLs.server.pythonPath']?.scope, 'window');
  });

  it("opens Claude agent files as Markdown, not in VS Code's own Agent mode", () => {
    assert.deepEqual(manifest.contributes.configurationDefaults['files.associations'], { '**/.claude/agents/**/*.md': 'markdown' });
  });

  it('lets only the user choose where code and credentials go (not a workspace)', () => {
    for (const key of ['agentLs.personas.baseUrl', 'agentLs.personas.apiKeyEnv']) {
      assert.ok(['application', 'machine'].includes(properties[key]?.scope ?? ''), `${key} has scope ${properties[key]?.scope}`);
    }
  });
});
