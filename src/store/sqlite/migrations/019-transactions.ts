import type { Migration } from './migration.js';

/**
 * Transactional ("half") messages (src/store/transaction-types.ts). `transactions` holds one row
 * per transaction: open ──commit──▶ committed, open ──rollback──▶ rolled-back (both final).
 * `history` is the JSON array of its steps (begin, check-backs, outcome: at most
 * transactions.maxChecks + 2). `first_seq`/`last_seq` name the consecutive sequences a commit
 * stored (a trace finds an event's transaction by them, on transactions_seq).
 *
 * `transaction_events` holds the events of open transactions in put order (`n` from 0); a
 * commit moves them into `events` in the same write transaction, a rollback deletes them. Both
 * tables go with their bus.
 */
export const migration: Migration = {
  version: 19,
  name: 'transactions',
  sql: `
    CREATE TABLE transactions (
      bus            TEXT    NOT NULL REFERENCES buses (name) ON DELETE CASCADE,
      id             TEXT    NOT NULL,
      state          TEXT    NOT NULL CHECK (state IN ('open', 'committed', 'rolled-back')),
      check_url      TEXT,
      check_after_ms INTEGER NOT NULL,
      created_at     INTEGER NOT NULL,
      next_check_at  INTEGER,
      checks         INTEGER NOT NULL DEFAULT 0,
      events         INTEGER NOT NULL DEFAULT 0,
      ended_at       INTEGER,
      first_seq      INTEGER,
      last_seq       INTEGER,
      history        TEXT    NOT NULL,
      PRIMARY KEY (bus, id)
    );
    CREATE INDEX transactions_due ON transactions (next_check_at) WHERE state = 'open';
    CREATE INDEX transactions_ended ON transactions (ended_at) WHERE state <> 'open';
    CREATE INDEX transactions_seq ON transactions (bus, first_seq) WHERE first_seq IS NOT NULL;
    CREATE TABLE transaction_events (
      bus         TEXT    NOT NULL,
      tx          TEXT    NOT NULL,
      n           INTEGER NOT NULL,
      id          TEXT    NOT NULL,
      source      TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      subject     TEXT,
      time        TEXT,
      body        TEXT    NOT NULL,
      size        INTEGER NOT NULL,
      mode        TEXT    NOT NULL,
      client      TEXT,
      traceparent TEXT,
      PRIMARY KEY (bus, tx, n),
      FOREIGN KEY (bus, tx) REFERENCES transactions (bus, id) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `,
};
