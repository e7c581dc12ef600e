import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SwitchyardError } from '../core/index.js';

export type Scope = 'admin' | 'put' | 'read';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs when API keys are configured. */
    scope?: Scope;
  }
}

function matchKey(given: string, keys: ReadonlyMap<Buffer, readonly Scope[]>): readonly Scope[] | undefined {
  const g = Buffer.from(given);
  for (const [k, scopes] of keys) {
    if (k.length === g.length && timingSafeEqual(k, g)) return scopes;
  }
  return undefined;
}

/** What a request's credentials allow: `auth: none` when no keys are configured, else the key's scopes (undefined: no valid key). */
export type Credentials = { readonly auth: 'none' } | { readonly auth: 'key'; readonly scopes: readonly Scope[] } | undefined;

/** A reader of the request's bearer key against the configured keys (for `GET /v1/whoami`). */
export function credentialsReader(apiKeys: Readonly<Record<string, readonly Scope[]>>): (authorization: string | undefined) => Credentials {
  const keys = new Map(Object.entries(apiKeys).map(([k, s]) => [Buffer.from(k), s] as const));
  return (header) => {
    if (keys.size === 0) return { auth: 'none' };
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const scopes = m === null ? undefined : matchKey(m[1]!, keys);
    return scopes === undefined ? undefined : { auth: 'key', scopes };
  };
}

/**
 * Bearer API keys. With no keys configured (loopback only, enforced by config), every call is
 * allowed. With keys, each /v1 route needs a key holding its scope; `admin` holds every scope.
 */
export function installAuth(app: FastifyInstance, apiKeys: Readonly<Record<string, readonly Scope[]>>): void {
  if (Object.keys(apiKeys).length === 0) return;
  const read = credentialsReader(apiKeys);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const scope = req.routeOptions.config.scope;
    if (scope === undefined) return;
    const c = read(req.headers.authorization);
    const scopes = c?.auth === 'key' ? c.scopes : undefined;
    if (scopes === undefined) throw new SwitchyardError('SWY_API_UNAUTHORIZED', 'a valid API key is required (Authorization: Bearer <key>)');
    if (!scopes.includes(scope) && !scopes.includes('admin')) {
      throw new SwitchyardError('SWY_API_FORBIDDEN', `this call needs the "${scope}" scope`);
    }
  });
}
