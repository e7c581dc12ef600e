import type { PgMigration } from './migration.js';

/**
 * Shared per-target rate limits (src/store/cluster/rate-limits.ts): one token bucket per target,
 * refilled and taken from in one upsert. Before this migration every node created the table at
 * open with `IF NOT EXISTS`; it stays `IF NOT EXISTS` so a schema that has it already migrates.
 *
 * - `key`: the target, JSON `[bus, rule, target]`
 * - `tokens`: tokens left at `at` (ms, the taking node's clock); `last_grant`: what the last take got
 */
export const migration: PgMigration = {
  version: 13,
  name: 'rate-buckets',
  sql: `
    CREATE TABLE IF NOT EXISTS rate_buckets (
      key        text PRIMARY KEY,
      tokens     float8 NOT NULL,
      at         int8 NOT NULL,
      last_grant int8 NOT NULL
    );
  `,
};
