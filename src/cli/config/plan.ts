import { segment, type SwitchyardClient } from '../client.js';
import type { Env } from '../context.js';
import { expandEnvRefs } from '../env-refs.js';
import type { BusDoc, ConfigDoc, RuleDoc, SchemaDoc } from './document.js';
import { BUILT_IN_BUSES, MASK } from './server-state.js';

/** One change that makes the server match the document, in the order apply runs them. */
export interface Change {
  readonly op: 'create' | 'update' | 'delete';
  readonly kind: 'connection' | 'bus' | 'schema-settings' | 'schema' | 'schema-version' | 'rule' | 'source';
  /** `orders`, `orders/big-orders`, `com.shop.order.created (source s)`, `crm`. */
  readonly name: string;
  /** The fields an update changes. */
  readonly fields?: readonly string[];
  run(client: SwitchyardClient): Promise<void>;
}

/** A difference apply cannot make (a registered schema version differs: versions are immutable). */
export interface Conflict {
  readonly name: string;
  readonly reason: string;
}

export interface Plan {
  readonly changes: readonly Change[];
  readonly conflicts: readonly Conflict[];
}

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const json = (body: unknown): { body: string; contentType: string } => ({ body: JSON.stringify(body), contentType: 'application/json' });
const busPath = (bus: string): string => `/v1/buses/${segment(bus)}`;
const schemaLabel = (s: { name: string; source: string | null }): string => (s.source === null ? s.name : `${s.name} (source ${s.source})`);

export interface PlanOptions {
  /** Delete what the server has and the document does not (built-in buses are never deleted). */
  readonly prune: boolean;
  /** Put every connection of the document again, so changed secrets reach the server. */
  readonly updateSecrets: boolean;
  /** Where `${env:NAME}` references are read from. */
  readonly env: Env;
  /**
   * A reference to a variable that is not set: an error before any change (for apply), or
   * kept as written (for a diff, which sends nothing and never compares secrets).
   */
  readonly missingEnv: 'throw' | 'keep';
}

/**
 * The changes that make `current` (the server's state) match `desired` (the document): creates
 * and updates in dependency order (connections, buses and their settings, schemas, rules), then
 * with `prune` the deletions in reverse order. Connection secrets cannot be read back, so a
 * connection is put when it is missing or a non-secret field differs (or with updateSecrets).
 */
