import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Probes, describeCommand, expandVariables, resolveServerCommand } from '../src/serverCommand';

/** Probes over a fake machine: which files are executables, which interpreters have agent_ls. */
function fakeProbes(machine: {
  path?: Record<string, string>;
  executables?: string[];
  pythonsWithAgentLs?: string[];
  pythonExtension?: string;
  managed?: string;
}): Probes & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    findOnPath: async (name) => {
      calls.push(`path:${name}`);
      return machine.path?.[name];
    },
    isExecutable: async (file) => (machine.executables ?? []).includes(file),
    canImportAgentLs: async (python) => {
      calls.push(`import:${python}`);
      return (machine.pythonsWithAgentLs ?? []).includes(python);
    },
    pythonExtensionInterpreter: async () => {
      calls.push('python-extension');
      return machine.pythonExtension;
    },
    managedServer: async () => {
      calls.push('managed');
      return machine.managed;
    },
  };
}

const WHEEL = '/ext/dist/server/agent_ls-0.1.0-py3-none-any.whl';
const context = { home: '/home/u', workspaceFolder: '/ws', bundledWheel: WHEEL, scopes: 'User, Remote or Workspace settings' };
const none = { command: [], pythonPath: '' };

describe('resolveServerCommand', () => {
  it('uses the command setting first, appending serve to a lone program', async () => {
    const probes = fakeProbes({ executables: ['/ws/.venv/bin/agent-ls'], path: { 'agent-ls': '/usr/bin/agent-ls' } });
    const result = await resolveServerCommand(
      { command: ['${workspaceFolder}/.venv/bin/agent-ls'], pythonPath: '/usr/bin/python3' },
      probes,
      context,
    );
    assert.deepEqual(result, { ok: true, server: { command: '/ws/.venv/bin/agent-ls', args: ['serve'], source: 'setting:command' } });
    assert.deepEqual(probes.calls, []);
  });

  it('keeps the arguments given in the command setting and looks bare programs up on PATH', async () => {
    const probes = fakeProbes({ path: { uvx: '/usr/local/bin/uvx' } });
    const result = await resolveServerCommand({ command: ['uvx', 'agent-ls', 'serve'], pythonPath: '' }, probes, context);
    assert.deepEqual(result, { ok: true, server: { command: '/usr/local/bin/uvx', args: ['agent-ls', 'serve'], source: 'setting:command' } });
  });

  it('fails with the setting and the scope it came from named when the configured command does not exist', async () => {
    const result = await resolveServerCommand(
      { command: ['~/nope/agent-ls'], pythonPath: '', origins: { command: 'Remote settings' } },
      fakeProbes({}),
      context,
    );
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.failure.setting, 'agentLs.server.command');
    assert.equal(result.failure.offerInstall, undefined, 'a wrong setting is fixed in the setting, not by installing');
    assert.match(result.failure.message, /`\/home\/u\/nope\/agent-ls` \(agentLs\.server\.command, from Remote settings\) was not found/);
    assert.doesNotMatch(result.failure.message, /pip install agent-ls/);
  });

  it('uses the pythonPath setting when it can import agent_ls', async () => {
    const probes = fakeProbes({ pythonsWithAgentLs: ['/opt/py/bin/python'] });
    const result = await resolveServerCommand({ command: [], pythonPath: ' /opt/py/bin/python ' }, probes, context);
    assert.deepEqual(result, {
      ok: true,
      server: { command: '/opt/py/bin/python', args: ['-m', 'agent_ls', 'serve'], source: 'setting:pythonPath' },
    });
  });

  it('says how to install into the configured interpreter when it lacks agent_ls', async () => {
    const probes = fakeProbes({ path: { 'agent-ls': '/usr/bin/agent-ls' } });
    const result = await resolveServerCommand({ command: [], pythonPath: '/opt/py/bin/python' }, probes, context);
    assert.ok(!result.ok);
    assert.equal(result.failure.setting, 'agentLs.server.pythonPath');
    assert.ok(result.failure.message.includes(`\`/opt/py/bin/python -m pip install ${WHEEL}\``), result.failure.message);
    assert.ok(!probes.calls.includes('path:agent-ls'), 'an explicit setting is not silently bypassed');
  });

  it("uses the Python extension's interpreter when it has agent_ls", async () => {
    const probes = fakeProbes({ pythonExtension: '/ws/.venv/bin/python', pythonsWithAgentLs: ['/ws/.venv/bin/python'] });
    const result = await resolveServerCommand(none, probes, context);
    assert.deepEqual(result, {
      ok: true,
      server: { command: '/ws/.venv/bin/python', args: ['-m', 'agent_ls', 'serve'], source: 'python-extension' },
    });
  });

  it("falls back to PATH when the Python extension's interpreter lacks agent_ls", async () => {
    const probes = fakeProbes({ pythonExtension: '/usr/bin/python3', path: { 'agent-ls': '/usr/local/bin/agent-ls' } });
    const result = await resolveServerCommand(none, probes, context);
    assert.deepEqual(result, { ok: true, server: { command: '/usr/local/bin/agent-ls', args: ['serve'], source: 'path' } });
    assert.deepEqual(probes.calls, ['python-extension', 'import:/usr/bin/python3', 'path:agent-ls']);
  });

  it("uses the extension's own environment last", async () => {
    const probes = fakeProbes({ managed: '/storage/server-env/bin/agent-ls' });
    const result = await resolveServerCommand(none, probes, context);
    assert.deepEqual(result, { ok: true, server: { command: '/storage/server-env/bin/agent-ls', args: ['serve'], source: 'managed' } });
    assert.deepEqual(probes.calls, ['python-extension', 'path:agent-ls', 'managed']);
  });

  it('offers the install and lists everything it tried, in which scopes, when nothing works', async () => {
    const result = await resolveServerCommand(none, fakeProbes({}), context);
    assert.ok(!result.ok);
    assert.equal(result.failure.setting, undefined);
    assert.equal(result.failure.offerInstall, true);
    assert.equal(
      result.failure.message,
      'agent-ls: the language server was not found. Tried: ' +
        'agentLs.server.command (not set in User, Remote or Workspace settings); ' +
        'agentLs.server.pythonPath (not set in User, Remote or Workspace settings); ' +
        "the Python extension's interpreter (none selected, or the extension is not installed); " +
        "`agent-ls` on PATH (not found); the extension's own environment (not installed). " +
        'Choose "Install agent-ls" to install the server this extension carries into a private environment, ' +
        'or set agentLs.server.command (e.g. ["/path/to/.venv/bin/agent-ls", "serve"]) or agentLs.server.pythonPath.',
    );
  });

  it("names the Python extension's interpreter it tried", async () => {
    const result = await resolveServerCommand(none, fakeProbes({ pythonExtension: '/ws/.venv/bin/python' }), context);
    assert.ok(!result.ok);
    assert.match(result.failure.message, /the Python extension's interpreter `\/ws\/\.venv\/bin\/python` \(cannot import agent_ls\)/);
  });

  it('ignores empty parts of the command setting', async () => {
    const probes = fakeProbes({ path: { 'agent-ls': '/usr/bin/agent-ls' } });
    const result = await resolveServerCommand({ command: ['', ''], pythonPath: '' }, probes, context);
    assert.ok(result.ok);
    assert.equal(result.server.source, 'path');
  });
});

describe('expandVariables', () => {
  it('expands the home folder and the workspace folder', () => {
    assert.equal(expandVariables('~/bin/agent-ls', context), '/home/u/bin/agent-ls');
    assert.equal(expandVariables('${userHome}/x', context), '/home/u/x');
    assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', context), '/ws/.venv/bin/python');
    assert.equal(expandVariables('a~b', context), 'a~b');
  });

  it('leaves ${workspaceFolder} alone without a folder', () => {
    assert.equal(expandVariables('${workspaceFolder}/x', { home: '/h' }), '${workspaceFolder}/x');
  });
});

describe('describeCommand', () => {
  it('quotes only the parts that need it', () => {
    assert.equal(
      describeCommand({ command: '/a b/python', args: ['-m', 'agent_ls', 'serve'], source: 'setting:pythonPath' }),
      '"/a b/python" -m agent_ls serve',
    );
  });
});
