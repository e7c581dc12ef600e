import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { LeasedDelivery, PullReceipt, PullSettlement, TargetKey } from '../../delivery-types.js';
import type { EventBodies } from './event-bodies.js';
import { rowId } from '../../delivery-rows.js';
import { promoteAfter } from './fifo-lock.js';
import { inTransaction, type Queryable } from './pg-client.js';
import { Touched } from './touched.js';

/**
 * Pull queues on PostgreSQL (docs/queues.md): a consumer's `receive` leases like the dispatcher
 * does — due rows taken `FOR UPDATE SKIP LOCKED`, so consumers on any node get disjoint rows, and
 * only a FIFO group's head (its one `pending` row cluster-wide) can be taken — and marks the
 * lease `pulled`; only a pulled lease is settled. A lease ends at its time (`due_at`) or by a
 * settlement; nothing releases leases when a node starts, so a pull lease outlives any restart.
 */

interface PickedRow { id: number; attempts: number; grp: string | null }

interface ReceivedRow {
  id: number; bus: string; seq: number; event_id: string; rule: string; target: string; grp: string | null; attempts: number;
  first_at: number; created_at: number; event_body: string | null; received_at: number | null; traceparent: string | null;
}

/** A due time for a message: ISO text, or the number itself where no date can show it. */
const readyAt = (ms: number): string => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

interface KeyRow { bus: string; rule: string; target: string; grp: string | null }

/** The hooks of the queue a pull operation uses: work hints (NOTIFY in the transaction, then in-process). */
export interface PullDeps {
  readonly pool: pg.Pool;
  readonly bodies: EventBodies;
  readonly notifyWork: (c: Queryable, keys: readonly TargetKey[]) => Promise<void>;
  readonly tellWork: (keys: readonly TargetKey[]) => void;
}

/** Bodies of the events of `ids` that the index still holds and no row has a copy of (a dead letter keeps its event). */
async function bodiesOf(deps: PullDeps, c: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const { rows } = await c.query<{ id: number; bus: string; seq: number }>(
    `SELECT d.id, d.bus, d.seq FROM deliveries d WHERE d.id = ANY($1::int8[]) AND d.event_body IS NULL
     AND EXISTS (SELECT 1 FROM event_index e WHERE e.bus = d.bus AND e.seq = d.seq)`, [ids]);
  const byBus = new Map<string, { id: number; seq: number }[]>();
  for (const r of rows) byBus.set(r.bus, [...(byBus.get(r.bus) ?? []), r]);
  for (const [bus, rs] of byBus) {
    const bodies = await deps.bodies.read(bus, rs.map((r) => r.seq));
    for (const r of rs) {
      const b = bodies.get(r.seq);
      if (b !== undefined) out.set(r.id, b);
    }
  }
  return out;
}

