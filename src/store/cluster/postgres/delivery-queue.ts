import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type {
  AttemptRecord, Completion, DeadLetter, DeadLetterFilter, DeadLetterPage, DeliveryEnqueue, DeliveryId, DeliveryQueue,
  LeasedDelivery, PullReceipt, PullSettlement, TargetCounts, TargetHealth, TargetKey, WorkListener,
} from '../../delivery-types.js';
import type { ChangeRelay } from './change-relay.js';
import type { EventBodies } from './event-bodies.js';
import { PgDeadLetters } from './dead-letters.js';
import { rowId } from '../../delivery-rows.js';
import { lockGroups, promoteAfter, type GroupKey } from './fifo-lock.js';
import { Touched } from './touched.js';
import { receivePulled, settlePulled, type PullDeps } from './pull-leases.js';
import { inTransaction, type Queryable } from './pg-client.js';

/** The deliveries of one event of the log, as the log's consumer records them. */
export interface DeliveryRecord {
  readonly bus: string;
  readonly seq: number;
  readonly eventId: string;
  readonly deliveries: readonly DeliveryEnqueue[];
  /** A delayed event (AppendItem.deliverAt): its deliveries are due at this time (ms), not before; a past time is now. */
  readonly deliverAt?: number | undefined;
}

interface LeaseRow {
  id: number; bus: string; seq: number; event_id: string; rule: string; target: string; grp: string | null; attempts: number;
  first_at: number; created_at: number; event_body: string | null; old_due: number; received_at: number | null; traceparent: string | null;
}

interface FinishedRow { bus: string; rule: string; target: string; grp: string | null; seq: number }

/**
 * The delivery queue on PostgreSQL, shared by every node (schema and state machine: migration
 * 003). Nothing assumes one process:
 *
 * - `lease` takes due rows with `FOR UPDATE SKIP LOCKED` and gives them a fresh random token and
 *   `due_at = leaseUntil`: nodes leasing one target at once get disjoint rows, and a lease that
 *   ends unfinished makes its row due again by itself (no release at start).
 * - a completion applies only to the row still holding its token (`lease = $token`).
 * - FIFO groups: at most one `pending` row per group (a unique partial index), changed only under
 *   the group's advisory lock (fifo-lock.ts), so the group has one head cluster-wide and one lease.
 * - `enqueue` records the deliveries of logged events idempotently on (bus, seq, rule, target).
 * - work hints: told in-process after this node's commits, NOTIFYed to the other nodes (ChangeRelay).
 *
 * Event bodies are not stored here: a lease reads them from the log (`bodies`) while the index
 * still holds the event (null once retention removed it); a dead letter takes a copy when it dies.
 */
export class PgDeliveryQueue implements DeliveryQueue {
  readonly #pool: pg.Pool;
  readonly #relay: ChangeRelay;
  readonly #bodies: EventBodies;
  readonly #dead: PgDeadLetters;
  readonly #pull: PullDeps;

  constructor(pool: pg.Pool, relay: ChangeRelay, bodies: EventBodies) {
    this.#pool = pool;
    this.#relay = relay;
    this.#bodies = bodies;
    this.#dead = new PgDeadLetters(pool, bodies);
    this.#pull = { pool, bodies, notifyWork: (c, keys) => relay.notifyWork(c, keys), tellWork: (keys) => relay.tellWork(keys) };
  }

