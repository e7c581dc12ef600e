/**
 * The configuration-as-code document (docs/config-as-code.md): buses with their settings and
 * rules, connections (secrets only as `${env:NAME}` references), schemas with their versions and
 * event sources (their settings; never their status or counters).
 * What `switchyard export` writes and `diff`/`apply` read. Only the shape is checked here; the
 * server checks the contents (patterns, targets, schemas) when they are applied.
 */
import { UsageError } from '../errors.js';

export interface Retention {
  readonly maxAgeMs: number | null;
  readonly maxCount: number | null;
}

export interface SchemaSettings {
  readonly validation: string;
  readonly discovery: boolean;
  readonly sampleRate: number;
}

export interface RuleDoc {
  readonly name: string;
  readonly description: string | null;
  readonly state: 'enabled' | 'disabled';
  readonly filter: unknown;
  readonly targets: readonly unknown[];
}

export interface BusDoc {
  readonly name: string;
  readonly description: string | null;
  /** Absent: not managed (left as the server has it). */
  readonly retention?: Retention;
  readonly schemaSettings?: SchemaSettings;
  readonly rules: readonly RuleDoc[];
}

/** A connection: `kind` and its fields as the API takes them; secrets are `${env:NAME}`. */
export interface ConnectionDoc {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface SchemaVersionDoc {
  readonly dialect: string;
  readonly schema: unknown;
}

export interface SchemaDoc {
  readonly name: string;
  readonly source: string | null;
  readonly description: string | null;
  readonly compatibility: string;
  readonly versions: readonly SchemaVersionDoc[];
}

/** An event source: `kind`, `bus` and its other fields as the API takes them (docs/sources.md). */
export interface SourceDoc {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ConfigDoc {
  readonly buses: readonly BusDoc[];
  readonly connections: readonly ConnectionDoc[];
  readonly schemas: readonly SchemaDoc[];
  readonly sources: readonly SourceDoc[];
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the document's shape; every problem is listed (path: reason) in one usage error. */
export function parseConfig(value: unknown, origin: string): ConfigDoc {
  const problems: string[] = [];
  const bad = (path: string, reason: string): void => void problems.push(`${path}: ${reason}`);
  const str = (o: Obj, k: string, path: string, optional = false): string | null => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (!optional) bad(`${path}/${k}`, 'is required (a string)');
      return null;
    }
    if (typeof v !== 'string' || v === '') bad(`${path}/${k}`, 'must be a non-empty string');
    return typeof v === 'string' ? v : null;
  };
  const list = (o: Obj, k: string, path: string): readonly unknown[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      bad(`${path}/${k}`, 'must be a list');
      return [];
    }
    return v;
  };
  const unique = (names: readonly (string | null)[], path: string): void => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (n === null) return;
      if (seen.has(n)) bad(`${path}/${i}/name`, `"${n}" appears twice`);
      seen.add(n);
    });
  };
  const known = (o: Obj, keys: readonly string[], path: string): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${path}/${k}`, `unknown field (expected ${keys.join(', ')})`);
  };

  if (!isObj(value)) throw new UsageError(`${origin} must hold a configuration document (an object with buses, connections, schemas)`);
  known(value, ['version', 'buses', 'connections', 'schemas', 'sources'], '');
  if (value.version !== undefined && value.version !== 1) bad('/version', 'must be 1');

  const buses = list(value, 'buses', '').map((b, i): BusDoc => {
    const path = `/buses/${i}`;
    if (!isObj(b)) {
      bad(path, 'must be an object');
      return { name: '', description: null, rules: [] };
    }
    known(b, ['name', 'description', 'retention', 'schemaSettings', 'rules'], path);
    let retention: Retention | undefined;
    if (b.retention !== undefined) {
      const r = b.retention;
      if (!isObj(r)) bad(`${path}/retention`, 'must be an object');
      else {
        known(r, ['maxAgeMs', 'maxCount'], `${path}/retention`);
        retention = { maxAgeMs: (r.maxAgeMs as number | null | undefined) ?? null, maxCount: (r.maxCount as number | null | undefined) ?? null };
      }
    }
    let schemaSettings: SchemaSettings | undefined;
    if (b.schemaSettings !== undefined) {
      const s = b.schemaSettings;
      if (!isObj(s)) bad(`${path}/schemaSettings`, 'must be an object');
      else {
        known(s, ['validation', 'discovery', 'sampleRate'], `${path}/schemaSettings`);
        schemaSettings = { validation: (s.validation as string | undefined) ?? 'off', discovery: (s.discovery as boolean | undefined) ?? false, sampleRate: (s.sampleRate as number | undefined) ?? 1 };
      }
    }
    const rules = list(b, 'rules', path).map((r, j): RuleDoc => {
      const rp = `${path}/rules/${j}`;
      if (!isObj(r)) {
        bad(rp, 'must be an object');
        return { name: '', description: null, state: 'enabled', filter: null, targets: [] };
      }
      known(r, ['name', 'description', 'state', 'filter', 'targets'], rp);
      if (r.state !== undefined && r.state !== 'enabled' && r.state !== 'disabled') bad(`${rp}/state`, 'must be enabled or disabled');
      if (!Array.isArray(r.targets)) bad(`${rp}/targets`, 'must be a list');
      if (r.filter === undefined) bad(`${rp}/filter`, 'is required');
      return { name: str(r, 'name', rp) ?? '', description: str(r, 'description', rp, true), state: r.state === 'disabled' ? 'disabled' : 'enabled', filter: r.filter, targets: Array.isArray(r.targets) ? r.targets : [] };
    });
    unique(rules.map((r) => r.name), `${path}/rules`);
    return { name: str(b, 'name', path) ?? '', description: str(b, 'description', path, true), ...(retention === undefined ? {} : { retention }), ...(schemaSettings === undefined ? {} : { schemaSettings }), rules };
  });
  unique(buses.map((b) => b.name), '/buses');

  const connections = list(value, 'connections', '').map((c, i): ConnectionDoc => {
    const path = `/connections/${i}`;
    if (!isObj(c)) {
      bad(path, 'must be an object');
      return { name: '', fields: {} };
    }
    const { name, ...fields } = c;
    if (typeof name !== 'string' || name === '') bad(`${path}/name`, 'is required (a string)');
    if (typeof fields.kind !== 'string') bad(`${path}/kind`, 'is required (a string)');
    return { name: typeof name === 'string' ? name : '', fields };
  });
  unique(connections.map((c) => c.name), '/connections');

  const schemas = list(value, 'schemas', '').map((s, i): SchemaDoc => {
    const path = `/schemas/${i}`;
    if (!isObj(s)) {
      bad(path, 'must be an object');
      return { name: '', source: null, description: null, compatibility: 'BACKWARD', versions: [] };
    }
    known(s, ['name', 'source', 'description', 'compatibility', 'versions'], path);
    const versions = list(s, 'versions', path).map((v, j): SchemaVersionDoc => {
      if (!isObj(v) || v.schema === undefined) {
        bad(`${path}/versions/${j}`, 'must be an object with a schema (and a dialect)');
        return { dialect: '2020-12', schema: null };
      }
      return { dialect: typeof v.dialect === 'string' ? v.dialect : '2020-12', schema: v.schema };
    });
    if (versions.length === 0) bad(`${path}/versions`, 'must list at least one version');
    return {
      name: str(s, 'name', path) ?? '', source: str(s, 'source', path, true), description: str(s, 'description', path, true),
      compatibility: typeof s.compatibility === 'string' ? s.compatibility.toUpperCase() : 'BACKWARD', versions,
    };
  });
  unique(schemas.map((s) => (s.name === '' ? null : `${s.name}\u0000${s.source ?? ''}`)), '/schemas');

  const sources = list(value, 'sources', '').map((x, i): SourceDoc => {
    const path = `/sources/${i}`;
    if (!isObj(x)) {
      bad(path, 'must be an object');
      return { name: '', fields: {} };
    }
    const { name, ...fields } = x;
    if (typeof name !== 'string' || name === '') bad(`${path}/name`, 'is required (a string)');
    if (typeof fields.kind !== 'string') bad(`${path}/kind`, 'is required (a string)');
    if (typeof fields.bus !== 'string') bad(`${path}/bus`, 'is required (a string)');
    return { name: typeof name === 'string' ? name : '', fields };
  });
  unique(sources.map((x) => x.name), '/sources');

  if (problems.length > 0) throw new UsageError(`${origin} is not a valid configuration document:\n  ${problems.join('\n  ')}`);
  return { buses, connections, schemas, sources };
}

/** The document as a plain value for YAML or JSON output (stable key order, defaults written out). */
export function configValue(doc: ConfigDoc): Record<string, unknown> {
  return {
    version: 1,
    buses: doc.buses.map((b) => ({
      name: b.name,
      description: b.description,
      ...(b.retention === undefined ? {} : { retention: b.retention }),
      ...(b.schemaSettings === undefined ? {} : { schemaSettings: b.schemaSettings }),
      rules: b.rules.map((r) => ({ name: r.name, description: r.description, state: r.state, filter: r.filter, targets: r.targets })),
    })),
    connections: doc.connections.map((c) => ({ name: c.name, ...c.fields })),
    schemas: doc.schemas.map((s) => ({ name: s.name, source: s.source, description: s.description, compatibility: s.compatibility, versions: s.versions })),
    sources: doc.sources.map((x) => ({ name: x.name, ...x.fields })),
  };
}
