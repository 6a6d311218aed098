import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bundledWheel,
  chooseInterpreter,
  installFailureMessage,
  installLayout,
  installPlan,
  isCurrent,
  manualCommand,
  parseVersion,
  stampText,
  updatePlan,
} from '../src/install';

const WHEEL = '/ext/dist/server/agent_ls-0.2.0-py3-none-any.whl';

describe('installLayout', () => {
  it('keeps the environment and its stamp in the global storage folder', () => {
    assert.deepEqual(installLayout('/gs', 'linux'), {
      venv: '/gs/server-env',
      python: '/gs/server-env/bin/python',
      server: '/gs/server-env/bin/agent-ls',
      stamp: '/gs/server-env.json',
    });
  });

  it('uses Scripts\\*.exe on Windows', () => {
    const layout = installLayout('/gs', 'win32');
    assert.match(layout.python, /Scripts.python\.exe$/);
    assert.match(layout.server, /Scripts.agent-ls\.exe$/);
  });
});

describe('bundledWheel and isCurrent', () => {
  it('finds the agent-ls wheel among the bundled files', () => {
    assert.equal(bundledWheel(['README', 'agent_ls-0.2.0-py3-none-any.whl']), 'agent_ls-0.2.0-py3-none-any.whl');
    assert.equal(bundledWheel(['other-1.0-py3-none-any.whl']), undefined);
    assert.equal(bundledWheel([]), undefined);
  });

  it('is current only when the stamp names the bundled wheel, so a new extension version reinstalls', () => {
    const name = 'agent_ls-0.2.0-py3-none-any.whl';
    assert.equal(isCurrent(stampText(name), name), true);
    assert.equal(isCurrent(stampText('agent_ls-0.1.0-py3-none-any.whl'), name), false);
    assert.equal(isCurrent(undefined, name), false);
    assert.equal(isCurrent('{not json', name), false);
  });
});

describe('chooseInterpreter', () => {
  it('takes the first candidate at least Python 3.10', () => {
    const choice = chooseInterpreter([
      { origin: "the Python extension's interpreter", path: '/old/python', version: '3.9' },
      { origin: 'python3 on PATH', path: '/usr/bin/python3', version: '3.11' },
      { origin: 'python on PATH', path: '/usr/bin/python', version: '3.12' },
    ]);
    assert.deepEqual(choice, { ok: true, python: '/usr/bin/python3' });
    assert.deepEqual(chooseInterpreter([{ origin: 'x', path: '/p', version: '4.0' }]), { ok: true, python: '/p' });
  });

  it('says what each candidate was when none fits', () => {
    const choice = chooseInterpreter([
      { origin: "the Python extension's interpreter", path: '/old/python', version: '3.9' },
      { origin: 'python3 on PATH', path: '/usr/bin/python3', version: undefined },
    ]);
    assert.deepEqual(choice, {
      ok: false,
      reason:
        "agent-ls needs Python ≥ 3.10 to install (the Python extension's interpreter `/old/python` is Python 3.9; " +
        'python3 on PATH `/usr/bin/python3` did not run).',
    });
    assert.match((chooseInterpreter([]) as { reason: string }).reason, /no python3 on PATH/);
  });

  it('parses major.minor', () => {
    assert.deepEqual(parseVersion('3.10\n'), [3, 10]);
    assert.equal(parseVersion('Python'), undefined);
    assert.equal(parseVersion(undefined), undefined);
  });
});

describe('installPlan', () => {
  const layout = installLayout('/gs', 'linux');
  const steps = installPlan(layout, '/usr/bin/python3', WHEEL);

  it('recreates the environment, then installs the wheel with its dependencies into it', () => {
    assert.deepEqual(
      steps.map((step) => [step.command, ...step.args]),
      [
        ['/usr/bin/python3', '-m', 'venv', '--clear', '/gs/server-env'],
        ['/gs/server-env/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', WHEEL],
      ],
    );
  });

  it('gives the command to run by hand', () => {
    assert.equal(
      manualCommand(steps),
      `/usr/bin/python3 -m venv --clear /gs/server-env && /gs/server-env/bin/python -m pip install --disable-pip-version-check --no-input ${WHEEL}`,
    );
  });

  it("says which step failed, with pip's last lines and the manual command", () => {
    const pipOutput = [
      'Processing /ext/dist/server/agent_ls-0.2.0-py3-none-any.whl',
      'Collecting pygls>=2',
      '',
      '  ERROR: Could not find a version that satisfies the requirement pygls>=2 (from agent-ls) (from versions: none)',
      'ERROR: No matching distribution found for pygls>=2',
    ].join('\n');
    const message = installFailureMessage(steps[1]!, pipOutput, steps);
    assert.ok(message.startsWith('agent-ls: installing the server failed while installing agent-ls and its dependencies'), message);
    assert.ok(message.includes('ERROR: No matching distribution found for pygls>=2'), message);
    assert.ok(message.includes('Collecting pygls>=2 |'), 'earlier lines are kept, joined');
    assert.ok(message.endsWith(`To install by hand, run: ${manualCommand(steps)}`), message);
    assert.ok(installFailureMessage(steps[0]!, '', steps).includes('(no output)'));
  });
});

describe('updatePlan', () => {
  it('replaces agent-ls in the existing environment, then adds any new dependencies', () => {
    const pip = ['/gs/server-env/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
    assert.deepEqual(
      updatePlan(installLayout('/gs', 'linux'), WHEEL).map((step) => [step.command, ...step.args]),
      [
        [...pip, '--force-reinstall', '--no-deps', WHEEL],
        [...pip, WHEEL],
      ],
    );
  });
});
