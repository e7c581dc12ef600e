import type { Database, Statement } from 'better-sqlite3';
import { SAMPLE_MAX_CHARS, type EventTypeBusSummary, type EventTypeCatalog, type EventTypePage, type EventTypeQuery, type EventTypeRecord } from '../event-type-types.js';

interface Row {
  bus: string;
  source: string;
  type: string;
  count: number;
  first_seen: number;
  last_seen: number;
  sample_seq: number;
  sample_id: string;
  sample_body: string | null;
}

const toRecord = (r: Row): EventTypeRecord => ({
  bus: r.bus, source: r.source, type: r.type, count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen,
  sample: { sequence: r.sample_seq, id: r.sample_id, body: r.sample_body },
});

/** SQLite's substr counts characters (code points), not UTF-16 units. */
const codePoints = (s: string): number => [...s].length;

/** What one commit saw of a pair: how many events, and the newest. */
interface Seen {
  readonly bus: string;
  readonly source: string;
  readonly type: string;
  count: number;
  seq: number;
  id: string;
  body: string;
}

/**
 * The events of one append transaction, grouped by (bus, source, type); `write` (inside the same
 * transaction) applies one upsert per pair, so a batch of a thousand events of three types costs
 * three row writes.
 */
export class EventTypeTally {
  readonly #seen = new Map<string, Seen>();
  readonly #owner: SqliteEventTypes;

  constructor(owner: SqliteEventTypes) {
    this.#owner = owner;
  }

  add(bus: string, source: string, type: string, seq: number, id: string, body: string): void {
    const key = `${bus}\u0000${source}\u0000${type}`;
    const s = this.#seen.get(key);
    if (s === undefined) this.#seen.set(key, { bus, source, type, count: 1, seq, id, body });
    else {
      s.count += 1;
      s.seq = seq;
      s.id = id;
      s.body = body;
    }
  }

  write(now: number): void {
    if (this.#seen.size > 0) this.#owner.apply(this.#seen.values(), now);
  }
}

/**
 * The event catalogue on SQLite (migration 012). A bus holds at most `maxTypesPerBus` pairs:
 * the events of a pair first seen beyond that are counted in the bus's `overflow` and not
 * listed (the pairs already held keep counting).
 */
export class SqliteEventTypes implements EventTypeCatalog {
  readonly #db: Database;
  readonly #max: number;
  readonly #s: {
    bump: Statement<[number, number, number, string, string | null, string, string, string]>;
    insert: Statement<[string, string, string, number, number, number, number, string, string | null]>;
    busGet: Statement<[string], { types: number }>;
    busPut: Statement<[string, number, number]>;
    summaryAll: Statement<[], { bus: string; types: number; overflow: number }>;
    summaryOne: Statement<[string], { bus: string; types: number; overflow: number }>;
  };
  readonly #lists = new Map<string, Statement<(string | number)[], Row>>();

  constructor(db: Database, maxTypesPerBus: number) {
    this.#db = db;
    this.#max = maxTypesPerBus;
    this.#s = {
      bump: db.prepare('UPDATE event_types SET count = count + ?, last_seen = ?, sample_seq = ?, sample_id = ?, sample_body = ? WHERE bus = ? AND source = ? AND type = ?'),
      insert: db.prepare('INSERT INTO event_types (bus, source, type, count, first_seen, last_seen, sample_seq, sample_id, sample_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      busGet: db.prepare('SELECT types FROM event_type_buses WHERE bus = ?'),
      busPut: db.prepare(
        'INSERT INTO event_type_buses (bus, types, overflow) VALUES (?, ?, ?) '
        + 'ON CONFLICT (bus) DO UPDATE SET types = types + excluded.types, overflow = overflow + excluded.overflow',
      ),
      summaryAll: db.prepare('SELECT bus, types, overflow FROM event_type_buses ORDER BY bus'),
      summaryOne: db.prepare('SELECT bus, types, overflow FROM event_type_buses WHERE bus = ?'),
    };
  }

  /** A tally for one append transaction. */
  begin(): EventTypeTally {
    return new EventTypeTally(this);
  }

  /** Inside the append transaction: one update (or insert) per pair, one counter row per bus. */
  apply(seen: Iterable<Seen>, now: number): void {
    const buses = new Map<string, { held: number; added: number; overflow: number }>();
    for (const s of seen) {
      const body = s.body.length > SAMPLE_MAX_CHARS ? null : s.body;
      if (this.#s.bump.run(s.count, now, s.seq, s.id, body, s.bus, s.source, s.type).changes > 0) continue;
      let b = buses.get(s.bus);
      if (b === undefined) {
        b = { held: this.#s.busGet.get(s.bus)?.types ?? 0, added: 0, overflow: 0 };
        buses.set(s.bus, b);
      }
      if (b.held + b.added >= this.#max) {
        b.overflow += s.count;
        continue;
      }
      this.#s.insert.run(s.bus, s.source, s.type, s.count, now, now, s.seq, s.id, body);
      b.added += 1;
    }
    for (const [bus, b] of buses) this.#s.busPut.run(bus, b.added, b.overflow);
  }

  async list(q: EventTypeQuery): Promise<EventTypePage> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.bus !== undefined) {
      where.push('bus = ?');
      args.push(q.bus);
    }
    // substr compares characters exactly (LIKE would treat % and _ as wildcards and fold case).
    if (q.sourcePrefix !== undefined && q.sourcePrefix !== '') {
      where.push('substr(source, 1, ?) = ?');
      args.push(codePoints(q.sourcePrefix), q.sourcePrefix);
    }
    if (q.typePrefix !== undefined && q.typePrefix !== '') {
      where.push('substr(type, 1, ?) = ?');
      args.push(codePoints(q.typePrefix), q.typePrefix);
    }
    if (q.after !== undefined) {
      where.push('(bus, source, type) > (?, ?, ?)');
      args.push(q.after.bus, q.after.source, q.after.type);
    }
    const sql = `SELECT bus, source, type, count, first_seen, last_seen, sample_seq, sample_id, sample_body FROM event_types${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY bus, source, type LIMIT ?`;
    let stmt = this.#lists.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare<(string | number)[], Row>(sql);
      this.#lists.set(sql, stmt);
    }
    const rows = stmt.all(...args, q.limit + 1);
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map(toRecord);
    const last = items[items.length - 1];
    return more && last !== undefined ? { items, next: { bus: last.bus, source: last.source, type: last.type } } : { items };
  }

  async summary(bus?: string): Promise<EventTypeBusSummary[]> {
    return bus === undefined ? this.#s.summaryAll.all() : this.#s.summaryOne.all(bus);
  }
}