/** See DeliveryQueue.receive. At most 4 passes: a dead-lettered group head promotes its next delivery, due now. */
export async function receivePulled(deps: PullDeps, key: TargetKey, now: number, leaseUntil: number, limit: number, maxReceives: number): Promise<PullReceipt> {
  const lease = randomUUID();
  const touched = new Touched();
  const { ids, dead } = await inTransaction(deps.pool, async (c) => {
    const got: number[] = [];
    let deadLettered = 0;
    for (let pass = 0; pass < 4 && got.length < limit; pass++) {
      const { rows } = await c.query<PickedRow>(`
        SELECT id, attempts, grp FROM deliveries
        WHERE bus = $1 AND rule = $2 AND target = $3 AND state = 'pending' AND due_at <= $4
        ORDER BY due_at, first_at, id LIMIT $5
        FOR UPDATE SKIP LOCKED`, [key.bus, key.rule, key.target, now, limit - got.length]);
      const over = rows.filter((r) => r.attempts >= maxReceives);
      const take = rows.filter((r) => r.attempts < maxReceives).map((r) => r.id);
      if (take.length > 0) {
        await c.query('UPDATE deliveries SET due_at = $1, lease = $2, pulled = true, attempts = attempts + 1 WHERE id = ANY($3::int8[])', [leaseUntil, lease, take]);
        got.push(...take);
      }
      if (over.length === 0) break;
      const bodies = await bodiesOf(deps, c, over.map((r) => r.id));
      let promoted = false;
      for (const r of over) {
        const { rows: k } = await c.query<KeyRow>(`
          UPDATE deliveries SET state = 'dead', lease = NULL, pulled = false, done_at = $1, last_error = $2, event_body = coalesce(event_body, $3)
          WHERE id = $4 RETURNING bus, rule, target, grp`,
        [now, `received ${r.attempts} times (maxReceives ${maxReceives}) without an ack`, bodies.get(r.id) ?? null, r.id]);
        if (k[0] === undefined) continue;
        deadLettered++;
        await promoteAfter(c, k[0], now, touched);
        if (k[0].grp !== null) promoted = true;
      }
      if (!promoted) break;
    }
    await deps.notifyWork(c, touched.keys);
    return { ids: got, dead: deadLettered };
  });
  deps.tellWork(touched.keys);
  if (ids.length === 0) return { deliveries: [], deadLettered: dead };
  const { rows } = await deps.pool.query<ReceivedRow>(`
    SELECT d.id, d.bus, d.seq, d.event_id, d.rule, d.target, d.grp, d.attempts, d.first_at, d.created_at, d.event_body, e.received_at, e.traceparent
    FROM deliveries d LEFT JOIN event_index e ON e.bus = d.bus AND e.seq = d.seq
    WHERE d.id = ANY($1::int8[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const wanted = rows.filter((r) => r.event_body === null && r.received_at !== null).map((r) => r.seq);
  const bodies = wanted.length === 0 ? new Map<number, string>() : await deps.bodies.read(key.bus, wanted);
  const deliveries = ids.map((id) => byId.get(id)).filter((r): r is ReceivedRow => r !== undefined).map((r): LeasedDelivery => ({
    id: String(r.id), lease, leaseUntil, bus: r.bus, seq: r.seq, eventId: r.event_id, rule: r.rule, target: r.target, group: r.grp,
    attempts: r.attempts, firstAt: r.first_at, receivedAt: r.received_at ?? r.created_at,
    eventBody: r.event_body ?? (r.received_at === null ? null : bodies.get(r.seq) ?? null), traceparent: r.traceparent,
  }));
  return { deliveries, deadLettered: dead };
}

const sameKey = (a: TargetKey, b: TargetKey): boolean => a.bus === b.bus && a.rule === b.rule && a.target === b.target;

/** See DeliveryQueue.settle. Applied in delivery-id order (two nodes lock rows alike); answers in the settlements' order. */
export async function settlePulled(deps: PullDeps, keys: readonly TargetKey[], settlements: readonly PullSettlement[], now: number): Promise<boolean[]> {
  if (settlements.length === 0) return [];
  const touched = new Touched();
  const rejected = settlements.filter((s) => s.type === 'reject').map((s) => rowId(s.id)).filter((i): i is number => i !== undefined);
  const deadBodies = await bodiesOf(deps, deps.pool, rejected);
  const order = settlements.map((s, i) => ({ s, i, id: rowId(s.id) })).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const applied = await inTransaction(deps.pool, async (c) => {
    const out = settlements.map(() => false);
    for (const { s, i, id } of order) {
      if (id === undefined) continue;
      out[i] = await settleOne(c, keys, s, id, now, deadBodies, touched);
    }
    await deps.notifyWork(c, touched.keys);
    return out;
  });
  deps.tellWork(touched.keys);
  return applied;
}

async function settleOne(c: Queryable, keys: readonly TargetKey[], s: PullSettlement, id: number, now: number, deadBodies: Map<number, string>, touched: Touched): Promise<boolean> {
  const { rows: held } = await c.query<KeyRow & { attempts: number }>(
    "SELECT bus, rule, target, grp, attempts FROM deliveries WHERE id = $1 AND lease = $2 AND pulled AND state = 'pending' FOR UPDATE", [id, s.lease]);
  const h = held[0];
  if (h === undefined || !keys.some((k) => sameKey(k, h))) return false;
  switch (s.type) {
    case 'renew':
      return ((await c.query('UPDATE deliveries SET due_at = $1 WHERE id = $2 AND lease = $3 AND due_at > $4', [s.leaseUntil, id, s.lease, now])).rowCount ?? 0) > 0;
    case 'release':
      await c.query('UPDATE deliveries SET due_at = $1, lease = NULL, pulled = false WHERE id = $2', [s.dueAt, id]);
      // Kept in the attempt log (as number max(n) + 1), so the trace shows a consumer gave it back.
      await c.query(`
        INSERT INTO delivery_attempts (delivery_id, n, at, duration_ms, ok, status, error_class, message, response)
        VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM delivery_attempts WHERE delivery_id = $1), $2, 0, false, NULL, 'released', $3, NULL)`,
      [id, now, `released by a consumer after receive ${h.attempts}; ready again at ${readyAt(s.dueAt)}`]);
      touched.add(h);
      return true;
    case 'ack':
      await c.query("UPDATE deliveries SET state = 'delivered', lease = NULL, pulled = false, done_at = $1, last_error = NULL WHERE id = $2", [now, id]);
      await promoteAfter(c, h, now, touched);
      return true;
    case 'reject':
      await c.query(`UPDATE deliveries SET state = 'dead', lease = NULL, pulled = false, done_at = $1, last_error = $2, event_body = coalesce(event_body, $3)
        WHERE id = $4`, [now, s.reason, deadBodies.get(id) ?? null, id]);
      await promoteAfter(c, h, now, touched);
      return true;
  }
}
