// PostgreSQL for the cluster backend's tests: the server named by SWITCHYARD_TEST_POSTGRES_URL
// (default: the machine's, trust auth), one fresh schema per case, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
