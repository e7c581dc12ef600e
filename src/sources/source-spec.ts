import type { Violation } from '../core/index.js';
import { checkMapping } from './mapping/mapping.js';
import type { SourceKinds } from './registry.js';
import type { SourceCheckContext } from './types.js';

/** The fields every source has; the rest of the body is the kind's settings (`config`). */
export const COMMON_FIELDS = ['kind', 'bus', 'description', 'state', 'mapping'] as const;

/** A checked source body, split into the common fields and the kind's settings. */
export interface SourceBody {
  readonly kind: string;
  readonly bus: string;
  readonly description: string | null;
  readonly state: 'running' | 'paused';
  readonly config: Readonly<Record<string, unknown>>;
  readonly mapping: unknown;
}

const BUS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a source body (`PUT /v1/sources/{name}`): `{ kind, bus, description?, state?, mapping?,
 * …kind settings }`; one violation per problem. Existence of the bus and connections is checked
 * by the caller (it needs the store).
 */
export function checkSourceBody(body: unknown, kinds: SourceKinds, ctx: SourceCheckContext, maxMappingBytes: number):
  { ok: true; body: SourceBody; connections: readonly string[] } | { ok: false; violations: Violation[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, violations: [{ path: '', reason: 'must be an object' }] };
  const o = body as Record<string, unknown>;
  const out: Violation[] = [];
  const kind = typeof o.kind === 'string' ? kinds.get(o.kind) : undefined;
  if (kind === undefined) out.push({ path: '/kind', reason: `must be one of ${kinds.names().join(', ')}` });
  if (typeof o.bus !== 'string' || !BUS.test(o.bus)) out.push({ path: '/bus', reason: 'must name a bus' });
  if (o.description !== undefined && o.description !== null && (typeof o.description !== 'string' || o.description.length > 1024)) out.push({ path: '/description', reason: 'must be a string of at most 1024 characters' });
  if (o.state !== undefined && o.state !== 'running' && o.state !== 'paused') out.push({ path: '/state', reason: 'must be "running" or "paused"' });
  const m = checkMapping(o.mapping, '/mapping', maxMappingBytes);
  if (!m.ok) out.push(...m.violations);
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!(COMMON_FIELDS as readonly string[]).includes(k)) config[k] = v;
  let connections: readonly string[] = [];
  if (kind !== undefined) {
    const c = kind.checkConfig(config, '', ctx);
    if (!c.ok) out.push(...c.violations);
    else connections = kind.connections(c.config);
  }
  if (out.length > 0) return { ok: false, violations: out };
  return {
    ok: true,
    connections,
    body: {
      kind: o.kind as string, bus: o.bus as string, description: typeof o.description === 'string' ? o.description : null,
      state: o.state === 'paused' ? 'paused' : 'running', config, mapping: o.mapping ?? null,
    },
  };
}
