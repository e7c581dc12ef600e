import type pg from 'pg';
import type { Clock } from '../../../core/index.js';
import type { ConnectionCatalog, ConnectionRecord, NewConnection, StoredSigningSecret } from '../../connection-types.js';
import type { ChangeRelay } from './change-relay.js';
import { writeAndAnnounce } from './write-announce.js';
import { connectionRecordOf as toRecord, signingSecretOf, type ConnectionRow as BaseConnectionRow, type SigningSecretRow } from '../../connection-rows.js';

interface ConnectionRow extends BaseConnectionRow {
  created?: boolean;
}

/** Connections and target signing secrets in PostgreSQL; holds only sealed secrets (see connection-types.ts). */
export class PgConnectionCatalog implements ConnectionCatalog {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #relay: ChangeRelay;

  constructor(pool: pg.Pool, clock: Clock, relay: ChangeRelay) {
    this.#pool = pool;
    this.#clock = clock;
    this.#relay = relay;
  }

  async put(c: NewConnection): Promise<{ connection: ConnectionRecord; created: boolean }> {
    return writeAndAnnounce(this.#pool, this.#relay, async (q) => {
      const { rows } = await q.query<ConnectionRow>(`
        INSERT INTO connections (name, kind, description, config, sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
        ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, description = excluded.description,
          config = excluded.config, sealed = excluded.sealed, updated_at = excluded.updated_at
        RETURNING *, (xmax = 0) AS created`, [c.name, c.kind, c.description, JSON.stringify(c.config), c.sealed, this.#clock.now()]);
      const row = rows[0]!;
      return { value: { connection: toRecord(row), created: row.created === true }, changes: [{ type: 'connection', op: 'put', name: c.name }] };
    });
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const { rows } = await this.#pool.query<ConnectionRow>('SELECT * FROM connections WHERE name = $1', [name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(): Promise<ConnectionRecord[]> {
    return (await this.#pool.query<ConnectionRow>('SELECT * FROM connections ORDER BY name')).rows.map(toRecord);
  }

  async delete(name: string): Promise<boolean> {
    return writeAndAnnounce(this.#pool, this.#relay, async (q) => {
      const deleted = ((await q.query('DELETE FROM connections WHERE name = $1', [name])).rowCount ?? 0) > 0;
      return { value: deleted, changes: deleted ? [{ type: 'connection', op: 'delete', name }] : [] };
    });
  }

  async signingSecrets(targetKey: string): Promise<StoredSigningSecret[]> {
    const { rows } = await this.#pool.query<SigningSecretRow>('SELECT sealed, created_at, expires_at FROM signing_secrets WHERE target_key = $1 ORDER BY created_at DESC', [targetKey]);
    return rows.map(signingSecretOf);
  }

  async setSigningSecrets(targetKey: string, secrets: readonly StoredSigningSecret[]): Promise<void> {
    await writeAndAnnounce(this.#pool, this.#relay, async (q) => {
      await q.query('DELETE FROM signing_secrets WHERE target_key = $1', [targetKey]);
      if (secrets.length > 0) {
        await q.query(`
          INSERT INTO signing_secrets (target_key, created_at, sealed, expires_at)
          SELECT $1, * FROM unnest($2::float8[], $3::text[], $4::float8[])`,
        [targetKey, secrets.map((s) => s.createdAt), secrets.map((s) => s.sealed), secrets.map((s) => s.expiresAt)]);
      }
      return { value: undefined, changes: [{ type: 'signing-secrets', op: 'put', target: targetKey }] };
    });
  }
}
