import type { Queryable } from './pg-client.js';

export interface GroupKey { readonly bus: string; readonly rule: string; readonly target: string; readonly grp: string }

const lockName = (k: GroupKey): string => `switchyard-fifo:${JSON.stringify([k.bus, k.rule, k.target, k.grp])}`;

/**
 * Takes the transaction-scoped advisory lock of FIFO groups, in a fixed order (so two nodes never
 * wait on each other). Every write that decides a group's head — enqueue (waiting or pending?),
 * finishing a head (promote the next), redrive — holds it: without it, an enqueue that saw the
 * head still pending and a completion that saw no waiting row yet would commit together and
 * leave a waiting delivery with no head, stuck. Distinct groups may share a lock (a hash
 * collision only serializes them).
 */
export async function lockGroups(c: Queryable, keys: Iterable<GroupKey>): Promise<void> {
  const names = [...new Set([...keys].map(lockName))].sort();
  for (const n of names) await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [n]);
}

/** Whether a group has an unfinished delivery (a head, or rows behind it). Call holding its lock. */
export async function groupBusy(c: Queryable, k: GroupKey): Promise<boolean> {
  const { rows } = await c.query(
    "SELECT 1 FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND md5(grp) = md5($4) AND grp = $4 AND state IN ('pending', 'waiting') LIMIT 1",
    [k.bus, k.rule, k.target, k.grp]);
  return rows.length > 0;
}

/** Makes the oldest waiting delivery (bus order) of a group with no head its head; answers whether one was. Call holding its lock. */
export async function promoteNext(c: Queryable, k: GroupKey, now: number): Promise<boolean> {
  const r = await c.query(`
    UPDATE deliveries SET state = 'pending', due_at = $5 WHERE id = (
      SELECT id FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND md5(grp) = md5($4) AND grp = $4 AND state = 'waiting' ORDER BY seq, id LIMIT 1)
    AND NOT EXISTS (SELECT 1 FROM deliveries WHERE bus = $1 AND rule = $2 AND target = $3 AND md5(grp) = md5($4) AND grp = $4 AND state = 'pending')`,
  [k.bus, k.rule, k.target, k.grp, now]);
  return (r.rowCount ?? 0) > 0;
}
