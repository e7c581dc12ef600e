import type { Database, Statement } from 'better-sqlite3';
import type {
  AttemptRecord, Completion, DeadLetter, DeadLetterFilter, DeadLetterPage, DeliveryEnqueue, DeliveryId, DeliveryQueue,
  LeasedDelivery, PullReceipt, PullSettlement, TargetCounts, TargetHealth, TargetKey, WorkListener,
} from '../delivery-types.js';
import type { ReplayDelivery } from '../replay-types.js';
import { SqliteDeadLetters } from './dead-letters.js';
import { rowId } from '../delivery-rows.js';
import { WriteHealth, silentStoreLog, type StoreLog } from '../write-health.js';
import { sqliteStorageFault } from './storage-fault.js';

interface LeaseRow {
  id: number; bus: string; seq: number; event_id: string; rule: string; target: string; grp: string | null;
  attempts: number; first_at: number; created_at: number; received_at: number | null; body: string | null; traceparent: string | null; leases: number;
}

interface KeyRow { bus: string; rule: string; target: string; grp: string | null }

type Args = (string | number | null)[];

/** Writer names in WriteHealth: each recovers on its own next successful write. */
const W = { outcomes: 'delivery outcomes', leases: 'delivery leases', health: 'target health', dead: 'dead letters', sweep: 'delivered sweep' } as const;

/** The row id behind a delivery id, or 0 (no row) for an id this backend never made. */
const rowOf = (id: DeliveryId): number => rowId(id) ?? 0;

const EVENT_BODY = '(SELECT body FROM events e WHERE e.bus = deliveries.bus AND e.seq = deliveries.seq)';

/**
 * The delivery queue on SQLite (schema and state machine: migration 003). Enqueue runs inside
 * the event log's append transaction ({@link SqliteDeliveryQueue.enqueue}); everything else runs
 * in a transaction of its own. Only the due rows of one target are read at a time, so memory
 * does not grow with the backlog. Writes run under `health` (WriteHealth): on a full disk they
 * fail with SWY_STORE_UNAVAILABLE, and the state is logged once, not at every attempt.
 *
 * Delivery ids are the row ids as decimal text. A lease's token is kept in `leased` (0: not
 * leased; migration 011): each lease call takes the next number of a counter, and a completion
 * applies only to a row still holding its token. "Work available" hints are announced
 * in-process after each commit (only this process writes the file).
 */
export class SqliteDeliveryQueue implements DeliveryQueue {
  readonly #db: Database;
  readonly #dead: SqliteDeadLetters;
  readonly #listeners = new Set<WorkListener>();
  /** The last lease token handed out (tokens only grow; seeded from the rows at open). */
  #token: number;
  /** Targets enqueued to since the last announcement (a hint; the rows are the truth). */
  #touched = new Map<string, TargetKey>();
  readonly #s: Record<string, Statement<Args, unknown>>;
  readonly #completeTx: (completions: readonly Completion[], now: number) => number;
  readonly #leaseTx: (key: TargetKey, now: number, leaseUntil: number, limit: number, token: number) => LeaseRow[];
  readonly #health: WriteHealth;
  readonly #log: StoreLog;
  readonly #receiveTx: (key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number, token: number) => { rows: LeaseRow[]; dead: number };
  readonly #settleTx: (keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number) => boolean[];

