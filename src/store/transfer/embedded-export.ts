// Reads an embedded data directory for an export: its directory lock is taken (no server may
// write it meanwhile) and switchyard.db is read through a read-only connection, in one read
// transaction, so the rows are one consistent snapshot. Rows are yielded one at a time (SQLite
// cursors), so memory stays bounded whatever the size of the log.
import path from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import DatabaseCtor, { type Database } from 'better-sqlite3';
import { SwitchyardError } from '../../core/index.js';
import { DirectoryLock } from '../sqlite/directory-lock.js';
import { migrations } from '../sqlite/migrations/index.js';
import { DUMP_FORMAT, DUMP_VERSION, TABLES, TABLE_ORDER, type DeliveryAttemptRow, type DumpHeader, type DumpRow, type Row, type TableName } from './dump-format.js';

/** Deliveries an export carries: those not finished (pending, waiting for their FIFO group) and dead letters. */
const CARRIED_DELIVERY_STATES = "('pending', 'waiting', 'dead')";

/** The ORDER BY of each table: sequence order for events, key order for the rest (a stable file). */
const ORDER: Record<TableName, string> = {
  buses: 'name', rules: 'bus, name', schemas: 'name, source', schema_versions: 'name, source, version', bus_schema_settings: 'bus',
  connections: 'name', signing_secrets: 'target_key, created_at', archives: 'bus, name', consumers: 'bus, name', sources: 'name',
  schedules: 'name', source_dead_letters: 'id', target_health: 'bus, rule, target', events: 'bus, seq', event_schema_checks: 'bus, seq',
  archive_events: 'bus, seq, archive', deliveries: 'id', event_types: 'bus, source, type', event_type_buses: 'bus',
};

/** An embedded data directory opened for export; `close` releases it. */
export class EmbeddedExport {
  readonly header: DumpHeader;
  readonly #db: Database;
  readonly #lock: DirectoryLock;

  private constructor(db: Database, lock: DirectoryLock, header: DumpHeader) {
    this.#db = db;
    this.#lock = lock;
    this.header = header;
  }

  /**
   * Opens `dataDir` for reading. Throws SWY_STORE_DIR_LOCKED while a server holds it, and refuses
   * a directory without a database or one at another schema version than this build's. The
   * export's id is random (a file), or with `stableId` derived from the directory's path, so a
   * direct import (`--from-data-dir`) run again after a failure resumes what it wrote.
   */
  static open(dataDir: string, now: number, opts: { stableId?: boolean } = {}): EmbeddedExport {
    const file = path.join(dataDir, 'switchyard.db');
    if (!existsSync(file)) throw new SwitchyardError('SWY_STORE_DUMP_INVALID', `${path.resolve(dataDir)} holds no embedded store (no switchyard.db)`);
    const lock = DirectoryLock.acquire(dataDir);
    let db: Database | undefined;
    try {
      db = new DatabaseCtor(file, { readonly: true, fileMustExist: true });
      const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
      const latest = migrations[migrations.length - 1]!.version;
      if (current > latest) throw new SwitchyardError('SWY_STORE_NEWER_SCHEMA', `database schema version ${current} is newer than this Switchyard's ${latest}: export with that version`);
      if (current < latest) {
        throw new SwitchyardError('SWY_STORE_MIGRATION_FAILED', `database schema version ${current} is older than this Switchyard's ${latest}: start this version once on the directory (it migrates), stop it, then export`);
      }
      // One snapshot for every table: the read transaction starts at the first read below.
      db.exec('BEGIN');
      db.prepare('SELECT 1 FROM buses LIMIT 1').get();
      const id = opts.stableId === true ? `dir-${createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 32)}` : randomUUID();
      return new EmbeddedExport(db, lock, { format: DUMP_FORMAT, version: DUMP_VERSION, id, createdAt: now, schemaVersion: current });
    } catch (err) {
      db?.close();
      lock.release();
      throw err;
    }
  }

  /** Every row, tables in file order. */
  *rows(): Generator<DumpRow> {
    for (const table of TABLE_ORDER) yield* (table === 'deliveries' ? this.#deliveries() : this.#table(table));
  }

  /** The buses (a few rows: the import checks their streams before writing anything). */
  buses(): Row<'buses'>[] {
    return [...this.#table('buses')].map((r) => r.row as Row<'buses'>);
  }

  *#table(table: TableName): Generator<DumpRow> {
    const cols = Object.keys(TABLES[table]);
    const stmt = this.#db.prepare(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`);
    for (const r of stmt.iterate() as IterableIterator<Record<string, unknown>>) {
      if (table === 'events') {
        const m = r.matched as string;
        r.matched = m === '' ? [] : (JSON.parse(m) as string[]);
      }
      yield { table, row: r } as DumpRow;
    }
  }

  *#deliveries(): Generator<DumpRow> {
    const cols = Object.keys(TABLES.deliveries).filter((c) => c !== 'attempt_log');
    const attempts = this.#db.prepare('SELECT n, at, duration_ms, ok, status, error_class, message, response FROM delivery_attempts WHERE delivery_id = ? ORDER BY n');
    const stmt = this.#db.prepare(`SELECT id AS _id, ${cols.join(', ')} FROM deliveries WHERE state IN ${CARRIED_DELIVERY_STATES} ORDER BY id`);
    for (const r of stmt.iterate() as IterableIterator<Record<string, unknown>>) {
      const { _id: id, ...row } = r;
      yield { table: 'deliveries', row: { ...row, attempt_log: attempts.all(id) as DeliveryAttemptRow[] } } as DumpRow;
    }
  }

  close(): void {
    if (this.#db.open) {
      if (this.#db.inTransaction) this.#db.exec('COMMIT');
      this.#db.close();
    }
    this.#lock.release();
  }
}