export function planChanges(desired: ConfigDoc, current: ConfigDoc, options: PlanOptions): Plan {
  const changes: Change[] = [];
  const conflicts: Conflict[] = [];
  const expand = (fields: unknown, name: string, missing: 'throw' | 'keep'): Readonly<Record<string, unknown>> => expandEnvRefs(fields, options.env, `/connections/${name}`, missing) as Readonly<Record<string, unknown>>;

  const currentConnections = new Map(current.connections.map((c) => [c.name, c]));
  for (const c of desired.connections) {
    const have = currentConnections.get(c.name);
    // Compared with unset references kept as written (they are secrets, which are never compared).
    const fields = expand(c.fields, c.name, 'keep');
    const put = (op: 'create' | 'update', changed?: string[]): Change => {
      // What is sent is expanded now, so an unset variable stops apply before its first change.
      // null (an export's "no description") is left out: the API takes absent, not null.
      const body = Object.fromEntries(Object.entries(expand(c.fields, c.name, options.missingEnv)).filter(([, v]) => v !== null));
      return {
        op, kind: 'connection', name: c.name, ...(changed === undefined ? {} : { fields: changed }),
        run: async (client) => void (await client.send('PUT', `/v1/connections/${segment(c.name)}`, json(body))),
      };
    };
    if (have === undefined) {
      changes.push(put('create'));
      continue;
    }
    // Fields the server masks are secrets: compared never, sent with updateSecrets.
    const keys = new Set([...Object.keys(fields), ...Object.keys(have.fields)]);
    const differ = [...keys].filter((k) => have.fields[k] !== MASK && !same(fields[k] ?? null, have.fields[k] ?? null));
    if (differ.length > 0 || options.updateSecrets) changes.push(put('update', differ.length > 0 ? differ : ['secrets']));
  }

  const currentBuses = new Map(current.buses.map((b) => [b.name, b]));
  for (const b of desired.buses) {
    const have = currentBuses.get(b.name);
    if (have === undefined && !BUILT_IN_BUSES.has(b.name)) {
      changes.push({
        op: 'create', kind: 'bus', name: b.name,
        run: async (client) => void (await client.send('POST', '/v1/buses', json({ name: b.name, description: b.description ?? undefined, retention: b.retention }))),
      });
    } else if (have !== undefined && !BUILT_IN_BUSES.has(b.name)) {
      const fields: string[] = [];
      if ((b.description ?? null) !== (have.description ?? null)) fields.push('description');
      if (b.retention !== undefined && !same(b.retention, have.retention)) fields.push('retention');
      if (fields.length > 0) {
        changes.push({
          op: 'update', kind: 'bus', name: b.name, fields,
          run: async (client) => void (await client.send('PATCH', busPath(b.name), json({ description: b.description, ...(b.retention === undefined ? {} : { retention: b.retention }) }))),
        });
      }
    }
    if (b.schemaSettings !== undefined && (have?.schemaSettings === undefined || !same(b.schemaSettings, have.schemaSettings))) {
      const settings = b.schemaSettings;
      changes.push({
        op: 'update', kind: 'schema-settings', name: b.name,
        fields: Object.keys(settings).filter((k) => !same((settings as unknown as Record<string, unknown>)[k], (have?.schemaSettings as unknown as Record<string, unknown> | undefined)?.[k])),
        run: async (client) => void (await client.send('PUT', `${busPath(b.name)}/schema-settings`, json(settings))),
      });
    }
  }

  const schemaKey = (s: { name: string; source: string | null }): string => `${s.name}\u0000${s.source ?? ''}`;
  const currentSchemas = new Map(current.schemas.map((s) => [schemaKey(s), s]));
  for (const s of desired.schemas) planSchema(s, currentSchemas.get(schemaKey(s)), changes, conflicts);

  for (const b of desired.buses) {
    const haveRules = new Map((currentBuses.get(b.name)?.rules ?? []).map((r) => [r.name, r]));
    for (const r of b.rules) planRule(b, r, haveRules.get(r.name), changes);
  }

  // Sources after their buses and connections; null (an export's "no description") is left out.
  const currentSources = new Map(current.sources.map((x) => [x.name, x]));
  for (const x of desired.sources) {
    const have = currentSources.get(x.name);
    // A source without `state` is running (the API's default), so a document may leave it out.
    const settings = (f: Readonly<Record<string, unknown>>): Record<string, unknown> => ({ state: 'running', ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null)) });
    const fields = settings(x.fields);
    const haveFields = have === undefined ? undefined : settings(have.fields);
    const keys = new Set([...Object.keys(fields), ...Object.keys(haveFields ?? {})]);
    const differ = haveFields === undefined ? [] : [...keys].filter((k) => !same(fields[k] ?? null, haveFields[k] ?? null));
    if (haveFields !== undefined && differ.length === 0) continue;
    changes.push({
      op: have === undefined ? 'create' : 'update', kind: 'source', name: x.name, ...(have === undefined ? {} : { fields: differ }),
      run: async (client) => void (await client.send('PUT', `/v1/sources/${segment(x.name)}`, json(fields))),
    });
  }

  if (options.prune) {
    const wantedSources = new Set(desired.sources.map((x) => x.name));
    for (const x of current.sources) {
      if (!wantedSources.has(x.name)) changes.push({ op: 'delete', kind: 'source', name: x.name, run: async (client) => void (await client.send('DELETE', `/v1/sources/${segment(x.name)}`)) });
    }
    const wantedBuses = new Map(desired.buses.map((b) => [b.name, b]));
    for (const b of current.buses) {
      const keep = wantedBuses.get(b.name);
      const wantedRules = new Set((keep?.rules ?? []).map((r) => r.name));
      for (const r of b.rules) {
        if (!wantedRules.has(r.name)) changes.push({ op: 'delete', kind: 'rule', name: `${b.name}/${r.name}`, run: async (client) => void (await client.send('DELETE', `${busPath(b.name)}/rules/${segment(r.name)}`)) });
      }
    }
    const wantedSchemas = new Set(desired.schemas.map(schemaKey));
    for (const s of current.schemas) {
      if (!wantedSchemas.has(schemaKey(s))) {
        changes.push({ op: 'delete', kind: 'schema', name: schemaLabel(s), run: async (client) => void (await client.send('DELETE', `/v1/schemas/${segment(s.name)}`, { query: { source: s.source ?? undefined } })) });
      }
    }
    for (const b of current.buses) {
      if (!wantedBuses.has(b.name) && !BUILT_IN_BUSES.has(b.name)) {
        changes.push({ op: 'delete', kind: 'bus', name: b.name, run: async (client) => void (await client.send('DELETE', busPath(b.name))) });
      }
    }
    const wantedConnections = new Set(desired.connections.map((c) => c.name));
    for (const c of current.connections) {
      if (!wantedConnections.has(c.name)) changes.push({ op: 'delete', kind: 'connection', name: c.name, run: async (client) => void (await client.send('DELETE', `/v1/connections/${segment(c.name)}`)) });
    }
  }
  return { changes, conflicts };
}

