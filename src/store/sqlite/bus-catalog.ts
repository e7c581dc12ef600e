import type { Database, Statement } from 'better-sqlite3';
import { SwitchyardError, assertBusDeletable, type Clock } from '../../core/index.js';
import type { BusCatalog, BusRecord, BusUpdate, NewBus } from '../types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import { busRecordOf as toRecord, type BusRow } from '../bus-rows.js';

/** Buses; which ones always exist and cannot be deleted is bus policy (src/core/bus-policy.ts). */
export class SqliteBusCatalog implements BusCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;
  // Prepared once: preparing a statement costs more than running it.
  readonly #get: Statement<[string], BusRow>;
  readonly #list: Statement<[], BusRow>;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
    this.#get = db.prepare('SELECT * FROM buses WHERE name = ?');
    this.#list = db.prepare('SELECT * FROM buses ORDER BY name');
  }

  async create(bus: NewBus): Promise<BusRecord> {
    return this.#create(bus);
  }

  #create(bus: NewBus): BusRecord {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const r = this.#db
        .prepare<[string, string | null, number, number | null, number | null], BusRow>(
          'INSERT INTO buses (name, description, created_at, max_age_ms, max_count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING *',
        )
        .get(bus.name, bus.description ?? null, this.#clock.now(), bus.retention.maxAgeMs, bus.retention.maxCount);
      if (r === undefined) throw new SwitchyardError('SWY_STORE_BUS_EXISTS', `bus "${bus.name}" already exists`);
      return { value: toRecord(r), changes: [{ type: 'bus', op: 'put', bus: bus.name }] };
    });
  }

  async update(name: string, change: BusUpdate): Promise<BusRecord | undefined> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const old = this.#read(name);
      if (old === undefined) return { value: undefined, changes: [] };
      const description = change.description === undefined ? old.description : change.description;
      const retention = change.retention ?? old.retention;
      const r = this.#db
        .prepare<[string | null, number | null, number | null, string], BusRow>('UPDATE buses SET description = ?, max_age_ms = ?, max_count = ? WHERE name = ? RETURNING *')
        .get(description, retention.maxAgeMs, retention.maxCount, name)!;
      return { value: toRecord(r), changes: [{ type: 'bus', op: 'put', bus: name }] };
    });
  }

  async ensure(bus: NewBus): Promise<BusRecord> {
    return this.ensureNow(bus);
  }

  /** `ensure`, synchronously: the store creates the default bus while it opens. */
  ensureNow(bus: NewBus): BusRecord {
    return this.#read(bus.name) ?? this.#create(bus);
  }

  async get(name: string): Promise<BusRecord | undefined> {
    return this.#read(name);
  }

  #read(name: string): BusRecord | undefined {
    const r = this.#get.get(name);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(): Promise<BusRecord[]> {
    return this.#list.all().map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    assertBusDeletable(name);
    return writeAndAnnounce(this.#db, this.#feed, () => {
      // Its rules go with it (foreign key cascade): each is announced as deleted, before the bus.
      const rules = this.#db.prepare<[string], { name: string }>('SELECT name FROM rules WHERE bus = ? ORDER BY name').all(name);
      this.#db.prepare('DELETE FROM events WHERE bus = ?').run(name);
      this.#db.prepare('DELETE FROM dedupe WHERE bus = ?').run(name);
      // Deliveries point at events by (bus, sequence), and a recreated bus numbers from 1 again:
      // left behind, they would show in the new events' traces and be leased with their bodies.
      this.#db.prepare('DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE bus = ?)').run(name);
      this.#db.prepare('DELETE FROM deliveries WHERE bus = ?').run(name);
      this.#db.prepare('DELETE FROM target_health WHERE bus = ?').run(name);
      const deleted = this.#db.prepare('DELETE FROM buses WHERE name = ?').run(name).changes > 0;
      return {
        value: deleted,
        changes: deleted ? [...rules.map((r) => ({ type: 'rule', op: 'delete', bus: name, name: r.name }) as const), { type: 'bus', op: 'delete', bus: name } as const] : [],
      };
    });
  }
}
