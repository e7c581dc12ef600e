import type pg from 'pg';
import { SwitchyardError, type Clock } from '../../../core/index.js';
import type { ContentMode } from '../../../events/index.js';
import type { AppendItem, AppendOutcome } from '../../types.js';
import type {
  EndOutcome, HeldEvent, HoldOutcome, NewTransaction, TransactionLog, TransactionRecord, TransactionState, TransactionStep,
} from '../../transaction-types.js';
import { inTransaction, type Queryable } from './pg-client.js';

/**
 * Appends a committed transaction's events to the cluster's log, in the given (put) order,
 * idempotently under `key`: called again with the same key (a resumed commit) it must store
 * nothing twice and answer each item's original sequence (JetStream: publish item n with
 * `Nats-Msg-Id: ${key}/${n}`, one after the other; a duplicate's ack names the first sequence).
 * Each item carries its deliveries: the log's consumer records them (`recordAppended`).
 */
export type CommittedAppender = (key: string, items: readonly AppendItem[]) => Promise<AppendOutcome[]>;

type DbState = TransactionState | 'committing';

interface TxRow {
  bus: string; id: string; state: DbState; check_url: string | null; check_after_ms: number; created_at: number;
  next_check_at: number | null; checks: number; events: number; ended_at: number | null; first_seq: number | null; last_seq: number | null;
  history: TransactionStep[]; commit_step: (TransactionStep & { type: 'committed' }) | null;
}

interface HeldRow {
  id: string; source: string; type: string; subject: string | null; time: string | null; body: string; size: number; mode: string;
  client: string | null; traceparent: string | null;
}

const COLS = 'bus, id, state, check_url, check_after_ms, created_at, next_check_at, checks, events, ended_at, first_seq, last_seq, history, commit_step';

/** A commit decided but not yet appended reads as committed (it will be), without sequences yet. */
function toRecord(r: TxRow): TransactionRecord {
  const committing = r.state === 'committing' && r.commit_step !== null ? r.commit_step : null;
  return {
    bus: r.bus, id: r.id, state: r.state === 'committing' ? 'committed' : r.state, checkUrl: r.check_url, checkAfterMs: r.check_after_ms,
    createdAt: r.created_at, nextCheckAt: r.state === 'open' ? r.next_check_at : null, checks: r.checks, events: r.events,
    endedAt: committing === null ? r.ended_at : committing.at,
    sequences: r.first_seq === null || r.last_seq === null ? null : { first: r.first_seq, last: r.last_seq },
    history: committing === null ? r.history : [...r.history, committing],
  };
}

/**
 * JSON text for a jsonb parameter. jsonb holds no U+0000, and a step's `detail` may quote a
 * producer's answer: a NUL there is kept as U+FFFD rather than failing the write (an escaped
 * backslash before `u0000` is left alone).
 */
const jsonb = (v: unknown): string => JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');

/** The idempotency key of a transaction's commit in the log. */
const commitKey = (bus: string, id: string): string => `swy-tx/${bus}/${id}`;

export interface PgTransactionLogOptions {
  readonly pool: pg.Pool;
  readonly clock: Clock;
  /** The log's append for commits; absent, a commit is refused (SWY_STORE_UNAVAILABLE) before it decides anything. */
  readonly append: CommittedAppender | undefined;
  /** How long a commit's appender has before another node may take the commit over (default 60 s). */
  readonly commitClaimMs?: number;
}

/**
 * Transactions on PostgreSQL (migration 006), shared by every node. Held events stay in
 * PostgreSQL; a commit runs in three steps (docs/cluster.md, "Transactions"):
 *
 * 1. decide — in one PostgreSQL transaction, holding the row: check it is open with the expected
 *    events, store the routed items and the step, drop the held rows, state `committing`, claim
 *    it for `commitClaimMs`. From here the outcome is fixed: no rollback, no check-back, no hold.
 * 2. append — the items to the log in put order under the transaction's idempotency key.
 * 3. end — state `committed` with the sequences stored and the step in the history.
 *
 * If the committer dies between 1 and 3, {@link resumeCommits} (run by every node's upkeep)
 * finds the commit once its claim ended and does 2 and 3 again: the log stores nothing twice, so
 * the result is the same as one uninterrupted commit. A commit called again for a transaction
 * that is `committing` does the same at once.
 */
