import type pg from 'pg';
import type { EventTypeBusSummary, EventTypeCatalog, EventTypePage, EventTypeQuery, EventTypeRecord } from '../../event-type-types.js';

interface Row { bus: string; source: string; type: string; count: number; first_seen: number; last_seen: number; sample_seq: number; sample_id: string; sample_body: string | null }

const toRecord = (r: Row): EventTypeRecord => ({
  bus: r.bus, source: r.source, type: r.type, count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen,
  sample: { sequence: r.sample_seq, id: r.sample_id, body: r.sample_body },
});

/** Prefix lengths in characters (code points), as PostgreSQL's left() counts them. */
const codePoints = (s: string): number => [...s].length;

/** Reads the event catalogue (written by indexEvents, event-index.ts). Prefixes are literal: no LIKE. */
export class PgEventTypes implements EventTypeCatalog {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async list(q: EventTypeQuery): Promise<EventTypePage> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (q.bus !== undefined) where.push(`bus = ${arg(q.bus)}`);
    if (q.sourcePrefix !== undefined && q.sourcePrefix !== '') where.push(`left(source, ${arg(codePoints(q.sourcePrefix))}) = ${arg(q.sourcePrefix)}`);
    if (q.typePrefix !== undefined && q.typePrefix !== '') where.push(`left(type, ${arg(codePoints(q.typePrefix))}) = ${arg(q.typePrefix)}`);
    if (q.after !== undefined) where.push(`(bus, source, type) > (${arg(q.after.bus)}, ${arg(q.after.source)}, ${arg(q.after.type)})`);
    const limit = arg(q.limit + 1);
    const { rows } = await this.#pool.query<Row>(
      `SELECT * FROM event_types${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY bus, source, type LIMIT ${limit}`, args);
    const items = rows.slice(0, q.limit).map(toRecord);
    const last = items[items.length - 1];
    return rows.length > q.limit && last !== undefined ? { items, next: { bus: last.bus, source: last.source, type: last.type } } : { items };
  }

  async summary(bus?: string): Promise<EventTypeBusSummary[]> {
    const { rows } = bus === undefined
      ? await this.#pool.query<EventTypeBusSummary>('SELECT bus, types, overflow FROM event_type_buses ORDER BY bus')
      : await this.#pool.query<EventTypeBusSummary>('SELECT bus, types, overflow FROM event_type_buses WHERE bus = $1', [bus]);
    return rows.map((r) => ({ bus: r.bus, types: r.types, overflow: r.overflow }));
  }
}