  /**
   * Records the deliveries of logged events in its own transaction, then hints their targets.
   * Idempotent: a (bus, seq, rule, target) recorded already is skipped. Answers how many were new.
   */
  async enqueue(records: readonly DeliveryRecord[], now: number): Promise<number> {
    if (records.every((r) => r.deliveries.length === 0)) return 0;
    const touched = new Touched();
    const n = await inTransaction(this.#pool, (c) => this.enqueueIn(c, records, now, touched));
    this.#relay.tellWork(touched.keys);
    return n;
  }

  /**
   * `enqueue` inside the caller's transaction (the log's consumer indexes the events in the same
   * one). The targets that got deliveries are added to `touched` (and NOTIFYed on commit); the
   * caller tells this node's listeners after its commit (ChangeRelay.tellWork).
   */
  async enqueueIn(c: Queryable, records: readonly DeliveryRecord[], now: number, touched: Touched): Promise<number> {
    // Inserted in the records' order (delivery ids, and so dead-letter listings, follow it).
    // The retry budget (first_at) starts when a delivery falls due: at deliverAt for a delayed event.
    const rows = records.flatMap((r) => r.deliveries.map((d) => ({
      bus: r.bus, seq: r.seq, event_id: r.eventId, rule: d.rule, target: d.target, grp: d.group, state: 'pending',
      due: r.deliverAt === undefined || r.deliverAt < now ? now : r.deliverAt,
    })));
    if (rows.length === 0) return 0;
    const ordered = rows.filter((r) => r.grp !== null);
    if (ordered.length > 0) {
      const groups = new Map<string, GroupKey>();
      for (const r of ordered) groups.set(JSON.stringify([r.bus, r.rule, r.target, r.grp]), { bus: r.bus, rule: r.rule, target: r.target, grp: r.grp! });
      await lockGroups(c, groups.values());
      // Holding the groups' locks: rows recorded already (a redelivered message) are known for sure and take no part.
      const { rows: known } = await c.query<{ bus: string; seq: number; rule: string; target: string }>(`
        SELECT d.bus, d.seq, d.rule, d.target FROM deliveries d
        JOIN jsonb_to_recordset($1::jsonb) AS x(bus text, seq int8, rule text, target text)
          ON d.bus = x.bus AND d.seq = x.seq AND d.rule = x.rule AND d.target = x.target AND d.forwarded_from IS NULL AND d.replay IS NULL`,
      [JSON.stringify(ordered.map(({ bus, seq, rule, target }) => ({ bus, seq, rule, target })))]);
      const isKnown = new Set(known.map((k) => JSON.stringify([k.bus, k.seq, k.rule, k.target])));
      const oldestNew = new Map<string, number>();
      for (const r of ordered) {
        const id = JSON.stringify([r.bus, r.rule, r.target, r.grp]);
        if (!isKnown.has(JSON.stringify([r.bus, r.seq, r.rule, r.target]))) oldestNew.set(id, Math.min(oldestNew.get(id) ?? Infinity, r.seq));
      }
      const busy = new Map<string, boolean>();
      for (const [id, g] of groups) {
        // Recorded out of bus order (log messages handled by several nodes at once): a head not
        // yet leased that is younger than a new delivery steps back, so the group stays in bus
        // order. A head already in flight cannot: the older delivery waits behind it.
        const oldest = oldestNew.get(id);
        if (oldest !== undefined) {
          await c.query(`UPDATE deliveries SET state = 'waiting' WHERE bus = $1 AND rule = $2 AND target = $3 AND md5(grp) = md5($4) AND grp = $4
            AND state = 'pending' AND lease IS NULL AND seq > $5`, [g.bus, g.rule, g.target, g.grp, oldest]);
        }
        // Busy: a head, or an older delivery already waiting (the new ones queue behind it).
        const { rows: ahead } = await c.query(`SELECT 1 FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND md5(grp) = md5($4) AND grp = $4
          AND (state = 'pending' OR state = 'waiting' AND seq < $5) LIMIT 1`, [g.bus, g.rule, g.target, g.grp, oldest ?? 0]);
        busy.set(id, ahead.length > 0);
      }
      // A group's new rows take their states in bus order: the oldest is the head if the group has none.
      for (const r of [...ordered].sort((a, b) => a.seq - b.seq)) {
        if (isKnown.has(JSON.stringify([r.bus, r.seq, r.rule, r.target]))) continue;
        const id = JSON.stringify([r.bus, r.rule, r.target, r.grp]);
        r.state = busy.get(id) === true ? 'waiting' : 'pending';
        busy.set(id, true);
      }
    }
    const { rows: inserted } = await c.query<TargetKey>(`
      INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at)
      SELECT x.bus, x.seq, x.event_id, x.rule, x.target, x.grp, x.state, x.due, x.due, $2
      FROM jsonb_to_recordset($1::jsonb) AS x(bus text, seq int8, event_id text, rule text, target text, grp text, state text, due float8, n int8)
      ORDER BY x.n
      ON CONFLICT (bus, seq, rule, target) WHERE forwarded_from IS NULL AND replay IS NULL DO NOTHING
      RETURNING bus, rule, target`, [JSON.stringify(rows.map((r, n) => ({ ...r, n }))), now]);
    for (const k of inserted) touched.add(k);
    await this.#relay.notifyWork(c, touched.keys);
    return inserted.length;
  }

  /** A fresh collector of hinted targets for {@link enqueueIn}. */
  touched(): Touched {
    return new Touched();
  }

  /** Tells this node's work listeners, after the commit of an {@link enqueueIn}. */
  tell(touched: Touched): void {
    this.#relay.tellWork(touched.keys);
  }

  watchWork(listener: WorkListener): () => void {
    return this.#relay.watchWork(listener);
  }

  async lease(key: TargetKey, now: number, leaseUntil: number, limit: number): Promise<LeasedDelivery[]> {
    const lease = randomUUID();
    const { rows } = await this.#pool.query<LeaseRow>(`
      WITH picked AS (
        SELECT id, due_at FROM deliveries
        WHERE bus = $1 AND rule = $2 AND target = $3 AND state = 'pending' AND due_at <= $4
        ORDER BY due_at, first_at, id LIMIT $5
        FOR UPDATE SKIP LOCKED),
      leased AS (
        UPDATE deliveries d SET due_at = $6, lease = $7, pulled = false FROM picked WHERE d.id = picked.id
        RETURNING d.id, d.bus, d.seq, d.event_id, d.rule, d.target, d.grp, d.attempts, d.first_at, d.created_at, d.event_body, picked.due_at AS old_due)
      SELECT l.*, e.received_at, e.traceparent FROM leased l LEFT JOIN event_index e ON e.bus = l.bus AND e.seq = l.seq
      ORDER BY l.old_due, l.first_at, l.id`, [key.bus, key.rule, key.target, now, limit, leaseUntil, lease]);
    if (rows.length === 0) return [];
    // Bodies from the log for events the index still holds (a forwarded copy carries its own).
    const wanted = rows.filter((r) => r.event_body === null && r.received_at !== null).map((r) => r.seq);
    const bodies = wanted.length === 0 ? new Map<number, string>() : await this.#bodies.read(key.bus, wanted);
    return rows.map((r): LeasedDelivery => ({
      id: String(r.id), lease, leaseUntil, bus: r.bus, seq: r.seq, eventId: r.event_id, rule: r.rule, target: r.target, group: r.grp,
      attempts: r.attempts, firstAt: r.first_at, receivedAt: r.received_at ?? r.created_at,
      eventBody: r.event_body ?? (r.received_at === null ? null : bodies.get(r.seq) ?? null), traceparent: r.traceparent,
    }));
  }

  async receive(key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number): Promise<PullReceipt> {
    return receivePulled(this.#pull, key, now, leaseUntil, limit, maxReceives);
  }

  async settle(keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number): Promise<boolean[]> {
    return settlePulled(this.#pull, keys, settlements, now);
  }

  async nextDue(key: TargetKey): Promise<number | undefined> {
    const { rows } = await this.#pool.query<{ d: number | null }>(
      "SELECT min(due_at) AS d FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND state = 'pending'", [key.bus, key.rule, key.target]);
    return rows[0]?.d ?? undefined;
  }

  async complete(completions: readonly Completion[], now: number): Promise<number> {
    if (completions.length === 0) return 0;
    const deadBodies = await this.#bodiesOfDying(completions);
    const touched = new Touched();
    // In id order: two nodes completing overlapping sets lock rows in the same order.
    const sorted = [...completions].sort((a, b) => (rowId(a.id) ?? 0) - (rowId(b.id) ?? 0));
    const applied = await inTransaction(this.#pool, async (c) => {
      let n = 0;
      for (const x of sorted) if (await this.#complete(c, x, now, deadBodies, touched)) n++;
      await this.#relay.notifyWork(c, touched.keys);
      return n;
    });
    this.#relay.tellWork(touched.keys);
    return applied;
  }

  /** The event text of deliveries about to die, read from the log before the write: a dead letter keeps its event past retention. */
  async #bodiesOfDying(completions: readonly Completion[]): Promise<Map<number, string>> {
    const ids = completions.filter((c) => c.type === 'dead').map((c) => rowId(c.id)).filter((i): i is number => i !== undefined);
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const { rows } = await this.#pool.query<{ id: number; bus: string; seq: number }>(
      `SELECT d.id, d.bus, d.seq FROM deliveries d WHERE d.id = ANY($1::int8[]) AND d.event_body IS NULL
       AND EXISTS (SELECT 1 FROM event_index e WHERE e.bus = d.bus AND e.seq = d.seq)`, [ids]);
    const byBus = new Map<string, { id: number; seq: number }[]>();
    for (const r of rows) byBus.set(r.bus, [...(byBus.get(r.bus) ?? []), r]);
    for (const [bus, rs] of byBus) {
      const bodies = await this.#bodies.read(bus, rs.map((r) => r.seq));
      for (const r of rs) {
        const b = bodies.get(r.seq);
        if (b !== undefined) out.set(r.id, b);
      }
    }
    return out;
  }

  /** Applies one completion if its lease is current; answers whether it was. */
  async #complete(c: Queryable, x: Completion, now: number, deadBodies: Map<number, string>, touched: Touched): Promise<boolean> {
    const id = rowId(x.id) ?? 0;
    const lease = x.lease;
    switch (x.type) {
      case 'release':
        return ((await c.query("UPDATE deliveries SET due_at = $1, lease = NULL WHERE id = $2 AND lease = $3 AND state = 'pending'", [x.dueAt, id, lease])).rowCount ?? 0) > 0;
      case 'retry': {
        const r = await c.query("UPDATE deliveries SET due_at = $1, lease = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $3 AND lease = $4 AND state = 'pending'",
          [x.dueAt, x.error, id, lease]);
        if ((r.rowCount ?? 0) === 0) return false;
        await this.#recordAttempt(c, id, x.attempt);
        return true;
      }
      case 'delivered': {
        const { rows } = await c.query<FinishedRow>(`
          UPDATE deliveries SET state = 'delivered', lease = NULL, attempts = attempts + 1, done_at = $1, last_error = NULL
          WHERE id = $2 AND lease = $3 AND state = 'pending' RETURNING bus, rule, target, grp, seq`, [now, id, lease]);
        if (rows[0] === undefined) return false;
        await this.#recordAttempt(c, id, x.attempt);
        await this.#promote(c, rows[0], now, touched);
        return true;
      }
      case 'dropped': {
        const { rows } = await c.query<FinishedRow>(`
          UPDATE deliveries SET state = 'dropped', lease = NULL, attempts = attempts + $1, done_at = $2, last_error = $3
          WHERE id = $4 AND lease = $5 AND state = 'pending' RETURNING bus, rule, target, grp, seq`, [x.attempt === null ? 0 : 1, now, x.reason, id, lease]);
        if (rows[0] === undefined) return false;
        if (x.attempt !== null) await this.#recordAttempt(c, id, x.attempt);
        await this.#promote(c, rows[0], now, touched);
        return true;
      }
      case 'dead': {
        const { rows } = await c.query<FinishedRow>(`
          UPDATE deliveries SET state = 'dead', lease = NULL, done_at = $1, last_error = $2, payload = $3, attempts = attempts + $4,
            event_body = coalesce(event_body, $5)
          WHERE id = $6 AND lease = $7 AND state = 'pending' RETURNING bus, rule, target, grp, seq`,
        [now, x.reason, x.payload, x.attempt === null ? 0 : 1, deadBodies.get(id) ?? null, id, lease]);
        const k = rows[0];
        if (k === undefined) return false;
        if (x.attempt !== null) await this.#recordAttempt(c, id, x.attempt);
        await this.#promote(c, k, now, touched);
        if (x.forwardTo !== undefined) {
          await c.query(`
            INSERT INTO deliveries (bus, seq, event_id, rule, target, grp, state, due_at, first_at, created_at, event_body, forwarded_from)
            SELECT bus, seq, event_id, rule, $1, NULL, 'pending', $2, $2, $2, coalesce($3, event_body), id FROM deliveries WHERE id = $4`,
          [x.forwardTo, now, x.forwardBody ?? null, id]);
          touched.add({ bus: k.bus, rule: k.rule, target: x.forwardTo });
        }
        return true;
      }
    }
  }

  /** A finished group head hands its group to the next waiting delivery, under the group's lock. */
  async #promote(c: Queryable, k: FinishedRow, now: number, touched: Touched): Promise<void> {
    await promoteAfter(c, k, now, touched);
  }

  /** Appends an attempt as number max(n) + 1 of the delivery (the log outlives redrives, which reset `attempts`). */
  async #recordAttempt(c: Queryable, id: number, a: AttemptRecord): Promise<void> {
    await c.query(`
      INSERT INTO delivery_attempts (delivery_id, n, at, duration_ms, ok, status, error_class, message, response)
      VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM delivery_attempts WHERE delivery_id = $1), $2, $3, $4, $5, $6, $7, $8)`,
    [id, a.at, a.durationMs, a.ok, a.status, a.errorClass, a.message, a.response]);
  }

  async activeTargets(): Promise<TargetKey[]> {
    // A loose index scan over deliveries_due: one index probe per distinct target, however many
    // deliveries are pending (every node runs this every few dispatcher ticks).
    const { rows } = await this.#pool.query<TargetKey>(`
      WITH RECURSIVE t AS (
        (SELECT bus, rule, target FROM deliveries WHERE state = 'pending' ORDER BY bus, rule, target LIMIT 1)
        UNION ALL
        SELECT n.bus, n.rule, n.target FROM t, LATERAL (
          SELECT bus, rule, target FROM deliveries WHERE state = 'pending' AND (bus, rule, target) > (t.bus, t.rule, t.target)
          ORDER BY bus, rule, target LIMIT 1) n)
      SELECT bus, rule, target FROM t`);
    return rows.map((r) => ({ bus: r.bus, rule: r.rule, target: r.target }));
  }

  /**
   * Dead-letters every pending and waiting delivery of the target (their leases end with them).
   * No copy of the events is taken here (the backlog may be large): getDead reads it from the
   * log while the index still holds it.
   */
  async killTarget(key: TargetKey, reason: string, now: number): Promise<number> {
    const r = await this.#pool.query(`
      UPDATE deliveries SET state = 'dead', lease = NULL, done_at = $1, last_error = $2
      WHERE bus = $3 AND rule = $4 AND target = $5 AND state IN ('pending', 'waiting')`, [now, reason, key.bus, key.rule, key.target]);
    return r.rowCount ?? 0;
  }

  async listDead(filter: DeadLetterFilter, limit: number, after?: string): Promise<DeadLetterPage> {
    return this.#dead.list(filter, limit, after);
  }

  async getDead(id: DeliveryId): Promise<DeadLetter | undefined> {
    return this.#dead.get(id);
  }

  async redrive(select: { readonly ids: readonly DeliveryId[] } | { readonly filter: DeadLetterFilter }, now: number): Promise<number> {
    const { count, keys } = await inTransaction(this.#pool, async (c) => {
      const r = await this.#dead.redriveIn(c, select, now);
      await this.#relay.notifyWork(c, r.keys);
      return r;
    });
    this.#relay.tellWork(keys);
    return count;
  }

  async purge(filter: DeadLetterFilter): Promise<number> {
    return this.#dead.purge(filter);
  }

  async attempts(id: DeliveryId): Promise<AttemptRecord[]> {
    return this.#dead.attempts(id);
  }

  async health(key: TargetKey): Promise<TargetHealth | undefined> {
    const { rows } = await this.#pool.query<{ failing_since: number | null; disabled_at: number | null }>(
      'SELECT failing_since, disabled_at FROM target_health WHERE bus = $1 AND rule = $2 AND target = $3', [key.bus, key.rule, key.target]);
    return rows[0] === undefined ? undefined : { failingSince: rows[0].failing_since, disabledAt: rows[0].disabled_at };
  }

  async setHealth(key: TargetKey, health: TargetHealth | undefined): Promise<void> {
    if (health === undefined) {
      await this.#pool.query('DELETE FROM target_health WHERE bus = $1 AND rule = $2 AND target = $3', [key.bus, key.rule, key.target]);
      return;
    }
    await this.#pool.query(`
      INSERT INTO target_health (bus, rule, target, failing_since, disabled_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (bus, rule, target) DO UPDATE SET failing_since = excluded.failing_since, disabled_at = excluded.disabled_at`,
    [key.bus, key.rule, key.target, health.failingSince, health.disabledAt]);
  }

  async counts(key: TargetKey): Promise<TargetCounts> {
    const { rows } = await this.#pool.query<{ pending: number; in_flight: number; waiting: number; dead: number }>(`
      SELECT count(*) FILTER (WHERE state = 'pending' AND lease IS NULL)::int8 AS pending,
             count(*) FILTER (WHERE state = 'pending' AND lease IS NOT NULL)::int8 AS in_flight,
             count(*) FILTER (WHERE state = 'waiting')::int8 AS waiting,
             count(*) FILTER (WHERE state = 'dead')::int8 AS dead
      FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND state NOT IN ('delivered', 'dropped')`, [key.bus, key.rule, key.target]);
    const r = rows[0] ?? { pending: 0, in_flight: 0, waiting: 0, dead: 0 };
    return { pending: r.pending + r.waiting, inFlight: r.in_flight, dead: r.dead, waiting: r.waiting };
  }

  async sweepDelivered(before: number, limit: number): Promise<number> {
    // Attempts go with their delivery (foreign key cascade).
    // Dropped deliveries (at-most-once) are finished too: swept like delivered ones.
    let n = 0;
    for (const state of ['delivered', 'dropped']) {
      if (n >= limit) break;
      const r = await this.#pool.query(`
        DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE state = $3 AND done_at < $1 ORDER BY done_at LIMIT $2)`, [before, limit - n, state]);
      n += r.rowCount ?? 0;
    }
    return n;
  }
}

