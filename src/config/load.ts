import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { SwitchyardError, type Violation } from '../core/index.js';
import { configSchema, type Config } from './schema.js';
import { configKeys } from './keys.js';
import { otelEnvLayer } from './otel-env.js';

export interface LoadConfigOptions {
  /** Path of a switchyard.yaml file (--config); absent = defaults and env only. */
  readonly file?: string | undefined;
  /** The environment to read SWITCHYARD_* variables from (process.env in main). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Highest-precedence overrides (CLI flags, tests), as a partial config object. */
  readonly overrides?: Record<string, unknown>;
}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: true, strictTuples: false });
const validate = ajv.compile(configSchema);

/** Variables that are not config keys but belong to the config loader. */
const RESERVED_ENV = new Set(['SWITCHYARD_CONFIG']);

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const seg of path.slice(0, -1)) {
    const next = node[seg];
    if (typeof next !== 'object' || next === null) node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null && !Array.isArray(b)
      ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byEnv = new Map(configKeys.map((k) => [k.env, k]));
  const violations: Violation[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SWITCHYARD_') || raw === undefined || RESERVED_ENV.has(name)) continue;
    const key = byEnv.get(name);
    if (key === undefined) {
      violations.push({ path: name, reason: 'unknown configuration variable (see docs/config.md)' });
      continue;
    }
    let value: unknown = raw;
    if (key.type === 'integer') {
      value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    } else if (key.type === 'number') {
      value = raw.trim() !== '' && Number.isFinite(Number(raw.trim())) ? Number(raw.trim()) : raw;
    } else if (key.type === 'boolean') {
      // Anything but true/false stays a string, which the schema then reports under the key.
      const t = raw.trim();
      value = t === 'true' ? true : t === 'false' ? false : raw;
    } else if (key.type === 'object' || key.type === 'array') {
      try {
        value = JSON.parse(raw);
      } catch {
        violations.push({ path: name, reason: `${key.name} must be JSON` });
        continue;
      }
    }
    setPath(out, key.path, value);
  }
  if (violations.length > 0) {
    throw new SwitchyardError('SWY_CONFIG_INVALID', `invalid configuration: ${violations.map((v) => `${v.path}: ${v.reason}`).join('; ')}`, { violations });
  }
  return out;
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SwitchyardError('SWY_CONFIG_FILE_UNREADABLE', `cannot read config file ${file}: ${(cause as Error).message}`, { cause });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new SwitchyardError('SWY_CONFIG_FILE_UNREADABLE', `config file ${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new SwitchyardError('SWY_CONFIG_FILE_UNREADABLE', `config file ${file} must hold a YAML mapping`);
  }
  return doc as Record<string, unknown>;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** True for a loopback listen address (127.x, ::1, localhost): the only place auth may be off. */
export /**
 * The OTEL_* variables fill only the keys no other layer set: a config key wins over its
 * variable as a whole (an `observe.otlpHeaders` map replaces the variable's, not merged with it).
 */
function withOtelEnv(raw: Record<string, unknown>, otel: Record<string, unknown>): Record<string, unknown> {
  const fromOtel = otel['observe'] as Record<string, unknown> | undefined;
  if (fromOtel === undefined) return raw;
  const observe = typeof raw['observe'] === 'object' && raw['observe'] !== null ? raw['observe'] as Record<string, unknown> : {};
  const filled = { ...observe };
  for (const [k, v] of Object.entries(fromOtel)) if (filled[k] === undefined) filled[k] = v;
  return { ...raw, observe: filled };
}

/** True for a loopback listen address (127.x, ::1, localhost): the only place auth may be off. */
export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * Loads, validates and freezes the configuration. Throws SwitchyardError naming every bad key
 * (`SWY_CONFIG_INVALID`); main turns that into a message and exit code 2.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  let raw: Record<string, unknown> = {};
  if (options.file !== undefined) raw = readFile(options.file);
  raw = merge(raw, fromEnv(options.env ?? {}));
  if (options.overrides !== undefined) raw = merge(raw, options.overrides);
  raw = withOtelEnv(raw, otelEnvLayer(options.env ?? {}));
  const candidate = structuredClone(raw);
  if (!validate(candidate)) {
    const violations: Violation[] = (validate.errors ?? []).map((e) => {
      const base = e.instancePath.split('/').filter(Boolean).join('.');
      const key = e.keyword === 'additionalProperties'
        ? [base, String((e.params as { additionalProperty: string }).additionalProperty)].filter(Boolean).join('.')
        : base;
      const reason = e.keyword === 'additionalProperties' ? 'unknown key' : e.message ?? 'invalid';
      return { path: key || '(root)', reason };
    });
    throw new SwitchyardError('SWY_CONFIG_INVALID', `invalid configuration: ${violations.map((v) => `${v.path}: ${v.reason}`).join('; ')}`, { violations });
  }
  const config = candidate as unknown as Config;
  if (!isLoopback(config.server.host) && Object.keys(config.auth.apiKeys).length === 0) {
    throw new SwitchyardError(
      'SWY_CONFIG_INSECURE_LISTEN',
      `refusing to listen on ${config.server.host} without API keys: set auth.apiKeys (key → scopes) in switchyard.yaml or SWITCHYARD_AUTH_API_KEYS, or listen on 127.0.0.1`,
    );
  }
  if (config.storage.kind === 'cluster' && config.delivery.secretKey === undefined) {
    // A key generated into each node's data directory would differ per node: a secret sealed on
    // one node could not be opened on another.
    throw new SwitchyardError('SWY_CONFIG_INVALID', 'invalid configuration: delivery.secretKey: required with storage.kind cluster (every node seals and opens secrets with the same key: 32 bytes in base64, e.g. `openssl rand -base64 32`)', {
      violations: [{ path: 'delivery.secretKey', reason: 'required with storage.kind cluster' }],
    });
  }
  return deepFreeze(config);
}
