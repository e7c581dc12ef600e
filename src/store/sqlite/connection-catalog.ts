import type { Database } from 'better-sqlite3';
import type { Clock } from '../../core/index.js';
import type { ConnectionCatalog, ConnectionRecord, NewConnection, StoredSigningSecret } from '../connection-types.js';
import type { ChangeFeed } from '../change-feed.js';
import { writeAndAnnounce } from './announce.js';
import { connectionRecordOf as toRecord, signingSecretOf, type ConnectionRow, type SigningSecretRow } from '../connection-rows.js';

/** Connections and target signing secrets; holds only sealed secrets (see connection-types.ts). */
export class SqliteConnectionCatalog implements ConnectionCatalog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #feed: ChangeFeed;

  constructor(db: Database, clock: Clock, feed: ChangeFeed) {
    this.#db = db;
    this.#clock = clock;
    this.#feed = feed;
  }

  async put(c: NewConnection): Promise<{ connection: ConnectionRecord; created: boolean }> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const now = this.#clock.now();
      const existed = this.#db.prepare<[string], { n: number }>('SELECT 1 AS n FROM connections WHERE name = ?').get(c.name) !== undefined;
      const row = this.#db.prepare<[string, string, string | null, string, string, number, number], ConnectionRow>(`
        INSERT INTO connections (name, kind, description, config, sealed, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, description = excluded.description,
          config = excluded.config, sealed = excluded.sealed, updated_at = excluded.updated_at
        RETURNING *`).get(c.name, c.kind, c.description, JSON.stringify(c.config), c.sealed, now, now);
      return { value: { connection: toRecord(row!), created: !existed }, changes: [{ type: 'connection', op: 'put', name: c.name }] };
    });
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const r = this.#db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE name = ?').get(name);
    return r === undefined ? undefined : toRecord(r);
  }

  async list(): Promise<ConnectionRecord[]> {
    return this.#db.prepare<[], ConnectionRow>('SELECT * FROM connections ORDER BY name').all().map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#db, this.#feed, () => {
      const deleted = this.#db.prepare('DELETE FROM connections WHERE name = ?').run(name).changes > 0;
      return { value: deleted, changes: deleted ? [{ type: 'connection', op: 'delete', name }] : [] };
    });
  }

  async signingSecrets(targetKey: string): Promise<StoredSigningSecret[]> {
    return this.#db.prepare<[string], SigningSecretRow>('SELECT sealed, created_at, expires_at FROM signing_secrets WHERE target_key = ? ORDER BY created_at DESC')
      .all(targetKey)
      .map(signingSecretOf);
  }

  async setSigningSecrets(targetKey: string, secrets: readonly StoredSigningSecret[]): Promise<void> {
    writeAndAnnounce(this.#db, this.#feed, () => {
      this.#db.prepare('DELETE FROM signing_secrets WHERE target_key = ?').run(targetKey);
      const ins = this.#db.prepare('INSERT INTO signing_secrets (target_key, created_at, sealed, expires_at) VALUES (?, ?, ?, ?)');
      for (const s of secrets) ins.run(targetKey, s.createdAt, s.sealed, s.expiresAt);
      return { value: undefined, changes: [{ type: 'signing-secrets', op: 'put', target: targetKey }] };
    });
  }
}
