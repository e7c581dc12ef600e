import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchyardError } from '../core/index.js';
import { WriteHealth, isStoreUnavailable, retryDelayMs } from './write-health.js';

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
const bug = new TypeError('x is undefined');

function health(): { h: WriteHealth; lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg: string): void => void lines.push(`${level} ${(obj as { writer: string }).writer}: ${msg}`);
  const h = new WriteHealth({ classify: (e) => ((e as { code?: string }).code === 'SQLITE_FULL' ? 'SQLITE_FULL' : undefined), log: { info: log('info'), warn: log('warn'), error: log('error') } });
  return { h, lines };
}

test('write health - a writer failing on a storage fault is logged once until it succeeds again', () => {
  const { h, lines } = health();
  for (let i = 0; i < 5; i++) assert.equal(h.failed('index', full), true);
  assert.equal(h.failing('index')?.code, 'SQLITE_FULL');
  assert.equal(h.failing('puts'), undefined);
  h.succeeded('puts'); // another writer's success does not clear this one
  assert.equal(h.failing()?.writer, 'index');
  h.succeeded('index');
  h.succeeded('index');
  assert.equal(h.failing(), undefined);
  assert.deepEqual(lines, ['error index: store writes failing; retrying in the background', 'info index: store writes recovered']);
});

test('write health - run throws SWY_STORE_UNAVAILABLE for a storage fault and any other error as it is', () => {
  const { h } = health();
  const changes: [string, string | undefined][] = [];
  h.onChange((w, f) => changes.push([w, f?.code]));
  assert.throws(() => h.run('puts', () => { throw full; }), (e: unknown) => isStoreUnavailable(e) && isSwitchyardError(e) && e.status === 503 && e.cause === full);
  assert.throws(() => h.run('puts', () => { throw bug; }), (e: unknown) => e === bug);
  assert.equal(h.failed('other', bug), false, 'a bug is not a storage fault');
  assert.equal(h.run('puts', () => 7), 7);
  assert.deepEqual(changes, [['puts', 'SQLITE_FULL'], ['puts', undefined]]);
});

test('write health - retries back off by doubling up to the cap', () => {
  const b = { minMs: 100, maxMs: 1000 };
  assert.deepEqual([1, 2, 3, 4, 5, 60].map((n) => retryDelayMs(n, b)), [100, 200, 400, 800, 1000, 1000]);
});