function planSchema(s: SchemaDoc, have: SchemaDoc | undefined, changes: Change[], conflicts: Conflict[]): void {
  const path = `/v1/schemas/${segment(s.name)}`;
  const query = { source: s.source ?? undefined };
  const label = schemaLabel(s);
  const meta = { description: s.description ?? undefined, compatibility: s.compatibility };
  if (have === undefined) {
    changes.push({ op: 'create', kind: 'schema', name: label, run: async (client) => void (await client.send('PUT', path, { query, ...json(meta) })) });
  } else {
    const fields = [...((s.description ?? null) !== (have.description ?? null) ? ['description'] : []), ...(s.compatibility !== have.compatibility ? ['compatibility'] : [])];
    if (fields.length > 0) changes.push({ op: 'update', kind: 'schema', name: label, fields, run: async (client) => void (await client.send('PUT', path, { query, ...json(meta) })) });
  }
  const registered = have?.versions ?? [];
  s.versions.forEach((v, i) => {
    const old = registered[i];
    if (old !== undefined) {
      if (!same(old.schema, v.schema) || old.dialect !== v.dialect) conflicts.push({ name: `${label} version ${i + 1}`, reason: 'differs from the registered version; versions are immutable (add a new version instead)' });
      return;
    }
    changes.push({
      op: 'create', kind: 'schema-version', name: `${label} version ${i + 1}`,
      run: async (client) => void (await client.send('POST', `${path}/versions`, { query, ...json({ schema: v.schema, dialect: v.dialect }) })),
    });
  });
  if (registered.length > s.versions.length) conflicts.push({ name: label, reason: `the server has ${registered.length} versions and the document ${s.versions.length}; versions cannot be removed (delete the schema to start again)` });
}

function planRule(b: BusDoc, r: RuleDoc, have: RuleDoc | undefined, changes: Change[]): void {
  const fields = have === undefined ? [] : (['description', 'state', 'filter', 'targets'] as const).filter((k) => !same(r[k] ?? null, have[k] ?? null));
  if (have !== undefined && fields.length === 0) return;
  changes.push({
    op: have === undefined ? 'create' : 'update', kind: 'rule', name: `${b.name}/${r.name}`, ...(have === undefined ? {} : { fields }),
    run: async (client) => void (await client.send('PUT', `${busPath(b.name)}/rules/${segment(r.name)}`, json({ description: r.description ?? undefined, state: r.state, filter: r.filter, targets: r.targets }))),
  });
}
