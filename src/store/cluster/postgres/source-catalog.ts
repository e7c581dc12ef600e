import type pg from 'pg';
import type { Clock } from '../../../core/index.js';
import type { NewSource, SourceCatalog, SourceCounts, SourceRecord, SourceState } from '../../source-types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import { SOURCE_COLUMNS as COLUMNS, sourceCountsOf, sourceRecordOf as toRecord, type SourceCountRow, type SourceRow as BaseSourceRow } from '../../source-rows.js';

interface SourceRow extends BaseSourceRow {
  created?: boolean;
}

/** Event sources in PostgreSQL (migration 009), shared by every node; counters add up across nodes. */
export class PgSourceCatalog implements SourceCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
  }

  async put(s: NewSource): Promise<{ source: SourceRecord; created: boolean }> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      // xmax = 0 only on a freshly inserted row: tells created from replaced in one statement. Counters stay on replace.
      const { rows } = await c.query<SourceRow>(`
        INSERT INTO sources (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
        ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, bus = excluded.bus, description = excluded.description,
          state = excluded.state, config = excluded.config, mapping = excluded.mapping, updated_at = excluded.updated_at
        RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [s.name, s.kind, s.bus, s.description, s.state, JSON.stringify(s.config),
        s.mapping === null || s.mapping === undefined ? null : JSON.stringify(s.mapping), this.#clock.now()]);
      const row = rows[0]!;
      return { value: { source: toRecord(row), created: row.created === true }, changes: [{ type: 'source', op: 'put', name: s.name }] };
    });
  }

  async get(name: string): Promise<SourceRecord | undefined> {
    const { rows } = await this.#pool.query<SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE name = $1`, [name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(): Promise<SourceRecord[]> {
    return (await this.#pool.query<SourceRow>(`SELECT ${COLUMNS} FROM sources ORDER BY name`)).rows.map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      const deleted = ((await c.query('DELETE FROM sources WHERE name = $1', [name])).rowCount ?? 0) > 0;
      return { value: deleted, changes: deleted ? [{ type: 'source', op: 'delete', name }] : [] };
    });
  }

  async setState(name: string, state: SourceState): Promise<SourceRecord | undefined> {
    return writeAndAnnounce(this.#pool, this.#relay, async (c) => {
      // Row-locked: two nodes pausing at once announce one change, not two.
      const { rows } = await c.query<SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE name = $1 FOR UPDATE`, [name]);
      const before = rows[0];
      if (before === undefined) return { value: undefined, changes: [] };
      if (before.state === state) return { value: toRecord(before), changes: [] };
      const updated = await c.query<SourceRow>(`UPDATE sources SET state = $1, updated_at = $2 WHERE name = $3 RETURNING ${COLUMNS}`,
        [state, this.#clock.now(), name]);
      return { value: toRecord(updated.rows[0]!), changes: [{ type: 'source', op: 'put', name }] };
    });
  }

  async addCounts(deltas: ReadonlyMap<string, SourceCounts>): Promise<void> {
    if (deltas.size === 0) return;
    const entries = [...deltas];
    // One statement for the whole flush; names that no longer exist match no row (dropped).
    // GREATEST ignores NULLs: the later of the stored and the given time, either may be missing.
    await this.#pool.query(`
      UPDATE sources s SET received = s.received + d.received, put = s.put + d.put, rejected = s.rejected + d.rejected,
        last_event_at = GREATEST(s.last_event_at, d.last_event_at)
      FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::float8[]) AS d (name, received, put, rejected, last_event_at)
      WHERE s.name = d.name`,
    [entries.map(([n]) => n), entries.map(([, d]) => d.received), entries.map(([, d]) => d.put),
      entries.map(([, d]) => d.rejected), entries.map(([, d]) => d.lastEventAt)]);
  }

  async counts(): Promise<Map<string, SourceCounts>> {
    const { rows } = await this.#pool.query<SourceCountRow>('SELECT name, received, put, rejected, last_event_at FROM sources');
    return new Map(rows.map((r) => [r.name, sourceCountsOf(r)]));
  }
}
