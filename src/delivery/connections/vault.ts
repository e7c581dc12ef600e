import { Agent, type Dispatcher } from 'undici';
import { KeyedLock, SwitchyardError, type Clock } from '../../core/index.js';
import type { ConnectionCatalog, ConnectionRecord } from '../../store/index.js';
import { guardedConnector } from '../ssrf/index.js';
import type { SecretBox } from './secret-box.js';
import { checkConnectionBody, joinSpec, normalizeApiKeyName, splitSecrets, SECRET_FIELDS, type ConnectionKind } from './connection-spec.js';
import type { Authorizer, ConnectionResolver, ConnectionSpec } from './types.js';
import { apiKeyAuthorizer, basicAuthorizer } from './static-authorizers.js';
import { OAuth2Authorizer } from './oauth2-authorizer.js';

/** A connection as the API shows it: secret fields are `"***"`, never their value. */
export interface ConnectionView {
  readonly name: string;
  readonly kind: string;
  readonly description: string | null;
  readonly [field: string]: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ConnectionVaultOptions {
  readonly catalog: ConnectionCatalog;
  readonly box: SecretBox;
  readonly clock: Clock;
  /** Applies to OAuth2 token endpoints as to http targets. */
  readonly allowPrivateNetworks: boolean;
}

const MASK = '***';

/** The authorizer of connections that sign requests rather than authorize them. */
const NO_AUTHORIZATION: Authorizer = { authorize: async () => undefined, invalidate: () => false };

/**
 * Connections: validates and seals them on write, shows them masked, and hands http targets
 * an Authorizer per connection. Authorizers (and so OAuth2 tokens) are cached per connection
 * and replaced when the connection changes. Secrets exist in clear only inside authorizers.
 */
export class ConnectionVault implements ConnectionResolver {
  readonly #o: ConnectionVaultOptions;
  readonly #authorizers = new Map<string, { updatedAt: number; authorizer: Authorizer }>();
  #dispatcher: Dispatcher | undefined;
  /** A put reads the connection (to keep its secrets) then writes it: one at a time per name. */
  readonly #writes = new KeyedLock();

  constructor(options: ConnectionVaultOptions) {
    this.#o = options;
  }

  #view(r: ConnectionRecord): ConnectionView {
    const masked = Object.fromEntries((SECRET_FIELDS[r.kind as ConnectionKind] ?? []).map((f) => [f, MASK]));
    // The record's own fields last: no config field can stand in for the connection's name.
    return {
      ...normalizeApiKeyName(r.kind, r.config), ...masked, name: r.name, kind: r.kind, description: r.description,
      createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
    };
  }

  /** Creates or replaces a connection; throws SWY_DELIVERY_CONNECTION_INVALID with violations. */
  put(name: string, body: unknown): Promise<{ connection: ConnectionView; created: boolean }> {
    return this.#writes.run(name, () => this.#put(name, body));
  }

  async #put(name: string, body: unknown): Promise<{ connection: ConnectionView; created: boolean }> {
    const existing = await this.#o.catalog.get(name);
    const sameKind = existing !== undefined && typeof body === 'object' && body !== null && (body as Record<string, unknown>).kind === existing.kind;
    const kept = sameKind ? [...SECRET_FIELDS[existing.kind as ConnectionKind]] : [];
    const violations = checkConnectionBody(body, kept);
    if (violations.length > 0) throw new SwitchyardError('SWY_DELIVERY_CONNECTION_INVALID', `${violations.length} problem(s) in the connection`, { violations });
    const b = body as Record<string, unknown>;
    const { kind, config, secrets } = splitSecrets(b);
    const merged = sameKind ? { ...this.#openSecrets(existing), ...secrets } : secrets;
    const { connection, created } = await this.#o.catalog.put({
      name, kind, description: typeof b.description === 'string' ? b.description : null, config, sealed: this.#o.box.seal(JSON.stringify(merged), name),
    });
    this.#authorizers.delete(name);
    return { connection: this.#view(connection), created };
  }

  async get(name: string): Promise<ConnectionView | undefined> {
    const r = await this.#o.catalog.get(name);
    return r === undefined ? undefined : this.#view(r);
  }

  async list(): Promise<ConnectionView[]> {
    return (await this.#o.catalog.list()).map((r) => this.#view(r));
  }

  delete(name: string): Promise<boolean> {
    return this.#writes.run(name, async () => {
      const deleted = await this.#o.catalog.delete(name);
      this.#authorizers.delete(name);
      return deleted;
    });
  }

  async authorizer(name: string): Promise<Authorizer | undefined> {
    const r = await this.#o.catalog.get(name);
    if (r === undefined) return undefined;
    const cached = this.#authorizers.get(name);
    if (cached !== undefined && cached.updatedAt === r.updatedAt) return cached.authorizer;
    const spec = joinSpec(r.kind, r.config, this.#openSecrets(r));
    // hmac and aws connections sign the request instead (the http target's signer reads them through `credentials`)
    const authorizer = spec.kind === 'basic' ? basicAuthorizer(spec.username, spec.password)
      : spec.kind === 'apiKey' ? apiKeyAuthorizer(spec.in, spec.keyName, spec.value)
        : spec.kind === 'oauth2' ? new OAuth2Authorizer(spec, this.#tokenDispatcher(), this.#o.clock)
          : NO_AUTHORIZATION;
    this.#authorizers.set(name, { updatedAt: r.updatedAt, authorizer });
    return authorizer;
  }

  async credentials(name: string): Promise<ConnectionSpec | undefined> {
    const r = await this.#o.catalog.get(name);
    return r === undefined ? undefined : joinSpec(r.kind, r.config, this.#openSecrets(r));
  }

  async close(): Promise<void> {
    const d = this.#dispatcher;
    this.#dispatcher = undefined;
    if (d !== undefined) await d.close();
  }

  #openSecrets(r: ConnectionRecord): Record<string, string> {
    return JSON.parse(this.#o.box.open(r.sealed, r.name)) as Record<string, string>;
  }

  #tokenDispatcher(): Dispatcher {
    this.#dispatcher ??= new Agent({ connections: 8, connect: this.#o.allowPrivateNetworks ? { timeout: 10_000 } : guardedConnector({ timeout: 10_000 }) });
    return this.#dispatcher;
  }
}
