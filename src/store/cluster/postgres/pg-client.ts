import pg from 'pg';

/** Text columns hold numbers of milliseconds and sequences as int8: read them as JS numbers (all stay below 2^53). */
const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** A schema name as a quoted identifier (names are checked by {@link checkSchemaName}). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are plain lower-case identifiers: they are spliced into SQL and channel names. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`PostgreSQL schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  return schema;
}

/** Connection settings shared by the pool and the listening client: every session works in `schema`. */
export function clientConfig(url: string, schema: string): pg.ClientConfig {
  return { connectionString: url, options: `-c search_path=${quoteIdent(schema)}`, types };
}

export function openPool(url: string, schema: string, max: number): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url, schema), max, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection emits on the pool; without a listener that would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Runs `fn` in a transaction on one pooled connection; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  // A checked-out client has no pool listener: its connection failing (the server going away
  // between two queries) would be an unhandled 'error' event and end the process. Listen, and
  // hand a broken client back to be destroyed rather than reused.
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  c.on('error', onError);
  try {
    await c.query('BEGIN');
    const value = await fn(c);
    await c.query('COMMIT');
    return value;
  } catch (err) {
    await c.query('ROLLBACK').catch((e: unknown) => {
      broken ??= e instanceof Error ? e : new Error(String(e));
    });
    throw err;
  } finally {
    c.off('error', onError);
    c.release(broken);
  }
}
