import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_API_KEY_ENV, apiKeyVariable, serverEnvironment, validateApiKey } from '../src/apiKey';

describe('serverEnvironment', () => {
  it('adds the stored key under the configured variable, keeping the rest of the environment', () => {
    const base = { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'from-shell' };
    assert.deepEqual(serverEnvironment(base, 'ANTHROPIC_API_KEY', 'sk-ant-stored'), { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'sk-ant-stored' });
    assert.deepEqual(serverEnvironment(base, 'TEAM_KEY', 'sk-ant-stored'), {
      PATH: '/usr/bin',
      ANTHROPIC_API_KEY: 'from-shell',
      TEAM_KEY: 'sk-ant-stored',
    });
    assert.equal(base.ANTHROPIC_API_KEY, 'from-shell', 'the extension host environment is not changed');
  });

  it('inherits the environment unchanged when no key is stored', () => {
    assert.equal(serverEnvironment({ PATH: '/usr/bin' }, 'ANTHROPIC_API_KEY', undefined), undefined);
    assert.equal(serverEnvironment({ PATH: '/usr/bin' }, 'ANTHROPIC_API_KEY', ''), undefined);
  });
});

describe('apiKeyVariable', () => {
  it('uses the setting when it is a variable name, else the default', () => {
    assert.equal(apiKeyVariable('TEAM_KEY'), 'TEAM_KEY');
    assert.equal(apiKeyVariable(' TEAM_KEY '), 'TEAM_KEY');
    for (const bad of [undefined, '', 'has space', '1ABC', 3]) {
      assert.equal(apiKeyVariable(bad), DEFAULT_API_KEY_ENV);
    }
  });
});

describe('validateApiKey', () => {
  it('refuses empty keys and keys with whitespace inside', () => {
    assert.equal(validateApiKey('sk-ant-abc'), undefined);
    assert.ok(validateApiKey('   '));
    assert.ok(validateApiKey('sk-ant abc'));
  });
});
