import type { Database, Statement } from 'better-sqlite3';
import { SwitchyardError, type Clock } from '../../core/index.js';
import type { BusCatalog, BusRecord, NewBus } from '../types.js';

interface BusRow {
  name: string;
  description: string | null;
  created_at: number;
  max_age_ms: number | null;
  max_count: number | null;
  next_seq: number;
}

const toRecord = (r: BusRow): BusRecord => ({
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
  retention: { maxAgeMs: r.max_age_ms, maxCount: r.max_count },
  nextSequence: r.next_seq,
});

/**
 * The bus Switchyard puts its own events on (src/observe/system-events.ts). Only the server
 * writes it: producers' puts and bus targets are refused (SWY_INGEST_SYSTEM_BUS), so the
 * events alert rules route cannot be spoofed.
 */
export const SYSTEM_BUS = 'switchyard.system';

/** Buses that always exist and cannot be deleted. */
export const PROTECTED_BUSES: ReadonlySet<string> = new Set(['default', SYSTEM_BUS]);

export class SqliteBusCatalog implements BusCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  // Prepared once: `get` runs on every put (the bus must exist), and preparing a statement
  // costs more than running it.
  readonly #get: Statement<[string], BusRow>;
  readonly #list: Statement<[], BusRow>;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#get = db.prepare('SELECT * FROM buses WHERE name = ?');
    this.#list = db.prepare('SELECT * FROM buses ORDER BY name');
  }

  create(bus: NewBus): BusRecord {
    const r = this.#db
      .prepare<[string, string | null, number, number | null, number | null], BusRow>(
        'INSERT INTO buses (name, description, created_at, max_age_ms, max_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING *',
      )
      .get(bus.name, bus.description ?? null, this.#clock.now(), bus.retention.maxAgeMs, bus.retention.maxCount);
    if (r === undefined) throw new SwitchyardError('SWY_STORE_BUS_EXISTS', `bus "${bus.name}" already exists`);
    return toRecord(r);
  }

  ensure(bus: NewBus): BusRecord {
    return this.get(bus.name) ?? this.create(bus);
  }

  get(name: string): BusRecord | undefined {
    const r = this.#get.get(name);
    return r === undefined ? undefined : toRecord(r);
  }

  list(): BusRecord[] {
    return this.#list.all().map(toRecord);
  }

  delete(name: string): boolean {
    if (PROTECTED_BUSES.has(name)) throw new SwitchyardError('SWY_STORE_BUS_PROTECTED', `bus "${name}" cannot be deleted`);
    return this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM events WHERE bus = ?').run(name);
      this.#db.prepare('DELETE FROM dedupe WHERE bus = ?').run(name);
      // Deliveries point at events by (bus, sequence), and a recreated bus numbers from 1 again:
      // left behind, they would show in the new events' traces and be leased with their bodies.
      this.#db.prepare('DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE bus = ?)').run(name);
      this.#db.prepare('DELETE FROM deliveries WHERE bus = ?').run(name);
      this.#db.prepare('DELETE FROM target_health WHERE bus = ?').run(name);
      return this.#db.prepare('DELETE FROM buses WHERE name = ?').run(name).changes > 0;
    })();
  }
}
