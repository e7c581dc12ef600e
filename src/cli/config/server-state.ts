import { segment, type SwitchyardClient } from '../client.js';
import type { BusView } from '../wire.js';
import type { BusDoc, ConfigDoc, ConnectionDoc, RuleDoc, SchemaDoc, SchemaSettings, SourceDoc } from './document.js';

/** Buses every server has: never created or deleted by apply; only their rules and settings are managed. */
export const BUILT_IN_BUSES: ReadonlySet<string> = new Set(['default', 'switchyard.system']);

/** What the server shows instead of a secret. */
export const MASK = '***';

interface RuleView {
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: unknown;
  readonly targets: readonly unknown[];
}

interface SchemaView {
  readonly name: string;
  readonly source: string | null;
  readonly description: string | null;
  readonly compatibility: string;
}

const get = async <T>(client: SwitchyardClient, path: string, query?: Record<string, string | undefined>): Promise<T> => {
  const { text } = await client.send('GET', path, query === undefined ? {} : { query });
  return JSON.parse(text) as T;
};

/**
 * Reads what the server holds as a configuration document. Connection secrets are as the server
 * shows them (`***`); `switchyard export` replaces them with `${env:…}` references.
 */
export async function readServerState(client: SwitchyardClient): Promise<ConfigDoc> {
  const buses: BusDoc[] = [];
  for (const b of (await get<{ items: BusView[] }>(client, '/v1/buses')).items) {
    const base = `/v1/buses/${segment(b.name)}`;
    const rules = (await get<{ items: RuleView[] }>(client, `${base}/rules`)).items.map((r): RuleDoc => ({
      name: r.name, description: r.description, state: r.state, filter: r.filter, targets: r.targets,
    }));
    const s = await get<SchemaSettings & { bus: string }>(client, `${base}/schema-settings`);
    buses.push({
      name: b.name,
      description: b.description,
      ...(BUILT_IN_BUSES.has(b.name) ? {} : { retention: b.retention }),
      schemaSettings: { validation: s.validation, discovery: s.discovery, sampleRate: s.sampleRate },
      rules,
    });
  }
  const connections = (await get<{ items: Record<string, unknown>[] }>(client, '/v1/connections')).items.map((c): ConnectionDoc => {
    const { name, createdAt: _c, updatedAt: _u, ...fields } = c;
    return { name: name as string, fields };
  });
  const schemas: SchemaDoc[] = [];
  for (const s of (await get<{ items: SchemaView[] }>(client, '/v1/schemas')).items) {
    const path = `/v1/schemas/${segment(s.name)}`;
    const source = s.source ?? undefined;
    const list = (await get<{ items: { version: number }[] }>(client, `${path}/versions`, { source })).items;
    const versions = [];
    for (const v of [...list].sort((a, b) => a.version - b.version)) {
      const full = await get<{ dialect: string; schema: unknown }>(client, `${path}/versions/${v.version}`, { source });
      versions.push({ dialect: full.dialect, schema: full.schema });
    }
    schemas.push({ name: s.name, source: s.source, description: s.description, compatibility: s.compatibility, versions });
  }
  // A source's settings only: its status, counters and webhook path are the server's own.
  const sources = (await get<{ items: Record<string, unknown>[] }>(client, '/v1/sources')).items.map((x): SourceDoc => {
    const { name, status: _s, counters: _n, webhookPath: _w, createdAt: _c, updatedAt: _u, ...fields } = x;
    return { name: name as string, fields };
  });
  return { buses, connections, schemas, sources };
}
