import type { Database, Statement } from 'better-sqlite3';
import type { ContentMode } from '../../events/index.js';
import type { AppendItem, AppendOutcome } from '../types.js';
import type {
  EndOutcome, HeldEvent, HoldOutcome, NewTransaction, TransactionLog, TransactionRecord, TransactionState, TransactionStep,
} from '../transaction-types.js';
import { APPEND_WRITER, type WriteHealth } from '../write-health.js';
import type { SqliteEventLog } from './event-log.js';

interface TxRow {
  bus: string; id: string; state: TransactionState; check_url: string | null; check_after_ms: number; created_at: number;
  next_check_at: number | null; checks: number; events: number; ended_at: number | null; first_seq: number | null; last_seq: number | null; history: string;
}

interface HeldRow {
  id: string; source: string; type: string; subject: string | null; time: string | null; body: string; size: number; mode: string;
  client: string | null; traceparent: string | null;
}

type Args = (string | number | null)[];

const TX = 'transactions';
/** The writer name of transaction bookkeeping in WriteHealth; a commit counts as the put path's append. */
const W = 'transactions';

function toRecord(r: TxRow): TransactionRecord {
  return {
    bus: r.bus, id: r.id, state: r.state, checkUrl: r.check_url, checkAfterMs: r.check_after_ms, createdAt: r.created_at,
    nextCheckAt: r.state === 'open' ? r.next_check_at : null, checks: r.checks, events: r.events, endedAt: r.ended_at,
    sequences: r.first_seq === null || r.last_seq === null ? null : { first: r.first_seq, last: r.last_seq },
    history: JSON.parse(r.history) as TransactionStep[],
  };
}

/**
 * Transactions on SQLite (migration 019). A commit runs the event log's append
 * ({@link SqliteEventLog.writeWithin}) inside its own write transaction, so the events, their
 * deliveries and the state change commit together or not at all. Only this process writes the
 * file, so "claimed" check-backs need no lease beyond the moved due time.
 */
export class SqliteTransactionLog implements TransactionLog {
  readonly #db: Database;
  readonly #log: SqliteEventLog;
  readonly #health: WriteHealth;
  readonly #s: Record<string, Statement<Args, unknown>>;

