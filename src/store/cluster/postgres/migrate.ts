import type pg from 'pg';
import { SwitchyardError } from '../../../core/index.js';
import { pgMigrations, type PgMigration } from './migrations/index.js';
import { inTransaction, quoteIdent } from './pg-client.js';

/**
 * Brings `schema` to the current version: creates it when missing, then runs every migration not
 * yet recorded in its `schema_migrations`, in version order — all in one transaction holding an
 * advisory lock on the schema's name, so nodes starting together run each migration once (the
 * others wait for the lock, then find nothing left to do). A failed migration rolls back whole.
 * Answers the schema's version afterwards.
 */
export async function migratePostgres(pool: pg.Pool, schema: string, now: number, migrations: readonly PgMigration[] = pgMigrations): Promise<number> {
  return inTransaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtextextended('switchyard-migrations:' || $1, 0))", [schema]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.schema_migrations (version int8 PRIMARY KEY, name text NOT NULL, applied_at int8 NOT NULL)`);
    const { rows } = await c.query<{ version: number }>(`SELECT version FROM ${quoteIdent(schema)}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const current = Math.max(0, ...applied);
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new SwitchyardError('SWY_STORE_NEWER_SCHEMA', `PostgreSQL schema "${schema}" is at version ${current}, newer than this server's ${latest}`);
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      try {
        await c.query('SAVEPOINT migration');
        await c.query(m.sql);
        await c.query(`INSERT INTO ${quoteIdent(schema)}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, now]);
        await c.query('RELEASE SAVEPOINT migration');
      } catch (cause) {
        throw new SwitchyardError('SWY_STORE_MIGRATION_FAILED', `PostgreSQL migration ${m.version} (${m.name}) failed`, { cause });
      }
    }
    return Math.max(current, latest);
  });
}
