import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { canImportAgentLs, findOnPath, isExecutable, pythonVersion, runLogged } from '../src/probes';

const dir = mkdtempSync(path.join(tmpdir(), 'agent-ls-probes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
}

describe('probes', () => {
  it('finds executables on PATH and skips non-executable files', async () => {
    const runnable = script('agent-ls', 'exit 0');
    script('not-runnable', 'exit 0', 0o644);
    assert.equal(await findOnPath('agent-ls', ['/nonexistent', '', dir].join(path.delimiter)), runnable);
    assert.equal(await findOnPath('not-runnable', dir), undefined);
    assert.equal(await isExecutable(dir), false, 'a folder is not an executable');
  });

  it('tells whether an interpreter can import agent_ls', async () => {
    const good = script('python-good', 'test "$2" = "import agent_ls"');
    const bad = script('python-bad', 'echo "ModuleNotFoundError: agent_ls" >&2; exit 1');
    assert.equal(await canImportAgentLs(good), true);
    assert.equal(await canImportAgentLs(bad), false);
    assert.equal(await canImportAgentLs(path.join(dir, 'missing-python')), false);
  });

  it("reads an interpreter's major.minor version", async () => {
    assert.equal(await pythonVersion(script('python-312', 'echo 3.12')), '3.12');
    assert.equal(await pythonVersion(script('python-broken', 'exit 1')), undefined);
    assert.equal(await pythonVersion(path.join(dir, 'missing-python')), undefined);
  });

  it('runs a command, logging each output line, and reports its exit and whole output', async () => {
    const lines: string[] = [];
    const failing = script('pip-fails', 'echo Collecting pygls; echo; echo "ERROR: No matching distribution" >&2; exit 3');
    const result = await runLogged(failing, ['install', 'x.whl'], 10_000, (line) => lines.push(line));
    assert.equal(result.ok, false);
    assert.match(result.output, /Collecting pygls/);
    assert.match(result.output, /ERROR: No matching distribution/);
    assert.deepEqual(lines.sort(), ['Collecting pygls', 'ERROR: No matching distribution']);
    assert.deepEqual(await runLogged(script('ok', 'printf done'), [], 10_000, () => undefined), { ok: true, output: 'done' });
  });

  it('reports a program that cannot start, and stops one that runs too long', async () => {
    const missing = await runLogged(path.join(dir, 'no-such-python'), [], 10_000, () => undefined);
    assert.equal(missing.ok, false);
    assert.match(missing.output, /ENOENT/);
    const slow = await runLogged(script('slow', 'exec sleep 30'), [], 200, () => undefined);
    assert.equal(slow.ok, false);
    assert.match(slow.output, /stopped after 0 s/);
  });
});
