import type { PgMigration } from './migration.js';

/**
 * Circuit breakers shared by every node (src/store/cluster/postgres/breaker-board.ts), one row
 * per target that has failed at least once. The state is read from the row and the time:
 *
 * ```
 *   open_until NULL ──────────────► closed  (failures: consecutive failed attempts, any node)
 *   now <  open_until ────────────► open    (no node sends)
 *   now >= open_until ────────────► half-open: the node whose conditional UPDATE sets
 *                                   probe_until (none set, or the last one lapsed) sends the probe
 * ```
 *
 * Times are ms of the writing node's clock. `version` grows with every write: nodes keep the
 * highest they have seen (writes answer, and NOTIFY, the whole row). `change` is what the last
 * write did (`opened`, `closed`, `probing`, or NULL): RETURNING it tells the one writer that made
 * a transition, so its system event is put once per cluster.
 */
export const migration: PgMigration = {
  version: 14,
  name: 'circuit-breakers',
  sql: `
    CREATE TABLE circuit_breakers (
      bus         text COLLATE "C" NOT NULL,
      rule        text COLLATE "C" NOT NULL,
      target      text COLLATE "C" NOT NULL,
      failures    int8 NOT NULL,
      open_until  int8,
      probe_until int8,
      version     int8 NOT NULL,
      change      text,
      PRIMARY KEY (bus, rule, target)
    );
  `,
};
