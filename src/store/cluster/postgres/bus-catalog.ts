import type pg from 'pg';
import { SwitchyardError, assertBusDeletable, type Clock } from '../../../core/index.js';
import type { BusCatalog, BusRecord, BusUpdate, NewBus } from '../../types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import { busRecordOf as toRecord, type BusRow } from '../../bus-rows.js';

/**
 * Where a bus's next sequence comes from: the event log (the stream's last sequence + 1) when the
 * cluster store gives one, else what the index has seen (`buses.next_seq`).
 */
export type NextSequence = (bus: string) => Promise<number | undefined>;

/**
 * Buses in PostgreSQL; which ones always exist and cannot be deleted is bus policy
 * (src/core/bus-policy.ts), applied here as on SQLite. Deleting a bus removes, in one
 * transaction, what PostgreSQL holds of it: rules (cascade), schema settings (cascade), indexed
 * events and their schema marks, catalogue rows, deliveries with their attempts, target health.
 * Its events in the log are the log's to remove (the cluster store deletes the stream).
 */
export class PgBusCatalog implements BusCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;
  readonly #nextSequence: NextSequence | undefined;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay, nextSequence?: NextSequence) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
    this.#nextSequence = nextSequence;
  }

  async create(bus: NewBus): Promise<BusRecord> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const { rows } = await c.query<BusRow>(
        'INSERT INTO buses (name, description, created_at, max_age_ms, max_count) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING *',
        [bus.name, bus.description ?? null, this.#clock.now(), bus.retention.maxAgeMs, bus.retention.maxCount],
      );
      if (rows[0] === undefined) throw new SwitchyardError('SWY_STORE_BUS_EXISTS', `bus "${bus.name}" already exists`);
      return { value: toRecord(rows[0]), changes: [{ type: 'bus', op: 'put', bus: bus.name }] };
    }).then((r) => this.#withSequence(r));
  }

  async update(name: string, change: BusUpdate): Promise<BusRecord | undefined> {
    const r = await writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const sets: string[] = [];
      const args: unknown[] = [name];
      if (change.description !== undefined) {
        args.push(change.description);
        sets.push(`description = $${args.length}`);
      }
      if (change.retention !== undefined) {
        args.push(change.retention.maxAgeMs, change.retention.maxCount);
        sets.push(`max_age_ms = $${args.length - 1}`, `max_count = $${args.length}`);
      }
      // An empty change still locks and returns the row (and is announced, as on SQLite).
      const { rows } = await c.query<BusRow>(`UPDATE buses SET ${sets.length === 0 ? 'name = name' : sets.join(', ')} WHERE name = $1 RETURNING *`, args);
      if (rows[0] === undefined) return { value: undefined, changes: [] };
      return { value: toRecord(rows[0]), changes: [{ type: 'bus', op: 'put', bus: name }] };
    });
    return r === undefined ? undefined : this.#withSequence(r);
  }

  async ensure(bus: NewBus): Promise<BusRecord> {
    const existing = await this.get(bus.name);
    if (existing !== undefined) return existing;
    try {
      return await this.create(bus);
    } catch (err) {
      // Created by another node meanwhile: that one is the bus.
      const now = await this.get(bus.name);
      if (now !== undefined) return now;
      throw err;
    }
  }

  async get(name: string): Promise<BusRecord | undefined> {
    const { rows } = await this.#pool.query<BusRow>('SELECT * FROM buses WHERE name = $1', [name]);
    return rows[0] === undefined ? undefined : this.#withSequence(toRecord(rows[0]));
  }

  async list(): Promise<BusRecord[]> {
    const { rows } = await this.#pool.query<BusRow>('SELECT * FROM buses ORDER BY name');
    return Promise.all(rows.map((r) => this.#withSequence(toRecord(r))));
  }

  async #withSequence(r: BusRecord): Promise<BusRecord> {
    const next = await this.#nextSequence?.(r.name);
    return next === undefined ? r : { ...r, nextSequence: next };
  }

  async delete(name: string): Promise<boolean> {
    assertBusDeletable(name);
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      // The bus row first: it locks the bus, so a rule saved meanwhile on another node waits and then finds no bus.
      const gone = await c.query<{ name: string }>('SELECT name FROM buses WHERE name = $1 FOR UPDATE', [name]);
      if (gone.rows.length === 0) return { value: false, changes: [] };
      const { rows: rules } = await c.query<{ name: string }>('SELECT name FROM rules WHERE bus = $1 ORDER BY name', [name]);
      // Deliveries point at events by (bus, seq), and a recreated bus numbers from 1 again:
      // left behind, they would show in the new events' traces and be leased with their bodies.
      await c.query('DELETE FROM deliveries WHERE bus = $1', [name]);
      await c.query('DELETE FROM target_health WHERE bus = $1', [name]);
      await c.query('DELETE FROM event_index WHERE bus = $1', [name]);
      await c.query('DELETE FROM event_schema_checks WHERE bus = $1', [name]);
      await c.query('DELETE FROM event_types WHERE bus = $1', [name]);
      await c.query('DELETE FROM event_type_buses WHERE bus = $1', [name]);
      await c.query('DELETE FROM buses WHERE name = $1', [name]);
      return {
        value: true,
        changes: [...rules.map((r) => ({ type: 'rule', op: 'delete', bus: name, name: r.name }) as const), { type: 'bus', op: 'delete', bus: name } as const],
      };
    });
  }
}
