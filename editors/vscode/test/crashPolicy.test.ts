import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CrashPolicy } from '../src/crashPolicy';

describe('CrashPolicy', () => {
  it('restarts up to the limit within the window, then gives up', () => {
    const policy = new CrashPolicy(2, 1000);
    assert.equal(policy.shouldRestart(0), true);
    assert.equal(policy.shouldRestart(10), true);
    assert.equal(policy.shouldRestart(20), false);
    assert.equal(policy.recentCrashes, 3);
  });

  it('forgets exits older than the window', () => {
    const policy = new CrashPolicy(1, 1000);
    assert.equal(policy.shouldRestart(0), true);
    assert.equal(policy.shouldRestart(2000), true);
    assert.equal(policy.recentCrashes, 1);
    assert.equal(policy.shouldRestart(2500), false);
  });
});
