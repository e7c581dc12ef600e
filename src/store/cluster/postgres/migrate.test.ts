// Migrations of the PostgreSQL schema: several nodes starting at once migrate once; a schema
// newer than the code is refused; an unreachable server is a clear SWY_STORE_UNAVAILABLE.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock, isSwitchyardError } from '../../../core/index.js';
import { openPostgresPorts, pgMigrations } from './index.js';
import { dropSchema, freshSchema, requirePostgres, testPostgresUrl } from './postgres-test-db.fixture.js';

const URL = testPostgresUrl(process.env);
const schemas: string[] = [];
const clock = new ManualClock();
const fresh = (): string => {
  const s = freshSchema();
  schemas.push(s);
  return s;
};
const open = (schema: string, url = URL) => openPostgresPorts({ url, schema, clock, defaultRetentionMaxAgeMs: 1000, poolSize: 2 });

before(() => requirePostgres(URL));
after(async () => {
  for (const s of schemas) await dropSchema(URL, s);
});

describe('postgres migrations', () => {
  test('migrations - three nodes opening a new schema at once run each migration once', async () => {
    const schema = fresh();
    const nodes = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      const { rows } = await nodes[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), pgMigrations.map((m) => m.version));
      assert.deepEqual((await nodes[1]!.catalog.buses.list()).map((b) => b.name), ['default'], 'one default bus');
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  test('migrations - a schema migrated by a newer server is refused with SWY_STORE_NEWER_SCHEMA', async () => {
    const schema = fresh();
    const first = await open(schema);
    await first.pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
    await first.close();
    await assert.rejects(open(schema), (e) => isSwitchyardError(e) && e.code === 'SWY_STORE_NEWER_SCHEMA');
  });

  test('migrations - an unreachable server is refused with SWY_STORE_UNAVAILABLE naming it, without its password', async () => {
    // Port 1 on loopback: nothing listens there.
    const err = await open(fresh(), 'postgres://postgres:secret@127.0.0.1:1/postgres').then(() => undefined, (e: unknown) => e);
    assert.ok(isSwitchyardError(err) && err.code === 'SWY_STORE_UNAVAILABLE', String(err));
    assert.match(err.message, /127\.0\.0\.1:1/);
    assert.doesNotMatch(err.message, /secret/);
  });

  test('migrations - a schema name that is not a plain identifier is refused before any SQL', async () => {
    await assert.rejects(open('x"; DROP SCHEMA public; --'), /lower-case letters/);
  });
});
