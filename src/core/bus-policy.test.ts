import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError } from './errors/index.js';
import { DEFAULT_BUS, PROTECTED_BUSES, SYSTEM_BUS, assertBusDeletable, defaultBus, systemBus } from './bus-policy.js';

test('bus policy - the default and system buses are built in and protected; others may be deleted', () => {
  assert.deepEqual([...PROTECTED_BUSES].sort(), [DEFAULT_BUS, SYSTEM_BUS].sort());
  for (const name of PROTECTED_BUSES) {
    assert.throws(() => assertBusDeletable(name), (err) => isSwitchyardError(err) && err.code === 'SWY_STORE_BUS_PROTECTED');
  }
  assert.doesNotThrow(() => assertBusDeletable('orders'));
  assert.deepEqual(defaultBus(5000), { name: 'default', description: 'The default bus', retention: { maxAgeMs: 5000, maxCount: null } });
  assert.equal(systemBus().name, 'switchyard.system');
});
