// PostgreSQL for the cluster backend's tests: the server named by SWITCHYARD_TEST_POSTGRES_URL
// (default: the machine's, trust auth), one fresh schema per case, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import pg from 'pg';
import type { Clock } from '../../../core/index.js';
import { openPostgresPorts, type PostgresPorts } from './index.js';

/** The test server's URL from the test's environment (tests read it; src code takes config). */
export const testPostgresUrl = (env: Readonly<Record<string, string | undefined>>): string =>
  env.SWITCHYARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A random schema name for one case. */
export const freshSchema = (): string => `swy_test_${randomBytes(6).toString('hex')}`;

/** Fails loudly (with the URL and the cause) when the test server cannot be reached. */
export async function requirePostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is required for these tests and is not reachable at ${url} (set SWITCHYARD_TEST_POSTGRES_URL): ${(err as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * The PostgreSQL ports one test file works on: opened on a fresh schema of the test server (named
 * by the test's `env`, see testPostgresUrl) before its tests, failing loudly when the server is
 * missing; closed, and the schema dropped, after them.
 * Returns a getter: the ports exist only once the file's `before` ran.
 */
export function postgresPortsForFile(env: Readonly<Record<string, string | undefined>>, clock: Clock): () => PostgresPorts {
  const url = testPostgresUrl(env);
  const schema = freshSchema();
  let ports: PostgresPorts | undefined;
  before(async () => {
    await requirePostgres(url);
    ports = await openPostgresPorts({ url, schema, clock, defaultRetentionMaxAgeMs: 864e5, poolSize: 2 });
  });
  after(async () => {
    await ports?.close();
    await dropSchema(url, schema);
  });
  return () => {
    if (ports === undefined) throw new Error('the PostgreSQL ports are not open (used outside a test?)');
    return ports;
  };
}
