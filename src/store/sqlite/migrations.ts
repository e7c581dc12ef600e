import type { Database } from 'better-sqlite3';
import { SwitchyardError } from '../../core/index.js';
import { migrations } from './migrations/index.js';

export { migrations };

/**
 * Brings the database to the current schema: runs, in version order, every migration not yet
 * recorded in `schema_migrations`, each in its own transaction.
 */
export function migrate(db: Database, now: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const current = Math.max(0, ...applied);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new SwitchyardError('SWY_STORE_NEWER_SCHEMA', `database schema version ${current} is newer than this server's ${latest}`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, now);
      })();
    } catch (cause) {
      throw new SwitchyardError('SWY_STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed`, { cause });
    }
  }
}

export function schemaVersion(db: Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
