import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../core/index.js';
import { SqliteStore } from '../../store/index.js';
import { SecretBox } from '../connections/secret-box.js';
import { SigningKeyring } from './keyring.js';

test('keyring - a rotation written by another keyring (another node) reaches this one\'s cache through the change feed', async () => {
  const store = new SqliteStore({ dataDir: ':memory:', durability: 'process', groupCommitMaxEvents: 100, dedupeWindowMs: 1000, defaultRetentionMaxAgeMs: 1000, sweepBatch: 100, clock: new ManualClock() });
  try {
    const box = new SecretBox(randomBytes(32));
    const here = new SigningKeyring(store.catalog.connections, box);
    const there = new SigningKeyring(store.catalog.connections, box);
    store.catalog.watch((c) => {
      if (c.type === 'signing-secrets') here.secretsChanged(c.target);
    });
    const ref = { bus: 'default', rule: 'r', targetId: 't' };
    const first = await here.activeSecrets(ref, 1000);
    assert.equal(first.length, 1);
    const rotated = await there.rotate(ref, 2000, 60_000);
    assert.deepEqual(await here.activeSecrets(ref, 2000), rotated.map((e) => e.secret));
    assert.equal((await here.activeSecrets(ref, 2000)).length, 2);
  } finally {
    await store.close();
  }
});
