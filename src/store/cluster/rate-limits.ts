// Per-target rate limits across the nodes of a cluster: one token bucket per target in
// PostgreSQL (`rate_buckets`, migration 013), refilled and taken from in one atomic upsert (the
// row lock orders concurrent takers). Nodes take small chunks (see delivery/engine/shared-rate-gate.ts), so the cost is one
// statement per chunk, not per delivery.
import type pg from 'pg';
import type { RateLimits } from '../types.js';

// $1 key, $2 perSecond, $3 burst, $4 want, $5 now. `avail` is the bucket refilled to now.
const AVAIL = 'LEAST($3::float8, b.tokens + GREATEST(0, $5::int8 - b.at) * $2::float8 / 1000.0)';
const TAKE = `
  INSERT INTO rate_buckets AS b (key, tokens, at, last_grant) VALUES ($1, $3::float8 - LEAST($4::int8, $3::int8), $5::int8, LEAST($4::int8, $3::int8))
  ON CONFLICT (key) DO UPDATE SET
    tokens = ${AVAIL} - LEAST($4::int8, GREATEST(0, floor(${AVAIL}))::int8),
    last_grant = LEAST($4::int8, GREATEST(0, floor(${AVAIL}))::int8),
    at = GREATEST(b.at, $5::int8)
  RETURNING tokens, last_grant`;

export class PgRateLimits implements RateLimits {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async take(key: string, perSecond: number, burst: number, want: number, now: number): Promise<{ granted: number; waitMs: number }> {
    const { rows } = await this.#pool.query<{ tokens: number; last_grant: number }>(TAKE, [key, perSecond, burst, want, now]);
    const r = rows[0]!;
    const granted = Number(r.last_grant);
    const tokens = Number(r.tokens);
    return { granted, waitMs: tokens >= 1 ? 0 : Math.ceil((1 - tokens) / (perSecond / 1000)) };
  }
}