export class PgTransactionLog implements TransactionLog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #append: CommittedAppender | undefined;
  readonly #claimMs: number;

  constructor(opts: PgTransactionLogOptions) {
    this.#pool = opts.pool;
    this.#clock = opts.clock;
    this.#append = opts.append;
    this.#claimMs = opts.commitClaimMs ?? 60_000;
  }

  async #row(c: Queryable, bus: string, id: string, lock = false): Promise<TxRow | undefined> {
    const { rows } = await c.query<TxRow>(`SELECT ${COLS} FROM transactions WHERE bus = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [bus, id]);
    return rows[0];
  }

  async begin(tx: NewTransaction, now: number, maxOpen: number): Promise<TransactionRecord | undefined> {
    return inTransaction(this.#pool, async (c) => {
      // One begin at a time cluster-wide: the count of open transactions and the insert go together.
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended('switchyard-tx-begin', 0))");
      const { rows } = await c.query<{ n: number }>("SELECT count(*)::int8 AS n FROM transactions WHERE state = 'open'");
      if ((rows[0]?.n ?? 0) >= maxOpen) return undefined;
      const history: TransactionStep[] = [{ type: 'begin', at: now }];
      const { rows: made } = await c.query<TxRow>(`
        INSERT INTO transactions (bus, id, state, check_url, check_after_ms, created_at, next_check_at, history)
        VALUES ($1, $2, 'open', $3, $4, $5, $6, $7::jsonb) RETURNING ${COLS}`,
      [tx.bus, tx.id, tx.checkUrl, tx.checkAfterMs, now, now + tx.checkAfterMs, jsonb(history)]);
      return toRecord(made[0]!);
    });
  }

  async get(bus: string, id: string): Promise<TransactionRecord | undefined> {
    const r = await this.#row(this.#pool, bus, id);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(bus: string, state: TransactionState | undefined, limit: number): Promise<TransactionRecord[]> {
    const states: DbState[] | null = state === undefined ? null : state === 'committed' ? ['committed', 'committing'] : [state];
    const { rows } = await this.#pool.query<TxRow>(`
      SELECT ${COLS} FROM transactions WHERE bus = $1 AND ($2::text[] IS NULL OR state = ANY($2::text[]))
      ORDER BY created_at DESC, id DESC LIMIT $3`, [bus, states, limit]);
    return rows.map(toRecord);
  }

  async hold(bus: string, id: string, events: readonly HeldEvent[], maxEvents: number): Promise<HoldOutcome> {
    return inTransaction(this.#pool, async (c): Promise<HoldOutcome> => {
      const r = await this.#row(c, bus, id, true);
      if (r === undefined) return { type: 'not-found' };
      if (r.state !== 'open') return { type: 'closed', state: toRecord(r).state };
      if (r.events + events.length > maxEvents) return { type: 'full', events: r.events };
      if (events.length > 0) {
        await c.query(`
          INSERT INTO transaction_events (bus, tx, n, id, source, type, subject, time, body, size, mode, client, traceparent)
          SELECT $1, $2, x.n, x.id, x.source, x.type, x.subject, x.time, x.body, x.size, x.mode, x.client, x.traceparent
          FROM jsonb_to_recordset($3::jsonb) AS x(n int8, id text, source text, type text, subject text, time text, body text, size int8, mode text, client text, traceparent text)`,
        [bus, id, JSON.stringify(events.map((e, k) => ({
          n: r.events + k, id: e.id, source: e.source, type: e.type, subject: e.subject ?? null, time: e.time ?? null, body: e.body, size: e.size,
          mode: e.mode, client: e.client ?? null, traceparent: e.traceparent ?? null,
        })))]);
        await c.query('UPDATE transactions SET events = events + $1 WHERE bus = $2 AND id = $3', [events.length, bus, id]);
      }
      return { type: 'held', events: r.events + events.length };
    });
  }

  async held(bus: string, id: string): Promise<HeldEvent[]> {
    const { rows } = await this.#pool.query<HeldRow>(
      'SELECT id, source, type, subject, time, body, size, mode, client, traceparent FROM transaction_events WHERE bus = $1 AND tx = $2 ORDER BY n', [bus, id]);
    return rows.map((r) => ({
      id: r.id, source: r.source, type: r.type, subject: r.subject ?? undefined, time: r.time ?? undefined, body: r.body, size: r.size,
      mode: r.mode as ContentMode, client: r.client ?? undefined, traceparent: r.traceparent ?? undefined,
    }));
  }

  async commit(bus: string, id: string, expected: number, items: readonly AppendItem[], step: TransactionStep & { type: 'committed' }): Promise<EndOutcome> {
    const append = this.#append;
    if (append === undefined) throw new SwitchyardError('SWY_STORE_UNAVAILABLE', 'transactions cannot commit: this node has no event log to append to');
    const decided = await inTransaction(this.#pool, async (c): Promise<EndOutcome | { type: 'decided' }> => {
      const r = await this.#row(c, bus, id, true);
      if (r === undefined) return { type: 'not-found' };
      if (r.state === 'committing') return { type: 'decided' };
      if (r.state !== 'open') return { type: 'closed', state: toRecord(r).state };
      if (r.events !== expected) return { type: 'changed' };
      await c.query(`UPDATE transactions SET state = 'committing', next_check_at = NULL, commit_items = $1, commit_step = $2::jsonb, commit_claim = $3
        WHERE bus = $4 AND id = $5`, [JSON.stringify(items), jsonb(step), this.#clock.now() + this.#claimMs, bus, id]);
      await c.query('DELETE FROM transaction_events WHERE bus = $1 AND tx = $2', [bus, id]);
      return { type: 'decided' };
    });
    if (decided.type !== 'decided') return decided;
    return this.#finish(append, bus, id);
  }

  /** Steps 2 and 3 of a decided commit: append (idempotent), then end the transaction with its sequences. */
  async #finish(append: CommittedAppender, bus: string, id: string): Promise<EndOutcome> {
    const { rows } = await this.#pool.query<{ commit_items: string | null }>(
      "SELECT commit_items FROM transactions WHERE bus = $1 AND id = $2 AND state = 'committing'", [bus, id]);
    const text = rows[0]?.commit_items;
    if (text !== undefined && text !== null) {
      const items = JSON.parse(text) as AppendItem[];
      const outcomes = await append(commitKey(bus, id), items);
      const seqs = outcomes.flatMap((o) => (o.type === 'stored' ? [o.sequence] : []));
      await this.#pool.query(`
        UPDATE transactions SET state = 'committed', ended_at = (commit_step->>'at')::float8, history = history || jsonb_build_array(commit_step),
          first_seq = $1, last_seq = $2, seqs = $3::int8[], commit_items = NULL, commit_step = NULL, commit_claim = NULL
        WHERE bus = $4 AND id = $5 AND state = 'committing'`,
      [seqs.length === 0 ? null : Math.min(...seqs), seqs.length === 0 ? null : Math.max(...seqs), seqs, bus, id]);
      const r = await this.#row(this.#pool, bus, id);
      if (r === undefined) return { type: 'not-found' };
      return { type: 'ended', transaction: toRecord(r), outcomes };
    }
    // Finished meanwhile by another node (or its bus deleted).
    const r = await this.#row(this.#pool, bus, id);
    if (r === undefined) return { type: 'not-found' };
    return { type: 'ended', transaction: toRecord(r), outcomes: [] };
  }

  /**
   * Finishes commits whose committer stopped before appending (a node died between deciding and
   * ending): claims up to `limit` whose claim ended by `now`, then appends and ends each. Every
   * node runs it from its upkeep loop; answers how many were finished.
   */
  async resumeCommits(now: number, limit: number): Promise<number> {
    const append = this.#append;
    if (append === undefined) return 0;
    const claimed = await inTransaction(this.#pool, async (c) => {
      const { rows } = await c.query<{ bus: string; id: string }>(`
        SELECT bus, id FROM transactions WHERE state = 'committing' AND commit_claim <= $1 ORDER BY commit_claim LIMIT $2 FOR UPDATE SKIP LOCKED`, [now, limit]);
      for (const r of rows) await c.query('UPDATE transactions SET commit_claim = $1 WHERE bus = $2 AND id = $3', [now + this.#claimMs, r.bus, r.id]);
      return rows;
    });
    let n = 0;
    for (const r of claimed) if ((await this.#finish(append, r.bus, r.id)).type === 'ended') n++;
    return n;
  }

  async rollback(bus: string, id: string, step: TransactionStep & { type: 'rolled-back' }): Promise<EndOutcome> {
    return inTransaction(this.#pool, async (c): Promise<EndOutcome> => {
      const r = await this.#row(c, bus, id, true);
      if (r === undefined) return { type: 'not-found' };
      if (r.state !== 'open') return { type: 'closed', state: toRecord(r).state };
      await c.query('DELETE FROM transaction_events WHERE bus = $1 AND tx = $2', [bus, id]);
      const { rows } = await c.query<TxRow>(`
        UPDATE transactions SET state = 'rolled-back', ended_at = $1, next_check_at = NULL, history = history || $2::jsonb
        WHERE bus = $3 AND id = $4 RETURNING ${COLS}`, [step.at, jsonb([step]), bus, id]);
      return { type: 'ended', transaction: toRecord(rows[0]!), outcomes: [] };
    });
  }

  async claimDue(now: number, claimUntil: number, limit: number): Promise<TransactionRecord[]> {
    // SKIP LOCKED: nodes claiming at once get disjoint transactions.
    const { rows } = await this.#pool.query<TxRow>(`
      WITH due AS (
        SELECT bus, id, next_check_at AS old_due FROM transactions WHERE state = 'open' AND next_check_at <= $1
        ORDER BY next_check_at, created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
      claimed AS (
        UPDATE transactions t SET next_check_at = $3 FROM due WHERE t.bus = due.bus AND t.id = due.id
        RETURNING t.*, due.old_due)
      SELECT ${COLS}, old_due FROM claimed ORDER BY old_due, created_at, id`, [now, limit, claimUntil]);
    return rows.map(toRecord);
  }

  async recordCheck(bus: string, id: string, step: TransactionStep & { type: 'check' }, nextCheckAt: number): Promise<boolean> {
    const r = await this.#pool.query(`
      UPDATE transactions SET checks = checks + 1, next_check_at = $1, history = history || $2::jsonb
      WHERE bus = $3 AND id = $4 AND state = 'open'`, [nextCheckAt, jsonb([step]), bus, id]);
    return (r.rowCount ?? 0) > 0;
  }

  async ofEvent(bus: string, sequence: number): Promise<TransactionRecord | undefined> {
    const { rows } = await this.#pool.query<TxRow>(`
      SELECT ${COLS} FROM transactions WHERE seqs @> ARRAY[$2::int8] AND seqs IS NOT NULL AND bus = $1
      ORDER BY first_seq DESC LIMIT 1`, [bus, sequence]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async sweepEnded(before: number, limit: number): Promise<number> {
    const r = await this.#pool.query(`
      DELETE FROM transactions WHERE (bus, id) IN (
        SELECT bus, id FROM transactions WHERE state IN ('committed', 'rolled-back') AND ended_at < $1 ORDER BY ended_at LIMIT $2)`, [before, limit]);
    return r.rowCount ?? 0;
  }
}