  constructor(db: Database, log: SqliteEventLog, health: WriteHealth) {
    this.#db = db;
    this.#log = log;
    this.#health = health;
    const p = (sql: string): Statement<Args, unknown> => db.prepare<Args, unknown>(sql);
    this.#s = {
      countOpen: p(`SELECT count(*) AS n FROM ${TX} INDEXED BY transactions_due WHERE state = 'open'`),
      insert: p(`INSERT INTO ${TX} (bus, id, state, check_url, check_after_ms, created_at, next_check_at, history) VALUES (?, ?, 'open', ?, ?, ?, ?, ?)`),
      get: p(`SELECT * FROM ${TX} WHERE bus = ? AND id = ?`),
      list: p(`SELECT * FROM ${TX} WHERE bus = ? ORDER BY created_at DESC, id DESC LIMIT ?`),
      listState: p(`SELECT * FROM ${TX} WHERE bus = ? AND state = ? ORDER BY created_at DESC, id DESC LIMIT ?`),
      addEvents: p(`UPDATE ${TX} SET events = events + ? WHERE bus = ? AND id = ?`),
      hold: p(`INSERT INTO transaction_events (bus, tx, n, id, source, type, subject, time, body, size, mode, client, traceparent)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      held: p(`SELECT id, source, type, subject, time, body, size, mode, client, traceparent FROM transaction_events WHERE bus = ? AND tx = ? ORDER BY n`),
      dropHeld: p('DELETE FROM transaction_events WHERE bus = ? AND tx = ?'),
      end: p(`UPDATE ${TX} SET state = ?, ended_at = ?, next_check_at = NULL, first_seq = ?, last_seq = ?, history = ? WHERE bus = ? AND id = ? AND state = 'open'`),
      due: p(`SELECT * FROM ${TX} INDEXED BY transactions_due WHERE state = 'open' AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`),
      claim: p(`UPDATE ${TX} SET next_check_at = ? WHERE bus = ? AND id = ? AND state = 'open'`),
      check: p(`UPDATE ${TX} SET checks = checks + 1, next_check_at = ?, history = ? WHERE bus = ? AND id = ? AND state = 'open'`),
      ofEvent: p(`SELECT * FROM ${TX} INDEXED BY transactions_seq WHERE bus = ? AND first_seq IS NOT NULL AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1`),
      sweep: p(`DELETE FROM ${TX} WHERE rowid IN (SELECT rowid FROM ${TX} INDEXED BY transactions_ended WHERE state <> 'open' AND ended_at < ? LIMIT ?)`),
    };
  }

  #row(bus: string, id: string): TxRow | undefined {
    return this.#s.get!.get(bus, id) as TxRow | undefined;
  }

  async begin(tx: NewTransaction, now: number, maxOpen: number): Promise<TransactionRecord | undefined> {
    return this.#write(() => {
      if ((this.#s.countOpen!.get() as { n: number }).n >= maxOpen) return undefined;
      const history: TransactionStep[] = [{ type: 'begin', at: now }];
      this.#s.insert!.run(tx.bus, tx.id, tx.checkUrl, tx.checkAfterMs, now, now + tx.checkAfterMs, JSON.stringify(history));
      return toRecord(this.#row(tx.bus, tx.id)!);
    });
  }

  async get(bus: string, id: string): Promise<TransactionRecord | undefined> {
    const r = this.#row(bus, id);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(bus: string, state: TransactionState | undefined, limit: number): Promise<TransactionRecord[]> {
    const rows = (state === undefined ? this.#s.list!.all(bus, limit) : this.#s.listState!.all(bus, state, limit)) as TxRow[];
    return rows.map(toRecord);
  }

  async hold(bus: string, id: string, events: readonly HeldEvent[], maxEvents: number): Promise<HoldOutcome> {
    return this.#write((): HoldOutcome => {
      const r = this.#row(bus, id);
      if (r === undefined) return { type: 'not-found' };
      if (r.state !== 'open') return { type: 'closed', state: r.state };
      if (r.events + events.length > maxEvents) return { type: 'full', events: r.events };
      events.forEach((e, k) => {
        this.#s.hold!.run(bus, id, r.events + k, e.id, e.source, e.type, e.subject ?? null, e.time ?? null, e.body, e.size, e.mode, e.client ?? null, e.traceparent ?? null);
      });
      this.#s.addEvents!.run(events.length, bus, id);
      return { type: 'held', events: r.events + events.length };
    });
  }

  async held(bus: string, id: string): Promise<HeldEvent[]> {
    return (this.#s.held!.all(bus, id) as HeldRow[]).map((r) => ({
      id: r.id, source: r.source, type: r.type, subject: r.subject ?? undefined, time: r.time ?? undefined, body: r.body, size: r.size,
      mode: r.mode as ContentMode, client: r.client ?? undefined, traceparent: r.traceparent ?? undefined,
    }));
  }

  async commit(bus: string, id: string, expected: number, items: readonly AppendItem[], step: TransactionStep & { type: 'committed' }): Promise<EndOutcome> {
    try {
      return this.#write((): EndOutcome => {
        const r = this.#row(bus, id);
        if (r === undefined) return { type: 'not-found' };
        if (r.state !== 'open') return { type: 'closed', state: r.state };
        if (r.events !== expected) return { type: 'changed' };
        const outcomes: AppendOutcome[] = this.#log.writeWithin(items);
        const seqs = outcomes.flatMap((o) => (o.type === 'stored' ? [o.sequence] : []));
        const first = seqs.length === 0 ? null : Math.min(...seqs);
        const last = seqs.length === 0 ? null : Math.max(...seqs);
        this.#s.dropHeld!.run(bus, id);
        this.#s.end!.run('committed', step.at, first, last, JSON.stringify([...toRecord(r).history, step]), bus, id);
        return { type: 'ended', transaction: toRecord(this.#row(bus, id)!), outcomes };
      }, APPEND_WRITER);
    } finally {
      this.#log.committed();
    }
  }

  async rollback(bus: string, id: string, step: TransactionStep & { type: 'rolled-back' }): Promise<EndOutcome> {
    return this.#write((): EndOutcome => {
      const r = this.#row(bus, id);
      if (r === undefined) return { type: 'not-found' };
      if (r.state !== 'open') return { type: 'closed', state: r.state };
      this.#s.dropHeld!.run(bus, id);
      this.#s.end!.run('rolled-back', step.at, null, null, JSON.stringify([...toRecord(r).history, step]), bus, id);
      return { type: 'ended', transaction: toRecord(this.#row(bus, id)!), outcomes: [] };
    });
  }

  async claimDue(now: number, claimUntil: number, limit: number): Promise<TransactionRecord[]> {
    return this.#write(() => {
      const rows = this.#s.due!.all(now, limit) as TxRow[];
      for (const r of rows) this.#s.claim!.run(claimUntil, r.bus, r.id);
      return rows.map(toRecord);
    });
  }

  async recordCheck(bus: string, id: string, step: TransactionStep & { type: 'check' }, nextCheckAt: number): Promise<boolean> {
    return this.#write(() => {
      const r = this.#row(bus, id);
      if (r === undefined || r.state !== 'open') return false;
      return this.#s.check!.run(nextCheckAt, JSON.stringify([...toRecord(r).history, step]), bus, id).changes > 0;
    });
  }

  async ofEvent(bus: string, sequence: number): Promise<TransactionRecord | undefined> {
    const r = this.#s.ofEvent!.get(bus, sequence) as TxRow | undefined;
    return r === undefined || r.last_seq === null || r.last_seq < sequence ? undefined : toRecord(r);
  }

  async sweepEnded(before: number, limit: number): Promise<number> {
    return this.#write(() => this.#s.sweep!.run(before, limit).changes);
  }

  /** One write transaction, under the store's write health (a full disk: SWY_STORE_UNAVAILABLE). */
  #write<T>(fn: () => T, writer: string = W): T {
    return this.#health.run(writer, () => this.#db.transaction(fn)());
  }
}
