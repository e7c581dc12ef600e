import type { StoredEvent } from '../../types.js';
import { SAMPLE_MAX_CHARS } from '../../event-type-types.js';
import type { Queryable } from './pg-client.js';
import { payloadText, wordsOf } from './payload-words.js';

/**
 * One event of the log to index: what the log stored (StoredEvent) plus its ingest origin.
 * `body` is read for the payload's words and the catalogue's sample; it is not kept here.
 */
export interface IndexedEvent extends StoredEvent {
  readonly client?: string | null | undefined;
  readonly traceparent?: string | null | undefined;
  /** What received the event besides a plain put (AppendItem.via: a source and its verification, JSON text). */
  readonly via?: string | null | undefined;
}

/** PostgreSQL text holds no NUL: one in an attribute is kept as U+FFFD rather than failing the row (and the consumer) forever. */
const clean = <T extends string | null | undefined>(s: T): T => (typeof s === 'string' && s.includes('\u0000') ? s.split('\u0000').join('\uFFFD') as T : s);

interface Inserted { bus: string; seq: number }

/**
 * Writes the index rows of appended events inside the caller's transaction: `event_index`, the
 * bus's `next_seq`, and the event catalogue. Idempotent per (bus, seq): an event indexed already
 * (a log message delivered again) changes nothing and is not counted again. Events of a bus that
 * does not exist (deleted meanwhile) are skipped. Answers how many events were newly indexed.
 */
export async function indexEvents(c: Queryable, events: readonly IndexedEvent[], maxTypesPerBus: number): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    bus: clean(e.bus), seq: e.sequence, id: clean(e.id), source: clean(e.source), type: clean(e.type), subject: clean(e.subject),
    time: clean(e.time), mode: e.mode, size: e.size, received_at: e.receivedAt, matched_rules: e.matchedRules.map(clean),
    client: clean(e.client ?? null), traceparent: clean(e.traceparent ?? null), via: clean(e.via ?? null), words: wordsOf(payloadText(e.body)),
  }));
  const { rows: inserted } = await c.query<Inserted>(`
    INSERT INTO event_index (bus, seq, id, source, type, subject, time, mode, size, received_at, matched_rules, client, traceparent, via, words)
    SELECT x.bus, x.seq, x.id, x.source, x.type, x.subject, x.time, x.mode, x.size, x.received_at,
           ARRAY(SELECT jsonb_array_elements_text(x.matched_rules)), x.client, x.traceparent, x.via,
           ARRAY(SELECT jsonb_array_elements_text(x.words))
    FROM jsonb_to_recordset($1::jsonb) AS x(bus text, seq int8, id text, source text, type text, subject text, time text, mode text,
         size int8, received_at float8, matched_rules jsonb, client text, traceparent text, via text, words jsonb)
    WHERE EXISTS (SELECT 1 FROM buses b WHERE b.name = x.bus)
    ORDER BY x.bus, x.seq
    ON CONFLICT (bus, seq) DO NOTHING
    RETURNING bus, seq`, [JSON.stringify(rows)]);
  if (inserted.length === 0) return 0;
  const fresh = new Set(inserted.map((r) => `${r.bus}\u0000${r.seq}`));
  const done = events.filter((e) => fresh.has(`${clean(e.bus)}\u0000${e.sequence}`));
  const next = new Map<string, number>();
  for (const e of done) next.set(clean(e.bus), Math.max(next.get(clean(e.bus)) ?? 0, e.sequence + 1));
  await c.query(`
    UPDATE buses SET next_seq = greatest(next_seq, x.next)
    FROM jsonb_to_recordset($1::jsonb) AS x(bus text, next int8) WHERE buses.name = x.bus`,
  [JSON.stringify([...next].map(([bus, n]) => ({ bus, next: n })))]);
  await tallyTypes(c, done, maxTypesPerBus);
  return done.length;
}

interface Seen { bus: string; source: string; type: string; count: number; first: number; last: number; seq: number; id: string; body: string }

/**
 * The event catalogue's rows for newly indexed events: one upsert per (bus, source, type). A
 * bus's rows are written under its advisory lock (taken in bus order: no deadlock between nodes),
 * so the per-bus cap holds when several nodes index the same bus at once.
 */
async function tallyTypes(c: Queryable, events: readonly IndexedEvent[], max: number): Promise<void> {
  const seen = new Map<string, Seen>();
  for (const e of events) {
    const [bus, source, type] = [clean(e.bus), clean(e.source), clean(e.type)];
    const key = `${bus}\u0000${source}\u0000${type}`;
    const s = seen.get(key);
    if (s === undefined) seen.set(key, { bus, source, type, count: 1, first: e.receivedAt, last: e.receivedAt, seq: e.sequence, id: clean(e.id), body: e.body });
    else {
      s.count += 1;
      s.first = Math.min(s.first, e.receivedAt);
      s.last = Math.max(s.last, e.receivedAt);
      if (e.sequence > s.seq) Object.assign(s, { seq: e.sequence, id: clean(e.id), body: e.body });
    }
  }
  const byBus = new Map<string, Seen[]>();
  for (const s of seen.values()) byBus.set(s.bus, [...(byBus.get(s.bus) ?? []), s]);
  for (const bus of [...byBus.keys()].sort()) {
    await c.query("SELECT pg_advisory_xact_lock(hashtextextended('switchyard-event-types:' || $1, 0))", [bus]);
    const held = (await c.query<{ types: number }>('SELECT types FROM event_type_buses WHERE bus = $1', [bus])).rows[0]?.types ?? 0;
    let added = 0;
    let overflow = 0;
    for (const s of byBus.get(bus)!) {
      const body = s.body.length > SAMPLE_MAX_CHARS ? null : clean(s.body);
      const bumped = await c.query(`
        UPDATE event_types SET count = count + $1, first_seen = least(first_seen, $2), last_seen = greatest(last_seen, $3),
          sample_seq = CASE WHEN $4 > sample_seq THEN $4 ELSE sample_seq END,
          sample_id = CASE WHEN $4 > sample_seq THEN $5 ELSE sample_id END,
          sample_body = CASE WHEN $4 > sample_seq THEN $6 ELSE sample_body END
        WHERE bus = $7 AND md5(source) = md5($8) AND md5(type) = md5($9) AND source = $8 AND type = $9`, [s.count, s.first, s.last, s.seq, s.id, body, s.bus, s.source, s.type]);
      if ((bumped.rowCount ?? 0) > 0) continue;
      if (held + added >= max) {
        overflow += s.count;
        continue;
      }
      await c.query(`
        INSERT INTO event_types (bus, source, type, count, first_seen, last_seen, sample_seq, sample_id, sample_body)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [s.bus, s.source, s.type, s.count, s.first, s.last, s.seq, s.id, body]);
      added += 1;
    }
    await c.query(`
      INSERT INTO event_type_buses (bus, types, overflow) VALUES ($1, $2, $3)
      ON CONFLICT (bus) DO UPDATE SET types = event_type_buses.types + excluded.types, overflow = event_type_buses.overflow + excluded.overflow`,
    [bus, added, overflow]);
  }
}
