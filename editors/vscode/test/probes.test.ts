import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { canImportAgentLs, findOnPath, isExecutable } from '../src/probes';

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
});
