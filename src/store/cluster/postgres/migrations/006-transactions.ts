import type { PgMigration } from './migration.js';

/**
 * Transactional ("half") messages (src/store/transaction-types.ts, docs/cluster.md). One row per
 * transaction, its held events in `transaction_events` (put order, `n` from 0); both go with
 * their bus. The log is JetStream, so a commit cannot append and end the transaction in one
 * PostgreSQL transaction; it goes through a durable middle state:
 *
 *   open ──commit (decided)──▶ committing ──(appended to the log)──▶ committed
 *     └──rollback──▶ rolled-back
 *
 * `committing` keeps the routed events to append (`commit_items`, their JSON text in put order) and the commit step;
 * the held rows are gone. Whoever holds the commit's claim (`commit_claim`, a time) appends
 * them under the transaction's idempotency key and ends it; a node that finds the claim ended
 * (its committer died) takes it over and does the same. `seqs` are the sequences the commit
 * stored (not necessarily consecutive: other producers append meanwhile).
 */
export const migration: PgMigration = {
  version: 6,
  name: 'transactions',
  sql: `
    CREATE TABLE transactions (
      bus            text COLLATE "C" NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      id             text COLLATE "C" NOT NULL,
      state          text NOT NULL CHECK (state IN ('open', 'committing', 'committed', 'rolled-back')),
      check_url      text,
      check_after_ms float8 NOT NULL,
      created_at     float8 NOT NULL,
      next_check_at  float8,
      checks         int8 NOT NULL DEFAULT 0,
      events         int8 NOT NULL DEFAULT 0,
      ended_at       float8,
      first_seq      int8,
      last_seq       int8,
      seqs           int8[],
      history        jsonb NOT NULL,
      commit_items   text,
      commit_step    jsonb,
      commit_claim   float8,
      PRIMARY KEY (bus, id)
    );
    CREATE INDEX transactions_due ON transactions (next_check_at) WHERE state = 'open';
    CREATE INDEX transactions_committing ON transactions (commit_claim) WHERE state = 'committing';
    CREATE INDEX transactions_ended ON transactions (ended_at) WHERE state IN ('committed', 'rolled-back');
    CREATE INDEX transactions_seqs ON transactions USING gin (seqs) WHERE seqs IS NOT NULL;
    CREATE INDEX transactions_list ON transactions (bus, created_at DESC, id DESC);
    CREATE TABLE transaction_events (
      bus         text COLLATE "C" NOT NULL,
      tx          text COLLATE "C" NOT NULL,
      n           int8 NOT NULL,
      id          text NOT NULL,
      source      text NOT NULL,
      type        text NOT NULL,
      subject     text,
      time        text,
      body        text NOT NULL,
      size        int8 NOT NULL,
      mode        text NOT NULL,
      client      text,
      traceparent text,
      PRIMARY KEY (bus, tx, n),
      FOREIGN KEY (bus, tx) REFERENCES transactions (bus, id) ON DELETE CASCADE
    );
  `,
};
