import type { EventDeliveryState } from './observe-types.js';

/**
 * SQL conditions on an event (alias `e`, with `bus` and `seq` columns) for each delivery state;
 * see EventDeliveryState. Plain SQL that SQLite and PostgreSQL read alike, over the `deliveries`
 * table both backends keep (bus, seq, state, attempts).
 */
export const DELIVERY_STATE_SQL: Record<EventDeliveryState, string> = {
  dead: "EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND d.state = 'dead')",
  retrying: "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND d.state = 'dead')"
    + " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND d.state IN ('pending', 'waiting') AND d.attempts > 0)",
  pending: "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND (d.state = 'dead' OR d.attempts > 0 AND d.state <> 'delivered'))"
    + " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND d.state IN ('pending', 'waiting'))",
  delivered: "EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq)"
    + " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.bus = e.bus AND d.seq = e.seq AND d.state <> 'delivered')",
};