  constructor(db: Database, deps: { health?: WriteHealth; log?: StoreLog } = {}) {
    this.#db = db;
    this.#log = deps.log ?? silentStoreLog;
    this.#health = deps.health ?? new WriteHealth({ classify: sqliteStorageFault, log: this.#log });
    this.#dead = new SqliteDeadLetters(db, (bus, rule, target, grp) => this.#groupBusy(bus, rule, target, grp));
    const p = (sql: string): Statement<Args, unknown> => db.prepare<Args, unknown>(sql);
    this.#s = {
      insert: p(`INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, event_body)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertReplayed: p(`INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, event_body, replay)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      groupBusy: p(`SELECT 1 AS x FROM deliveries WHERE bus = ? AND rule = ? AND target = ? AND grp = ? AND state IN ('pending', 'waiting') LIMIT 1`),
      // Ordered exactly as deliveries_due is (due_at, first_at, rowid): read in index order up to
      // the limit. Ordering by (due_at, id) alone made SQLite sort every row sharing a due time
      // (a whole put batch) with its event body, for each lease: ~6× the cost per leased row.
      due: p(`SELECT d.id, d.bus, d.seq, d.event_id, d.rule, d.target, d.grp, d.attempts, d.first_at, d.created_at, d.leases,
                     e.received_at, coalesce(d.event_body, e.body) AS body, e.traceparent
              FROM deliveries d INDEXED BY deliveries_due LEFT JOIN events e ON e.bus = d.bus AND e.seq = d.seq
              WHERE d.bus = ? AND d.rule = ? AND d.target = ? AND d.state = 'pending' AND d.due_at <= ?
              ORDER BY d.due_at, d.first_at, d.id LIMIT ?`),
      // `leases` (migration 014) counts leases; a release (no attempt) gives its lease back.
      lease: p('UPDATE deliveries SET due_at = ?, leased = ?, leases = leases + 1 WHERE id = ?'),
      nextDue: p(`SELECT min(due_at) AS d FROM deliveries WHERE bus = ? AND rule = ? AND target = ? AND state = 'pending'`),
      // A finished row returns its key: a FIFO group head then promotes its group's next row.
      // Every completion names its lease: a row no longer holding that token (killed, redriven,
      // leased again after its lease ended, completed already) is left as it is.
      delivered: p(`UPDATE deliveries SET state = 'delivered', leased = 0, attempts = attempts + 1, done_at = ?, last_error = NULL
                    WHERE id = ? AND leased = ? RETURNING bus, rule, target, grp`),
      dropped: p(`UPDATE deliveries SET state = 'dropped', leased = 0, attempts = attempts + ?, done_at = ?, last_error = ?
                  WHERE id = ? AND leased = ? RETURNING bus, rule, target, grp`),
      retry: p('UPDATE deliveries SET due_at = ?, leased = 0, attempts = attempts + 1, last_error = ? WHERE id = ? AND leased = ?'),
      release: p('UPDATE deliveries SET due_at = ?, leased = 0, leases = max(leases - 1, 0) WHERE id = ? AND leased = ?'),
      dead: p(`UPDATE deliveries SET state = 'dead', leased = 0, done_at = ?, last_error = ?, payload = ?, attempts = attempts + ?,
                 event_body = coalesce(event_body, ${EVENT_BODY}) WHERE id = ? AND leased = ? RETURNING bus, rule, target, grp`),
      forward: p(`INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, event_body)
                  SELECT bus, seq, event_id, rule, ?, NULL, 'pending', ?, ?, ?, coalesce(?, event_body) FROM deliveries WHERE id = ?`),
      attempt: p(`INSERT INTO delivery_attempts (delivery_id, n, at, duration_ms, ok, status, error_class, message, response)
                  VALUES (?, (SELECT coalesce(max(n), 0) + 1 FROM delivery_attempts WHERE delivery_id = ?), ?, ?, ?, ?, ?, ?, ?)`),
      // The IN term lets SQLite use the partial index deliveries_group (it does not infer it from
      // state = 'waiting'); without it every promotion scans the bus's deliveries.
      // max(): a delayed delivery (due_at set at enqueue) keeps its due time when promoted early.
      promote: p(`UPDATE deliveries SET state = 'pending', due_at = max(due_at, ?) WHERE id = (
                    SELECT id FROM deliveries INDEXED BY deliveries_group
                    WHERE bus = ? AND rule = ? AND target = ? AND grp = ? AND state IN ('pending', 'waiting') AND state = 'waiting' ORDER BY id LIMIT 1)`),
      // A pull lease (pulled = 1) is held by a consumer outside this process: it keeps its time.
      releaseAll: p('UPDATE deliveries SET due_at = min(due_at, ?), leased = 0 WHERE leased > 0 AND pulled = 0'),
      receive: p('UPDATE deliveries SET due_at = ?, leased = ?, pulled = 1, attempts = attempts + 1 WHERE id = ?'),
      overReceived: p(`UPDATE deliveries SET state = 'dead', leased = 0, pulled = 0, done_at = ?, last_error = ?, event_body = coalesce(event_body, ${EVENT_BODY})
                       WHERE id = ? RETURNING bus, rule, target, grp`),
      heldBy: p('SELECT bus, rule, target, attempts FROM deliveries WHERE id = ? AND leased = ? AND pulled = 1'),
      ack: p(`UPDATE deliveries SET state = 'delivered', leased = 0, pulled = 0, done_at = ?, last_error = NULL WHERE id = ? AND leased = ? RETURNING bus, rule, target, grp`),
      giveBack: p('UPDATE deliveries SET due_at = ?, leased = 0, pulled = 0 WHERE id = ? AND leased = ?'),
      reject: p(`UPDATE deliveries SET state = 'dead', leased = 0, pulled = 0, done_at = ?, last_error = ?, event_body = coalesce(event_body, ${EVENT_BODY})
                 WHERE id = ? AND leased = ? RETURNING bus, rule, target, grp`),
      renew: p('UPDATE deliveries SET due_at = ? WHERE id = ? AND leased = ? AND due_at > ?'),
      maxToken: p('SELECT max(leased) AS t FROM deliveries WHERE leased > 0'),
      active: p(`SELECT DISTINCT bus, rule, target FROM deliveries WHERE state = 'pending'`),
      // Rows found on the partial indexes (a disabled target runs this on every wake-up; a
      // plain filter would scan every delivery of the bus, delivered ones included).
      kill: p(`UPDATE deliveries SET state = 'dead', leased = 0, done_at = ?, last_error = ?, event_body = coalesce(event_body, ${EVENT_BODY})
               WHERE id IN (SELECT id FROM deliveries INDEXED BY deliveries_due WHERE bus = ? AND rule = ? AND target = ? AND state = 'pending'
                            UNION ALL
                            SELECT id FROM deliveries INDEXED BY deliveries_settled
                            WHERE bus = ? AND rule = ? AND target = ? AND state IN ('waiting', 'dead') AND state = 'waiting')`),
      health: p('SELECT failing_since, disabled_at FROM target_health WHERE bus = ? AND rule = ? AND target = ?'),
      setHealth: p('INSERT OR REPLACE INTO target_health (bus, rule, target, failing_since, disabled_at) VALUES (?, ?, ?, ?, ?)'),
      clearHealth: p('DELETE FROM target_health WHERE bus = ? AND rule = ? AND target = ?'),
      // Both on partial indexes of the target alone (deliveries_due, deliveries_settled): no scan of the bus.
      countLeased: p('SELECT count(*) AS n FROM deliveries INDEXED BY deliveries_leased WHERE bus = ? AND rule = ? AND target = ? AND leased > 0'),
      countPending: p(`SELECT count(*) AS n FROM deliveries INDEXED BY deliveries_due WHERE bus = ? AND rule = ? AND target = ? AND state = 'pending'`),
      countSettled: p(`SELECT state, count(*) AS n FROM deliveries INDEXED BY deliveries_settled
                       WHERE bus = ? AND rule = ? AND target = ? AND state IN ('waiting', 'dead') GROUP BY state`),
      sweepAttempts: p(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE state = 'delivered' AND done_at < ? ORDER BY done_at LIMIT ?)`),
      sweep: p(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE state = 'delivered' AND done_at < ? ORDER BY done_at LIMIT ?)`),
    };
    this.#completeTx = db.transaction((completions: readonly Completion[], now: number) => {
      let applied = 0;
      for (const c of completions) if (this.#complete(c, now)) applied++;
      return applied;
    });
    this.#leaseTx = db.transaction((key: TargetKey, now: number, leaseUntil: number, limit: number, token: number) => {
      const rows = this.#s.due!.all(key.bus, key.rule, key.target, now, limit) as LeaseRow[];
      for (const r of rows) this.#s.lease!.run(leaseUntil, token, r.id);
      return rows;
    });
    this.#receiveTx = db.transaction((key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number, token: number) => {
      const rows: LeaseRow[] = [];
      let dead = 0;
      // A dead-lettered group head promotes its group's next delivery, due now: look again (bounded).
      for (let pass = 0; pass < 4 && rows.length < limit; pass++) {
        const due = this.#s.due!.all(key.bus, key.rule, key.target, now, limit - rows.length) as LeaseRow[];
        let promoted = false;
        for (const r of due) {
          if (r.attempts >= maxReceives) {
            const k = this.#s.overReceived!.get(now, `received ${r.attempts} times (maxReceives ${maxReceives}) without an ack`, r.id) as KeyRow | undefined;
            if (k !== undefined) {
              dead++;
              if (k.grp !== null && this.#s.promote!.run(now, k.bus, k.rule, k.target, k.grp).changes > 0) promoted = true;
            }
            continue;
          }
          this.#s.receive!.run(leaseUntil, token, r.id);
          rows.push({ ...r, attempts: r.attempts + 1 });
        }
        if (!promoted) break;
      }
      return { rows, dead };
    });
    this.#settleTx = db.transaction((keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number) =>
      settlements.map((st) => this.#settle(keys, st, now)));
    this.#token = (this.#s.maxToken!.get() as { t: number | null }).t ?? 0;
  }

  /**
   * Enqueues an event's deliveries. Must run inside the transaction that appends the event, so
   * the event and its deliveries commit together. An ordered delivery waits behind an older
   * one of its group. A delayed event's deliveries (`deliverAt`) are due at that time, not
   * before, even when promoted from their group's wait earlier.
   */
  enqueue(bus: string, seq: number, eventId: string, deliveries: readonly DeliveryEnqueue[], now: number, deliverAt?: number): void {
    const due = deliverAt === undefined || deliverAt < now ? now : deliverAt;
    for (const d of deliveries) {
      const state = d.group !== null && this.#groupBusy(bus, d.rule, d.target, d.group) ? 'waiting' : 'pending';
      // The retry budget (first_at) starts when the delivery falls due, not at the put.
      this.#s.insert!.run(bus, seq, eventId, d.rule, d.target, d.group, state, due, due, now, null);
      this.#touch({ bus, rule: d.rule, target: d.target });
    }
  }

  /**
   * Enqueues a replay job's deliveries, each with its replayed event text (migration 013). Like
   * {@link enqueue}, runs inside the caller's transaction; announce after the commit.
   */
  enqueueReplayed(bus: string, replay: string, deliveries: readonly ReplayDelivery[], now: number): void {
    for (const d of deliveries) {
      const state = d.group !== null && this.#groupBusy(bus, d.rule, d.target, d.group) ? 'waiting' : 'pending';
      this.#s.insertReplayed!.run(bus, d.seq, d.eventId, d.rule, d.target, d.group, state, now, now, now, d.body, replay);
      this.#touch({ bus, rule: d.rule, target: d.target });
    }
  }

  /** Tells the listeners which targets got work since the last call (after a commit). */
  announce(): void {
    if (this.#listeners.size === 0) {
      this.#touched.clear();
      return;
    }
    if (this.#touched.size === 0) return;
    const keys = [...this.#touched.values()];
    this.#touched = new Map();
    // Runs after commits, inside the event log's group commit: a listener's error must not turn
    // the committed appends into failures.
    for (const l of this.#listeners) {
      try {
        l(keys);
      } catch (err) {
        this.#log.error({ err }, 'delivery queue listener failed');
      }
    }
  }

  watchWork(listener: WorkListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Ends every lease at once (due now, or earlier if it was due earlier). Run at open, holding
   * the data directory's lock: no other process can be sending these, so a previous process's
   * leases need not wait out their time. Not part of the port: a shared backend lets leases
   * expire.
   */
  expireLeasesAtOpen(now: number): number {
    return this.#health.run(W.leases, () => this.#s.releaseAll!.run(now).changes);
  }

  async lease(key: TargetKey, now: number, leaseUntil: number, limit: number): Promise<LeasedDelivery[]> {
    const token = ++this.#token;
    const lease = String(token);
    return this.#health.run(W.leases, () => this.#leaseTx(key, now, leaseUntil, limit, token)).map((r): LeasedDelivery => ({
      id: String(r.id), lease, leaseUntil, bus: r.bus, seq: r.seq, eventId: r.event_id, rule: r.rule, target: r.target, group: r.grp,
      attempts: r.attempts, firstAt: r.first_at, receivedAt: r.received_at ?? r.created_at, eventBody: r.body, traceparent: r.traceparent, leases: r.leases + 1,
    }));
  }

  async receive(key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number): Promise<PullReceipt> {
    const token = ++this.#token;
    const lease = String(token);
    const { rows, dead } = this.#health.run(W.leases, () => this.#receiveTx(key, now, leaseUntil, limit, maxReceives, token));
    return {
      deadLettered: dead,
      deliveries: rows.map((r): LeasedDelivery => ({
        id: String(r.id), lease, leaseUntil, bus: r.bus, seq: r.seq, eventId: r.event_id, rule: r.rule, target: r.target, group: r.grp,
        attempts: r.attempts, firstAt: r.first_at, receivedAt: r.received_at ?? r.created_at, eventBody: r.body, traceparent: r.traceparent,
      })),
    };
  }

  async settle(keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number): Promise<boolean[]> {
    if (settlements.length === 0) return [];
    const applied = this.#health.run(W.outcomes, () => this.#settleTx(keys, settlements, now));
    this.announce();
    return applied;
  }

  /** One settlement, if its pull lease is current and its delivery belongs to one of `keys`. */
  #settle(keys: readonly TargetKey[], st: PullSettlement, now: number): boolean {
    const s = this.#s;
    const id = rowId(st.id);
    const token = rowId(st.lease);
    if (id === undefined || token === undefined) return false;
    const held = s.heldBy!.get(id, token) as (TargetKey & { attempts: number }) | undefined;
    if (held === undefined || !keys.some((k) => k.bus === held.bus && k.rule === held.rule && k.target === held.target)) return false;
    switch (st.type) {
      case 'renew':
        return s.renew!.run(st.leaseUntil, id, token, now).changes > 0;
      case 'release':
        if (s.giveBack!.run(st.dueAt, id, token).changes === 0) return false;
        // Kept in the attempt log, so the trace shows a consumer gave it back.
        this.#recordAttempt(id, {
          at: now, durationMs: 0, ok: false, status: null, errorClass: 'released', response: null,
          message: `released by a consumer after receive ${held.attempts}; ready again at ${new Date(st.dueAt).toISOString()}`,
        });
        this.#touch({ bus: held.bus, rule: held.rule, target: held.target });
        return true;
      case 'ack':
      case 'reject': {
        const k = (st.type === 'ack' ? s.ack!.get(now, id, token) : s.reject!.get(now, st.reason, id, token)) as KeyRow | undefined;
        if (k === undefined) return false;
        this.#promoteNext(k, now);
        return true;
      }
    }
  }

  async nextDue(key: TargetKey): Promise<number | undefined> {
    const row = this.#s.nextDue!.get(key.bus, key.rule, key.target) as { d: number | null } | undefined;
    return row?.d ?? undefined;
  }

  async complete(completions: readonly Completion[], now: number): Promise<number> {
    if (completions.length === 0) return 0;
    const applied = this.#health.run(W.outcomes, () => this.#completeTx(completions, now));
    this.announce();
    return applied;
  }

  /** Applies one completion if its lease is current; answers whether it was. */
  #complete(c: Completion, now: number): boolean {
    const s = this.#s;
    const id = rowOf(c.id);
    const token = rowId(c.lease) ?? -1;
    switch (c.type) {
      case 'release':
        return s.release!.run(c.dueAt, id, token).changes > 0;
      case 'retry':
        if (s.retry!.run(c.dueAt, c.error, id, token).changes === 0) return false;
        this.#recordAttempt(id, c.attempt);
        return true;
      case 'delivered': {
        const k = s.delivered!.get(now, id, token) as KeyRow | undefined;
        if (k === undefined) return false;
        this.#recordAttempt(id, c.attempt);
        this.#promoteNext(k, now);
        return true;
      }
      case 'dropped': {
        const k = s.dropped!.get(c.attempt === null ? 0 : 1, now, c.reason, id, token) as KeyRow | undefined;
        if (k === undefined) return false;
        if (c.attempt !== null) this.#recordAttempt(id, c.attempt);
        this.#promoteNext(k, now);
        return true;
      }
      case 'dead': {
        const k = s.dead!.get(now, c.reason, c.payload, c.attempt === null ? 0 : 1, id, token) as KeyRow | undefined;
        if (k === undefined) return false;
        if (c.attempt !== null) this.#recordAttempt(id, c.attempt);
        this.#promoteNext(k, now);
        if (c.forwardTo !== undefined) {
          s.forward!.run(c.forwardTo, now, now, now, c.forwardBody ?? null, id);
          this.#touch({ bus: k.bus, rule: k.rule, target: c.forwardTo });
        }
        return true;
      }
    }
  }

  /** Appends an attempt as number max(n) + 1 of the delivery (the log outlives redrives, which reset `attempts`). */
  #recordAttempt(id: number, a: AttemptRecord): void {
    this.#s.attempt!.run(id, id, a.at, a.durationMs, a.ok ? 1 : 0, a.status, a.errorClass, a.message, a.response);
  }

  /** A finished group head (its key as the finishing update returned it) hands the group to its next waiting delivery. */
  #promoteNext(k: KeyRow, now: number): void {
    if (k.grp === null) return;
    const r = this.#s.promote!.run(now, k.bus, k.rule, k.target, k.grp);
    if (r.changes > 0) this.#touch(k);
  }

  #groupBusy(bus: string, rule: string, target: string, grp: string): boolean {
    return this.#s.groupBusy!.get(bus, rule, target, grp) !== undefined;
  }

  #touch(k: TargetKey): void {
    const id = `${k.bus}\u0000${k.rule}\u0000${k.target}`;
    if (!this.#touched.has(id)) this.#touched.set(id, { bus: k.bus, rule: k.rule, target: k.target });
  }

  async activeTargets(): Promise<TargetKey[]> {
    return this.#s.active!.all() as TargetKey[];
  }

  async killTarget(key: TargetKey, reason: string, now: number): Promise<number> {
    return this.#health.run(W.dead, () => this.#s.kill!.run(now, reason, key.bus, key.rule, key.target, key.bus, key.rule, key.target).changes);
  }

  async listDead(filter: DeadLetterFilter, limit: number, after?: string): Promise<DeadLetterPage> {
    return this.#dead.list(filter, limit, after);
  }

  async getDead(id: DeliveryId): Promise<DeadLetter | undefined> {
    return this.#dead.get(id);
  }

  async redrive(select: { readonly ids: readonly DeliveryId[] } | { readonly filter: DeadLetterFilter }, now: number): Promise<number> {
    const { count, keys } = this.#health.run(W.dead, () => this.#dead.redrive(select, now));
    for (const k of keys) this.#touch(k);
    this.announce();
    return count;
  }

  async purge(filter: DeadLetterFilter): Promise<number> {
    return this.#health.run(W.dead, () => this.#dead.purge(filter));
  }

  async attempts(id: DeliveryId): Promise<AttemptRecord[]> {
    return this.#dead.attempts(id);
  }

  async health(key: TargetKey): Promise<TargetHealth | undefined> {
    const row = this.#s.health!.get(key.bus, key.rule, key.target) as { failing_since: number | null; disabled_at: number | null } | undefined;
    return row === undefined ? undefined : { failingSince: row.failing_since, disabledAt: row.disabled_at };
  }

  async setHealth(key: TargetKey, health: TargetHealth | undefined): Promise<void> {
    this.#health.run(W.health, () => {
      if (health === undefined) this.#s.clearHealth!.run(key.bus, key.rule, key.target);
      else this.#s.setHealth!.run(key.bus, key.rule, key.target, health.failingSince, health.disabledAt);
    });
  }

  async counts(key: TargetKey): Promise<TargetCounts> {
    const k = [key.bus, key.rule, key.target];
    const unfinished = (this.#s.countPending!.get(...k) as { n: number }).n;
    const inFlight = (this.#s.countLeased!.get(...k) as { n: number }).n;
    const settled = { waiting: 0, dead: 0 };
    for (const r of this.#s.countSettled!.all(...k) as { state: 'waiting' | 'dead'; n: number }[]) settled[r.state] = r.n;
    return { pending: unfinished - inFlight + settled.waiting, inFlight, dead: settled.dead, waiting: settled.waiting };
  }

  async sweepDelivered(before: number, limit: number): Promise<number> {
    return this.#health.run(W.sweep, () => this.#db.transaction(() => {
      this.#s.sweepAttempts!.run(before, limit);
      return this.#s.sweep!.run(before, limit).changes;
    })());
  }
}
